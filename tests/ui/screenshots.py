"""Screenshots of every main view on the demo data: ``python -m tests.ui.screenshots [DIR]``.

Builds a throwaway database, loads resources/demo through the real sync path, opens the real
main window offscreen and grabs each page to ``resources/screenshots/*.png`` (for the README).
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

SIZE = (1280, 800)


def main(argv: list[str] | None = None) -> int:
    from PySide6.QtWidgets import QApplication

    from app.appcontext import AppContext
    from app.services import demo
    from app.settings import DictBackend, Settings
    from app.tasks import TaskRunner
    from core.db.engine import open_database
    from core.tasks import TaskState
    from ui.main_window import MainWindow

    args = argv if argv is not None else sys.argv[1:]
    out = Path(args[0]) if args else Path(__file__).resolve().parents[2] / "resources/screenshots"
    out.mkdir(parents=True, exist_ok=True)
    app = QApplication.instance() or QApplication([])
    workdir = Path(tempfile.mkdtemp(prefix="kith-shots-"))
    db = open_database(f"sqlite:///{workdir / 'kith.sqlite'}")
    ctx = AppContext(TaskRunner(), Settings(DictBackend()), db)

    def settle(ms: int = 600) -> None:
        from PySide6.QtCore import QDeadlineTimer, QEventLoop

        deadline = QDeadlineTimer(ms)
        while not deadline.hasExpired():
            app.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 50)
        ctx.runner.wait(10_000)
        app.processEvents()

    window = MainWindow(ctx)
    window.resize(*SIZE)
    window.show()
    window.start(db, sync_on_start=False)
    settle()
    window.grab().save(str(out / "empty-state.png"))

    demo.load_demo(db, state=TaskState())
    ctx.runner.changed.emit(frozenset({"parties", "handles", "sources", "review"}))
    settle(1500)
    ids = window.contact_list.model.ids()
    window.contact_list.select_party(ids[min(3, len(ids) - 1)])
    settle(1000)
    window.grab().save(str(out / "contacts.png"))

    window.contact_list.search.setText("mull")
    settle(800)
    window.grab().save(str(out / "search.png"))
    window.contact_list.search.clear()

    window.show_page("handles")
    if window.handles.contested.rowCount():
        window.handles.contested.selectRow(0)
    elif window.handles.shared.rowCount():
        window.handles.tabs.setCurrentIndex(1)
        window.handles.shared.selectRow(0)
    settle(1000)
    window.grab().save(str(out / "handles.png"))

    window.show_page("review")
    settle(1000)
    window.grab().save(str(out / "review.png"))

    window.show_page("sources")
    window.sync_panel.sync_all()
    settle(3000)
    window.grab().save(str(out / "sources.png"))

    # A few decisions so the history has entries: merge the top suggestion, keep the next
    # pair apart, confirm a contested handle's first candidate.
    window.show_page("review")
    window.review.merge_current()
    settle(1500)
    window.review.not_same_current()
    settle(1500)
    window.show_page("handles")
    if window.handles.contested.rowCount():
        window.handles.contested.selectRow(0)
        settle(800)
        window.handles.links.selectRow(1)
        window.handles.confirm_selected()
        settle(1200)
    window.show_page("history")
    settle(1000)
    window.grab().save(str(out / "history.png"))
    ctx.runner.shutdown()
    db.dispose()
    print(f"screenshots written to {out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
