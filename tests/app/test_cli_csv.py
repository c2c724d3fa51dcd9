"""``kith import FILE.csv [--map ...]`` and ``kith sources add csv`` end to end on SQLite."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from app.cli import main

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "csv"


@pytest.fixture
def dbarg(tmp_path) -> list[str]:
    return ["--database", f"sqlite:///{tmp_path / 'cli.sqlite'}"]


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def names(capsys, dbarg) -> list[str]:
    code, out, _ = run(capsys, *dbarg, "list", "--json")
    return sorted(r["display_name"] for r in json.loads(out))


def test_import_csv_summary_bad_rows_and_reimport(tmp_path, dbarg, capsys) -> None:
    path = tmp_path / "google.csv"
    shutil.copyfile(FIXTURES / "google_contacts.csv", path)
    code, out, err = run(capsys, *dbarg, "import", str(path), "--region", "US")
    assert code == 0
    assert "(Google Contacts CSV): 5 row(s): 4 added, 0 updated, 0 unchanged, 1 skipped, " \
           "1 imported with warnings" in out
    assert "google.csv, line 8: no name, email, phone or company" in err
    assert "google.csv, line 7: Birthday 'next tuesday'" in err
    assert "Relation 1 - Value" in out  # said, not silently dropped
    code, out, _ = run(capsys, *dbarg, "import", str(path))
    assert "0 added, 0 updated, 4 unchanged" in out


def test_import_csv_with_map_options(tmp_path, dbarg, capsys) -> None:
    path = tmp_path / "club.csv"
    shutil.copyfile(FIXTURES / "members_tab.csv", path)
    code, out, _ = run(capsys, *dbarg, "import", str(path), "--map", "Member=name.full",
                       "--map", "Mobil=phone:mobile", "--region", "US")
    assert code == 0 and "2 added" in out
    assert names(capsys, dbarg) == ["Barbara Liskov", "Frances Allen"]
    code, _, err = run(capsys, *dbarg, "import", str(path), "--map", "Shoe=email")
    assert code == 1 and "no column 'Shoe'" in err
    code, _, err = run(capsys, *dbarg, "import", str(path), "--map", "Member=shoe_size")
    assert code == 2 and "unknown field 'shoe_size'" in err


def test_sources_add_csv_then_sync(tmp_path, dbarg, capsys) -> None:
    path = tmp_path / "linkedin.csv"
    shutil.copyfile(FIXTURES / "linkedin_connections.csv", path)
    code, out, _ = run(capsys, *dbarg, "sources", "add", "csv", str(path))
    assert code == 0 and "Added csv source" in out
    code, out, _ = run(capsys, *dbarg, "sync")
    assert code == 0 and "3 added" in out
    assert names(capsys, dbarg) == ["Radia Perlman", "Tim Berners-Lee", "Vint Cerf"]
    code, _, err = run(capsys, *dbarg, "sources", "add", "csv", str(tmp_path / "none.csv"))
    assert code == 1 and "no such file" in err


def test_a_file_imported_before_becomes_a_listed_source(tmp_path, dbarg, capsys) -> None:
    path = tmp_path / "yahoo.csv"
    shutil.copyfile(FIXTURES / "yahoo_contacts.csv", path)
    assert run(capsys, *dbarg, "import", str(path))[0] == 0
    code, out, _ = run(capsys, *dbarg, "sources", "list", "--json")
    assert json.loads(out) == []  # a one-shot import is not a source
    assert run(capsys, *dbarg, "sources", "add", "csv", str(path))[0] == 0
    code, out, _ = run(capsys, *dbarg, "sources", "list", "--json")
    assert [(s["provider"], s["live_records"]) for s in json.loads(out)] == [("csv", 2)]
    code, out, _ = run(capsys, *dbarg, "sync")
    assert "0 added" in out and "2 unchanged" in out
