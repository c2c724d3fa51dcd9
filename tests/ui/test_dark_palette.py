"""Readable under a dark palette: the chrome's own colours come from the palette, so the
sidebar's count badges keep their contrast in a light and a dark theme."""

from __future__ import annotations

import pytest
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QApplication

from tests.ui.screenshots import dark_palette
from ui.sidebar import badge_colours


def luminance(colour: QColor) -> float:
    def channel(c: float) -> float:
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(x) for x in colour.getRgbF()[:3])
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(a: QColor, b: QColor) -> float:
    hi, lo = sorted((luminance(a), luminance(b)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


@pytest.mark.parametrize("theme", ["light", "dark"])
def test_badges_keep_their_contrast(qtbot, theme) -> None:  # noqa: ANN001
    palette = QApplication.palette() if theme == "light" else dark_palette()
    assert isinstance(palette, QPalette)
    fill, ink = badge_colours(palette, selected=False, alert=False)
    assert contrast(fill, ink) >= 4.5, (fill.name(), ink.name())
    for selected, alert in ((True, False), (False, True), (True, True)):
        fill, ink = badge_colours(palette, selected, alert)
        # The palette's own highlight pair: as readable as the selected row's text.
        expected = contrast(palette.color(QPalette.ColorRole.Highlight),
                            palette.color(QPalette.ColorRole.HighlightedText))
        assert contrast(fill, ink) == pytest.approx(expected)


def test_sidebar_paints_with_a_dark_palette(qtbot) -> None:  # noqa: ANN001
    """The badge is painted in the palette's colours, not fixed ones: grab it and look."""
    from ui.menus import SECTIONS
    from ui.sidebar import Sidebar

    bar = Sidebar(SECTIONS)
    qtbot.addWidget(bar)
    bar.setPalette(dark_palette())
    bar.set_count("handles", 13, "claimed by two or more contacts")
    bar.show()
    qtbot.waitExposed(bar)
    image = bar.grab().toImage()
    row = bar.visualItemRect(bar.item(1))
    fill, _ink = badge_colours(bar.palette(), False, False)
    colours = {image.pixelColor(x, row.center().y()).name()
               for x in range(row.right() - 40, row.right())}
    assert fill.name() in colours
