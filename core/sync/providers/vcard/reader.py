"""Files and folders of vCards -> a stream of :class:`ParsedBatch`, in parallel when it pays.

vobject parses roughly a thousand cards a second per core, so a 100,000-card export would take
minutes in one loop. Large files are therefore cut into chunks of card texts that a process pool
parses while the caller consumes earlier batches. Results come back in file order, at most
``2 * workers`` chunks (or two batches' worth) are in flight and contacts are handed out in
batches. The file itself is read as a stream of cards (``textio.iter_card_file``), so memory
stays bounded by a few chunks, never by the size of the file or the number of contacts.
"""

from __future__ import annotations

import multiprocessing
import os
import pickle
from collections import deque
from collections.abc import Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass, field
from itertools import chain
from pathlib import Path

from core.gcpause import cyclic_gc_paused
from core.ingest.parsed import ParsedContact
from core.ingest.prepare import PreparedContact, prepare_for_write
from core.sync.providers.vcard.parse import DERIVED_ID_PREFIX, CardParseError, parse_card
from core.sync.providers.vcard.textio import (
    CardProblem,
    CardText,
    iter_card_file,
    list_vcard_files,
    split_cards,
)
from core.sync.providers.vcard.textio import estimate_cards as estimate_cards  # re-exported
from core.sync.providers.vcard.transport import (
    Packed,
    pack,
    pack_lean,
    pack_prepared,
    unpack,
    unpack_lean,
    unpack_prepared,
)

#: Files with more cards than this are parsed by a process pool (when there is more than 1 CPU).
PARALLEL_THRESHOLD = 2000
#: Cards per unit of work sent to a worker process.
CHUNK_SIZE = 500
#: Contacts per yielded batch.
BATCH_SIZE = 1000

Item = ParsedContact | CardProblem


@dataclass(slots=True)
class ParsedBatch:
    """Contacts and problems from one stretch of one file.

    ``file_index`` is the file's position in the path list; ``next_card`` counts the cards of
    that file consumed so far (resume point); ``file_done`` is set on the file's last batch.
    """

    path: str
    file_index: int
    contacts: list[ParsedContact] = field(default_factory=list)
    problems: list[CardProblem] = field(default_factory=list)
    next_card: int = 0
    file_done: bool = False
    #: With ``prepare_region``: the same contacts, prepared for the write path (in order).
    #: With ``lean`` too, ``contacts`` stays empty: each prepared contact (mostly a
    #: :class:`LeanPrepared`) builds its ParsedContact only if asked.
    prepared: list[PreparedContact] = field(default_factory=list)


def parse_card_texts(cards: list[CardText], path: str) -> list[tuple[int, Item]]:
    """Parse cards one by one as ``(position in cards, contact or problem)`` pairs.

    A card that fails becomes a :class:`CardProblem`, not an error. Module-level so a process
    pool can run it.
    """
    out: list[tuple[int, Item]] = []
    for pos, card in enumerate(cards):
        try:
            contact, warnings = parse_card(card.text)
        except CardParseError as exc:
            reason = str(exc)
            if exc.line_in_card:
                reason += f" at line {card.line + exc.line_in_card - 1}"
            out.append((pos, CardProblem(path, card.number, card.line, reason)))
            continue
        except Exception as exc:  # a vobject bug must not stop the import of the other cards
            reason = f"card could not be parsed ({type(exc).__name__}: {exc})"
            out.append((pos, CardProblem(path, card.number, card.line, reason)))
            continue
        out.extend((pos, CardProblem(path, card.number, _warning_line(card.line, w), str(w),
                                     is_warning=True)) for w in warnings)
        out.append((pos, contact))
    return out


def _warning_line(card_line: int, warning: str) -> int:
    """The file line of the property a warning is about (the card's first line if unknown)."""
    within = getattr(warning, "line_in_card", None)
    return card_line + within - 1 if within else card_line


def parse_chunk_packed(texts: list[str], numbers: list[int], lines: list[int],
                       path: str, region: str | None = None, lean: bool = False) -> bytes:
    """Worker entry point: like :func:`parse_card_texts` but contacts come back packed
    (see :mod:`transport`) and without ``raw``, which is what makes the pool pay off.

    With a ``region`` each contact is also prepared for the write path here (normalised
    handles, stored data, content hash), which takes that CPU work off the writing process;
    ``lean`` sends only what the write path reads (:func:`transport.pack_lean`).

    The result is returned pickled (``list[tuple[int, Packed | CardProblem]]``): the pool's
    result thread would otherwise unpickle every finished chunk at once, and the chunks
    parsed ahead of the writer would wait as ~100 objects per contact instead of one compact
    bytes object until the writer takes them (:func:`_results` unpickles on demand).
    """
    # Parsing allocates ~100 objects per card, nearly none in cycles: with the cyclic
    # collector on, its collections were a tenth of a parser process's CPU.
    with cyclic_gc_paused():
        cards = [CardText(n, ln, t) for t, n, ln in zip(texts, numbers, lines, strict=True)]
        out: list[tuple[int, Packed | CardProblem]] = []
        for pos, item in parse_card_texts(cards, path):
            if isinstance(item, CardProblem):
                out.append((pos, item))
            elif region is None:
                out.append((pos, pack(item)))
            elif lean:
                out.append((pos, pack_lean(prepare_for_write(item, region, data_as_text=True))))
            else:
                out.append((pos, pack_prepared(prepare_for_write(item, region))))
        return pickle.dumps(out, protocol=pickle.HIGHEST_PROTOCOL)


class _DerivedIdDeduper:
    """Gives the 2nd, 3rd... UID-less card with the same derived id a ``#n`` suffix."""

    def __init__(self) -> None:
        self._seen: dict[str, int] = {}

    def apply(self, contact: ParsedContact) -> bool:
        """Rename a repeated derived id; True when the contact's id changed."""
        renamed = self.renamed(contact.external_id)
        if renamed is not None:
            contact.external_id = renamed
        return renamed is not None

    def renamed(self, external_id: str | None) -> str | None:
        """The id to use instead of ``external_id`` (counted as seen), None to keep it."""
        ext = external_id or ""
        if not ext.startswith(DERIVED_ID_PREFIX):
            return None
        count = self._seen.get(ext, 0) + 1
        self._seen[ext] = count
        return f"{ext}#{count}" if count > 1 else None


#: A chunk of cards to parse, with the file's own problems (stray text, unclosed cards) found
#: while cutting it, each with the number of the chunk's cards that precede it.
Chunk = tuple[list[CardText], list[tuple[int, CardProblem]]]
#: A chunk's results in file order: (position of the card in the chunk, what it gave, whether
#: that card is consumed with it); a file problem precedes the card at its position.
Results = list[tuple[int, Item | PreparedContact, bool]]


def _chunks(items: Iterable[CardText | CardProblem]) -> Iterator[Chunk]:
    """Group a card stream into chunks of ``CHUNK_SIZE`` cards (the last may be smaller, or
    hold only problems)."""
    cards: list[CardText] = []
    problems: list[tuple[int, CardProblem]] = []
    for item in items:
        if isinstance(item, CardText):
            cards.append(item)
            if len(cards) == CHUNK_SIZE:
                yield cards, problems
                cards, problems = [], []
        else:
            problems.append((len(cards), item))
    if cards or problems:
        yield cards, problems


def _in_order(chunk: Chunk, parsed: list[tuple[int, Item | PreparedContact]]) -> Results:
    merged: Results = [(pos, problem, False) for pos, problem in chunk[1]]
    merged.extend((pos, item, True) for pos, item in parsed)
    merged.sort(key=lambda entry: (entry[0], entry[2]))  # stable: parse order is kept
    return merged


def _results(chunks: Iterator[Chunk], path: str, pool: ProcessPoolExecutor | None,
             in_flight: int, region: str | None,
             lean: bool = False) -> Iterator[tuple[int, Results]]:
    """(cards in the chunk, its results) per chunk, in order; parallel when a pool is given.
    With a ``region`` contacts come back as :class:`PreparedContact`."""
    if pool is None:
        for chunk in chunks:
            parsed = parse_card_texts(chunk[0], path)
            yield len(chunk[0]), _in_order(chunk, [
                (pos, item if region is None or isinstance(item, CardProblem)
                 else prepare_for_write(item, region))
                for pos, item in parsed
            ])
        return
    pending: deque[tuple[Chunk, Future[bytes] | None]] = deque()
    unpacker = unpack if region is None else unpack_lean if lean else unpack_prepared

    def collect() -> tuple[int, Results]:
        chunk, future = pending.popleft()
        cards = chunk[0]
        parsed: list[tuple[int, Packed | CardProblem]] = (
            pickle.loads(future.result()) if future is not None else [])
        return len(cards), _in_order(chunk, [
            (pos, item if isinstance(item, CardProblem) else unpacker(item, cards[pos].text))
            for pos, item in parsed
        ])

    try:
        for chunk in chunks:
            cards = chunk[0]
            pending.append((chunk, pool.submit(
                parse_chunk_packed, [c.text for c in cards], [c.number for c in cards],
                [c.line for c in cards], path, region, lean) if cards else None))
            if len(pending) >= in_flight:
                yield collect()
        while pending:
            yield collect()
    finally:
        for _, future in pending:
            if future is not None:
                future.cancel()


class SpawnPool:
    """Creates the process pool on first need and shuts it down when parsing ends."""

    def __init__(self, workers: int) -> None:
        self.workers = workers
        self.pool: ProcessPoolExecutor | None = None

    def get(self) -> ProcessPoolExecutor:
        if self.pool is None:
            # spawn: safe next to the GUI's threads and identical on Linux, macOS and Windows.
            ctx = multiprocessing.get_context("spawn")
            self.pool = ProcessPoolExecutor(max_workers=self.workers, mp_context=ctx)
        return self.pool

    def close(self) -> None:
        if self.pool is not None:
            self.pool.shutdown(wait=True, cancel_futures=True)
            self.pool = None


def default_workers() -> int:
    """Worker processes: one per CPU (the parent mostly waits on results), at most 8."""
    return max(1, min(8, os.cpu_count() or 1))


def parse_paths(
    paths: Iterable[str | Path] | str | Path,
    workers: int | None = None,
    *,
    batch_size: int = BATCH_SIZE,
    parallel_threshold: int = PARALLEL_THRESHOLD,
    start: tuple[int, int] = (0, 0),
    prepare_region: str | None = None,
    lean: bool = False,
) -> Iterator[ParsedBatch]:
    """Parse vCard files (a folder expands to its *.vcf / *.vcard files, recursively, sorted).

    Yields batches of at most ``batch_size`` contacts; every file ends with a batch whose
    ``file_done`` is set (possibly empty), so callers can track per-file state. Files with more
    than ``parallel_threshold`` cards use ``workers`` processes (default
    :func:`default_workers`; ``workers=1`` forces a serial parse). ``start`` =
    (file index, cards to skip in that file) resumes an interrupted listing. Unreadable files
    raise ``OSError``: silently skipping one would make its contacts look deleted.
    ``prepare_region`` (the region the ingest will use) also fills ``ParsedBatch.prepared``;
    ``lean`` (with it) leaves ``ParsedBatch.contacts`` empty, for a caller that only writes.
    """
    files = expand_paths([paths] if isinstance(paths, str | Path) else paths)
    holder = SpawnPool(workers if workers is not None else default_workers())
    try:
        for index, path in enumerate(files):
            if index < start[0]:
                continue
            skip = start[1] if index == start[0] else 0
            yield from _parse_one_file(path, index, skip, holder, batch_size,
                                       parallel_threshold, prepare_region,
                                       lean and prepare_region is not None)
    finally:
        holder.close()


def expand_paths(paths: Iterable[str | Path]) -> list[Path]:
    """Every vCard file named by ``paths`` (files as given, folders expanded), in order."""
    files: list[Path] = []
    for p in paths:
        files.extend(list_vcard_files(p))
    return files


def _parse_one_file(path: Path, index: int, skip: int, holder: SpawnPool, batch_size: int,
                    threshold: int, region: str | None,
                    lean: bool = False) -> Iterator[ParsedBatch]:
    name = str(path)
    items = iter_card_file(path)
    try:
        # Resuming: the first ``skip`` cards (and the problems before them) were handed out.
        seen = 0
        while seen < skip:
            item = next(items, None)
            if item is None:
                break
            seen += isinstance(item, CardText)
        # The pool pays off only for a big rest of the file: look ahead just that far.
        ahead: list[CardText | CardProblem] = []
        cards_ahead = 0
        for item in items:
            ahead.append(item)
            cards_ahead += isinstance(item, CardText)
            if cards_ahead > threshold:
                break
        use_pool = cards_ahead > threshold and holder.workers > 1
        pool = holder.get() if use_pool else None
        yield from _batches(name, index, seen, _chunks(chain(ahead, items)), pool,
                            _in_flight(holder.workers, batch_size), batch_size, region, lean)
    finally:
        items.close()


def _in_flight(workers: int, batch_size: int) -> int:
    """Chunks to keep submitted: two per worker, and at least two batches' worth, so the
    workers keep parsing the next batch while the caller writes a big one."""
    return max(2 * workers, 2 * -(-batch_size // CHUNK_SIZE))


def _batches(name: str, index: int, skipped: int, chunks: Iterator[Chunk],
             pool: ProcessPoolExecutor | None, in_flight: int, batch_size: int,
             region: str | None, lean: bool = False) -> Iterator[ParsedBatch]:
    """Hand the chunks' results out in batches of ``batch_size`` contacts; ``skipped`` cards
    of the file were consumed before the first chunk."""
    dedupe = _DerivedIdDeduper()
    batch = ParsedBatch(name, index, next_card=skipped)
    offset = skipped
    for size, results in _results(chunks, name, pool, in_flight, region, lean):
        for pos, item, consumed in results:
            if consumed:
                batch.next_card = offset + pos + 1
            if isinstance(item, CardProblem):
                batch.problems.append(item)
                continue
            if isinstance(item, PreparedContact):
                renamed = dedupe.renamed(item.external_id)
                if renamed is not None:  # the id changed: so did the data and hash
                    contact = item.contact
                    contact.external_id = renamed
                    item = prepare_for_write(contact, region or "")
                batch.prepared.append(item)
                if not lean:
                    batch.contacts.append(item.contact)
            else:
                dedupe.apply(item)
                batch.contacts.append(item)
            if max(len(batch.contacts), len(batch.prepared)) >= batch_size:
                yield batch
                batch = ParsedBatch(name, index, next_card=batch.next_card)
        offset += size
    batch.next_card = offset
    batch.file_done = True
    yield batch


def parse_text(text: str, path: str = "<text>") -> tuple[list[ParsedContact], list[CardProblem]]:
    """Parse vCard text held in memory (serial); handy for imports from the clipboard and tests."""
    cards, problems = split_cards(text, path)
    contacts: list[ParsedContact] = []
    dedupe = _DerivedIdDeduper()
    for _, item in parse_card_texts(cards, path):
        if isinstance(item, CardProblem):
            problems.append(item)
        else:
            dedupe.apply(item)
            contacts.append(item)
    return contacts, problems
