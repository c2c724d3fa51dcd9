"""The process-pool parse gives exactly the serial result; the synthetic generator is stable."""

from __future__ import annotations

from pathlib import Path

from core.ingest.child_rows import child_rows
from core.ingest.prepare import LeanPrepared, PreparedContact, prepare_for_write
from core.sync.contract import AccountRef
from core.sync.providers.vcard.provider import VCardProvider
from core.sync.providers.vcard.reader import parse_paths, parse_text
from core.sync.providers.vcard.synthetic import synthetic_vcards, write_synthetic_file

_BROKEN = "BEGIN:VCARD\r\nVERSION:3.0\r\nUID:broken\r\nno colon here\r\nEND:VCARD\r\n"
_NO_UID = "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Same Person\r\nEMAIL:same@example.org\r\nEND:VCARD\r\n"


def _collect(path: Path, **kwargs: object) -> tuple[list[dict], list[str], list[str], list[int]]:
    contacts, raws, problems, sizes = [], [], [], []
    for batch in parse_paths([path], **kwargs):  # type: ignore[arg-type]
        contacts += [c.canonical() for c in batch.contacts]
        raws += [c.raw for c in batch.contacts]
        problems += [str(p) for p in batch.problems]
        sizes.append(len(batch.contacts))
    return contacts, raws, problems, sizes


def test_parallel_parse_equals_serial(tmp_path: Path) -> None:
    text = synthetic_vcards(1200, seed=7)
    cards = text.split("END:VCARD\r\n")
    # a malformed card and two UID-less duplicates in the middle of a chunk
    cards.insert(600, _BROKEN[: -len("END:VCARD\r\n")])
    cards.insert(700, _NO_UID[: -len("END:VCARD\r\n")])
    cards.insert(1100, _NO_UID[: -len("END:VCARD\r\n")])
    path = tmp_path / "big.vcf"
    path.write_text("END:VCARD\r\n".join(cards), encoding="utf-8")

    serial = _collect(path, workers=1, batch_size=250)
    parallel = _collect(path, workers=2, batch_size=250, parallel_threshold=100)
    assert parallel[0] == serial[0]
    assert parallel[1] == serial[1]
    assert parallel[2] == serial[2]
    assert len(serial[0]) == 1202
    assert max(parallel[3]) <= 250
    assert any("card 601" in p for p in serial[2])
    derived = [c["external_id"] for c in serial[0] if c["external_id"].startswith("vcard-")]
    assert len(derived) == 2 and derived[1] == derived[0] + "#2"


def _prepared_view(p: PreparedContact) -> tuple:
    return (p.contact.canonical(), p.content_hash, p.data, p.fields, p.photo, p.party_row,
            [(u.handle, u.label, u.is_primary) for u in p.handles], p.match_handles)


def test_contacts_prepared_in_workers_equal_preparing_in_the_writer(tmp_path: Path) -> None:
    """``prepare_region``: what the parser processes prepare is exactly what the write path
    would prepare itself, including renamed UID-less duplicates (whose data and hash change)."""
    text = synthetic_vcards(600, seed=11) + _NO_UID + _NO_UID
    path = tmp_path / "prep.vcf"
    path.write_text(text, encoding="utf-8")
    for workers in (1, 2):
        seen = 0
        for batch in parse_paths([path], workers=workers, batch_size=200,
                                 parallel_threshold=100, prepare_region="DE"):
            assert [p.contact for p in batch.prepared] == batch.contacts
            for prepared in batch.prepared:
                expected = prepare_for_write(prepared.contact, "DE")
                assert _prepared_view(prepared) == _prepared_view(expected)
                seen += 1
        assert seen == 602
    derived = [p.contact.external_id for b in parse_paths([path], prepare_region="DE",
                                                           parallel_threshold=100)
               for p in b.prepared if p.contact.external_id.startswith("vcard-")]
    assert len(derived) == 2 and derived[1] == derived[0] + "#2"


def test_lean_hand_off_carries_everything_the_write_path_reads(tmp_path: Path) -> None:
    """``lean``: the parser processes hand over no ParsedContact, only what the writer reads;
    each part equals the full hand-off's, and the contact rebuilt on demand is the same."""
    text = synthetic_vcards(600, seed=11) + _NO_UID + _NO_UID
    path = tmp_path / "lean.vcf"
    path.write_text(text, encoding="utf-8")
    options = {"workers": 2, "batch_size": 200, "parallel_threshold": 100,
               "prepare_region": "DE"}
    full = [p for b in parse_paths([path], **options) for p in b.prepared]
    lean_batches = list(parse_paths([path], lean=True, **options))
    lean = [p for b in lean_batches for p in b.prepared]
    assert all(b.contacts == [] for b in lean_batches)
    assert max(len(b.prepared) for b in lean_batches) == 200
    assert len(lean) == len(full) == 602
    assert sum(isinstance(p, LeanPrepared) for p in lean) == 601  # the renamed one is full
    for a, b in zip(lean, full, strict=True):
        assert (a.external_id, a.etag, a.deleted, a.previous_external_ids, a.raw) == (
            b.contact.external_id, b.contact.etag, b.contact.deleted,
            b.contact.previous_external_ids, b.contact.raw)
        assert a.data_dict() == b.data and a.content_hash == b.content_hash
        assert (a.fields, a.photo, a.party_row) == (b.fields, b.photo, b.party_row)
        assert [(u.handle, u.label, u.is_primary) for u in a.handles] == [
            (u.handle, u.label, u.is_primary) for u in b.handles]
        assert a.match_handles == b.match_handles
        assert (a.children or child_rows(a.contact)) == child_rows(b.contact)
        assert a.contact.canonical() == b.contact.canonical()
        assert a.contact.raw == b.contact.raw


def test_resume_position_skips_consumed_cards(tmp_path: Path) -> None:
    path = write_synthetic_file(tmp_path / "s.vcf", 30, seed=3)
    batches = list(parse_paths([path], workers=1, batch_size=10))
    assert [b.next_card for b in batches] == [10, 20, 30, 30]
    assert batches[-1].file_done and batches[-1].contacts == []
    resumed = [c.external_id for b in parse_paths([path], workers=1, start=(0, 20))
               for c in b.contacts]
    assert resumed == [c.external_id for c in batches[2].contacts]


def test_synthetic_cards_are_deterministic_and_realistic(tmp_path: Path) -> None:
    assert synthetic_vcards(50, seed=5) == synthetic_vcards(50, seed=5)
    assert synthetic_vcards(50, seed=5) != synthetic_vcards(50, seed=6)
    contacts, problems = parse_text(synthetic_vcards(200, seed=5))
    assert problems == [] and len(contacts) == 200
    assert len({c.external_id for c in contacts}) == 200
    assert all(len(c.emails) == 2 and len(c.phones) == 1 and len(c.addresses) == 1
               for c in contacts)
    assert any(not c.name.full.isascii() for c in contacts)
    path = write_synthetic_file(tmp_path / "x.vcf", 200, seed=5)
    assert path.read_bytes() == synthetic_vcards(200, seed=5).encode("utf-8")


def test_provider_pages_through_a_large_file_with_the_pool(tmp_path: Path) -> None:
    path = write_synthetic_file(tmp_path / "big.vcf", 2500, seed=11)
    account = AccountRef(id=1, provider="vcard", account_id="big", settings={"path": str(path)})
    provider = VCardProvider(workers=2, page_size=1000)
    pages = [provider.full_sync(account, None)]
    while pages[-1].next_page_token:
        pages.append(provider.full_sync(account, pages[-1].next_page_token))
    provider.close()
    assert [len(p.contacts) for p in pages] == [1000, 1000, 500]
    assert pages[-1].complete_listing and pages[-1].next_sync_cursor
    parallel_ids = [c.external_id for p in pages for c in p.contacts]
    serial, _ = parse_text(path.read_text(encoding="utf-8"))
    assert parallel_ids == [c.external_id for c in serial]


def test_transport_carries_every_field() -> None:
    """Guards the worker transport against fields added to ParsedContact later."""
    from dataclasses import fields

    from core.ingest.parsed import ParsedContact
    from core.sync.providers.vcard.transport import pack, unpack
    from tests.sync.providers.vcard.conftest import FIXTURES, parse_file

    (contact,), _ = parse_file(FIXTURES / "apple_v30.vcf")
    contact.previous_external_ids = ["old-id"]
    contact.etag = "e1"
    assert pack(contact)[-1] is not None  # the card has an unlabelled/custom X-ABDATE
    plain = ParsedContact(external_id="p", raw="text")
    assert pack(plain)[-1] is None and unpack(pack(plain), "text") == plain
    contact.gender, contact.time_zone, contact.languages = "F", "Europe/Paris", ["fr"]
    packed = pack(contact)
    # everything but raw: the issue-14 fields travel together as the last entry
    assert len(packed) - 1 + len(packed[-1]) == len(fields(ParsedContact)) - 1
    assert unpack(packed, contact.raw) == contact
