"""Open the GUI's database without importing Alembic when the schema is already current.

Importing Alembic's migration machinery costs ~0.8 s of start-up, yet almost every start finds
the database at the head revision. So the app first reads ``alembic_version`` with the stdlib
``sqlite3`` module and compares it with the head revision(s) found by reading the migration
scripts as text. Only when they differ (first run, an upgrade, a database too new, a file that
is not a database, or any non-SQLite URL) does it take the full path,
:func:`core.db.engine.open_database`, which migrates, backs up and reports errors as before.
"""

from __future__ import annotations

import re
import sqlite3
from pathlib import Path
from typing import TYPE_CHECKING

from core.db.location import resolve_database_url, sqlite_file

if TYPE_CHECKING:
    from core.db.engine import Database

#: Where the migration scripts live (also inside the PyInstaller bundle, see packaging/).
VERSIONS_DIR = Path(__file__).resolve().parents[1] / "core" / "db" / "migrations" / "versions"

#: SQLite's page cache per GUI connection (KiB). The GUI's reads touch few pages (a page of
#: rows, FTS5 postings) and the OS caches the file anyway; at the write path's 32 MB, the read
#: threads' connections held about 50 MB of the GUI's memory (256 -> 207 MB after the GUI
#: benchmark's searches and scrolling, with the same search CPU time).
GUI_CACHE_KIB = 8_000
_REVISION = re.compile(r"^revision\s*(?::[^=]*)?=\s*['\"]([^'\"]+)['\"]", re.MULTILINE)
_DOWN = re.compile(r"^down_revision\s*(?::[^=]*)?=\s*(.+)$", re.MULTILINE)
_QUOTED = re.compile(r"['\"]([^'\"]+)['\"]")


def head_revisions(versions_dir: Path = VERSIONS_DIR) -> frozenset[str]:
    """The head revision ids, read from the scripts' ``revision``/``down_revision`` lines.

    Empty when the scripts cannot be read (then the caller takes Alembic's full path).
    """
    revisions: set[str] = set()
    parents: set[str] = set()
    try:
        scripts = sorted(versions_dir.glob("*.py"))
    except OSError:
        return frozenset()
    for script in scripts:
        try:
            source = script.read_text(encoding="utf-8")
        except OSError:
            return frozenset()
        revision = _REVISION.search(source)
        if revision is None:
            continue
        revisions.add(revision.group(1))
        down = _DOWN.search(source)
        if down is not None:
            parents.update(_QUOTED.findall(down.group(1)))
    return frozenset(revisions - parents)


def sqlite_revisions(path: str) -> frozenset[str] | None:
    """The revisions stamped in a SQLite file, or None if it cannot be read that cheaply."""
    conn = open_read_only(path)
    if conn is None:
        return None
    try:
        return frozenset(row[0] for row in conn.execute("SELECT version_num FROM alembic_version"))
    except sqlite3.Error:
        return None
    finally:
        conn.close()


def open_read_only(path: str) -> sqlite3.Connection | None:
    """A read-only stdlib connection to an existing SQLite file, or None."""
    if not path or path == ":memory:" or not Path(path).is_file():
        return None
    try:
        return sqlite3.connect(f"file:{Path(path).as_posix()}?mode=ro", uri=True, timeout=5)
    except sqlite3.Error:
        return None


def is_current(url: str) -> bool:
    """True when ``url`` is a SQLite file already at this code's head revision(s)."""
    path = sqlite_file(url)
    if path is None:
        return False
    heads = head_revisions()
    return bool(heads) and sqlite_revisions(path) == heads


def open_for_gui(url: str | None = None) -> Database:
    """Open (and if needed migrate) the database; skips Alembic when the schema is current."""
    from core.db.engine import open_database  # SQLAlchemy: on the worker, after the first look

    resolved = resolve_database_url(url)
    return open_database(resolved, migrate=not is_current(resolved), cache_kib=GUI_CACHE_KIB)
