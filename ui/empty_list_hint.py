"""What an empty list says: which search or filter found nobody, and what to do next.

A search that matched nobody used to leave a blank white table and "0 contacts" below it; a
new user could not tell a typo from a list that failed to load. The Sources page with no
source was an empty table above an empty box. The hint is a label over the view's viewport,
shown only once the list has been filled with no rows.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtWidgets import QAbstractItemView, QLabel

from app.services.list_query import ListQuery

#: What an empty list says per built-in filter (no search typed).
FILTER_EMPTY = {
    "needs_review": "No contact needs review.",
    "archived": "No archived contacts. Archive hides a contact from the list without "
                "deleting it; archived contacts are listed here.",
}


def hint_text(query: ListQuery, filter_text: str) -> str:
    """The sentence for an empty result of ``query`` (``filter_text``: the filter's words)."""
    if query.search:
        filtered = query.filter_name != "all" or query.label or query.account_id
        where = f" in “{filter_text}”" if filtered else ""
        return (f"No contact matches “{query.search}”{where}.\n"
                "Check the spelling, or press Esc to clear the search.")
    if query.filter_name in FILTER_EMPTY:
        return FILTER_EMPTY[query.filter_name]
    if query.label or query.account_id:
        return f"No contacts in “{filter_text}”. Choose “All contacts” to see everyone."
    return "No contacts yet. Add one with New contact (Ctrl+N) or import a file (Ctrl+I)."


class EmptyListHint(QLabel):
    """A centred, wrapped sentence over ``view``'s viewport while the list is empty."""

    def __init__(self, view: QAbstractItemView, name: str = "contactListEmpty") -> None:
        super().__init__(view.viewport())
        self.setObjectName(name)
        self.setWordWrap(True)
        self.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.setContentsMargins(12, 12, 12, 12)
        self.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
        self._view = view
        view.viewport().installEventFilter(self)
        self.hide()

    def show_for(self, rows: int, query: ListQuery, filter_text: str) -> None:
        """The list finished with ``rows`` rows: say why it is empty, or get out of the way."""
        self.show_text("" if rows else hint_text(query, filter_text))

    def show_text(self, text: str) -> None:
        """Show ``text`` over the view; "" hides the hint (the list has rows)."""
        if not text:
            self.hide()
            return
        self.setText(text)
        self.setGeometry(self._view.viewport().rect())
        self.show()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt
        if event.type() == QEvent.Type.Resize:
            self.setGeometry(self._view.viewport().rect())
        return False
