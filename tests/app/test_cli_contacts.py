"""``kith import/export/list/show/stats/resolve`` end to end on a real SQLite file."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from app.cli import main
from core.db.engine import open_database
from core.views.party import list_party_ids, party_detail

DEMO = Path(__file__).resolve().parents[2] / "resources" / "demo"

CARDS = (
    "BEGIN:VCARD\r\nVERSION:3.0\r\nUID:one\r\nN:Lovelace;Ada;;;\r\nFN:Ada Lovelace\r\n"
    "EMAIL;TYPE=INTERNET:Ada@Example.com\r\nTEL;TYPE=CELL:(202) 555-0143\r\n"
    "ORG:Analytical Engines;\r\nBDAY:1815-12-10\r\nEND:VCARD\r\n"
    "BEGIN:VCARD\r\nVERSION:3.0\r\nUID:two\r\nFN:Broken\r\nTHIS LINE HAS NO COLON\r\n"
    "END:VCARD\r\n"
    "BEGIN:VCARD\r\nVERSION:4.0\r\nUID:three\r\nFN:Charles Babbage\r\nN:Babbage;Charles;;;\r\n"
    "EMAIL:charles@example.com\r\nEND:VCARD\r\n"
)


@pytest.fixture
def dbarg(tmp_path) -> list[str]:
    return ["--database", f"sqlite:///{tmp_path / 'cli.sqlite'}"]


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_import_reports_summary_and_bad_cards(tmp_path, dbarg, capsys):
    path = tmp_path / "people.vcf"
    path.write_text(CARDS, encoding="utf-8")
    code, out, err = run(capsys, *dbarg, "import", str(path), "--region", "US")
    assert code == 0
    assert "2 added" in out and "0 updated" in out
    assert "people.vcf" in err and "card 2" in err and "line" in err
    code, out, _ = run(capsys, *dbarg, "import", str(path), "--region", "US")
    assert "0 added" in out and "2 unchanged" in out


def test_import_of_nothing_readable_fails(tmp_path, dbarg, capsys):
    code, _, err = run(capsys, *dbarg, "import", str(tmp_path / "missing.vcf"))
    assert code != 0 and "missing.vcf" in err


def test_list_show_stats_resolve_json(tmp_path, dbarg, capsys):
    path = tmp_path / "people.vcf"
    path.write_text(CARDS, encoding="utf-8")
    run(capsys, *dbarg, "import", str(path), "--region", "US")
    code, out, _ = run(capsys, *dbarg, "list", "--search", "lovelace", "--json")
    rows = json.loads(out)
    assert [r["display_name"] for r in rows] == ["Ada Lovelace"]
    pid = rows[0]["id"]
    code, out, _ = run(capsys, *dbarg, "show", str(pid), "--json")
    party = json.loads(out)
    assert party["given_name"] == "Ada" and party["family_name"] == "Lovelace"
    assert party["emails"] == ["ada@example.com"] and party["phones"] == ["+12025550143"]
    assert party["organization"] == "Analytical Engines" and party["birthday"] == "1815-12-10"
    assert party["source_records"][0]["external_id"] == "one"
    handle = next(h for h in party["handles"] if h["platform"] == "phone")
    assert handle["resolved_owner"] == pid and handle["confirmed"] is False
    code, out, _ = run(capsys, *dbarg, "stats", "--json")
    stats = json.loads(out)
    assert (stats["parties"], stats["source_records"], stats["contested_handles"]) == (2, 2, 0)
    code, out, _ = run(capsys, *dbarg, "resolve", "phone", "+1 202-555-0143", "--json")
    assert code == 0 and json.loads(out)["contact"]["party_id"] == pid
    code, out, _ = run(capsys, *dbarg, "resolve", "email", "nobody@example.com", "--json")
    assert code == 1 and json.loads(out)["found"] is False


@pytest.mark.parametrize("version", ["4.0", "3.0"])
def test_export_round_trip_of_the_demo_data(tmp_path, capsys, version):
    first = ["--database", f"sqlite:///{tmp_path / 'a.sqlite'}"]
    second = ["--database", f"sqlite:///{tmp_path / 'b.sqlite'}"]
    for name in ("phone-export.vcf", "work-carddav.vcf"):
        run(capsys, *first, "import", str(DEMO / name), "--account", name, "--region", "DE")
    out_file = tmp_path / "all.vcf"
    code, out, _ = run(capsys, *first, "export", str(out_file), "--version", version)
    assert code == 0
    run(capsys, *second, "import", str(out_file), "--region", "DE")

    def people(dbarg):
        db = open_database(dbarg[1])
        with db.session() as s:
            result = []
            for pid in list_party_ids(s):
                d = party_detail(s, pid)
                result.append((d.display_name, d.given_name, d.family_name, d.organization,
                               d.birthday, sorted(d.emails), sorted(d.phones), d.labels))
        db.dispose()
        return sorted(result)

    assert people(first) == people(second)


def test_secured_handles_are_hidden_from_show_list_search_and_export(tmp_path, dbarg, capsys):
    from sqlalchemy import select

    from core.db.models import Handle
    from core.identity.handles import mark_handle_secured

    path = tmp_path / "bot.vcf"
    path.write_text(
        "BEGIN:VCARD\r\nVERSION:4.0\r\nUID:bot\r\nFN:Deploy Bot\r\n"
        "EMAIL:bot@example.com\r\nIMPP:xmpp:tok3n-s3cret@example.org\r\nEND:VCARD\r\n",
        encoding="utf-8")
    run(capsys, *dbarg, "import", str(path))
    db = open_database(dbarg[1])
    with db.session() as s:
        secret = s.scalar(select(Handle).where(Handle.platform != "email"))
        assert secret is not None
        mark_handle_secured(s, secret.id)
        s.commit()
        pid = secret.party_id
    db.dispose()
    _, out, _ = run(capsys, *dbarg, "show", str(pid), "--json")
    assert "tok3n" not in out and "bot@example.com" in out
    _, out, _ = run(capsys, *dbarg, "list", "--search", "tok3n", "--json")
    assert json.loads(out) == []
    export = tmp_path / "out.vcf"
    run(capsys, *dbarg, "export", str(export))
    text = export.read_text(encoding="utf-8")
    assert "Deploy Bot" in text and "tok3n" not in text
