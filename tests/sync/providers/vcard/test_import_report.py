"""Honest import reports: cards skipped vs cards imported with warnings vs warnings, each
warning with file, card number, the property's own line and the reason."""

from __future__ import annotations

import shutil
from pathlib import Path

from app.cli import main
from core.db.engine import Database
from core.sync.vcard_import import import_vcards
from tests.sync.providers.vcard.conftest import FIXTURES


def test_a_card_with_a_bad_value_is_imported_with_warnings_not_skipped(
        sqlite_db: Database, tmp_path: Path) -> None:
    path = shutil.copy(FIXTURES / "clients" / "outlook2003.vcf", tmp_path / "outlook.vcf")
    report = import_vcards(sqlite_db, [path], account="o", region="US", workers=1)
    assert (report.stats.added, report.cards_skipped, report.cards_with_warnings) == (1, 0, 1)
    assert report.problems == []
    assert report.warnings == [
        f"{path}: card 1, line 9: TEL 'HomePhone' is not a phone number; kept in the notes",
        f"{path}: card 1, line 11: TEL 'BusinessPhone' is not a phone number; kept in the notes",
    ]
    assert report.summary() == ("1 file(s): 1 added, 0 updated, 0 unchanged, 0 skipped; "
                                "1 card(s) imported with 2 warning(s)")
    again = import_vcards(sqlite_db, [path], account="o", region="US", workers=1)
    assert (again.stats.unchanged, again.cards_skipped) == (1, 0)


def test_unreadable_cards_are_skipped_and_counted_once(sqlite_db: Database) -> None:
    report = import_vcards(sqlite_db, [FIXTURES / "malformed_middle.vcf"], account="m",
                           workers=1)
    assert report.stats.added == 3
    assert report.cards_skipped == 2 and report.warnings == []
    assert "2 skipped" in report.summary()


def test_cli_prints_warnings_apart_from_skipped_cards(tmp_path: Path, capsys) -> None:
    path = shutil.copy(FIXTURES / "clients" / "outlook2003.vcf", tmp_path / "outlook.vcf")
    code = main(["--database", f"sqlite:///{tmp_path / 'k.sqlite'}", "import", str(path),
                 "--region", "US"])
    out, err = capsys.readouterr()
    assert code == 0
    assert "kith: skipped" not in err
    assert f"kith: warning: {path}: card 1, line 9: TEL 'HomePhone'" in err
    assert "0 skipped; 1 card(s) imported with 2 warning(s)" in out
