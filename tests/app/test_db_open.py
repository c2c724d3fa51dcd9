"""Opening the GUI's database: no Alembic import when the schema is current, the full
migrating path otherwise (first run, older schema, too new, not a database)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from app.db_open import head_revisions, is_current, open_for_gui
from core.db.engine import open_database
from core.db.migrate import DatabaseOpenError, DatabaseTooNewError
from tests.factories import future_database

ROOT = Path(__file__).resolve().parents[2]


def test_head_revisions_match_alembic() -> None:
    from alembic.script import ScriptDirectory

    from core.db.migrate import alembic_config

    assert head_revisions() == frozenset(ScriptDirectory.from_config(alembic_config())
                                         .get_heads())


def test_current_database_opens_without_alembic(tmp_path: Path) -> None:
    path = tmp_path / "kith.sqlite"
    open_database(f"sqlite:///{path}").dispose()
    assert is_current(f"sqlite:///{path}")
    code = ("import sys; from app.db_open import open_for_gui; db = open_for_gui(sys.argv[1]); "
            "db.session().execute(__import__('sqlalchemy').text('select 1')); "
            "print('alembic' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code, str(path)], cwd=ROOT,
                         capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_new_and_old_databases_are_migrated(tmp_path: Path) -> None:
    fresh = tmp_path / "fresh.sqlite"
    assert not is_current(f"sqlite:///{fresh}")
    open_for_gui(str(fresh)).dispose()
    assert is_current(f"sqlite:///{fresh}")
    engine = create_engine(f"sqlite:///{fresh}")
    with engine.begin() as conn:  # pretend an older Kith wrote it
        conn.execute(text("UPDATE alembic_version SET version_num = '0002'"))
    engine.dispose()
    assert not is_current(f"sqlite:///{fresh}")


def test_too_new_and_garbage_still_raise(tmp_path: Path) -> None:
    future = tmp_path / "future.sqlite"
    future_database(future)
    with pytest.raises(DatabaseTooNewError):
        open_for_gui(str(future))
    garbage = tmp_path / "garbage.sqlite"
    garbage.write_bytes(b"not a database" * 100)
    with pytest.raises(DatabaseOpenError):
        open_for_gui(str(garbage))


def test_the_gui_uses_a_smaller_page_cache_than_imports(tmp_path: Path) -> None:
    from app.db_open import GUI_CACHE_KIB
    from core.db.engine import WRITE_CACHE_KIB

    path = tmp_path / "kith.sqlite"
    writer = open_database(f"sqlite:///{path}")
    gui_db = open_for_gui(f"sqlite:///{path}")
    try:
        for db, kib in ((writer, WRITE_CACHE_KIB), (gui_db, GUI_CACHE_KIB)):
            with db.session() as session:
                assert session.execute(text("PRAGMA cache_size")).scalar() == -kib
    finally:
        writer.dispose()
        gui_db.dispose()
    assert GUI_CACHE_KIB < WRITE_CACHE_KIB
