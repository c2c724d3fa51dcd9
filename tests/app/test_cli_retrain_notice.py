"""``kith import`` says when a big import made the duplicate model due to learn again (and
how to do it now), on a real SQLite file; after ``kith duplicates --retrain`` it does not."""

from __future__ import annotations

from pathlib import Path

from app.cli import main
from core.match.retrain_due import BIG_IMPORT

_GIVEN = ("Anna", "Jonas", "Mia", "Lukas", "Lea", "Elias", "Emma", "Noah", "Sofia", "Ben")


def _cards(path: Path, start: int, count: int) -> Path:
    cards = []
    for i in range(start, start + count):
        given, family = _GIVEN[i % 10], f"Family{i // 10}"
        cards.append(f"BEGIN:VCARD\r\nVERSION:3.0\r\nUID:c{i}\r\nN:{family};{given};;;\r\n"
                     f"FN:{given} {family}\r\nBDAY:{1950 + i % 50}-0{1 + i % 9}-1{i % 9}\r\n"
                     "END:VCARD\r\n")
    path.write_text("".join(cards), encoding="utf-8")
    return path


def test_a_big_import_says_the_model_is_due_and_how_to_run_it(tmp_path, capsys) -> None:
    db = ["--database", f"sqlite:///{tmp_path / 'cli.sqlite'}"]
    assert main([*db, "import", str(_cards(tmp_path / "small.vcf", 0, 20))]) == 0
    assert "duplicates --retrain" not in capsys.readouterr().out
    assert main([*db, "import", str(_cards(tmp_path / "big.vcf", 20, BIG_IMPORT))]) == 0
    out = capsys.readouterr().out.splitlines()
    assert "1000 added" in out[0]
    assert out[1] == ("The duplicate finder can now learn from your 1,020 contacts (it has "
                      "used its built-in settings so far). Run `kith duplicates --retrain` "
                      "to do it now (a few minutes; the app does it by itself when it next "
                      "runs).")
    assert main([*db, "duplicates", "--retrain"]) == 0
    capsys.readouterr()
    assert main([*db, "import", str(_cards(tmp_path / "more.vcf", 2000, 5))]) == 0
    assert "duplicates --retrain" not in capsys.readouterr().out
