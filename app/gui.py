"""GUI start-up: ``kith`` (no sub-command) and ``kith-gui`` land here.

The window appears at once; the database opens (and migrates) on a worker thread. A database
newer than this Kith, or one that cannot be opened, shows a clear dialog instead of a
traceback, and the exit status says why (3).
"""

from __future__ import annotations

import argparse
import gc
import logging
import multiprocessing
import os
import sys
import time
from collections.abc import Sequence
from typing import Any

log = logging.getLogger("kith.ui")

EXIT_DATABASE = 3


def open_database_task(url: str | None, *, state: object) -> object:
    from app.db_open import open_for_gui

    return open_for_gui(url)


def first_look_task(url: str | None, region: str = "", *, state: object) -> object:
    from app.first_look import first_look

    return first_look(url, region, state=state)


def database_error_text(exc: BaseException) -> str:
    from core.db.migrate import DatabaseOpenError, DatabaseTooNewError

    if isinstance(exc, DatabaseTooNewError | DatabaseOpenError):
        return str(exc)
    return f"The database could not be opened: {exc}"


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="kith-gui", description="Kith address book")
    parser.add_argument("--database", metavar="URL", help="database URL or SQLite file")
    parser.add_argument("--no-sync", action="store_true", help="do not sync at start-up")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    multiprocessing.freeze_support()
    # Start-up imports and builds thousands of long-lived objects: collecting them now is
    # wasted time before the first paint. tasks.tune_for_gui() collects once, freezes them
    # and turns the collector back on once the list is painted.
    gc.disable()
    args = build_parser().parse_args(list(sys.argv[1:] if argv is None else argv))
    from PySide6.QtCore import QSettings, QTimer
    from PySide6.QtWidgets import QApplication, QMessageBox

    from app.appcontext import AppContext
    from app.logging_setup import setup_logging
    from app.settings import DEFAULT_REGION, Settings
    from app.tasks import TaskRunner
    from ui.main_window import MainWindow

    log_file = setup_logging()
    app = QApplication.instance() or QApplication([sys.argv[0]])
    app.setApplicationName("Kith")
    app.setOrganizationName("Kith")
    app.setDesktopFileName("io.github.kith.Kith")
    ctx = AppContext(TaskRunner(app), Settings(QSettings("Kith", "Kith")))
    window = MainWindow(ctx)
    window.show()
    exit_code = [0]

    def excepthook(kind: type[BaseException], exc: BaseException, tb: object) -> None:
        """A bug in a slot must not kill the session: log it, say so in the status bar."""
        log.error("unexpected error", exc_info=(kind, exc, tb))  # type: ignore[arg-type]
        window.status.error(f"Unexpected error: {exc} (details in {log_file})")

    sys.excepthook = excepthook

    def failed(exc: BaseException) -> None:
        log.error("cannot open the database: %s", exc)
        QMessageBox.critical(window, "Kith cannot open the database",
                             f"{database_error_text(exc)}\n\nDetails: {log_file}")
        exit_code[0] = EXIT_DATABASE
        window.close()

    bench = os.environ.get("KITH_BENCH_PAINT")
    if bench:
        def painted() -> None:
            window.contact_list.table.viewport().repaint()
            print(f"KITH_PAINTED {time.time():.6f}", flush=True)
            QTimer.singleShot(0, window.close)

        window.listPainted.connect(painted)

    def open_now() -> None:
        ctx.runner.submit(open_database_task, args.database, name="open database",
                          on_result=lambda db: window.start(db, False if args.no_sync or bench
                                                            else None),
                          on_error=failed)

    def looked(page: Any) -> None:
        if page is not None:
            window.show_first_look(page)
        open_now()  # after the first look painted: SQLAlchemy's import would slow it down

    # The list's top straight from the SQLite file (app.first_look), then the real opening.
    ctx.runner.submit(first_look_task, args.database, ctx.settings.get(DEFAULT_REGION),
                      name="first look", on_result=looked,
                      on_error=lambda _exc: open_now())
    code = app.exec()
    ctx.runner.shutdown()
    if ctx.db is not None:
        ctx.db.dispose()
    gc.enable()  # if the window closed before tune_for_gui ran (an error at start-up)
    return exit_code[0] or code


if __name__ == "__main__":
    raise SystemExit(main())
