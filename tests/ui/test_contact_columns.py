"""The contact list fits its width (ui.contact_columns): no sideways scrolling at 800x600 or
1280x800, Name gets the most room, the less important columns narrow and then hide, and the
owner's choice of columns and widths comes back after a restart."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest

from app.appcontext import AppContext
from app.settings import DictBackend, Settings
from app.tasks import TaskRunner
from tests.ui.layout_check import check_cells, check_sideways
from tests.ui.test_layout import demo_db, settle  # noqa: F401 - the module's demo fixture
from ui.contact_columns import LEAST, plan
from ui.contact_model import COLUMNS, EMAIL, NAME, ORG, PHONE, REVIEW, SOURCES
from ui.main_window import MainWindow

ALL = set(range(len(COLUMNS)))
NATURAL = {NAME: 200, EMAIL: 230, PHONE: 120, ORG: 120, REVIEW: 72, SOURCES: 110}
TITLES = {NAME: 70, EMAIL: 70, PHONE: 70, ORG: 110, REVIEW: 72, SOURCES: 80}
LEAST_ALL = {c: LEAST.get(c, NATURAL[c]) for c in NATURAL}


def test_plan_gives_the_room_left_to_name() -> None:
    widths = plan(1000, NATURAL, LEAST_ALL, TITLES, ALL)
    assert set(widths) == ALL
    assert sum(widths.values()) == 1000
    assert widths[NAME] == 1000 - sum(NATURAL.values()) + NATURAL[NAME]


def test_plan_narrows_the_least_important_columns_first() -> None:
    room = sum(NATURAL.values()) - 50  # Sources can give 40, Organisation the rest
    widths = plan(room, NATURAL, LEAST_ALL, TITLES, ALL)
    assert sum(widths.values()) == room
    assert widths[SOURCES] == LEAST[SOURCES]
    assert widths[ORG] == NATURAL[ORG] - 10
    assert widths[NAME] == NATURAL[NAME] and widths[EMAIL] == NATURAL[EMAIL]


def test_plan_never_cuts_a_phone_number() -> None:
    for room in range(300, 900, 7):
        widths = plan(room, NATURAL, LEAST_ALL, TITLES, ALL)
        assert PHONE not in widths or widths[PHONE] == NATURAL[PHONE], room
        assert REVIEW not in widths or widths[REVIEW] == NATURAL[REVIEW], room


def test_plan_hides_columns_without_room_down_to_name_and_one_value() -> None:
    widths = plan(600, NATURAL, LEAST_ALL, TITLES, ALL)
    assert SOURCES not in widths and REVIEW not in widths  # hidden, least important first
    assert sum(widths.values()) == 600
    narrow = plan(320, NATURAL, LEAST_ALL, TITLES, ALL)
    assert set(narrow) == {NAME, EMAIL}
    assert sum(narrow.values()) == 320 and min(narrow.values()) >= 150  # both readable
    # The owner hid Email: the next contact value is the one kept.
    assert set(plan(320, NATURAL, LEAST_ALL, TITLES, ALL - {EMAIL})) == {NAME, PHONE}


@pytest.fixture
def window(qtbot, demo_db) -> Iterator[Callable[..., MainWindow]]:  # noqa: ANN001, F811
    made: list[MainWindow] = []

    def make(size: tuple[int, int], backend: DictBackend | None = None) -> MainWindow:
        settings = Settings(backend if backend is not None else DictBackend())
        win = MainWindow(AppContext(TaskRunner(), settings, demo_db))
        qtbot.addWidget(win)
        win.resize(*size)
        win.show()
        win.start(demo_db, sync_on_start=False)
        settle(win)
        made.append(win)
        return win

    yield make
    for win in made:
        win.ctx.runner.shutdown()


def shown_widths(win: MainWindow) -> dict[int, int]:
    header = win.contact_list.table.horizontalHeader()
    return {c: header.sectionSize(c) for c in range(header.count())
            if not header.isSectionHidden(c)}


@pytest.mark.parametrize("size", [(800, 600), (1280, 800)], ids=lambda s: f"{s[0]}x{s[1]}")
def test_the_list_fits_without_a_sideways_scroll_bar(window, size) -> None:  # noqa: ANN001
    """Before, Email to Review (867 px) reached past a 322 px list at 800x600."""
    win = window(size)
    table = win.contact_list.table
    widths = shown_widths(win)
    assert table.horizontalScrollBar().maximum() == 0
    assert sum(widths.values()) == table.viewport().width()
    assert not check_sideways(table) and not check_cells(table)
    assert NAME in widths and EMAIL in widths  # a name and a way to reach the person
    # 800 px = the sidebar ("Emails & phones" and a 3-digit badge) + the card's least width
    # (its buttons and field names whole) + the list: Name and Email get about 140 px each.
    assert widths[NAME] >= 140 and widths[EMAIL] >= 140
    assert widths[NAME] == max(widths.values()) or widths[NAME] >= LEAST[NAME]
    # A phone number is shown whole or not at all ("+49 151 1945…" was no use).
    natural = win.contact_list.columns.natural
    assert PHONE not in widths or widths[PHONE] >= natural[PHONE]


def test_a_wider_list_shows_more_columns_and_a_narrower_one_fewer(
        window, qtbot) -> None:  # noqa: ANN001
    win = window((1280, 800))
    before = shown_widths(win)
    win.splitter.setSizes([1000, 100])
    qtbot.waitUntil(lambda: len(shown_widths(win)) > len(before), timeout=3000)
    wide = shown_widths(win)
    assert set(wide) == set(range(len(COLUMNS)))
    assert sum(wide.values()) == win.contact_list.table.viewport().width()
    win.splitter.setSizes([330, 770])
    qtbot.waitUntil(lambda: set(shown_widths(win)) == {NAME, EMAIL}, timeout=3000)
    assert win.contact_list.table.horizontalScrollBar().maximum() == 0


def test_hidden_columns_and_widths_come_back_after_a_restart(
        window, qtbot) -> None:  # noqa: ANN001
    backend = DictBackend()
    win = window((1280, 800), backend)
    assert ORG in shown_widths(win)
    menu = win.contact_list.columns.menu()
    org = next(a for a in menu.actions() if a.text() == COLUMNS[ORG])
    name = next(a for a in menu.actions() if a.text() == COLUMNS[NAME])
    assert not name.isEnabled()  # Name cannot be hidden
    org.trigger()  # the owner unticks Organisation
    assert ORG not in shown_widths(win)
    win.contact_list.table.setColumnWidth(EMAIL, 160)  # and narrows Email
    assert shown_widths(win)[EMAIL] == 160
    win.save_state()
    win.close()

    again = window((1280, 800), backend)
    widths = shown_widths(again)
    assert ORG not in widths and widths[EMAIL] == 160
    assert sum(widths.values()) == again.contact_list.table.viewport().width()
    # Ticked again, it shows again; reset, Email takes its natural width back.
    menu = again.contact_list.columns.menu()
    next(a for a in menu.actions() if a.text() == COLUMNS[ORG]).trigger()
    assert ORG in shown_widths(again)
    next(a for a in menu.actions() if a.text() == "Reset column widths").trigger()
    assert shown_widths(again)[EMAIL] != 160


def test_a_wanted_column_without_room_says_so_in_the_menu(window) -> None:  # noqa: ANN001
    win = window((800, 600))
    texts: list[Any] = [a.text() for a in win.contact_list.columns.menu().actions()]
    assert f"{COLUMNS[PHONE]} (no room: widen the list)" in texts


def _card_fields(window, qtbot, size: tuple[int, int]) -> tuple[Any, Any]:  # noqa: ANN001
    """The card's Fields table of the fifth contact in a window of ``size``, and the
    metrics of its font."""
    from PySide6.QtGui import QFontMetrics

    win = window(size)
    ids = win.contact_list.model.ids()
    with qtbot.waitSignal(win.detail.loaded, timeout=5000):
        win.contact_list.select_party(ids[4])
    fields = win.detail.fields
    return fields, QFontMetrics(fields.font())


def test_the_cards_field_names_read_whole_at_800x600(window, qtbot) -> None:  # noqa: ANN001
    """The Fields table's names ("Display name", "Organisation") were cut to "Display…" at
    800x600: they take up to LABEL_SHARE of the pane, the file names elide first."""
    fields, metrics = _card_fields(window, qtbot, (800, 600))
    names = [fields.item(r, 0).text() for r in range(fields.rowCount())]
    assert "Display name" in names
    room = fields.columnWidth(0) - 8
    assert all(metrics.horizontalAdvance(n) <= room for n in names), (names, room)
    width = sum(fields.columnWidth(c) for c in range(fields.columnCount()))
    assert width <= fields.viewport().width()  # still no sideways scrolling


def test_a_wide_card_shows_the_sources_whole(window, qtbot) -> None:  # noqa: ANN001
    """At 1280x800 the Value column kept half its width blank while the Source column was
    cut at its share ("vCard phone-ex…"): what the values leave goes to the cut column."""
    fields, metrics = _card_fields(window, qtbot, (1280, 800))
    sources = [fields.item(r, 2).text() for r in range(fields.rowCount())
               if fields.item(r, 2) is not None and fields.cellWidget(r, 2) is None]
    assert any(s.startswith("vCard ") for s in sources)
    room = fields.columnWidth(2) - 8
    assert all(metrics.horizontalAdvance(s) <= room for s in sources), (sources, room)
    width = sum(fields.columnWidth(c) for c in range(fields.columnCount()))
    assert width <= fields.viewport().width()


def test_the_cards_addresses_say_whose_they_are(window, qtbot) -> None:  # noqa: ANN001
    """"State: owner" beside an empty "Owner" column read as a contradiction."""
    win = window((1280, 800))
    ids = win.contact_list.model.ids()
    with qtbot.waitSignal(win.detail.loaded, timeout=5000):
        win.contact_list.select_party(ids[4])
    table = win.detail.handles
    titles = [table.horizontalHeaderItem(c).text() for c in range(table.columnCount())]
    assert titles[3:] == ["State", "Owner"]
    belongs = {table.item(r, 4).text() for r in range(table.rowCount())}
    states = {table.item(r, 3).text() for r in range(table.rowCount())}
    assert "this contact" in belongs and "" not in belongs
    assert "owner" not in states and "candidate" not in states  # said by the Owner column
