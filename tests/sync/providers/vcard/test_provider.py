"""VCardProvider against real files and folders: paging, cursors, changes and deletions."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest

from core.sync.contract import AccountRef, ContactBatch, CursorExpiredError, ProviderError
from core.sync.providers.vcard.provider import VCardProvider
from tests.sync.providers.vcard.conftest import FIXTURES


def _card(uid: str, name: str, categories: str = "") -> str:
    extra = f"CATEGORIES:{categories}\r\n" if categories else ""
    return (f"BEGIN:VCARD\r\nVERSION:3.0\r\nUID:{uid}\r\nFN:{name}\r\n{extra}"
            "END:VCARD\r\n")


def _account(path: Path) -> AccountRef:
    return AccountRef(id=1, provider="vcard", account_id=str(path), settings={"path": str(path)})


def _full(provider: VCardProvider, account: AccountRef) -> list[ContactBatch]:
    pages = [provider.full_sync(account, None)]
    while pages[-1].next_page_token:
        pages.append(provider.full_sync(account, pages[-1].next_page_token))
    return pages


def _incremental(provider: VCardProvider, account: AccountRef, cursor: str) -> list[ContactBatch]:
    pages = [provider.incremental_sync(account, cursor, None)]
    while pages[-1].next_page_token:
        pages.append(provider.incremental_sync(account, cursor, pages[-1].next_page_token))
    return pages


def _bump(path: Path, text: str) -> None:
    """Rewrite a file and move its mtime forward so the change is visible on any filesystem."""
    st = path.stat()
    path.write_text(text, encoding="utf-8")
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns + 2_000_000_000))


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    root = tmp_path / "cards"
    (root / "sub").mkdir(parents=True)
    (root / "a.vcf").write_text(_card("a1", "Ann", "Friends") + _card("a2", "Ada"), "utf-8")
    (root / "sub" / "b.vcard").write_text(_card("b1", "Bob", "Friends,Work"), "utf-8")
    (root / "notes.txt").write_text("not a card", "utf-8")
    return root


def test_full_sync_pages_and_complete_listing(folder: Path) -> None:
    provider = VCardProvider(workers=1, page_size=2)
    pages = _full(provider, _account(folder))
    assert len(pages) == 2
    assert [c.external_id for p in pages for c in p.contacts] == ["a1", "a2", "b1"]
    assert not pages[0].complete_listing and pages[0].next_sync_cursor is None
    last = pages[-1]
    assert last.complete_listing and last.next_sync_cursor
    assert {(g.name, g.member_count) for g in last.groups} == {("Friends", 2), ("Work", 1)}
    files = json.loads(last.next_sync_cursor)["files"]
    assert files["a.vcf"][2] == ["a1", "a2"] and files["sub/b.vcard"][2] == ["b1"]


def test_full_sync_resumes_from_token_in_a_new_provider(folder: Path) -> None:
    first = VCardProvider(workers=1, page_size=2).full_sync(_account(folder), None)
    fresh = VCardProvider(workers=1, page_size=2)
    rest = fresh.full_sync(_account(folder), first.next_page_token)
    assert [c.external_id for c in rest.contacts] == ["b1"]
    assert rest.complete_listing
    # ids of a.vcf were not seen by this chain: the cursor cannot serve incremental syncs
    with pytest.raises(CursorExpiredError):
        fresh.incremental_sync(_account(folder), rest.next_sync_cursor or "", None)


def test_incremental_folder_changes(folder: Path) -> None:
    provider = VCardProvider(workers=1, page_size=1)  # one contact per page: paging exercised
    account = _account(folder)
    cursor = _full(provider, account)[-1].next_sync_cursor or ""

    # nothing changed: an empty batch and a usable cursor
    (unchanged,) = _incremental(provider, account, cursor)
    assert unchanged.contacts == [] and unchanged.next_sync_cursor

    # modify a.vcf (a2 vanishes, a3 appears), add c.vcf, touch b.vcard without changes
    _bump(folder / "a.vcf", _card("a1", "Ann Changed") + _card("a3", "Abe"))
    (folder / "c.vcf").write_text(_card("c1", "Cy"), "utf-8")
    b = folder / "sub" / "b.vcard"
    os.utime(b, ns=(b.stat().st_atime_ns, b.stat().st_mtime_ns + 5_000_000_000))
    pages = _incremental(provider, account, unchanged.next_sync_cursor or "")
    assert len(pages) >= 4 and all(p.next_sync_cursor is None for p in pages[:-1])
    contacts = [c for p in pages for c in p.contacts]
    live = {c.external_id: c for c in contacts if not c.deleted}
    assert set(live) == {"a1", "a3", "b1", "c1"}  # touched b.vcard is re-read
    assert live["a1"].name.full == "Ann Changed"
    assert [c.external_id for c in contacts if c.deleted] == ["a2"]
    assert not pages[-1].complete_listing
    cursor = pages[-1].next_sync_cursor or ""

    # delete a file: its cards are reported deleted, but a card moved to another file is not
    _bump(folder / "c.vcf", _card("c1", "Cy") + _card("a1", "Ann Moved"))
    (folder / "a.vcf").unlink()
    contacts = [c for p in _incremental(provider, account, cursor) for c in p.contacts]
    assert sorted(c.external_id for c in contacts if c.deleted) == ["a3"]
    assert {c.external_id for c in contacts if not c.deleted} == {"c1", "a1"}


def test_incremental_single_file(tmp_path: Path) -> None:
    path = tmp_path / "all.vcf"
    path.write_text(_card("x1", "X") + _card("x2", "Y"), "utf-8")
    provider = VCardProvider(workers=1)
    account = _account(path)
    cursor = _full(provider, account)[-1].next_sync_cursor or ""
    (same,) = _incremental(provider, account, cursor)
    assert same.contacts == []
    _bump(path, _card("x2", "Y2"))
    (changed,) = _incremental(provider, account, same.next_sync_cursor or "")
    assert [(c.external_id, c.deleted) for c in changed.contacts] == [("x2", False),
                                                                       ("x1", True)]


def test_cursor_of_another_path_or_garbage_expires(folder: Path, tmp_path: Path) -> None:
    provider = VCardProvider(workers=1)
    cursor = _full(provider, _account(folder))[-1].next_sync_cursor or ""
    other = tmp_path / "other"
    shutil.copytree(folder, other)
    with pytest.raises(CursorExpiredError):
        provider.incremental_sync(_account(other), cursor, None)
    with pytest.raises(CursorExpiredError):
        provider.incremental_sync(_account(folder), "not json", None)


def test_missing_path_is_a_clear_provider_error(tmp_path: Path) -> None:
    provider = VCardProvider(workers=1)
    account = _account(tmp_path / "nope.vcf")
    with pytest.raises(ProviderError, match="not found"):
        provider.validate_credentials(account)
    with pytest.raises(ProviderError, match="not found"):
        provider.full_sync(account, None)
    with pytest.raises(ProviderError, match="no file or folder"):
        provider.validate_credentials(AccountRef(1, "vcard", "x", settings={}))


def test_problems_and_groups_from_fixture_folder(tmp_path: Path) -> None:
    root = tmp_path / "fx"
    root.mkdir()
    for name in ("malformed_middle.vcf", "apple_v30.vcf"):
        shutil.copy(FIXTURES / name, root / name)
    provider = VCardProvider(workers=1)
    (page,) = _full(provider, _account(root))
    assert len(page.contacts) == 4
    assert any("malformed_middle.vcf: card 2, line 8" in p for p in page.problems)
    groups = provider.list_groups(_account(root), None)
    assert {(g.name, g.member_count) for g in groups.groups} == {
        ("Friends", 1), ("Apple, Inc. people", 1)}
    assert provider.name() == "vcard"
