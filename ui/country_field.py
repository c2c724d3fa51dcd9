"""The contact editor's Country cell: an editable combo of country names in the owner's
language that filters as one types ("reich" offers Österreich and Frankreich). The cell shows
the name and keeps the ISO code underneath (``Qt.UserRole``), which is what the address
stores; a country the owner types that no table knows, or a value a source wrote out
("Deutschland", "Bavaria"), is kept and shown as written."""

from __future__ import annotations

from PySide6.QtCore import QAbstractItemModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtWidgets import (
    QComboBox,
    QCompleter,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QWidget,
)

from ui.country_names import country_choices, country_label, country_value

VALUE = Qt.ItemDataRole.UserRole
Index = QModelIndex | QPersistentModelIndex


def country_combo(parent: QWidget | None = None) -> QComboBox:
    """An editable combo of every country name; typing filters the names it contains."""
    combo = QComboBox(parent)
    combo.setObjectName("countryCombo")
    combo.setEditable(True)
    combo.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
    for name, code in country_choices():
        combo.addItem(name, code)
    completer = combo.completer()
    completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
    completer.setFilterMode(Qt.MatchFlag.MatchContains)
    completer.setCompletionMode(QCompleter.CompletionMode.PopupCompletion)
    combo.setMaxVisibleItems(12)
    # The cell is narrow; the lists are as wide as the longest name ("Bosnia & Herzegovina").
    wide = combo.view().sizeHintForColumn(0) + 24
    combo.view().setMinimumWidth(wide)
    completer.popup().setMinimumWidth(wide)
    return combo


class CountryDelegate(QStyledItemDelegate):
    """Edits a Country cell with :func:`country_combo`; the cell's text is the name shown,
    its ``VALUE`` the code (or the text as written) that is saved."""

    def createEditor(self, parent: QWidget, option: QStyleOptionViewItem,  # noqa: N802
                     index: Index) -> QWidget:
        return country_combo(parent)

    def setEditorData(self, editor: QWidget, index: Index) -> None:  # noqa: N802
        assert isinstance(editor, QComboBox)
        value = index.data(VALUE) or ""
        found = editor.findData(value.upper()) if value else -1
        if found >= 0:
            editor.setCurrentIndex(found)
        else:
            editor.setCurrentIndex(-1)
            editor.setEditText(str(index.data(Qt.ItemDataRole.DisplayRole) or value))

    def setModelData(self, editor: QWidget, model: QAbstractItemModel,  # noqa: N802
                     index: Index) -> None:
        assert isinstance(editor, QComboBox)
        text = editor.currentText().strip()
        if text == (index.data(Qt.ItemDataRole.DisplayRole) or ""):
            return  # unchanged: a value as the source wrote it stays so
        value = country_value(text)
        model.setData(index, country_label(value), Qt.ItemDataRole.DisplayRole)
        model.setData(index, value, VALUE)
