"""The layout checker itself: it must see clipped text, or the layout test proves nothing."""

from __future__ import annotations

from PySide6.QtWidgets import QCheckBox, QLabel, QPushButton, QVBoxLayout, QWidget

from tests.ui.layout_check import find_clipped
from ui.widgets import ElidedLabel

LONG = "Add a CardDAV account (Nextcloud, iCloud…)…"


def holder(qtbot, *widgets: QWidget) -> QWidget:  # noqa: ANN001
    box = QWidget()
    layout = QVBoxLayout(box)
    for w in widgets:
        layout.addWidget(w)
    qtbot.addWidget(box)
    box.resize(400, 300)
    box.show()
    qtbot.waitExposed(box)
    return box


def test_a_squeezed_button_label_and_checkbox_are_found(qtbot) -> None:  # noqa: ANN001
    button, label, box = QPushButton(LONG), QLabel(LONG), QCheckBox(LONG)
    for w in (button, label, box):
        w.setFixedWidth(60)
    found = find_clipped(holder(qtbot, button, label, box))
    assert {c.widget.split("(")[0] for c in found} == {"QPushButton", "QLabel", "QCheckBox"}


def test_text_that_fits_and_an_eliding_label_pass(qtbot) -> None:  # noqa: ANN001
    elided = ElidedLabel(LONG * 3)
    elided.setFixedWidth(60)
    window = holder(qtbot, QPushButton("OK"), QLabel("Fine"), elided)
    assert find_clipped(window) == []
    assert elided.displayed_text().endswith("…") and elided.toolTip() == LONG * 3


def test_a_wrapped_label_cut_top_and_bottom_is_found(qtbot) -> None:  # noqa: ANN001
    label = QLabel("Loading the demo data, then the review queue, then everything else…")
    label.setWordWrap(True)
    label.setFixedSize(80, 14)
    found = find_clipped(holder(qtbot, label))
    assert found and "taller" in found[0].why
