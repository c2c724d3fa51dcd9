"""Schema guarantees that live in the database itself, and the migration machinery."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError

from core.db import migrate
from core.db.engine import make_engine, open_database, resolve_database_url
from core.db.migrate import DatabaseTooNewError
from core.db.models import Base, Handle, Party


def test_one_owner_enforced_by_the_database(db):
    with db.session() as s:
        s.add(Party(display_name="Me", role="owner"))
        s.commit()
        s.add(Party(display_name="Also me", role="owner"))
        with pytest.raises(IntegrityError):
            s.commit()


def test_handle_platform_value_unique_in_the_database(db):
    with db.session() as s:
        s.add(Handle(platform="email", value="a@x.com"))
        s.commit()
        s.add(Handle(platform="email", value="a@x.com"))
        with pytest.raises(IntegrityError):
            s.commit()


def test_migrations_match_the_models(db):
    with db.engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), Base.metadata)
    diff = [d for d in diff if not (d[0] == "remove_table" and d[1].name.startswith("party_fts"))]
    assert diff == []


def test_sqlite_pragmas(sqlite_db):
    with sqlite_db.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() >= 1000
        # Crash-safe: every commit goes to the write-ahead log (NORMAL = 1, never OFF = 0);
        # checkpoints are only made rarer.
        assert conn.exec_driver_sql("PRAGMA synchronous").scalar() == 1
        assert conn.exec_driver_sql("PRAGMA wal_autocheckpoint").scalar() == 10_000


def test_database_newer_than_the_code_is_refused(db):
    with db.engine.begin() as conn:
        current = conn.execute(text("SELECT version_num FROM alembic_version")).scalar_one()
        conn.execute(text("UPDATE alembic_version SET version_num = '9999_future'"))
    try:
        with pytest.raises(DatabaseTooNewError, match="newer version of Kith"):
            open_database(db.url)
        with db.engine.connect() as conn:  # untouched
            assert conn.execute(text("SELECT version_num FROM alembic_version")).scalar_one() \
                == "9999_future"
    finally:  # the PostgreSQL database is shared between tests
        with db.engine.begin() as conn:
            conn.execute(text("UPDATE alembic_version SET version_num = :v"), {"v": current})


def test_sqlite_file_is_backed_up_before_a_migration(tmp_path, monkeypatch):
    from alembic.script import ScriptDirectory

    head = ScriptDirectory.from_config(migrate.alembic_config()).get_current_head()
    scripts = tmp_path / "migrations"
    shutil.copytree(migrate.MIGRATIONS_DIR, scripts)
    (scripts / "versions" / "9000_test.py").write_text(
        '"""test-only revision"""\n'
        "import sqlalchemy as sa\nfrom alembic import op\n"
        f"revision = '9000'\ndown_revision = '{head}'\nbranch_labels = None\ndepends_on = None\n"
        "def upgrade():\n"
        "    op.create_table('test_extra', sa.Column('id', sa.Integer, primary_key=True))\n"
        "def downgrade():\n    op.drop_table('test_extra')\n",
        encoding="utf-8",
    )
    path = tmp_path / "kith.sqlite"
    open_database(f"sqlite:///{path}").dispose()  # at the real head
    monkeypatch.setattr(migrate, "MIGRATIONS_DIR", scripts)
    db = open_database(f"sqlite:///{path}")
    backups = list(tmp_path.glob(f"kith.sqlite.{head}.*.bak"))
    assert len(backups) == 1
    with db.engine.connect() as conn:
        assert conn.exec_driver_sql("SELECT count(*) FROM test_extra").scalar() == 0
    backup = make_engine(f"sqlite:///{backups[0]}")
    with backup.connect() as conn:
        assert conn.exec_driver_sql("SELECT version_num FROM alembic_version").scalar() == head


def test_database_url_resolution(monkeypatch, tmp_path):
    monkeypatch.delenv("KITH_DATABASE_URL", raising=False)
    assert resolve_database_url(str(tmp_path / "x.db")) == f"sqlite:///{tmp_path / 'x.db'}"
    assert resolve_database_url("postgresql://u@h/db") == "postgresql+psycopg://u@h/db"
    monkeypatch.setenv("KITH_DATABASE_URL", "sqlite:////tmp/env.sqlite")
    assert resolve_database_url(None) == "sqlite:////tmp/env.sqlite"
    monkeypatch.delenv("KITH_DATABASE_URL")
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    assert Path(resolve_database_url(None).removeprefix("sqlite:///")).name == "kith.sqlite"
