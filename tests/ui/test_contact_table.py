"""The contact table repaints nothing for rows appended below what it shows (a search's
second step), and still paints appended rows it can show."""

from __future__ import annotations

from typing import Any

import pytest
from PySide6.QtCore import QEvent, QObject

from core.views.party import PartyRow
from ui.contact_model import ContactListModel
from ui.contact_table import ContactTable


class PaintCounter(QObject):
    def __init__(self) -> None:
        super().__init__()
        self.paints = 0

    def eventFilter(self, _obj: Any, event: Any) -> bool:  # noqa: N802 - Qt override
        if event.type() == QEvent.Type.Paint:
            self.paints += 1
        return False


def rows(ids: list[int]) -> list[PartyRow]:
    return [PartyRow(i, f"Person {i}", "", "", "", ["vcard"], False, False) for i in ids]


def shown_table(qtbot, model: ContactListModel) -> ContactTable:  # noqa: ANN001
    view = ContactTable()
    view.setModel(model)
    view.verticalHeader().setDefaultSectionSize(28)
    qtbot.addWidget(view)
    view.resize(600, 400)  # about 13 rows
    view.show()
    qtbot.waitExposed(view)
    return view


@pytest.fixture
def table(qtbot) -> tuple[ContactTable, ContactListModel, PaintCounter]:  # noqa: ANN001
    model = ContactListModel(lambda ids, deliver, _ahead: deliver(rows(ids)))
    view = shown_table(qtbot, model)
    counter = PaintCounter()
    view.viewport().installEventFilter(counter)
    return view, model, counter


def settle(qtbot) -> None:  # noqa: ANN001
    qtbot.wait(50)  # the delayed items layout and any repaint it asks for


def test_rows_appended_out_of_sight_repaint_nothing(qtbot, table) -> None:  # noqa: ANN001
    view, model, counter = table
    ids = list(range(1, 81))
    model.set_ids(ids, rows(ids))  # a search's first page
    settle(qtbot)
    bar = view.verticalScrollBar()
    range_before, painted = bar.maximum(), counter.paints
    assert painted > 0

    model.extend_ids(list(range(81, 100_001)))  # the rest of the result
    settle(qtbot)
    assert counter.paints == painted  # no visible cell changed
    assert bar.maximum() > range_before  # but the scroll range covers every row
    bar.setValue(bar.maximum())
    settle(qtbot)
    assert counter.paints > painted
    assert view.rowAt(view.viewport().height() - 1) == 99_999


def test_rows_appended_into_view_are_painted(qtbot, table) -> None:  # noqa: ANN001
    view, model, counter = table
    model.set_ids([1, 2, 3], rows([1, 2, 3]))  # the viewport is not full
    settle(qtbot)
    painted = counter.paints
    model.extend_ids(list(range(4, 200)))
    settle(qtbot)
    assert counter.paints > painted
    assert view.rowAt(view.viewport().height() - 1) > 3


def test_a_reset_after_an_append_still_lays_out(qtbot, table) -> None:  # noqa: ANN001
    """A reset and a hidden append in the same event-loop turn: the reset's layout wins."""
    view, model, counter = table
    ids = list(range(1, 81))
    model.set_ids(ids, rows(ids))
    settle(qtbot)
    painted = counter.paints
    model.extend_ids(list(range(81, 1000)))
    model.set_ids([5, 6], rows([5, 6]))
    settle(qtbot)
    assert counter.paints > painted
    assert view.verticalScrollBar().maximum() == 0


class CountingModel(ContactListModel):
    """Counts the data() calls the view makes (painting should make none)."""

    calls = 0

    def data(self, index: Any, role: int = 0) -> Any:
        CountingModel.calls += 1
        return super().data(index, role)


def colour_at(view: ContactTable, x: int, y: int) -> str:
    return view.viewport().grab().toImage().pixelColor(x, y).name()


def test_the_table_paints_rows_without_asking_for_cell_data(qtbot) -> None:  # noqa: ANN001
    ids = list(range(1, 200))
    model = CountingModel(lambda wanted, deliver, _ahead: deliver(rows(wanted)))
    model.set_ids(ids, rows(ids))
    view = shown_table(qtbot, model)
    CountingModel.calls = 0
    image = view.viewport().grab().toImage()
    assert CountingModel.calls == 0
    # Every visible row has dark text pixels in its name cell (right of the avatar).
    height = view.verticalHeader().defaultSectionSize()
    for row in range(view.rowAt(0), view.rowAt(view.viewport().height() - height) + 1):
        top = view.rowViewportPosition(row)
        dark = [x for x in range(40, 150) for y in range(top + 4, top + height - 4)
                if image.pixelColor(x, y).lightness() < 100]
        assert dark, f"row {row} shows no text"


def test_selection_and_alternate_rows_use_the_palette(qtbot, table) -> None:  # noqa: ANN001
    view, model, _ = table
    view.setAlternatingRowColors(True)
    ids = list(range(1, 100))
    model.set_ids(ids, rows(ids))
    view.selectRow(1)
    qtbot.wait(20)
    palette = view.palette()
    group = palette.ColorGroup.Active if view.isActiveWindow() else palette.ColorGroup.Inactive
    right = view.viewport().width() - 2  # past every text: background only
    y0, y1 = view.rowViewportPosition(0) + 2, view.rowViewportPosition(1) + 2
    y2 = view.rowViewportPosition(2) + 2
    assert colour_at(view, right, y0) == palette.color(group, palette.ColorRole.Base).name()
    assert colour_at(view, right, y1) == palette.color(group,
                                                       palette.ColorRole.Highlight).name()
    assert colour_at(view, right, y2) == palette.color(group, palette.ColorRole.Base).name()
    view.clearSelection()
    qtbot.wait(20)
    assert colour_at(view, right, y1) == palette.color(
        group, palette.ColorRole.AlternateBase).name()


def test_missing_rows_are_fetched_by_painting_and_repainted(qtbot) -> None:  # noqa: ANN001
    calls: list[tuple[list[int], Any]] = []
    model = ContactListModel(lambda wanted, deliver, _ahead: calls.append((wanted, deliver)))
    model.set_ids(list(range(1, 100_001)))
    view = shown_table(qtbot, model)
    view.viewport().grab()
    assert calls and 1 in calls[0][0]  # the rows on screen were asked for
    counter = PaintCounter()
    view.viewport().installEventFilter(counter)
    wanted, deliver = calls[0]
    deliver(rows(wanted))
    qtbot.waitUntil(lambda: counter.paints > 0)
    assert model.cached(1) is not None


def test_long_texts_are_elided_to_the_column(qtbot, table) -> None:  # noqa: ANN001
    view, model, _ = table
    long_row = PartyRow(1, "Maximiliane Wolkenstein-Rodenegg von Habsburg", "", "", "",
                        ["vcard"], False, False)
    model.set_ids([1], [long_row])
    view.setColumnWidth(0, 120)
    view.viewport().grab()
    entry = model.paint_entry(0)
    assert entry is not None and entry.elided[0][2].endswith("…")
    view.setColumnWidth(0, 600)
    view.viewport().grab()
    assert entry.elided[0][2] == long_row.display_name


def test_source_badges_are_drawn(qtbot, table) -> None:  # noqa: ANN001
    from ui.badges import BADGE_COLOURS
    from ui.contact_model import SOURCES

    view, model, _ = table
    model.set_ids([1], rows([1]))
    for col in range(SOURCES):
        view.setColumnHidden(col, True)
    view.setColumnWidth(SOURCES, 200)
    image = view.viewport().grab().toImage()
    top, height = view.rowViewportPosition(0), view.verticalHeader().defaultSectionSize()
    seen = {image.pixelColor(x, y).name() for x in range(0, 200) for y in range(top, height)}
    assert BADGE_COLOURS["vcard"].lower() in seen
