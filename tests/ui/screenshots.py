"""Screenshots of every main view on the demo data: ``python -m tests.ui.screenshots [DIR]``.

Builds a throwaway database, loads resources/demo through the real sync path, opens the real
main window offscreen and grabs each page to ``resources/screenshots/*.png`` (for the README):
at 1280x800 as ``NAME.png``, at 800x600 as ``NAME-800x600.png``, plus the keyboard shortcuts
dialog and the contacts under a dark palette.
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

SIZE = (1280, 800)
SMALL = (800, 600)
#: A dark palette as a desktop's dark theme sets one (Fusion style).
DARK = {"Window": "#2b2b2b", "WindowText": "#e6e6e6", "Base": "#1e1e1e",
        "AlternateBase": "#262626", "Text": "#e6e6e6", "Button": "#353535",
        "ButtonText": "#e6e6e6", "Highlight": "#3d6fb4", "HighlightedText": "#ffffff",
        "Mid": "#555555", "BrightText": "#ffffff", "PlaceholderText": "#8a8a8a",
        "ToolTipBase": "#353535", "ToolTipText": "#e6e6e6"}


#: Disabled text as a dark theme greys it (without it a disabled Delete looked enabled).
DARK_DISABLED = {"WindowText": "#7f7f7f", "Text": "#7f7f7f", "ButtonText": "#7f7f7f",
                 "HighlightedText": "#b0b0b0"}


def dark_palette() -> object:
    from PySide6.QtGui import QColor, QPalette

    palette = QPalette()
    for role, colour in DARK.items():
        palette.setColor(getattr(QPalette.ColorRole, role), QColor(colour))
    for role, colour in DARK_DISABLED.items():
        palette.setColor(QPalette.ColorGroup.Disabled, getattr(QPalette.ColorRole, role),
                         QColor(colour))
    return palette


def main(argv: list[str] | None = None) -> int:
    from PySide6.QtWidgets import QApplication

    args = argv if argv is not None else sys.argv[1:]
    out = Path(args[0]) if args else Path(__file__).resolve().parents[2] / "resources/screenshots"
    out.mkdir(parents=True, exist_ok=True)
    app = QApplication.instance() or QApplication([])
    app.setStyle("Fusion")  # the same look whatever the machine's default style
    shoot(app, out, SIZE, "")
    shoot(app, out, SMALL, "-800x600")
    light = app.palette()
    app.setPalette(dark_palette())
    shoot(app, out, SIZE, "-dark", only_contacts=True)
    app.setPalette(light)
    print(f"screenshots written to {out}")
    return 0


def shoot(app: object, out: Path, size: tuple[int, int], suffix: str,
          only_contacts: bool = False) -> None:
    """Every view at ``size``, saved as NAME{suffix}.png."""
    from app.appcontext import AppContext
    from app.services import demo
    from app.settings import DictBackend, Settings
    from app.tasks import TaskRunner
    from core.db.engine import open_database
    from core.tasks import TaskState
    from ui.main_window import MainWindow
    from ui.shortcuts_dialog import ShortcutsDialog

    workdir = Path(tempfile.mkdtemp(prefix="kith-shots-"))
    db = open_database(f"sqlite:///{workdir / 'kith.sqlite'}")
    ctx = AppContext(TaskRunner(), Settings(DictBackend()), db)

    def settle(ms: int = 600) -> None:
        from PySide6.QtCore import QDeadlineTimer, QEventLoop

        # At least ``ms``, then until the tasks it started (and the reloads their results
        # start) are done: a sync finishing late left its old figures in the shot.
        deadline, cap = QDeadlineTimer(ms), QDeadlineTimer(30_000)
        while (not deadline.hasExpired() or ctx.runner.busy()) and not cap.hasExpired():
            app.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 50)  # type: ignore[attr-defined]
        ctx.runner.wait(10_000)
        app.processEvents()  # type: ignore[attr-defined]

    def save(widget: object, name: str) -> None:
        widget.grab().save(str(out / f"{name}{suffix}.png"))  # type: ignore[attr-defined]

    window = MainWindow(ctx)
    window.resize(*size)
    window.show()
    window.start(db, sync_on_start=False)
    settle()
    if not only_contacts:
        save(window, "empty-state")

    demo.load_demo(db, state=TaskState())
    ctx.runner.changed.emit(frozenset({"parties", "handles", "sources", "review"}))
    settle(1500)
    ids = window.contact_list.model.ids()
    window.contact_list.select_party(ids[min(3, len(ids) - 1)])
    settle(1000)
    save(window, "contacts")
    if only_contacts:
        ctx.runner.shutdown()
        window.close()
        db.dispose()
        return

    window.contact_list.search.setText("mull")
    settle(800)
    save(window, "search")
    window.contact_list.search.clear()

    window.show_page("handles")
    if window.handles.contested.rowCount():
        window.handles.contested.selectRow(0)
    elif window.handles.shared.rowCount():
        window.handles.tabs.setCurrentIndex(1)
        window.handles.shared.selectRow(0)
    settle(1000)
    save(window, "handles")

    window.show_page("review")
    settle(1000)
    save(window, "review")

    window.show_page("sources")
    window.sync_panel.sync_all()
    settle(3000)
    save(window, "sources")

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
    save(window, "history")
    if not suffix:
        dialog = ShortcutsDialog(window)
        dialog.show()
        settle(300)
        save(dialog, "shortcuts")
        dialog.close()
    ctx.runner.shutdown()
    window.close()
    db.dispose()


if __name__ == "__main__":
    raise SystemExit(main())
