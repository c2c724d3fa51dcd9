"""The arrows go one way: ui -> app -> core. core must never load Qt."""

from tests.subprocess_python import ROOT, run_python


def test_importing_core_does_not_load_pyside6():
    modules = sorted(
        ".".join(p.relative_to(ROOT).with_suffix("").parts)
        for p in (ROOT / "core").rglob("*.py")
        if "migrations" not in p.parts and p.name != "__main__.py"
    )
    code = (
        "import importlib, sys\n"
        f"for m in {modules!r}:\n"
        "    importlib.import_module(m.removesuffix('.__init__'))\n"
        "bad = [m for m in sys.modules if m.startswith('PySide6')]\n"
        "assert not bad, bad\n"
        "print(len(sys.modules))\n"
    )
    run_python(code)


def test_ui_never_imports_database_modules():
    offenders = []
    for path in (ROOT / "ui").rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        for line in text.splitlines():
            stripped = line.strip()
            if stripped.startswith(("import sqlalchemy", "from sqlalchemy", "import sqlite3",
                                    "from core.db", "import core.db")):
                offenders.append(f"{path.name}: {stripped}")
    assert offenders == []


def test_the_gui_starts_without_the_database_layer():
    """The window and every view import without SQLAlchemy, the models or the services
    (app.services.lazy): those load on a worker, after the first look is painted."""
    code = (
        "import os, sys\n"
        "os.environ['QT_QPA_PLATFORM'] = 'offscreen'\n"
        "import app.gui, app.first_look, ui.main_window\n"
        "heavy = ('sqlalchemy', 'alembic', 'phonenumbers', 'core.db.engine', 'core.db.models',"
        " 'app.services.contacts', 'app.services.review', 'app.services.syncing')\n"
        "print(sorted(m for m in heavy if m in sys.modules))\n"
    )
    assert run_python(code).strip() == "[]"
