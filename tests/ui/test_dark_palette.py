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


@pytest.mark.parametrize("theme", ["light", "dark"])
def test_contact_list_status_colours_are_readable(qtbot, theme) -> None:  # noqa: ANN001
    """"⚑ review" and archived rows were fixed #C0602A and #8A8F98: 3.3-4.2:1. From the
    palette they reach 4.5:1 on the list's background in both themes, and stay their hue."""
    from ui.colours import REVIEW_HUE, status_colours

    palette = QApplication.palette() if theme == "light" else dark_palette()
    base = palette.color(QPalette.ColorRole.Base)
    review, archived = status_colours(palette)
    assert contrast(review, base) >= 4.5, review.name()
    assert contrast(archived, base) >= 4.5, archived.name()
    assert review.hslHue() == pytest.approx(REVIEW_HUE.hslHue(), abs=12)  # still orange
    assert archived != palette.color(QPalette.ColorRole.Text)  # still set apart


def test_the_list_paints_archived_and_review_rows_in_the_palette_colours(
        qtbot) -> None:  # noqa: ANN001
    from types import SimpleNamespace

    from ui.colours import status_colours
    from ui.contact_model import ContactListModel
    from ui.contact_table import ContactTable

    model = ContactListModel()
    table = ContactTable()
    qtbot.addWidget(table)
    table.setModel(model)
    table.setPalette(dark_palette())
    assert model._colours == status_colours(table.palette())  # the table passed it on
    review, archived = status_colours(table.palette())
    row = SimpleNamespace(id=1, display_name="Zoë Müller", primary_email="", phone_display="",
                          primary_phone="", organization="", sources=(), needs_review=True,
                          archived=True, initials="ZM")
    from ui.contact_model import _Entry

    entry = _Entry(row, model._colours)
    assert entry.foreground[0] == archived and entry.foreground[-1] == review
    assert contrast(archived, table.palette().color(QPalette.ColorRole.Base)) >= 4.5
