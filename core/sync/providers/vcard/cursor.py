"""The vCard incremental cursor: which files were read, in which state, holding which UIDs.

A folder of .vcf files has no sync token, so the cursor is a snapshot: for every file its
``(mtime_ns, size)`` when it was read and the external ids it held. The next incremental sync
re-reads only files whose stat changed and computes deletions from the id sets. Ids are kept
because a vanished card leaves no trace in the file anymore.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from pathlib import Path

from core.sync.contract import CursorExpiredError, ProviderError
from core.sync.providers.vcard.textio import list_vcard_files

CURSOR_VERSION = 1


@dataclass(slots=True)
class FileState:
    """One file's stat when read and the ids it held (None when unknown, e.g. resumed chain)."""

    mtime_ns: int
    size: int
    ids: list[str] | None = None

    def same_stat(self, other: FileState) -> bool:
        return self.mtime_ns == other.mtime_ns and self.size == other.size


@dataclass(slots=True)
class Snapshot:
    """The vCard root and the state of each file below it, keyed by relative POSIX path."""

    root: str
    files: dict[str, FileState] = field(default_factory=dict)

    def encode(self) -> str:
        payload = {
            "v": CURSOR_VERSION,
            "root": self.root,
            "files": {k: [s.mtime_ns, s.size, s.ids] for k, s in sorted(self.files.items())},
        }
        return json.dumps(payload, ensure_ascii=False, separators=(",", ":"))

    @classmethod
    def decode(cls, cursor: str, root: str) -> Snapshot:
        """Parse a cursor; anything unusable (other root, old format) means "sync fully"."""
        try:
            payload = json.loads(cursor)
            if payload.get("v") != CURSOR_VERSION:
                raise ValueError("cursor version")
            files = {
                str(k): FileState(int(v[0]), int(v[1]), None if v[2] is None
                                  else [str(i) for i in v[2]])
                for k, v in payload["files"].items()
            }
            stored_root = str(payload["root"])
        except (ValueError, KeyError, TypeError, IndexError, AttributeError) as exc:
            raise CursorExpiredError("vCard cursor is unreadable; a full sync is needed") from exc
        if stored_root != root:
            raise CursorExpiredError("vCard path changed since the last sync; full sync needed")
        return cls(stored_root, files)


def resolve_root(settings: dict[str, object]) -> Path:
    """The configured file or folder, checked to exist (ProviderError with the reason if not)."""
    raw = settings.get("path")
    if not raw or not isinstance(raw, str | os.PathLike):
        raise ProviderError("The vCard account has no file or folder path configured.")
    root = Path(raw).expanduser()
    if not root.exists():
        raise ProviderError(f"vCard file or folder not found: {root}. Check that it still exists "
                            "or choose it again in the account settings.")
    if not os.access(root, os.R_OK):
        raise ProviderError(f"vCard file or folder is not readable: {root}. Check permissions.")
    return root


def relative_key(root: Path, path: Path) -> str:
    """Cursor key of ``path``: relative to a folder root, the file name for a file root."""
    if root.is_file():
        return path.name
    return path.relative_to(root).as_posix()


def take_snapshot(root: Path) -> tuple[Snapshot, dict[str, Path]]:
    """Stat every vCard file now (before reading, so a write during the read is seen next time)."""
    snapshot = Snapshot(str(root.resolve()))
    paths: dict[str, Path] = {}
    for path in list_vcard_files(root):
        try:
            st = path.stat()
        except FileNotFoundError:
            continue  # vanished between listing and stat: treat as gone
        key = relative_key(root, path)
        snapshot.files[key] = FileState(st.st_mtime_ns, st.st_size)
        paths[key] = path
    return snapshot, paths
