"""The list | card split: the card keeps the width it needs in a small window, the list gets
the room of a wide one, and the owner's own split (dragged or restored) is left alone."""

from __future__ import annotations

from PySide6.QtWidgets import QWidget

from ui.contact_splitter import CARD_LEAST, ContactSplitter


def splitter(qtbot, width: int) -> ContactSplitter:  # noqa: ANN001
    split = ContactSplitter()
    qtbot.addWidget(split)
    split.addWidget(QWidget())
    split.addWidget(QWidget())
    split.resize(width, 400)
    split.show()
    qtbot.waitExposed(split)
    return split


def test_the_card_keeps_its_least_width_and_the_list_gets_the_rest(qtbot) -> None:  # noqa: ANN001
    split = splitter(qtbot, 600)
    list_width, card = split.sizes()
    assert card == CARD_LEAST and list_width == sum(split.sizes()) - CARD_LEAST
    split.resize(1100, 400)
    qtbot.waitUntil(lambda: sum(split.sizes()) > 1000, timeout=2000)
    list_width, card = split.sizes()
    assert card > CARD_LEAST and list_width > card  # a wide window: most room to the list


def test_the_owners_split_is_kept(qtbot) -> None:  # noqa: ANN001
    split = splitter(qtbot, 600)
    split.setSizes([200, sum(split.sizes()) - 200])
    state = split.saveState()
    again = splitter(qtbot, 600)
    assert again.restoreState(state)
    again.resize(900, 400)
    qtbot.waitUntil(lambda: sum(again.sizes()) > 800, timeout=2000)
    assert again.sizes()[0] < again.sizes()[1]  # not re-placed by the rule
