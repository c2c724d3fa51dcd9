"""``kith sources add carddav`` as users run it, against real servers on loopback: several
address books of one account, re-adding, checking the login first, re-entering a password,
one keyring entry per source (and per database), errors printed once."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from app.cli import main
from tests.emulators.memory_keyring import MemoryKeyring, memory_keyring
from tests.servers.radicale import AUTH_PASSWORD, RadicaleServer, make_vcard, run_radicale

Kith = Callable[..., tuple[int, str, str]]


@pytest.fixture
def keyring_backend() -> MemoryKeyring:
    yield from memory_keyring()


def _kith_for(url: str, capsys) -> Kith:
    def run(*argv: str) -> tuple[int, str, str]:
        code = main(["--database", url, *argv])
        out, err = capsys.readouterr()
        return code, out, err
    return run


@pytest.fixture
def kith(sqlite_migrated_url, capsys) -> Kith:
    return _kith_for(sqlite_migrated_url, capsys)


@pytest.fixture
def two_books(tmp_path: Path, monkeypatch) -> RadicaleServer:
    """Radicale checking passwords, user alice with "Contacts" (3 cards) and "Work" (2)."""
    monkeypatch.setenv("KITH_CARDDAV_PASSWORD", AUTH_PASSWORD)
    monkeypatch.setattr("sys.stdin.isatty", lambda: False, raising=False)
    with run_radicale(tmp_path / "radicale", with_auth=True) as server:
        server.create_addressbook("contacts", "Contacts")
        server.create_addressbook("work", "Work")
        for index in range(3):
            server.put_card("contacts", f"c{index}", make_vcard(index))
        for index in range(2):
            server.put_card("work", f"w{index}", make_vcard(100 + index))
        yield server


def _sources(kith: Kith) -> list[dict]:
    code, out, _ = kith("sources", "list", "--json")
    assert code == 0
    return json.loads(out)


def test_two_books_of_one_account_are_two_sources(kith, two_books, keyring_backend) -> None:
    server = two_books
    add = ("sources", "add", "carddav", server.url, "--user", server.user)

    code, out, err = kith(*add)
    assert code == 2 and _sources(kith) == []
    assert "2 address books" in err and "Contacts (/alice/contacts/)" in err
    assert "Work (/alice/work/)" in err and "--addressbook" in err and "--all" in err

    code, out, err = kith(*add, "--addressbook", "Work")
    assert code == 0, err
    assert "Added carddav source 1: Work on 127.0.0.1 (address book /alice/work/)" in out
    code, out, err = kith(*add, "--addressbook", "/alice/contacts/")
    assert code == 0 and "Added carddav source 2: Contacts on 127.0.0.1" in out

    # Re-adding says so and changes nothing (the old bug repointed source 1).
    before = _sources(kith)
    code, out, _ = kith(*add, "--addressbook", "Contacts")
    assert code == 0
    assert out.startswith("Source 2 (Contacts on 127.0.0.1) already exists; nothing changed")
    assert "kith sources edit 2" in out
    code, out, _ = kith(*add, "--all")
    assert out.count("already exists") == 2 and "Added" not in out
    assert _sources(kith) == before
    assert [(s["display_name"], s["addressbook"]) for s in before] == [
        ("Work on 127.0.0.1", "/alice/work/"), ("Contacts on 127.0.0.1", "/alice/contacts/")]
    assert len(keyring_backend.entries) == 2  # one entry per source

    code, out, err = kith("sync")
    assert code == 0, err
    assert "Work on 127.0.0.1: full sync: 2 added" in out
    assert "Contacts on 127.0.0.1: full sync: 3 added" in out
    assert [s["live_records"] for s in _sources(kith)] == [2, 3]


def test_all_adds_every_book(kith, two_books, keyring_backend) -> None:
    code, out, err = kith("sources", "add", "carddav", two_books.url, "--user",
                          two_books.user, "--all")
    assert code == 0, err
    assert out.count("Added carddav source") == 2
    assert {s["addressbook"] for s in _sources(kith)} == {"/alice/contacts/", "/alice/work/"}


def test_several_books_on_a_terminal_are_listed_and_asked(kith, two_books, keyring_backend,
                                                          monkeypatch) -> None:
    monkeypatch.setattr("sys.stdin.isatty", lambda: True, raising=False)
    monkeypatch.setattr("builtins.input", lambda prompt: "2")
    code, out, err = kith("sources", "add", "carddav", two_books.url, "--user",
                          two_books.user)
    assert code == 0, err
    assert "1. Contacts  (/alice/contacts/)" in out and "2. Work  (/alice/work/)" in out
    assert [s["display_name"] for s in _sources(kith)] == ["Work on 127.0.0.1"]


def test_unknown_book_names_the_available_ones(kith, two_books, keyring_backend) -> None:
    code, _, err = kith("sources", "add", "carddav", two_books.url, "--user", two_books.user,
                        "--addressbook", "Family")
    assert code == 2 and "nothing was added" in err
    assert "'Family' was not found; available: Contacts, Work" in err
    assert _sources(kith) == [] and keyring_backend.entries == {}


def test_wrong_password_adds_nothing_then_password_command(kith, two_books, keyring_backend,
                                                           monkeypatch) -> None:
    server = two_books
    add = ("sources", "add", "carddav", server.book_url("work"), "--user", server.user)
    monkeypatch.setenv("KITH_CARDDAV_PASSWORD", "wrong")
    code, out, err = kith(*add)
    assert code == 2 and "nothing was added" in err and "rejected the login" in err
    assert "wrong" not in err.replace("wrong password", "")
    assert _sources(kith) == [] and keyring_backend.entries == {}

    # Offline setup: stored unchecked; the first sync reports the login and names the fix.
    code, out, err = kith(*add, "--no-check")
    assert code == 0 and "Added carddav source 1" in out
    code, out, err = kith("sync", "1")
    assert code == 1
    assert "`kith sources password 1`" in err
    assert err.count("rejected the login") == 1  # printed once (not also by the log)
    [status] = json.loads(kith("status", "--json")[1])
    assert status["waits_for_owner"] and "kith sources password 1" in status["last_error"]

    monkeypatch.setenv("KITH_CARDDAV_PASSWORD", "still wrong")
    code, _, err = kith("sources", "password", "1")
    assert code == 2 and "the password was not changed" in err
    monkeypatch.setenv("KITH_CARDDAV_PASSWORD", AUTH_PASSWORD)
    code, out, err = kith("sources", "password", "1")
    assert code == 0 and "Stored the new password for source 1" in out
    assert list(keyring_backend.entries.values()) == [AUTH_PASSWORD]
    [status] = json.loads(kith("status", "--json")[1])
    assert not status["waits_for_owner"] and status["next_run"]  # due again at once
    code, out, err = kith("sync", "1")
    assert code == 0 and "2 added" in out


def test_two_databases_never_share_a_keyring_entry(two_books, keyring_backend, tmp_path,
                                                   sqlite_migrated_url, capsys) -> None:
    import shutil

    other_url = f"sqlite:///{tmp_path / 'other.sqlite'}"
    shutil.copyfile(sqlite_migrated_url.removeprefix("sqlite:///"),
                    other_url.removeprefix("sqlite:///"))
    first, second = _kith_for(sqlite_migrated_url, capsys), _kith_for(other_url, capsys)
    add = ("sources", "add", "carddav", two_books.url, "--user", two_books.user,
           "--addressbook", "Work")
    assert first(*add)[0] == 0 and second(*add)[0] == 0
    assert len(keyring_backend.entries) == 2

    assert first("sources", "remove", "1")[0] == 0
    assert len(keyring_backend.entries) == 1  # only the first database's entry went
    code, out, err = second("sync")
    assert code == 0 and "2 added" in out, err


def test_source_added_before_per_book_keys_is_recognised(kith, two_books, keyring_backend,
                                                         sqlite_migrated_url) -> None:
    """A source from an older Kith (key user@URL, book chosen by its setting) reads the same
    book as a new ``--addressbook`` add: reported as existing, not added twice."""
    from core.db.engine import open_database
    from core.sync.sources import add_source

    db = open_database(sqlite_migrated_url)
    with db.session() as s:
        add_source(s, "carddav", f"alice@{two_books.url}",
                   {"url": two_books.url, "username": "alice", "addressbook": "Work"},
                   "alice @ old")
        s.commit()
    db.dispose()
    add = ("sources", "add", "carddav", two_books.url, "--user", "alice")
    code, out, _ = kith(*add, "--addressbook", "/alice/work/")
    assert code == 0 and out.startswith("Source 1 (alice @ old) already exists")
    code, out, _ = kith(*add, "--addressbook", "Contacts")
    assert code == 0 and "Added carddav source 2: Contacts on 127.0.0.1" in out
