"""``VCardProvider``: a .vcf file or a folder of them as a Kith contact source.

Paging: a listing is parsed as one stream (possibly by a process pool, see ``reader``) that stays
alive between ``full_sync``/``incremental_sync`` calls of the same chain; the page token names
the chain and the position (file index, cards consumed). When the live stream is gone (a new
provider instance) a full listing resumes from the position by re-reading, and an incremental
chain raises ``CursorExpiredError`` (its deletions need the whole chain) so the runtime falls
back to a full sync.

Deletion rules: a full listing is ``complete_listing``; an incremental listing reports as
``deleted=True`` every id that was in a changed or removed file and is now in no file at all
(a card that moved between files is not deleted).
"""

from __future__ import annotations

import json
import uuid
from collections import Counter
from collections.abc import Iterator
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from pathlib import Path

from core.ingest.parsed import ParsedContact
from core.sync.contract import (
    AccountRef,
    ContactBatch,
    CursorExpiredError,
    Group,
    GroupBatch,
    ProviderError,
    TransientError,
)
from core.sync.providers.vcard.cursor import (
    FileState,
    Snapshot,
    resolve_root,
    take_snapshot,
)
from core.sync.providers.vcard.parse import read_lines
from core.sync.providers.vcard.reader import ParsedBatch, parse_paths
from core.sync.providers.vcard.textio import CardText, iter_card_file
from core.sync.providers.vcard.values import text_list

PAGE_SIZE = 1000
_MAX_LIVE_CHAINS = 4


@dataclass
class _Chain:
    """A listing in progress: the parse stream and what it has learnt so far."""

    kind: str  # "full" or "incremental"
    snapshot: Snapshot  # files being read (their stat before reading)
    keys: list[str]  # cursor key per file index of the stream
    stream: Iterator[ParsedBatch]
    base: Snapshot | None = None  # incremental: the cursor we started from
    ids: dict[str, list[str]] = field(default_factory=dict)
    groups: Counter[str] = field(default_factory=Counter)
    position: tuple[int, int] = (0, 0)
    #: Files whose ids this chain did not see entirely (resumed chain): cursor stores None.
    unknown: set[str] = field(default_factory=set)


class VCardProvider:
    """Reads ``account.settings["path"]`` (a file or folder); never writes to it."""

    def __init__(self, *, workers: int | None = None, page_size: int = PAGE_SIZE) -> None:
        self._workers = workers
        self._page_size = page_size
        self._chains: dict[str, _Chain] = {}

    # ------------------------------------------------------------------ contract

    def name(self) -> str:
        return "vcard"

    def validate_credentials(self, account: AccountRef) -> None:
        """A vCard source has no credentials: check that the path exists and is readable."""
        resolve_root(account.settings)

    def full_sync(self, account: AccountRef, page_token: str | None) -> ContactBatch:
        root = resolve_root(account.settings)
        chain_id, chain = self._resume(page_token, "full")
        if chain is None:
            snapshot, paths = take_snapshot(root)
            start = (0, 0)
            if page_token is not None:  # live stream lost: resume by position, ids unknown
                start = _token_position(page_token)
            chain = self._start("full", snapshot, paths, start, region=account.region)
            chain.unknown.update(list(paths)[: start[0] + (1 if start[1] else 0)])
        return self._page(chain_id, chain)

    def incremental_sync(
        self, account: AccountRef, cursor: str, page_token: str | None
    ) -> ContactBatch:
        root = resolve_root(account.settings)
        base = Snapshot.decode(cursor, str(root.resolve()))
        if any(state.ids is None for state in base.files.values()):
            raise CursorExpiredError("vCard cursor is incomplete; a full sync is needed")
        chain_id, chain = self._resume(page_token, "incremental")
        if chain is None:
            if page_token is not None:
                raise CursorExpiredError("vCard incremental listing was interrupted; full sync")
            current, paths = take_snapshot(root)
            changed = {k: p for k, p in paths.items()
                       if k not in base.files or not base.files[k].same_stat(current.files[k])}
            snapshot = Snapshot(current.root, {k: current.files[k] for k in changed})
            chain = self._start("incremental", snapshot, changed, (0, 0), base=base,
                                region=account.region)
            removed = set(base.files) - set(current.files)
            chain.ids.update({k: [] for k in removed})  # placeholders: removed files hold none
        return self._page(chain_id, chain)

    def list_groups(self, account: AccountRef, page_token: str | None) -> GroupBatch:
        """Every CATEGORIES value in the source with its member count, in one page."""
        root = resolve_root(account.settings)
        _, paths = take_snapshot(root)
        counts: Counter[str] = Counter()
        for path in paths.values():
            try:
                for item in iter_card_file(path):  # a stream: big files are not held
                    if isinstance(item, CardText):
                        counts.update(set(_card_categories(item.text)))
            except OSError as exc:
                raise TransientError(f"could not read vCard file {path}: {exc}") from exc
        return GroupBatch(groups=_groups(counts))

    def close(self) -> None:
        """Stop any live parse streams (and their worker processes)."""
        for chain in self._chains.values():
            _close_stream(chain.stream)
        self._chains.clear()

    # ------------------------------------------------------------------ paging

    def _resume(self, token: str | None, kind: str) -> tuple[str, _Chain | None]:
        if token is None:
            return uuid.uuid4().hex, None
        chain_id = _token_chain(token)
        chain = self._chains.pop(chain_id, None)
        if chain is not None and chain.kind != kind:
            _close_stream(chain.stream)
            chain = None
        return chain_id, chain

    def _start(self, kind: str, snapshot: Snapshot, paths: dict[str, Path],
               start: tuple[int, int], base: Snapshot | None = None, *,
               region: str = "") -> _Chain:
        # The parser processes also prepare the contacts for the ingest (in its region).
        stream = parse_paths(list(paths.values()), self._workers, start=start,
                             prepare_region=region)
        return _Chain(kind, snapshot, list(paths), stream, base=base, position=start)

    def _page(self, chain_id: str, chain: _Chain) -> ContactBatch:
        page = ContactBatch()
        try:
            for batch in chain.stream:
                key = chain.keys[batch.file_index]
                chain.ids.setdefault(key, []).extend(
                    c.external_id for c in batch.contacts if c.external_id)
                for contact in batch.contacts:
                    chain.groups.update(contact.groups)
                page.contacts.extend(batch.contacts)
                page.prepared.extend(batch.prepared)
                page.problems.extend(f"warning: {p}" if p.is_warning else str(p)
                                     for p in batch.problems)
                chain.position = (batch.file_index + (1 if batch.file_done else 0),
                                  0 if batch.file_done else batch.next_card)
                if len(page.contacts) >= self._page_size:
                    self._keep(chain_id, chain)
                    page.next_page_token = _make_token(chain_id, chain.position)
                    return page
        except OSError as exc:
            _close_stream(chain.stream)
            raise TransientError(f"could not read a vCard file: {exc}") from exc
        except BrokenProcessPool as exc:  # a worker died (out of memory...): worth a retry
            _close_stream(chain.stream)
            raise TransientError("a vCard parsing worker process stopped unexpectedly") from exc
        return self._finish(chain, page)

    def _finish(self, chain: _Chain, page: ContactBatch) -> ContactBatch:
        final = Snapshot(chain.snapshot.root)
        if chain.kind == "full":
            for key, state in chain.snapshot.files.items():
                ids = None if key in chain.unknown else chain.ids.get(key, [])
                final.files[key] = FileState(state.mtime_ns, state.size, ids)
            page.complete_listing = True
            page.groups = _groups(chain.groups)
        else:
            assert chain.base is not None
            final.files = {k: s for k, s in chain.base.files.items() if k not in chain.ids}
            for key, state in chain.snapshot.files.items():
                final.files[key] = FileState(state.mtime_ns, state.size, chain.ids.get(key, []))
            page.contacts.extend(_deletions(chain.base, final, set(chain.ids)))
        page.next_sync_cursor = final.encode()
        return page

    def _keep(self, chain_id: str, chain: _Chain) -> None:
        while len(self._chains) >= _MAX_LIVE_CHAINS:
            _close_stream(self._chains.pop(next(iter(self._chains))).stream)
        self._chains[chain_id] = chain


def _deletions(base: Snapshot, final: Snapshot, touched: set[str]) -> list[ParsedContact]:
    """Ids that lived in a changed/removed file and are now in no file: deleted at the source."""
    before = {i for key in touched if key in base.files for i in base.files[key].ids or []}
    now = {i for state in final.files.values() for i in state.ids or []}
    return [ParsedContact(external_id=i, deleted=True) for i in sorted(before - now)]


def _card_categories(card_text: str) -> list[str]:
    """CATEGORIES values of a card by a cheap line scan (no full parse)."""
    if "CATEGORIES" not in card_text.upper():
        return []
    try:
        lines = read_lines(card_text)
    except ValueError:
        return []
    return [g for ln in lines if ln.name == "CATEGORIES" for g in text_list(ln.value)]


def _groups(counts: Counter[str]) -> list[Group]:
    return [Group(external_id=name, name=name, member_count=n)
            for name, n in sorted(counts.items())]


def _make_token(chain_id: str, position: tuple[int, int]) -> str:
    return json.dumps({"chain": chain_id, "file": position[0], "card": position[1]})


def _token_chain(token: str) -> str:
    try:
        return str(json.loads(token)["chain"])
    except (ValueError, KeyError, TypeError) as exc:
        raise ProviderError("invalid vCard page token") from exc


def _token_position(token: str) -> tuple[int, int]:
    data = json.loads(token)
    return int(data["file"]), int(data["card"])


def _close_stream(stream: Iterator[ParsedBatch]) -> None:
    close = getattr(stream, "close", None)
    if close is not None:
        close()
