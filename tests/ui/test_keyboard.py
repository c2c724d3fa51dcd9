"""Keyboard: Tab moves between the panes (sidebar, search, filter, list, details) and never
walks the contact table cell by cell; Up/Down and Home/End move through contacts (Home/End
are the first/last contact, not column); Left/Right do not move off the Name column; Enter
asks to edit. The selected contact and the section come back after a restart."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QWidget

from app.appcontext import AppContext
from app.settings import DictBackend, Settings
from app.tasks import TaskRunner
from ui.contact_model import NAME
from ui.main_window import MainWindow

Key = Qt.Key


def loaded(qtbot, window) -> None:  # noqa: ANN001
    model = window.contact_list.model
    qtbot.waitUntil(lambda: model.rowCount() == 6
                    and all(model.cached(pid) for pid in model.ids()), timeout=5000)


def focused() -> QWidget | None:
    return QApplication.focusWidget()


def tab(qtbot, backwards: bool = False) -> QWidget | None:  # noqa: ANN001
    widget = focused()
    assert widget is not None
    qtbot.keyClick(widget, Key.Key_Backtab if backwards else Key.Key_Tab,
                   Qt.KeyboardModifier.ShiftModifier if backwards else
                   Qt.KeyboardModifier.NoModifier)
    return focused()


def test_tab_moves_between_panes_not_cells(qtbot, window, people) -> None:  # noqa: ANN001
    loaded(qtbot, window)
    panel = window.contact_list
    assert panel.select_party(people["chloe"])
    window.activateWindow()
    window.nav.setFocus(Qt.FocusReason.TabFocusReason)
    qtbot.waitUntil(lambda: focused() is window.nav, timeout=2000)
    assert tab(qtbot) is panel.search
    assert tab(qtbot) is panel.filter
    assert tab(qtbot) is panel.table
    column = panel.table.currentIndex().column()
    in_detail = tab(qtbot)
    assert in_detail is not None and window.detail.isAncestorOf(in_detail), in_detail
    # Leaving the table did not walk its cells or change the contact.
    assert panel.selected_party() == people["chloe"]
    assert panel.table.currentIndex().column() == column
    assert panel.table.horizontalScrollBar().value() == 0
    assert tab(qtbot, backwards=True) is panel.table
    assert tab(qtbot, backwards=True) is panel.filter


def test_arrows_and_home_end_move_through_contacts(qtbot, window) -> None:  # noqa: ANN001
    loaded(qtbot, window)
    panel, table = window.contact_list, window.contact_list.table
    model = panel.model
    table.setFocus()
    table.selectRow(0)
    qtbot.keyClick(table, Key.Key_Down)
    assert table.currentIndex().row() == 1
    qtbot.keyClick(table, Key.Key_End)
    assert table.currentIndex().row() == model.rowCount() - 1
    assert table.currentIndex().column() == NAME  # not the last column
    assert panel.selected_party() == model.party_id(model.rowCount() - 1)
    qtbot.keyClick(table, Key.Key_Home)
    assert table.currentIndex().row() == 0 and table.currentIndex().column() == NAME
    qtbot.keyClick(table, Key.Key_Right)
    qtbot.keyClick(table, Key.Key_Right)
    assert table.currentIndex().column() == NAME
    qtbot.keyClick(table, Key.Key_Up)  # at the top: stays
    assert table.currentIndex().row() == 0


def test_enter_asks_to_edit_the_selected_contact(qtbot, window, people) -> None:  # noqa: ANN001
    loaded(qtbot, window)
    panel = window.contact_list
    asked: list[int] = []
    opened: list[int] = []
    panel.editRequested.connect(asked.append)
    # The Edit action (ui.contact_actions) opens the editor for that contact.
    window.contact_actions.open_editor = lambda _draft, pid, _accepted: opened.append(pid)
    panel.select_party(people["liam"])
    panel.table.setFocus()
    qtbot.keyClick(panel.table, Key.Key_Return)
    qtbot.keyClick(panel.table, Key.Key_Enter, Qt.KeyboardModifier.KeypadModifier)
    assert asked == [people["liam"], people["liam"]]
    qtbot.waitUntil(lambda: opened == [people["liam"], people["liam"]], timeout=5000)


def test_down_from_search_enters_the_list(qtbot, window) -> None:  # noqa: ANN001
    loaded(qtbot, window)
    panel = window.contact_list
    panel.table.selectionModel().clear()
    panel.search.setFocus()
    qtbot.keyClick(panel.search, Key.Key_Down)
    assert focused() is panel.table and panel.table.currentIndex().row() == 0


def test_selected_contact_and_section_are_restored(qtbot, ctx, people) -> None:  # noqa: ANN001
    backend = DictBackend()
    ctx.settings = Settings(backend)
    first = MainWindow(ctx)
    qtbot.addWidget(first)
    first.show()
    with qtbot.waitSignal(first.contact_list.listUpdated, timeout=10_000):
        first.start(ctx.db, sync_on_start=False)
    assert first.contact_list.select_party(people["jose"])
    first.show_page("review")
    first.save_state()
    ctx.runner.shutdown()

    again_ctx = AppContext(TaskRunner(), Settings(backend), ctx.db)
    again = MainWindow(again_ctx)
    qtbot.addWidget(again)
    again.show()
    assert again.pages.currentWidget() is again.review
    assert again.commands.section["review"].isChecked()
    shown: list[int] = []
    again.contact_list.partySelected.connect(shown.append)
    with qtbot.waitSignal(again.contact_list.listUpdated, timeout=10_000):
        again.start(ctx.db, sync_on_start=False)
    qtbot.waitUntil(lambda: again.contact_list.selected_party() == people["jose"], timeout=5000)
    assert shown[-1] == people["jose"]  # the detail pane was told
    table = again.contact_list.table
    row = again.contact_list.model.row_of(people["jose"])
    qtbot.waitUntil(lambda: table.rowAt(0) <= row <= table.rowAt(table.viewport().height() - 1)
                    or table.rowAt(table.viewport().height() - 1) == -1, timeout=2000)
    again_ctx.runner.shutdown()


def test_a_contact_that_is_gone_is_not_restored(qtbot, ctx, people) -> None:  # noqa: ANN001
    backend = DictBackend()
    backend.setValue("ui/last_contact", 987654)
    again = MainWindow(AppContext(ctx.runner, Settings(backend), ctx.db))
    qtbot.addWidget(again)
    again.show()
    with qtbot.waitSignal(again.contact_list.listUpdated, timeout=10_000):
        again.start(ctx.db, sync_on_start=False)
    assert again.contact_list.selected_party() is None


def test_tabbing_into_an_unselected_list_selects_the_first_contact(qtbot, window) -> None:  # noqa: ANN001
    """Tab into the list with nothing selected showed no focus at all (Qt made the first
    row current without painting it) and Down then went to the second contact."""
    loaded(qtbot, window)
    panel = window.contact_list
    assert panel.selected_party() is None
    assert not panel.table.selectionModel().hasSelection()
    window.activateWindow()
    panel.filter.setFocus(Qt.FocusReason.TabFocusReason)
    qtbot.waitUntil(lambda: focused() is panel.filter, timeout=2000)
    with qtbot.waitSignal(window.detail.loaded, timeout=5000):
        assert tab(qtbot) is panel.table
    first = panel.model.party_id(0)
    assert panel.selected_party() == first and window.detail.party_id == first
    qtbot.keyClick(panel.table, Key.Key_Down)
    assert panel.table.currentIndex().row() == 1
