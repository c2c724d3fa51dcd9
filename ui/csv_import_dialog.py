"""Import a CSV file: see its first rows, say what each column holds, import.

The window calls :func:`import_csv_interactively` with a path. The preview (format, encoding,
first rows, the remembered or detected field of every column) is read on a worker; the dialog
shows one line per column (its name, example values, a field list) above the first rows as
they will be read; Import runs on the writer and the summary names every skipped row by line.
Nothing here knows CSV formats or the database: the choices come from app.services.csv_import.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QMessageBox,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app import settings as cfg
from app import tasks
from app.appcontext import AppContext
from app.services.lazy import service

csv_services = service("app.services.csv_import")

EXAMPLES = 3
#: Flows in progress: a flow must outlive the call that started it even without a parent.
_LIVE: set[CsvImportFlow] = set()


class CsvImportDialog(QDialog):
    """One row per column: name, examples, field. ``mapping()`` is the owner's choice."""

    def __init__(self, preview: Any, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.preview = preview
        self.setWindowTitle(f"Import {preview.file_name}")
        self.setObjectName("csvImportDialog")
        remembered = " Your choices from the last import of this file are filled in." \
            if preview.remembered else ""
        intro = QLabel(f"<b>{_escape(preview.file_name)}</b>: {_escape(preview.format_title)} "
                       f"({_escape(preview.reading)}). Choose what each column holds; Kith "
                       f"remembers your choices for this file.{remembered}")
        intro.setWordWrap(True)
        intro.setObjectName("csvIntro")
        self.show_empty = QCheckBox("Show columns that are empty in the first rows")
        self.show_empty.setObjectName("csvShowEmpty")
        self.columns = QTableWidget(len(preview.headers), 3)
        self.columns.setObjectName("csvColumns")
        self.columns.setHorizontalHeaderLabels(["Column", "Examples", "Import as"])
        self.columns.verticalHeader().setVisible(False)
        self.columns.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.columns.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        header = self.columns.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.ResizeToContents)
        self.combos: list[QComboBox] = []
        words = {c.text: c.words for c in preview.choices}
        for i, name in enumerate(preview.headers):
            examples = [r[i] for r in preview.rows if r[i].strip()][:EXAMPLES]
            self.columns.setItem(i, 0, QTableWidgetItem(name or f"(column {i + 1})"))
            sample = QTableWidgetItem(" · ".join(e.replace("\n", " ") for e in examples))
            sample.setToolTip("\n".join(examples))
            self.columns.setItem(i, 1, sample)
            combo = QComboBox()
            combo.setObjectName(f"csvField{i}")
            for choice in preview.choices:
                combo.addItem(choice.words, choice.text)
            combo.setCurrentIndex(max(0, combo.findData(preview.chosen[i])))
            combo.setToolTip(f"What the column “{name}” holds "
                             f"(now: {words.get(preview.chosen[i], preview.chosen[i])})")
            combo.currentIndexChanged.connect(self._changed)
            self.combos.append(combo)
            self.columns.setCellWidget(i, 2, combo)
        self.rows = QTableWidget(len(preview.rows), len(preview.headers))
        self.rows.setObjectName("csvRows")
        self.rows.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.rows.horizontalHeader().setMaximumSectionSize(260)
        for r, row in enumerate(preview.rows):
            for c, value in enumerate(row):
                self.rows.setItem(r, c, QTableWidgetItem(value.replace("\n", " ⏎ ")))
        split = QSplitter(Qt.Orientation.Vertical)
        split.addWidget(self.columns)
        first = QWidget()
        fl = QVBoxLayout(first)
        fl.setContentsMargins(0, 0, 0, 0)
        fl.addWidget(QLabel(f"First {len(preview.rows)} row(s) of the file"))
        fl.addWidget(self.rows)
        split.addWidget(first)
        split.setSizes([300, 160])
        self.as_source = QCheckBox("Keep up to date: read this file again whenever it changes "
                                   "(it becomes a source)")
        self.as_source.setObjectName("csvAsSource")
        self.hint = QLabel("Choose at least one column that holds a name, email, phone or "
                           "company.")
        self.hint.setObjectName("csvHint")
        self.hint.setWordWrap(True)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.import_button = self.buttons.addButton(
            "&Import", QDialogButtonBox.ButtonRole.AcceptRole)
        self.import_button.setObjectName("csvImport")
        self.import_button.setDefault(True)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.show_empty)
        layout.addWidget(split, 1)
        layout.addWidget(self.as_source)
        layout.addWidget(self.hint)
        layout.addWidget(self.buttons)
        self.show_empty.toggled.connect(self._show_columns)
        self._show_columns(False)
        self._changed()
        self.resize(780, 560)

    def mapping(self) -> dict[str, str]:
        """{column header: field} for every named column."""
        return {h: combo.currentData() for h, combo in zip(self.preview.headers, self.combos,
                                                           strict=True) if h}

    def set_field(self, column: str, field: str) -> None:
        """Choose ``field`` (its stored text, e.g. "name.full") for ``column``."""
        combo = self.combos[self.preview.headers.index(column)]
        combo.setCurrentIndex(combo.findData(field))

    def _show_columns(self, show_empty: bool) -> None:
        for i, combo in enumerate(self.combos):
            filled = any(r[i].strip() for r in self.preview.rows)
            hidden = not (show_empty or filled or combo.currentData() != "skip")
            self.columns.setRowHidden(i, hidden)
            self.rows.setColumnHidden(i, hidden)

    def _changed(self) -> None:
        identity = set(self.preview.identity)
        usable = any(c.currentData() in identity for c in self.combos)
        self.import_button.setEnabled(usable)
        self.hint.setVisible(not usable)
        labels = []
        for name, combo in zip(self.preview.headers, self.combos, strict=True):
            field = combo.currentText() if combo.currentData() != "skip" else "not imported"
            labels.append(f"{name}\n({field})")
        self.rows.setHorizontalHeaderLabels(labels)
        self.rows.resizeColumnsToContents()


class CsvImportFlow(QObject):
    """Preview -> dialog -> import for one file; lives until the summary was shown."""

    #: The dialog is on screen (tests and the window may look at it).
    dialogShown = Signal(object)
    #: The import ended: a CsvImportSummary, or the exception (also shown to the owner).
    finished = Signal(object)

    def __init__(self, parent: QWidget | None, path: str, ctx: AppContext) -> None:
        super().__init__(parent)
        self.parent_widget = parent
        self.path = path
        self.ctx = ctx
        self.dialog: CsvImportDialog | None = None
        self.message: QMessageBox | None = None

    def start(self) -> None:
        _LIVE.add(self)
        self.ctx.read(csv_services.preview, self.path, name="read CSV file",
                      on_result=self._show, on_error=self._failed)

    def _show(self, preview: Any) -> None:
        self.dialog = CsvImportDialog(preview, self.parent_widget)
        self.dialog.accepted.connect(self._import)
        self.dialog.rejected.connect(self._end)
        self.dialog.open()
        self.dialogShown.emit(self.dialog)

    def _import(self) -> None:
        assert self.dialog is not None
        region = self.ctx.settings.get(cfg.DEFAULT_REGION)
        self.ctx.write(csv_services.import_file, self.path, self.dialog.mapping(), region,
                       self.dialog.as_source.isChecked(), name="import CSV file",
                       changes=tasks.ALL_TOPICS, on_result=self._done, on_error=self._failed)

    def _done(self, summary: Any) -> None:
        s = summary
        text = (f"{s.file_name}: {s.rows} row(s) read. {s.added} added, {s.updated} updated, "
                f"{s.unchanged} unchanged, {s.skipped} skipped.")
        if s.with_warnings:
            text += f" {s.with_warnings} imported with a value left out."
        self._tell(QMessageBox.Icon.Information, text, "\n".join(
            s.problems + ([f"Not imported: {', '.join(s.unmapped)}"] if s.unmapped else [])))
        self.finished.emit(summary)

    def _failed(self, exc: BaseException) -> None:
        self._tell(QMessageBox.Icon.Warning,
                   f"Could not import {self.path}: {tasks.readable_error(exc)}", "")
        self.finished.emit(exc)

    def _tell(self, icon: QMessageBox.Icon, text: str, details: str) -> None:
        self.message = QMessageBox(icon, "Import CSV file", text,
                                   QMessageBox.StandardButton.Ok, self.parent_widget)
        self.message.setObjectName("csvImportResult")
        if details:
            self.message.setDetailedText(details)
        self.message.finished.connect(self._end)
        self.message.open()

    def _end(self) -> None:
        _LIVE.discard(self)
        if self.dialog is not None:
            self.dialog.deleteLater()
        self.deleteLater()


def import_csv_interactively(parent: QWidget | None, path: str,
                             ctx: AppContext) -> CsvImportFlow:
    """The GUI's CSV import of ``path``: preview, mapping dialog, import, summary. Returns at
    once; the flow object (parented to ``parent``) reports through its signals."""
    flow = CsvImportFlow(parent, path, ctx)
    flow.start()
    return flow


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
