"""Text colours derived from the palette, so they read in a light and a dark theme: WCAG
contrast against the background, and a colour mixed toward the text colour until it reaches
the 4.5:1 that body text needs."""

from __future__ import annotations

from PySide6.QtGui import QColor, QPalette

#: WCAG AA for body text.
READABLE = 4.5


def luminance(colour: QColor) -> float:
    """Relative luminance (WCAG 2)."""
    def channel(c: float) -> float:
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(x) for x in colour.getRgbF()[:3])
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(a: QColor, b: QColor) -> float:
    hi, lo = sorted((luminance(a), luminance(b)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


def mix(a: QColor, b: QColor, share_a: float) -> QColor:
    return QColor.fromRgbF(*(share_a * x + (1 - share_a) * y for x, y in
                             zip(a.getRgbF()[:3], b.getRgbF()[:3], strict=True)))


def readable(colour: QColor, background: QColor, text: QColor,
             ratio: float = READABLE) -> QColor:
    """``colour``, or the least mix of it toward ``text`` that reads on ``background``."""
    for step in range(21):
        candidate = mix(text, colour, step / 20)
        if contrast(candidate, background) >= ratio:
            return candidate
    return QColor(text)


#: The hue that flags a contact for review (an orange), made readable per palette.
REVIEW_HUE = QColor("#C0602A")


def status_colours(palette: QPalette) -> tuple[QColor, QColor]:
    """(needs review, archived) text colours for the contact list: the review orange and the
    palette's placeholder grey, each as close to itself as reads at 4.5:1 on the list's
    background (fixed #C0602A and #8A8F98 reached only 3.3-4.2:1)."""
    base = palette.color(QPalette.ColorRole.Base)
    text = palette.color(QPalette.ColorRole.Text)
    grey = palette.color(QPalette.ColorRole.PlaceholderText)
    grey = mix(grey, base, grey.alphaF())  # as painted: a translucent grey over the base
    return readable(REVIEW_HUE, base, text), readable(grey, base, text)


def muted_text(palette: QPalette) -> QColor:
    """Secondary text on the window's background (a card's labels and "where from" notes):
    the palette's placeholder grey, mixed toward the text colour until it reads at 4.5:1.
    A fixed "gray" reached only 3.6:1 on a dark window and 3.9:1 on a white one."""
    window = palette.color(QPalette.ColorRole.Window)
    text = palette.color(QPalette.ColorRole.WindowText)
    grey = palette.color(QPalette.ColorRole.PlaceholderText)
    grey = mix(grey, window, grey.alphaF())
    return readable(grey, window, text)


#: Bars of the match evidence: for, against, and the starting point (the prior).
GAIN_HUE, LOSS_HUE, PRIOR_HUE = QColor("#3E9B5B"), QColor("#C8553D"), QColor("#7A869A")
#: WCAG 2.1 non-text contrast (bars, lines) against the background.
GRAPHIC = 3.0


def bar_colours(palette: QPalette) -> tuple[QColor, QColor, QColor]:
    """(gain, loss, prior) bar fills that stand out at 3:1 on the window's background in a
    light and a dark theme, each as close to its hue as allows; and the axis line."""
    window = palette.color(QPalette.ColorRole.Window)
    text = palette.color(QPalette.ColorRole.WindowText)
    return tuple(readable(hue, window, text, GRAPHIC)  # type: ignore[return-value]
                 for hue in (GAIN_HUE, LOSS_HUE, PRIOR_HUE))
