"""The column mapping of one file: detected defaults, the owner's choices, and its memory.

A mapping is stored as ``{column header: target text}`` (only what differs from nothing:
skipped columns are stored as ``skip`` so a remembered "don't import" sticks). It lives in the
CSV account's settings, so the same file imported again (CLI or GUI) or synced as a source
uses the same choices.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping

from core.sync.providers.csvfile.detect import CsvLayout
from core.sync.providers.csvfile.formats import default_targets, norm
from core.sync.providers.csvfile.targets import Target, parse_target


class MappingError(ValueError):
    """A ``column=field`` choice names a column the file lacks or a field Kith lacks."""


def parse_map_options(options: list[str]) -> dict[str, str]:
    """``["Member=name.full", "Mobil=phone:mobile"]`` -> a mapping (fields checked)."""
    out: dict[str, str] = {}
    for option in options:
        column, sep, field = option.rpartition("=")
        if not sep or not column.strip():
            raise MappingError(f"--map {option!r}: expected COLUMN=FIELD, e.g. 'Mail=email'")
        try:
            out[column.strip()] = parse_target(field).text()
        except ValueError as exc:
            raise MappingError(f"--map {option!r}: {exc}") from None
    return out


def resolve_targets(layout: CsvLayout, chosen: Mapping[str, str] | None, *,
                    strict: bool = True) -> list[Target]:
    """One target per column: the format's defaults overridden by ``chosen`` (matched by
    header, case and spacing ignored). MappingError names a column the file does not have;
    with ``strict=False`` (a remembered mapping, the file's columns may have changed since)
    such a column is ignored."""
    targets = default_targets(layout.format, layout.headers)
    if not chosen:
        return targets
    index: dict[str, list[int]] = {}
    for i, header in enumerate(layout.headers):
        index.setdefault(norm(header), []).append(i)
    for column, text in chosen.items():
        cols = index.get(norm(column))
        if cols is None and not strict:
            continue
        if cols is None:
            raise MappingError(f"the file has no column {column!r}; its columns are: "
                               + ", ".join(h for h in layout.headers if h))
        try:
            target = parse_target(text)
        except ValueError as exc:
            raise MappingError(f"column {column!r}: {exc}") from None
        for i in cols:
            targets[i] = target
    return targets


def mapping_of(layout: CsvLayout, targets: list[Target]) -> dict[str, str]:
    """The mapping to remember: every column's target text by header."""
    return {h: t.text() for h, t in zip(layout.headers, targets, strict=True) if h}


def mapping_signature(targets: list[Target]) -> str:
    """A short digest of a mapping: part of each row's change marker, so a remapped column
    re-reads every row instead of being mistaken for "unchanged"."""
    text = json.dumps([t.text() for t in targets])
    return hashlib.blake2b(text.encode(), digest_size=6).hexdigest()


def has_identity(targets: list[Target]) -> bool:
    """Whether any column can name a contact (a name, email, phone or company)."""
    return any((t.kind in ("name", "email", "phone") and t.part != "label")
               or (t.kind == "org" and t.part == "name") for t in targets)
