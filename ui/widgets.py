"""Small shared widgets: a confidence bar cell, section headers, readable timestamps."""

from __future__ import annotations

from datetime import UTC, datetime

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QProgressBar, QTableWidget, QTableWidgetItem, QWidget


def confidence_bar(value: float, parent: QWidget | None = None) -> QProgressBar:
    """A slim 0..100 % bar for a link's confidence."""
    bar = QProgressBar(parent)
    bar.setRange(0, 100)
    bar.setValue(round(value * 100))
    bar.setFormat(f"{value:.0%}")
    bar.setTextVisible(True)
    bar.setMaximumHeight(16)
    return bar


def section(title: str) -> QLabel:
    label = QLabel(title)
    label.setProperty("role", "section")
    font = label.font()
    font.setBold(True)
    label.setFont(font)
    return label


def when(value: datetime | None) -> str:
    """A short local timestamp, or "never"."""
    if value is None:
        return "never"
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone().strftime("%Y-%m-%d %H:%M")


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
    # resizeColumnsToContents() measures this many rows, not all (Qt's default is 1000): a list
    # of 1000 contested handles refilled after an import must not stall the GUI thread.
    table.horizontalHeader().setResizeContentsPrecision(RESIZE_PRECISION)
    return table
