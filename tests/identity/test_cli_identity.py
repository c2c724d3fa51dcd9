"""``kith identity ...`` in-process against a real SQLite file."""

from __future__ import annotations

import json

import pytest

from app.cli import main
from core.db.engine import Database
from core.ingest.engine import ingest_contacts
from tests.match.builders import account, person


@pytest.fixture
def url(sqlite_db: Database) -> str:
    with sqlite_db.session() as s:
        ingest_contacts(s, account(s), [person("1", "Ann", "Lee", emails=("ann@x.org",))])
        s.commit()
    return sqlite_db.url


def test_identity_commands(url: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--database", url, "identity", "owner", "--name", "Ada", "--json"]) == 0
    owner = json.loads(capsys.readouterr().out)
    assert owner["is_owner"] and owner["display_name"] == "Ada"
    assert main(["--database", url, "identity", "resolve", "email", "ANN@x.org"]) == 0
    assert capsys.readouterr().out.strip() == "Ann Lee [1]"
    assert main(["--database", url, "identity", "resolve", "email", "no@x.org"]) == 1
    assert "No contact has email no@x.org" in capsys.readouterr().err
    assert main(["--database", url, "identity", "temp", "telegram", "@zed", "--json"]) == 0
    temp = json.loads(capsys.readouterr().out)
    assert (temp["created"], temp["notify_owner"]) == (True, True)
    assert temp["display_name"] == "Unknown (telegram @zed)"
    assert main(["--database", url, "identity", "preamble", "telegram", "zed"]) == 0
    assert capsys.readouterr().out.strip() == (
        f"[Source: Unknown sender (contact_id: {temp['party_id']}), via telegram"
        " -- pending disambiguation]")
    assert main(["--database", url, "identity", "preamble", "email", "ann@x.org",
                 "--channel", "mail"]) == 0
    assert capsys.readouterr().out.strip().startswith("[Source: Ann Lee (contact_id: 1, ")
    assert main(["--database", url, "identity", "notify", "email", "--contact", "1"]) == 0
    assert capsys.readouterr().out.strip() == "ann@x.org"
    assert main(["--database", url, "identity", "notify", "telegram", "--contact", "1"]) == 1
    assert "pending action" in capsys.readouterr().err
    assert main(["--database", url, "identity", "attach", str(temp["party_id"]), "1"]) == 0
    assert main(["--database", url, "identity", "resolve", "telegram", "@zed"]) == 0
    assert capsys.readouterr().out.strip().endswith("Ann Lee [1]")
