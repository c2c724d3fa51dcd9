"""Small shared widgets: a confidence bar cell, section headers, timestamps in the locale's
formats, a label that elides what does not fit (full text in its tooltip)."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Any

from PySide6.QtCore import QDate, QLocale, QSize, Qt, QTime
from PySide6.QtGui import QPainter
from PySide6.QtWidgets import QLabel, QProgressBar, QTableWidget, QTableWidgetItem, QWidget

from app.local_times import relative_when, to_local
from ui.columns import tip_delegate


def confidence_bar(value: float, parent: QWidget | None = None) -> QProgressBar:
    """A slim 0..100 % bar for a link's confidence."""
    bar = QProgressBar(parent)
    bar.setRange(0, 100)
    bar.setValue(round(value * 100))
    bar.setFormat(f"{value:.0%}")
    bar.setTextVisible(True)
    bar.setMaximumHeight(16)
    return bar


def chance(probability: float, *, short: bool = False) -> str:
    """A suggestion's probability as the owner reads it. A suggestion is never certain (the
    owner has not answered it yet), so "100%" and "0%" would claim too much: the ends read
    "over 99%" and "under 1%" (``short``: ">99%" and "<1%", for a narrow list)."""
    percent = round(probability * 100)
    if percent >= 100:
        return ">99%" if short else "over 99%"
    if percent <= 0:
        return "<1%" if short else "under 1%"
    return f"{percent}%"


def section(title: str) -> QLabel:
    label = QLabel(title)
    label.setProperty("role", "section")
    font = label.font()
    font.setBold(True)
    label.setFont(font)
    return label


def when(value: datetime | None, now: datetime | None = None) -> str:
    """A local timestamp as a desktop address book writes it, in the locale's own formats:
    the time alone today, "Yesterday 18:41" / "Tomorrow 07:00", else the short date and
    time; "never" when there is none. The rule is ``app.local_times.relative_when``, which
    the command line shares; QLocale writes the parts here."""
    return relative_when(value, now, _qt_clock, _qt_day)


def _qt_clock(local: datetime) -> str:
    return QLocale().toString(QTime(local.hour, local.minute), QLocale.FormatType.ShortFormat)


def _qt_day(local: datetime) -> str:
    return QLocale().toString(QDate(local.year, local.month, local.day),
                              QLocale.FormatType.ShortFormat)


def short_when(value: datetime | None, now: datetime | None = None) -> str:
    """A timestamp in a narrow column, in the locale's words: "17:30" today, "Sat 17:30"
    within a week either way, else the day and the month's short name in the locale's order
    ("12 Dec", "12. Dez.", "Dec 12"; with the year when it is another); "never" when there
    is none. The cell's tooltip carries the full ``when``."""
    if value is None:
        return "never"
    local = to_local(value)
    today = (now or datetime.now(UTC)).astimezone()
    locale = QLocale()
    clock = _qt_clock(local)
    days = abs((local.date() - today.date()).days)
    if days == 0:
        return clock
    if days < 7:
        return f"{locale.dayName(local.isoweekday(), QLocale.FormatType.ShortFormat)} {clock}"
    pattern = date_pattern(year=local.year != today.year, month="MMM", locale=locale)
    return locale.toString(QDate(local.year, local.month, local.day), pattern)


_WEEKDAY = re.compile(r"d{4}[,.]?\s*")
_YEAR = re.compile(r"[,.]?\s*y+\.?|y+年?[\s,./-]*")


def date_pattern(*, year: bool, month: str = "MMMM", locale: QLocale | None = None) -> str:
    """The locale's own order and punctuation for a day, a month's name and a year, from its
    long date format without the weekday: "d. MMMM yyyy" in German, "MMMM d, yyyy" in
    American English. ``month="MMM"`` gives the medium form ("5. Jan. 2027", "Jan 5, 2027"),
    ``year=False`` leaves the year off ("5. Jan.", "Jan 5"). Never a hand-built "d MMM",
    which reads wrong in German ("5 Jan.")."""
    fmt = (locale or QLocale()).dateFormat(QLocale.FormatType.LongFormat)
    fmt = re.sub(r"M{3,4}", month, _WEEKDAY.sub("", fmt).strip(" ,"))
    if not year:
        fmt = _YEAR.sub("", fmt).strip(" ,/-")
    return fmt


def age(value: datetime | None, now: datetime | None = None) -> str:
    """"3 min", "2 h", "4 d" since ``value``; "—" when unknown."""
    if value is None:
        return "—"
    now = now or datetime.now(UTC)
    seconds = max(0, int((now - value).total_seconds()))
    if seconds < 90:
        return f"{seconds} s"
    if seconds < 90 * 60:
        return f"{seconds // 60} min"
    if seconds < 36 * 3600:
        return f"{seconds // 3600} h"
    return f"{seconds // 86400} d"


def item(text: str, data: object = None) -> QTableWidgetItem:
    cell = QTableWidgetItem(text)
    cell.setFlags(cell.flags() & ~Qt.ItemFlag.ItemIsEditable)
    if data is not None:
        cell.setData(Qt.ItemDataRole.UserRole, data)
    return cell


#: Rows sampled when a plain table sizes its columns to their contents.
RESIZE_PRECISION = 100


def plain_table(headers: list[str]) -> QTableWidget:
    table = QTableWidget(0, len(headers))
    table.setHorizontalHeaderLabels(headers)
    table.verticalHeader().setVisible(False)
    table.verticalHeader().setDefaultSectionSize(24)
    table.horizontalHeader().setStretchLastSection(True)
    table.setSelectionBehavior(QTableWidget.SelectionBehavior.SelectRows)
    table.setSelectionMode(QTableWidget.SelectionMode.SingleSelection)
    table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
    table.setShowGrid(False)
    table.setWordWrap(False)
    # Tab leaves the table for the next pane instead of walking it cell by cell.
    table.setTabKeyNavigation(False)
    # resizeColumnsToContents() measures this many rows, not all (Qt's default is 1000): a list
    # of 1000 contested handles refilled after an import must not stall the GUI thread.
    table.horizontalHeader().setResizeContentsPrecision(RESIZE_PRECISION)
    tip_delegate(table)  # a value cut short ("…") shows its whole text as its tooltip
    return table


class ElidedLabel(QLabel):
    """A one-line label that shows "Beginning of the te…" when its text does not fit, with
    the whole text in its tooltip: at 800x600 a long status or name never gets clipped
    mid-letter, and it never forces the window wider (its minimum width is small)."""

    #: The layout test (tests/ui/test_layout.py) accepts this label's text as fitting.
    elides = True

    def __init__(self, text: str = "", parent: QWidget | None = None) -> None:
        super().__init__(text, parent)
        self._own_tooltip = ""
        self.setTextFormat(Qt.TextFormat.PlainText)

    def setText(self, text: str) -> None:  # noqa: N802 - Qt override
        super().setText(text)
        self._update_tooltip()

    def minimumSizeHint(self) -> QSize:  # noqa: N802 - Qt override
        hint = super().minimumSizeHint()
        return QSize(min(hint.width(), self.fontMetrics().horizontalAdvance("M…") + 4),
                     hint.height())

    def displayed_text(self) -> str:
        """What is painted: the text, elided to the label's width."""
        return self.fontMetrics().elidedText(self.text(), Qt.TextElideMode.ElideRight,
                                             self.contentsRect().width())

    def resizeEvent(self, event: Any) -> None:  # noqa: N802 - Qt override
        super().resizeEvent(event)
        self._update_tooltip()

    def _update_tooltip(self) -> None:
        self.setToolTip(self.text() if self.displayed_text() != self.text() else "")

    def paintEvent(self, _event: Any) -> None:  # noqa: N802 - Qt override
        painter = QPainter(self)
        painter.setPen(self.palette().color(self.foregroundRole()))
        painter.drawText(self.contentsRect(), int(self.alignment()), self.displayed_text())
