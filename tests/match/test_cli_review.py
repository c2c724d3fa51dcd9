"""The review commands, run in-process against a real SQLite file."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import select

from app.cli import main
from core.db.engine import Database
from core.db.models import Handle, Party, SourceRecord
from core.ingest.engine import ingest_contacts
from tests.match.builders import account, person


@pytest.fixture
def url(db: Database) -> str:
    with db.session() as s:
        a, b = account(s, "a"), account(s, "b")
        ingest_contacts(s, a, [person("1", "Robert", "Smith", emails=("rob.smith@gmail.com",),
                                      phones=("0151 11111111",), birthday=(1980, 2, 3),
                                      org="ACME")])
        ingest_contacts(s, b, [person("1", "Bob", "Smith", emails=("robsmith@googlemail.com",),
                                      birthday=(1980, 2, 3), org="Globex")])
        s.commit()
    return db.url


def _json(capsys: pytest.CaptureFixture[str]) -> object:
    return json.loads(capsys.readouterr().out)


def test_duplicates_text_and_json(url: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--database", url, "duplicates"]) == 0
    out = capsys.readouterr().out
    assert "Robert Smith [1]  <->  Bob Smith [2]" in out
    assert "Found because both have the same email address" in out
    assert "Bob is a short form of Robert" in out
    assert main(["--database", url, "duplicates", "--json", "--limit", "5"]) == 0
    [item] = _json(capsys)
    assert (item["party_a_id"], item["party_b_id"]) == (1, 2)
    assert item["probability"] > 0.99
    assert [e["field"] for e in item["explanation"]] == [
        "prior", "given", "family", "email", "birthday", "organisation"]
    assert item["score"] == round(sum(e["weight"] for e in item["explanation"]), 2)
    assert item["blocking_sentences"][0] == "Found because both have the same email address"
    assert all(s.startswith("Found because") for s in item["blocking_sentences"])
    assert main(["--database", url, "duplicates", "--json", "--min-score", "99"]) == 0
    assert _json(capsys) == []


def test_merge_unmerge_decisions_revoke(url: str, db: Database,
                                        capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--database", url, "merge", "1", "2", "--keep", "1",
                 "--field", "organization=2", "--json"]) == 0
    decision = _json(capsys)["decision_id"]
    with db.session() as s:
        assert s.get(Party, 1).organization == "Globex"
        assert s.get(Party, 2).merged_into_id == 1
    assert main(["--database", url, "decisions", "--json"]) == 0
    [entry] = _json(capsys)
    assert (entry["id"], entry["kind"], entry["is_active"]) == (decision, "merge", True)
    assert main(["--database", url, "unmerge", str(decision)]) == 0
    assert f"Undid merge {decision}" in capsys.readouterr().out
    assert main(["--database", url, "revoke", str(decision)]) == 2
    assert "already revoked" in capsys.readouterr().err
    assert main(["--database", url, "decisions"]) == 0
    out = capsys.readouterr().out
    assert "unmerge" in out and "revoked" in out


def test_merge_errors_are_user_errors(url: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--database", url, "merge", "1"]) == 2
    assert "at least two" in capsys.readouterr().err
    assert main(["--database", url, "merge", "1", "2", "--field", "name"]) == 2
    assert "NAME=ID" in capsys.readouterr().err
    assert main(["--database", url, "merge", "1", "99"]) == 2
    assert "No contact with id 99" in capsys.readouterr().err


def test_not_duplicate_link_handle_and_split(url: str, db: Database,
                                             capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--database", url, "not-duplicate", "1", "2"]) == 0
    capsys.readouterr()
    assert main(["--database", url, "duplicates", "--json"]) == 0
    assert _json(capsys) == []
    with db.session() as s:
        phone = s.scalar(select(Handle.id).where(Handle.platform == "phone"))
    assert main(["--database", url, "link", "confirm", str(phone), "2"]) == 0
    assert main(["--database", url, "link", "dismiss", str(phone), "1"]) == 0
    assert main(["--database", url, "handle", "shared", str(phone)]) == 0
    with db.session() as s:
        handle = s.get(Handle, phone)
        assert handle.is_shared and handle.party_id == 2
    capsys.readouterr()
    assert main(["--database", url, "decisions", "--json", "--active"]) == 0
    kinds = [d["kind"] for d in _json(capsys)]
    assert kinds == ["handle_shared", "link_dismiss", "link_confirm", "not_duplicate"]
    assert main(["--database", url, "merge", "1", "2"]) == 0
    with db.session() as s:
        record = s.scalar(select(SourceRecord.id).where(SourceRecord.account_id == 2))
    assert main(["--database", url, "split", str(record)]) == 0
    assert "is now contact" in capsys.readouterr().out
