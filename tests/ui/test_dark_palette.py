"""Readable under a dark palette: the chrome's own colours come from the palette, so the
sidebar's count badges, the list's status colours, the contact card's labels and the review
evidence bars keep their contrast in a light and a dark theme; no view names a fixed colour."""

from __future__ import annotations

import re
from pathlib import Path

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


#: Files that may name fixed colours, and why: the theme-independent hues that ui.colours
#: turns readable per palette, and badges/avatars whose white text sits on their own fill.
FIXED_COLOURS_ALLOWED = {"colours.py", "badges.py", "avatars.py"}
FIXED_COLOUR = re.compile(r"#[0-9A-Fa-f]{6}\b|#[0-9A-Fa-f]{3}\b|color\s*:\s*[a-z]+|"
                          r"Qt\.GlobalColor\.(?!transparent)\w+|QColor\(\"[a-z]+\"\)")


def test_views_take_their_colours_from_the_palette() -> None:
    """A fixed colour reads on one background only: the card's "gray" labels were 3.6:1
    on a dark window, the evidence axis #999999 2.6:1 on a light one."""
    ui = Path(__file__).resolve().parents[2] / "ui"
    found = [f"{path.name}:{n}: {line.strip()}"
             for path in sorted(ui.glob("*.py")) if path.name not in FIXED_COLOURS_ALLOWED
             for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
             if FIXED_COLOUR.search(line.split(" # ", 1)[0])]
    assert not found, "\n".join(found)


@pytest.mark.parametrize("theme", ["light", "dark"])
def test_the_contact_card_reads_in_both_themes(qtbot, window, people, theme) -> None:  # noqa: ANN001
    """Every colour the card's text is given reads at 4.5:1 on the pane's background, and a
    theme change repaints the card in the new palette's greys."""
    detail = window.detail
    with qtbot.waitSignal(detail.loaded, timeout=5000):
        assert window.contact_list.select_party(people["anna"])
    if theme == "dark":
        detail.setPalette(dark_palette())
    window_colour = detail.card.palette().color(QPalette.ColorRole.Window)
    colours = re.findall(r"color\s*:\s*([#\w]+)", detail.card.text())
    assert colours, "the card names its labels' colour"
    for name in set(colours):
        assert contrast(QColor(name), window_colour) >= 4.5, (name, window_colour.name())


@pytest.mark.parametrize("theme", ["light", "dark"])
def test_evidence_bars_stand_out_in_both_themes(qtbot, theme) -> None:  # noqa: ANN001
    """The waterfall's bars (for, against, the starting point) reach the 3:1 that graphics
    need on the window's background, and are painted in those colours."""
    from app.services.evidence import Waterfall, WaterfallRow
    from ui.colours import bar_colours
    from ui.evidence import EvidenceBars

    bars = EvidenceBars()
    qtbot.addWidget(bars)
    if theme == "dark":
        bars.setPalette(dark_palette())
    palette = bars.palette()
    window_colour = palette.color(QPalette.ColorRole.Window)
    gain, loss, prior = bar_colours(palette)
    for colour in (gain, loss, prior):
        assert contrast(colour, window_colour) >= 3.0, colour.name()
    rows = (WaterfallRow("Starting point", -2.0, "", True),
            WaterfallRow("Same email address", 6.0, "", False))
    bars.set_waterfall(Waterfall(rows, 4.0))
    bars.resize(500, bars.sizeHint().height())
    bars.show()
    qtbot.waitExposed(bars)
    image = bars.grab().toImage()
    painted = {image.pixelColor(x, y).name() for x in range(0, 500, 2)
               for y in range(0, image.height(), 2)}
    assert gain.name() in painted and prior.name() in painted


def test_the_selected_sections_icon_stays_visible(qtbot) -> None:  # noqa: ANN001
    """The style tints a selected row's icon with the highlight colour: Review's blue icon
    vanished on the blue row. The selected icon is the icon itself."""
    from PySide6.QtGui import QIcon

    from ui.menus import SECTIONS
    from ui.sidebar import ICON, Sidebar

    bar = Sidebar(SECTIONS)
    qtbot.addWidget(bar)
    for row in range(bar.count()):
        icon = bar.item(row).icon()
        normal = icon.pixmap(ICON, ICON, QIcon.Mode.Normal).toImage()
        selected = icon.pixmap(ICON, ICON, QIcon.Mode.Selected).toImage()
        assert normal == selected, bar.item(row).text()
