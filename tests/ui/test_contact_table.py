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


@pytest.fixture
def table(qtbot) -> tuple[ContactTable, ContactListModel, PaintCounter]:  # noqa: ANN001
    model = ContactListModel(lambda ids, deliver, _ahead: deliver(rows(ids)))
    view = ContactTable()
    view.setModel(model)
    view.verticalHeader().setDefaultSectionSize(28)
    qtbot.addWidget(view)
    view.resize(600, 400)  # about 13 rows
    view.show()
    qtbot.waitExposed(view)
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
