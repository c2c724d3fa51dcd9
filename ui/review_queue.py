"""The review queue: duplicate suggestions side by side with their evidence, and unknown
senders to attach or promote. Keyboard-driven: M merge, N not the same, L later, J/K next and
previous. Actions the review engine does not offer yet are disabled, with a note."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QButtonGroup,
    QLabel,
    QListWidgetItem,
    QRadioButton,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from app import tasks
from app.appcontext import AppContext
from app.services.lazy import service
from app.services.list_query import ListQuery
from ui.action_errors import action_error
from ui.contact_card import locale_date
from ui.duplicates_pane import LATER, WAITING, DuplicatesPane
from ui.field_labels import field_label
from ui.status_messages import readable_task
from ui.unknown_senders import SendersPane
from ui.widgets import chance

#: People offered when attaching an unknown sender to an existing contact.
if TYPE_CHECKING:
    from app.services.review import Suggestion, SuggestionDetail, SuggestionQueue, UnknownSender

contacts = service("app.services.contacts")
review = service("app.services.review")

PEOPLE_MATCHES = 50
#: Suggestions listed at once (best first); the tab shows how many are open in all.
SHOWN_SUGGESTIONS = 300


def _summary(d: Any, lines: list[str] | None = None) -> str:
    """One side of the pair: the name in bold, then the service's readable lines."""
    from html import escape

    if lines is None:  # an older service: build the lines here
        lines = ([d.organization] if d.organization else []) + d.emails + d.phones
    head = f"<b>{escape(d.display_name or 'No name')}</b>"
    return "<br>".join([head, *(escape(line) for line in lines)])


def pair_text(s: Suggestion) -> str:
    """A pair in the list on two lines, so a narrow list (800x600) shows both names, with
    the chance the card states, short: "Katherine Müller" / "↔ Kate Müller   >99%" (a bare
    score, "+5.1", told the owner nothing)."""
    return (f"{s.name_a or 'No name'}\n↔ {s.name_b or 'No name'}   "
            f"{chance(s.probability, short=True)}")


def pair_tooltip(s: Suggestion) -> str:
    """The whole pair, whatever the list's width cuts off."""
    return (f"{s.name_a or 'No name'} ↔ {s.name_b or 'No name'}\n"
            f"Chance they are the same person: {chance(s.probability)} "
            f"(score {s.score:+.1f})\nJ: next pair · K: previous pair")


class ReviewQueue(QWidget):
    #: Items waiting for the owner (suggestions + unknown senders): the navigation counter.
    countChanged = Signal(int)
    #: The current suggestion's detail is shown (suggestion id).
    loaded = Signal(int)
    #: The list was filled (after every reload, empty or not).
    filled = Signal()

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.suggestions: list[Suggestion] = []  # the best SHOWN_SUGGESTIONS
        self.suggestion_total = 0  # suggestions in the shown list in all
        self.waiting_total = 0  # open suggestions (the counter), whichever list is shown
        self.later_total = 0
        self.senders: list[UnknownSender] = []
        self.current: SuggestionDetail | None = None
        self.choice_groups: dict[str, QButtonGroup] = {}
        #: The next change notice is the one our own action caused: keep its message.
        self._own_notice = False
        #: The engine said which orders it offers (the order combo is set up).
        self.orders_known = False
        self.tabs = QTabWidget()
        self.dups = DuplicatesPane(self)
        self.senders_pane = SendersPane(self)
        self.tabs.addTab(self.dups, "Duplicates")
        self.tabs.addTab(self.senders_pane, "Unknown senders")
        self.note = QLabel("")
        self.note.setObjectName("reviewNote")
        self.note.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addWidget(self.tabs, 1)
        layout.addWidget(self.note)
        for key, slot in (("M", self.merge_current), ("N", self.not_same_current),
                          ("L", self.later_current), ("J", self.next_item),
                          ("K", self.previous_item)):
            QShortcut(QKeySequence(key), self.dups, slot)
        ctx.runner.changed.connect(self._on_changed)
        self._show_empty()

    def start(self) -> None:
        self.ctx.read(review.review_orders, name="review orders", on_result=self._set_orders)
        self.reload()

    def _set_orders(self, orders: list[str]) -> None:
        """Offer "Uncertain first" only when the engine can list pairs that way."""
        self.dups.order.setVisible("useful" in orders)
        self.orders_known = True

    def reload(self) -> None:
        options = {} if self.dups.sort_order == "score" else {"order": self.dups.sort_order}
        self.ctx.read(review.suggestion_queue, SHOWN_SUGGESTIONS, name="suggestions",
                      status=self.dups.status, on_result=self._fill, **options)
        self.ctx.read(review.unknown_senders, name="unknown senders", on_result=self._fill_senders)

    def _on_changed(self, topics: frozenset[str]) -> None:
        if self._own_notice:
            self._own_notice = False
        else:  # something else changed the data (an undo in History, a sync): the message
            self.note.setText("")  # about our last action may no longer be true
        if topics & {tasks.REVIEW, tasks.PARTIES}:
            self.reload()

    def _emit_count(self) -> None:
        self.tabs.setTabText(0, f"Duplicates ({self.waiting_total:,})")
        self.tabs.setTabText(1, f"Unknown senders ({len(self.senders)})")
        self.dups.filter.setItemText(0, f"Waiting for review ({self.waiting_total:,})")
        self.dups.filter.setItemText(1, f"Put off for later ({self.later_total:,})")
        self.countChanged.emit(self.waiting_total + len(self.senders))

    def _fill(self, queue: SuggestionQueue) -> None:
        current_id = self.current.suggestion.id if self.current else None
        row_now = max(0, self.dups.list.currentRow())
        rows = queue.items
        self.suggestions, self.suggestion_total = rows, queue.total
        self.later_total = queue.later
        if self.dups.status == WAITING:
            self.waiting_total = queue.total
        self.dups.list.blockSignals(True)
        self.dups.list.clear()
        for s in rows:
            pair = QListWidgetItem(pair_text(s), self.dups.list)
            pair.setToolTip(pair_tooltip(s))
        self.dups.list.blockSignals(False)
        self._emit_count()
        if rows:
            ids = [s.id for s in rows]
            row = ids.index(current_id) if current_id in ids else min(row_now, len(rows) - 1)
            self.dups.list.setCurrentRow(row)
            self._load_current(row)
        else:
            self._show_empty()
        if self.dups.status == LATER:  # the counter always counts the waiting pairs
            self.ctx.read(review.suggestion_queue, 1, name="suggestion count",
                          on_result=self._count_waiting)
        self.filled.emit()

    def _count_waiting(self, queue: SuggestionQueue) -> None:
        self.waiting_total = queue.total
        self._emit_count()

    def _show_empty(self) -> None:
        """No pair to show: say what the list is for and disable the buttons."""
        self.current = None
        if self.dups.status == LATER:
            text = ("No pairs put off for later. “Later” on a suggested pair parks it here "
                    "until you are ready to decide.")
        elif self.later_total:
            text = (f"Nothing waiting for review. {self.later_total:,} "
                    f"{'pair is' if self.later_total == 1 else 'pairs are'} put off for later: "
                    "choose “Put off for later” above to see them.")
        else:
            text = ("No suggested duplicates. When two contacts look like the same person, "
                    "Kith suggests them here with the evidence; nothing is merged without you.")
        self.dups.empty.setText(text)
        self.dups.show_later_button.setVisible(self.dups.status == WAITING
                                               and self.later_total > 0)
        self.dups.stack.setCurrentWidget(self.dups.empty_page)
        self.dups.evidence.set_items([], 0.0)
        self.dups.rule.setText("")
        self._set_choices([])
        self.dups.set_actions(False)

    def _load_current(self, row: int) -> None:
        if not 0 <= row < len(self.suggestions):
            return
        s = self.suggestions[row]
        self.ctx.read(review.suggestion_detail, s, name="suggestion detail",
                      on_result=self._show_detail)

    def _show_detail(self, detail: SuggestionDetail) -> None:
        if detail.suggestion.id not in {s.id for s in self.suggestions}:
            return  # decided or moved to the other list meanwhile
        self.current = detail
        self.dups.stack.setCurrentWidget(self.dups.detail_scroll)
        self.dups.left.setText(_summary(detail.left, getattr(detail, "left_lines", None)))
        self.dups.right.setText(_summary(detail.right, getattr(detail, "right_lines", None)))
        s = detail.suggestion
        rule = getattr(detail, "rule_text", "") or ""
        held = ("\nNot joined automatically: " + "; ".join(detail.held_back)
                if getattr(detail, "held_back", None) else "")
        self.dups.rule.setText(f"{rule + '. ' if rule else ''}"
                               f"Chance they are the same person: {chance(s.probability)}{held}")
        chart = getattr(detail, "chart", None)
        if chart is not None:
            self.dups.evidence.set_waterfall(chart)
        else:
            self.dups.evidence.set_items(s.evidence, s.score)
        self._set_choices(detail.conflicts)
        self.dups.set_actions(True)
        self.loaded.emit(s.id)

    def _set_choices(self, conflicts: list[tuple[str, str, str]]) -> None:
        while self.dups.choices_layout.count():
            widget = self.dups.choices_layout.takeAt(0).widget()
            if widget is not None:
                widget.deleteLater()
        self.choice_groups = {}
        for r, (name, left, right) in enumerate(conflicts):
            group = QButtonGroup(self)
            if name == "birthday":  # the card's words, not the stored "1953-07-12"
                left, right = locale_date(left), locale_date(right)
            a, b = QRadioButton(left), QRadioButton(right)
            a.setChecked(True)
            group.addButton(a, 0)
            group.addButton(b, 1)
            self.dups.choices_layout.addWidget(QLabel(field_label(name)), r, 0)
            self.dups.choices_layout.addWidget(a, r, 1)
            self.dups.choices_layout.addWidget(b, r, 2)
            self.choice_groups[name] = group
        self.dups.choices_box.setVisible(bool(conflicts))

    # -- actions -----------------------------------------------------------------------------
    def _act(self, fn: Any, *args: Any, name: str, done: str) -> None:
        # "Keeping the sender as a contact…", as the status bar says it: the pane said
        # "Promote sender…" and "Attach sender failed", the engine's words.
        doing = readable_task(name)
        self.note.setText(doing)

        def finished(_result: Any) -> None:
            self._own_notice = True
            self.note.setText(done)

        def failed(exc: BaseException) -> None:
            # A failed write still announces its changes (it may have committed part):
            # that notice is ours, and must not wipe the failure the owner has to read.
            self._own_notice = True
            self.note.setText(f"{doing[:-1]} failed: {action_error(exc)}")

        self.ctx.write(fn, *args, name=name,
                       changes={tasks.REVIEW, tasks.PARTIES, tasks.HANDLES},
                       on_result=finished, on_error=failed)

    def _pair(self) -> tuple[Suggestion, str] | None:
        if self.current is None or not self.merge_button_enabled():
            return None
        s = self.current.suggestion
        return s, f"{s.name_a or 'a contact'} and {s.name_b or 'a contact'}"

    def merge_button_enabled(self) -> bool:
        return self.dups.merge_button.isEnabled()

    def merge_current(self) -> None:
        pair = self._pair()
        if pair is None:
            return
        s, names = pair
        choices = {f: (s.party_a_id if g.checkedId() == 0 else s.party_b_id)
                   for f, g in self.choice_groups.items()}
        self._act(review.merge, s.party_a_id, s.party_b_id, choices, name="Merge",
                  done=f"Merged {names}. History can undo it.")

    def not_same_current(self) -> None:
        pair = self._pair()
        if pair is not None:
            s, names = pair
            self._act(review.not_same, s.party_a_id, s.party_b_id, name="Not the same person",
                      done=f"{names} are kept apart and not suggested again.")

    def later_current(self) -> None:
        pair = self._pair()
        if pair is None:
            return
        s, names = pair
        if self.dups.status == LATER:
            self._act(review.back_to_queue, s.party_a_id, s.party_b_id, name="Back to the queue",
                      done=f"{names} are waiting for review again.")
        else:
            self._act(review.later, s.party_a_id, s.party_b_id, name="Later",
                      done=f"{names} put off for later.")

    def show_list(self, status: str) -> None:
        """Show the waiting pairs (WAITING) or those put off for later (LATER)."""
        self.dups.filter.setCurrentIndex(self.dups.filter.findData(status))

    def next_item(self) -> None:
        self.dups.list.setCurrentRow(min(self.dups.list.currentRow() + 1,
                                         self.dups.list.count() - 1))

    def previous_item(self) -> None:
        self.dups.list.setCurrentRow(max(self.dups.list.currentRow() - 1, 0))

    # -- unknown senders -------------------------------------------------------------------------
    def _fill_senders(self, rows: list[UnknownSender]) -> None:
        self.senders = rows
        self.senders_pane.fill(rows)
        self._emit_count()

    def _search_people(self, text: str) -> None:
        query = ListQuery(search=text)
        if text.strip():
            self.ctx.read(contacts.first_page, query, PEOPLE_MATCHES, name="people search",
                          on_result=lambda page: self.senders_pane.show_matches(page.rows))
        else:
            self.senders_pane.show_matches([])

    def _current_sender(self) -> int | None:
        return self.senders_pane.current_sender()

    def attach_current(self) -> None:
        sender, target = self._current_sender(), self.senders_pane.current_match()
        if sender is not None and target is not None and sender != target:
            self._act(review.attach_sender, sender, target, name="Attach sender",
                      done="The sender was attached to the person you picked.")

    def promote_current(self) -> None:
        sender = self._current_sender()
        if sender is not None:
            self._act(review.promote_sender, sender, name="Promote sender",
                      done="The sender is now a contact of their own.")
