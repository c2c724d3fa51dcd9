"""Typed settings fall back to defaults on bad values; the Qt guard accepts this PySide6; core
stays free of Qt."""

from __future__ import annotations

import subprocess
import sys

from app import qt_compat
from app import settings as cfg
from app.settings import DictBackend, Settings


def test_settings_are_typed_with_defaults() -> None:
    backend = DictBackend()
    s = Settings(backend)
    assert s.get(cfg.SYNC_INTERVAL_MIN) == 15
    assert s.get(cfg.SYNC_ON_STARTUP) is True
    backend.setValue(cfg.SYNC_INTERVAL_MIN.key, "30")  # QSettings' INI hands back strings
    backend.setValue(cfg.SYNC_ON_STARTUP.key, "false")
    assert s.get(cfg.SYNC_INTERVAL_MIN) == 30 and s.get(cfg.SYNC_ON_STARTUP) is False
    backend.setValue(cfg.SYNC_INTERVAL_MIN.key, "soon")
    assert s.get(cfg.SYNC_INTERVAL_MIN) == 15


def test_installed_pyside_passes_the_guard() -> None:
    qt_compat.check()
    assert not qt_compat._emit_leaks()


def test_core_task_state_does_not_load_qt() -> None:
    code = ("import sys, core.tasks, core.views.handles, core.views.sources; "
            "sys.exit(1 if any(m.startswith('PySide6') for m in sys.modules) else 0)")
    assert subprocess.run([sys.executable, "-c", code]).returncode == 0
