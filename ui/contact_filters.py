"""The contact list's filter box: All contacts, Needs review, Archived, then one entry per
label ("Label: Friends") and per source ("Source: …"), each standing for a ListQuery base.
The choice survives a refill (a sync adds a label): the same filter stays selected, and a
filter that went away falls back to All contacts."""

from __future__ import annotations

from PySide6.QtWidgets import QComboBox, QWidget

from app.services.list_query import FilterOptions, ListQuery

BASE_FILTERS = [("All contacts", ListQuery()),
                ("Needs review", ListQuery(filter_name="needs_review")),
                ("Archived", ListQuery(filter_name="archived"))]


class ContactFilter(QComboBox):
    """A combo box of filters; :meth:`base` is the query the chosen one stands for."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("contactFilter")
        self._filters: list[ListQuery] = []
        self._add_base()

    def _add_base(self) -> None:
        self._filters = [q for _, q in BASE_FILTERS]
        for text, _ in BASE_FILTERS:
            self.addItem(text)

    def base(self) -> ListQuery:
        """The chosen filter's query (no search text)."""
        return self._filters[max(0, self.currentIndex())]

    def set_options(self, options: FilterOptions) -> bool:
        """Refill with the labels and sources there are now, keeping the chosen filter
        without signalling. True when the chosen one went away (All contacts is shown
        instead, and the list must be searched again)."""
        current = self.base()
        self.blockSignals(True)
        self.clear()
        self._add_base()
        for label in options.labels:
            self.addItem(f"Label: {label}")
            self._filters.append(ListQuery(label=label))
        for account_id, text in options.sources:
            self.addItem(f"Source: {text}")
            self._filters.append(ListQuery(account_id=account_id))
        index = self._filters.index(current) if current in self._filters else 0
        self.setCurrentIndex(index)
        self.blockSignals(False)
        return index == 0 and current != self._filters[0]
