"""The match evidence waterfall wraps a long sentence onto more lines instead of cutting it
off: seen in the review queue, "Different birthdays (12 July 1953 and 7 December 19…" hid the
very date that was the evidence, at 1280x800 as at 800x600."""

from __future__ import annotations

from PySide6.QtGui import QFontMetrics
from PySide6.QtWidgets import QVBoxLayout, QWidget

from app.services.evidence import Waterfall, WaterfallRow
from ui.evidence import ROW_H, EvidenceBars

LONG = ("Different birthdays (12 July 1953 and 7 December 1943): more than a typo apart, "
        "so probably two people")
ROWS = (WaterfallRow("Starting point", -10.0, "", True),
        WaterfallRow(LONG, -5.1),
        WaterfallRow("Both have the first name Nikolai", 6.5))


def _shown(qtbot, width: int) -> tuple[QWidget, EvidenceBars]:  # noqa: ANN001
    holder = QWidget()
    layout = QVBoxLayout(holder)
    bars = EvidenceBars()
    layout.addWidget(bars)
    layout.addStretch(1)
    qtbot.addWidget(holder)
    bars.set_waterfall(Waterfall(ROWS, -8.6))
    holder.resize(width, 400)
    holder.show()
    qtbot.waitExposed(holder)
    return holder, bars


def _band(bars: EvidenceBars, row: WaterfallRow) -> tuple[int, int]:
    """The rows's top and bottom, found by asking the widget what lies at each height."""
    ys = [y for y in range(bars.height()) if bars.row_at(y) is row]
    return ys[0], ys[-1]


def test_a_long_sentence_wraps_and_its_row_grows(qtbot) -> None:  # noqa: ANN001
    holder, bars = _shown(qtbot, 640)
    metrics = QFontMetrics(bars.font())
    column = bars._label_width()
    assert metrics.horizontalAdvance(LONG) > column  # one line would have been cut off
    top, bottom = _band(bars, ROWS[1])
    assert bottom - top + 1 >= 2 * metrics.lineSpacing()
    assert _band(bars, ROWS[2])[1] - _band(bars, ROWS[2])[0] + 1 == ROW_H  # short: one line
    assert bars.height() >= bars.sizeHint().height() > ROW_H * (len(ROWS) + 1) + 6
    # Text is painted on the sentence's lower line too (wrapped, not elided).
    image = bars.grab().toImage()
    background = image.pixelColor(column - 2, top + 1).name()
    lower = range(top + (bottom - top) * 2 // 3, bottom)
    inked = [(x, y) for x in range(4, column - 8) for y in lower
             if image.pixelColor(x, y).name() != background]
    assert inked, "nothing painted on the wrapped line"
    # Narrower: more lines, and the chart asks its layout for the room.
    wide_height = bars.height()
    holder.resize(420, 400)
    qtbot.waitUntil(lambda: bars.height() > wide_height)
    top, bottom = _band(bars, ROWS[1])
    assert bottom - top + 1 >= 3 * metrics.lineSpacing()
