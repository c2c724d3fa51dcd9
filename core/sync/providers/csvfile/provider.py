"""``CsvProvider``: a CSV file as a contact source that Kith re-reads when it changes.

A CSV export has no sync token, so the cursor is the file's stat (and the mapping's digest)
when it was read: an incremental sync of an unchanged file returns nothing; a changed file
(or a changed mapping) raises ``CursorExpiredError`` and the runtime reads it fully, which is
a complete listing, so rows that left the file are handled by the account's delete policy.
Pages come from one live row stream per chain; a chain whose stream was lost (a new provider
instance) is resumed by reading the file again up to its position.
"""

from __future__ import annotations

import json
import os
import uuid
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from core.sync.contract import (
    AccountRef,
    ContactBatch,
    CursorExpiredError,
    Group,
    GroupBatch,
    ProviderError,
    TransientError,
)
from core.sync.providers.csvfile.columns import MappingError, mapping_signature, resolve_targets
from core.sync.providers.csvfile.detect import CsvFileError, CsvLayout, inspect_csv
from core.sync.providers.csvfile.reader import CsvRow, iter_rows
from core.sync.providers.csvfile.targets import Target

PAGE_SIZE = 1000
CURSOR_VERSION = 1
_MAX_LIVE_CHAINS = 4


@dataclass
class _Chain:
    rows: Iterator[CsvRow]
    cursor: str
    position: int = 0  # rows consumed
    groups: Counter[str] = field(default_factory=Counter)
    known: dict[str, str] = field(default_factory=dict)


def _path(account: AccountRef) -> Path:
    raw = account.settings.get("path")
    if not raw or not isinstance(raw, str):
        raise ProviderError("The CSV source has no file configured.")
    path = Path(raw).expanduser()
    if not path.is_file():
        raise ProviderError(f"CSV file not found: {path}. Check that it still exists or add "
                            "it again.")
    if not os.access(path, os.R_OK):
        raise ProviderError(f"CSV file is not readable: {path}. Check its permissions.")
    return path


def _cursor(path: Path, targets: list[Target]) -> str:
    st = path.stat()
    return json.dumps({"v": CURSOR_VERSION, "path": str(path.resolve()),
                       "mtime_ns": st.st_mtime_ns, "size": st.st_size,
                       "mapping": mapping_signature(targets)}, separators=(",", ":"))


class CsvProvider:
    """Reads ``account.settings["path"]`` with ``settings["mapping"]``; never writes it."""

    def __init__(self, *, page_size: int = PAGE_SIZE,
                 known_etags: Callable[[AccountRef], dict[str, str]] | None = None) -> None:
        """``known_etags(account)``: external id -> etag Kith holds; rows with the same etag
        are reported as unchanged ids instead of being sent again."""
        self._page_size = page_size
        self._known = known_etags
        self._chains: dict[str, _Chain] = {}

    def name(self) -> str:
        return "csv"

    def validate_credentials(self, account: AccountRef) -> None:
        """No credentials: the file must exist and read as CSV with a usable mapping."""
        self._open(account)

    def _open(self, account: AccountRef) -> tuple[Path, CsvLayout, list[Target]]:
        path = _path(account)
        try:
            layout = inspect_csv(path)
            targets = resolve_targets(layout, account.settings.get("mapping") or None,
                                      strict=False)
        except (CsvFileError, MappingError) as exc:
            raise ProviderError(str(exc)) from None
        except OSError as exc:
            raise TransientError(f"could not read CSV file {path}: {exc}") from exc
        return path, layout, targets

    def full_sync(self, account: AccountRef, page_token: str | None) -> ContactBatch:
        chain_id, chain = self._resume(page_token)
        if chain is None:
            path, layout, targets = self._open(account)
            cursor = _cursor(path, targets)  # before reading: a write meanwhile is seen next
            rows = iter_rows(layout, targets, signature=mapping_signature(targets))
            chain = _Chain(rows, cursor, known=self._known(account) if self._known else {})
            skip = _token_position(page_token) if page_token else 0
            for _ in range(skip):  # stream lost: read again up to the position
                row = next(rows, None)
                if row is not None and row.contact is not None:
                    chain.groups.update(row.contact.groups)
            chain.position = skip
        return self._page(chain_id, chain)

    def incremental_sync(self, account: AccountRef, cursor: str,
                         page_token: str | None) -> ContactBatch:
        path, _layout, targets = self._open(account)
        try:
            stored = json.loads(cursor)
        except ValueError:
            stored = None
        if stored != json.loads(_cursor(path, targets)):
            raise CursorExpiredError("the CSV file or its mapping changed; reading it again")
        return ContactBatch(next_sync_cursor=cursor)

    def list_groups(self, account: AccountRef, page_token: str | None) -> GroupBatch:
        _path_, layout, targets = self._open(account)
        counts: Counter[str] = Counter()
        for row in iter_rows(layout, targets, keep_raw=False):
            if row.contact is not None:
                counts.update(row.contact.groups)
        return GroupBatch(groups=_groups(counts))

    def close(self) -> None:
        for chain in self._chains.values():
            _close(chain.rows)
        self._chains.clear()

    # ------------------------------------------------------------------ paging

    def _resume(self, token: str | None) -> tuple[str, _Chain | None]:
        if token is None:
            return uuid.uuid4().hex, None
        try:
            chain_id = str(json.loads(token)["chain"])
        except (ValueError, KeyError, TypeError) as exc:
            raise ProviderError("invalid CSV page token") from exc
        return chain_id, self._chains.pop(chain_id, None)

    def _page(self, chain_id: str, chain: _Chain) -> ContactBatch:
        unchanged: list[str] = []
        page = ContactBatch(checkpoint={"unchanged": unchanged})
        try:
            for row in chain.rows:
                chain.position += 1
                page.problems.extend(str(p) for p in row.problems)
                contact = row.contact
                if contact is None:
                    continue
                chain.groups.update(contact.groups)
                if chain.known.get(contact.external_id or "") == contact.etag:
                    unchanged.append(contact.external_id or "")
                else:
                    page.contacts.append(contact)
                if len(page.contacts) + len(unchanged) >= self._page_size:
                    while len(self._chains) >= _MAX_LIVE_CHAINS:
                        _close(self._chains.pop(next(iter(self._chains))).rows)
                    self._chains[chain_id] = chain
                    page.next_page_token = json.dumps({"chain": chain_id,
                                                       "row": chain.position})
                    return page
        except OSError as exc:
            _close(chain.rows)
            raise TransientError(f"could not read the CSV file: {exc}") from exc
        except UnicodeDecodeError as exc:
            _close(chain.rows)
            raise ProviderError(f"the CSV file changed encoding while being read: {exc}") \
                from None
        page.complete_listing = True
        page.groups = _groups(chain.groups)
        page.next_sync_cursor = chain.cursor
        return page


def _token_position(token: str) -> int:
    try:
        return int(json.loads(token)["row"])
    except (ValueError, KeyError, TypeError) as exc:
        raise ProviderError("invalid CSV page token") from exc


def _groups(counts: Counter[str]) -> list[Group]:
    return [Group(external_id=name, name=name, member_count=n)
            for name, n in sorted(counts.items())]


def _close(rows: Iterator[CsvRow]) -> None:
    close = getattr(rows, "close", None)
    if close is not None:
        close()
