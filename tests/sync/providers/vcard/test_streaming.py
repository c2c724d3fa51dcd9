"""The streaming card reader cuts exactly the cards of reading the whole file at once, and
holds only a chunk of the file while it does (a 100,000-card import kept every card's text for
the length of the sync before)."""

from __future__ import annotations

import codecs
import os
import tempfile
import tracemalloc
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from core.sync.providers.vcard import textio
from core.sync.providers.vcard.reader import parse_paths
from core.sync.providers.vcard.synthetic import synthetic_vcards, write_synthetic_file
from core.sync.providers.vcard.textio import iter_card_file, read_vcard_file, split_cards

_CARD = "BEGIN:VCARD\r\nVERSION:3.0\r\nUID:u{n}\r\nFN:Zoë {n}\r\nEND:VCARD\r\n"


def _whole(path: Path) -> list:
    cards, problems = split_cards(read_vcard_file(path), str(path))
    # split_cards lists problems apart: compare as sets of what each finds, in its order
    return [*cards, *problems]


def _streamed(path: Path) -> list:
    items = list(iter_card_file(path))
    return ([i for i in items if isinstance(i, textio.CardText)]
            + [i for i in items if isinstance(i, textio.CardProblem)])


_SAMPLES: dict[str, bytes] = {
    "utf8": "".join(_CARD.format(n=n) for n in range(5)).encode(),
    "utf8_bom": codecs.BOM_UTF8 + "".join(_CARD.format(n=n) for n in range(3)).encode(),
    "utf16": "".join(_CARD.format(n=n) for n in range(3)).encode("utf-16"),
    "mixed_latin1": ("".join(_CARD.format(n=n) for n in range(2)).encode()
                     + "BEGIN:VCARD\r\nFN;CHARSET=ISO-8859-1:Jürgen\r\nEND:VCARD\r\n"
                     .encode("latin-1")),
    "declared_greek": ("BEGIN:VCARD\r\nN;CHARSET=ISO-8859-7:x\r\nFN:\u03b1\u03b2\r\nEND:VCARD\r\n"
                       .encode("iso-8859-7")),
    "bom_and_invalid": (codecs.BOM_UTF8 + _CARD.format(n=1).encode()
                        + "FN:Jürgen\r\n".encode("latin-1")),
    "cr_only": _CARD.format(n=1).replace("\r\n", "\r").encode() + b"\r",
    "odd_separators": ("BEGIN:VCARD\x0bFN:a\u2028b\x85\r\nEND:VCARD\x0c"
                       "garbage\nBEGIN:VCARD\nFN:open\n").encode(),
    "stray_and_unclosed": ("junk\r\n" + _CARD.format(n=1) + "BEGIN:VCARD\r\nFN:x\r\n"
                           + _CARD.format(n=2) + "tail\r\nBEGIN:VCARD\r\n").encode(),
    "empty": b"",
}


@pytest.mark.parametrize("chunk", [1, 2, 3, 7, 64, 1 << 20])
@pytest.mark.parametrize("name", sorted(_SAMPLES))
def test_stream_equals_whole_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, name: str,
                                  chunk: int) -> None:
    """Every encoding path, line ending and problem, with read blocks cut anywhere (even
    inside a character, a "\\r\\n" pair or a BOM)."""
    monkeypatch.setattr(textio, "READ_CHUNK", chunk)
    path = tmp_path / f"{name}.vcf"
    path.write_bytes(_SAMPLES[name])
    assert _streamed(path) == _whole(path)


@settings(max_examples=150, deadline=None)
@given(parts=st.lists(st.sampled_from([
    "BEGIN:VCARD", "END:VCARD", "FN:Zoë", "N;CHARSET=ISO-8859-1:x", "\u2028", "junk", "",
]), max_size=14), ends=st.lists(st.sampled_from(["\r\n", "\n", "\r", "\x85"]), min_size=1),
    latin1=st.booleans(), chunk=st.integers(1, 9))
def test_stream_equals_whole_file_on_random_files(parts: list[str], ends: list[str],
                                                  latin1: bool, chunk: int) -> None:
    text = "".join(p + ends[i % len(ends)] for i, p in enumerate(parts))
    data = text.encode("latin-1", "replace") if latin1 else text.encode()
    old = textio.READ_CHUNK
    textio.READ_CHUNK = chunk
    try:
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / "r.vcf"
            path.write_bytes(data)
            assert _streamed(path) == _whole(path)
    finally:
        textio.READ_CHUNK = old


def test_a_file_rewritten_while_it_is_read_fails_the_read(tmp_path: Path) -> None:
    """A torn read must not complete a listing (it could make cards look deleted)."""
    path = write_synthetic_file(tmp_path / "s.vcf", 50, seed=1)
    items = iter_card_file(path)
    next(items)
    with open(path, "ab") as out:
        out.write(b"BEGIN:VCARD\r\nFN:late\r\nEND:VCARD\r\n")
    stat = path.stat()
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 10**9))
    with pytest.raises(OSError, match="changed while it was being read"):
        list(items)


def _peak_while_reading(path: Path) -> int:
    tracemalloc.start()
    try:
        count = sum(1 for _ in iter_card_file(path))
        return tracemalloc.get_traced_memory()[1] if count else 0
    finally:
        tracemalloc.stop()


def test_reading_holds_a_chunk_not_the_file(tmp_path: Path,
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(textio, "READ_CHUNK", 1 << 16)
    small = write_synthetic_file(tmp_path / "small.vcf", 1000, seed=4)
    big = write_synthetic_file(tmp_path / "big.vcf", 10000, seed=4)
    assert big.stat().st_size > 3 * (1 << 20)
    peak_small, peak_big = _peak_while_reading(small), _peak_while_reading(big)
    assert peak_big < 2 * peak_small + (1 << 20)
    assert peak_big < big.stat().st_size / 2


def test_file_problems_come_in_file_order_serial_and_parallel(tmp_path: Path) -> None:
    """Stray text and unclosed cards are reported in the batch where they occur, the same
    with and without the process pool, and a resumed listing reports only those after the
    resume point."""
    cards = [c + "END:VCARD\r\n" for c in synthetic_vcards(700, seed=9).split("END:VCARD\r\n")
             if c]
    cards.insert(10, "stray line\r\nBEGIN:VCARD\r\nFN:never closed\r\n")
    cards.insert(450, "\r\nmore stray text\r\n")
    path = tmp_path / "p.vcf"
    path.write_text("".join(cards), encoding="utf-8")

    def run(**kwargs: object) -> list[tuple[int, int, list[str]]]:
        return [(len(b.contacts), b.next_card, [str(p) for p in b.problems])
                for b in parse_paths([path], batch_size=100, **kwargs)]  # type: ignore[arg-type]

    serial = run(workers=1)
    assert run(workers=2, parallel_threshold=50) == serial
    problems = [(i, p) for i, (_, _, ps) in enumerate(serial) for p in ps]
    assert [i for i, _ in problems] == [0, 0, 4]
    assert "line 1:" not in problems[0][1] and "text outside" in problems[0][1]
    assert "has no END:VCARD" in problems[1][1] and "text outside" in problems[2][1]
    resumed = list(parse_paths([path], workers=1, batch_size=100, start=(0, 300)))
    assert [str(p) for b in resumed for p in b.problems] == [problems[2][1]]
    assert resumed[-1].next_card == serial[-1][1] == 700  # complete cards
