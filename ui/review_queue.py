"""The review queue: duplicate suggestions side by side with their evidence, and unknown
senders to attach or promote. Keyboard-driven: M merge, N not the same, L later, J/K next and
previous. Actions the review engine does not offer yet are disabled, with a note."""

from __future__ import annotations

import html
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QButtonGroup,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QRadioButton,
    QSplitter,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from app import tasks
from app.appcontext import AppContext
from app.services.lazy import service
from app.services.list_query import FirstPage, ListQuery
from ui.evidence import EvidenceBars

#: People offered when attaching an unknown sender to an existing contact.
if TYPE_CHECKING:
    from app.services.review import Suggestion, SuggestionDetail, SuggestionQueue, UnknownSender

contacts = service("app.services.contacts")
review = service("app.services.review")

PEOPLE_MATCHES = 50
#: Suggestions listed at once (best first); the tab shows how many are open in all.
SHOWN_SUGGESTIONS = 300


def _summary(d: Any) -> str:
    lines = [f"<b>{d.display_name or '(no name)'}</b>"]
    if d.organization:
        lines.append(d.organization)
    lines += d.emails + d.phones
    lines.append("<i>" + ", ".join(sorted({f'{r.provider}: {r.account}' for r in d.records}))
                 + "</i>")
    return "<br>".join(lines)


class DuplicatesPane(QWidget):
    def __init__(self, owner: ReviewQueue) -> None:
        super().__init__()
        self.owner = owner
        self.list = QListWidget()
        self.list.setObjectName("suggestionList")
        self.list.currentRowChanged.connect(owner._load_current)
        self.left = QLabel()
        self.right = QLabel()
        for label in (self.left, self.right):
            label.setWordWrap(True)
            label.setAlignment(Qt.AlignmentFlag.AlignTop)
            label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.rule = QLabel("")
        self.rule.setWordWrap(True)  # a held-back reason can be a long sentence
        self.evidence = EvidenceBars()
        self.choices_box = QGroupBox("Conflicting fields: keep which value?")
        self.choices_layout = QGridLayout(self.choices_box)
        self.merge_button = QPushButton("&Merge (M)")
        self.merge_button.setObjectName("mergeButton")
        self.not_same_button = QPushButton("&Not the same person (N)")
        self.not_same_button.setObjectName("notSameButton")
        self.later_button = QPushButton("&Later (L)")
        self.later_button.setObjectName("laterButton")
        self.merge_button.clicked.connect(owner.merge_current)
        self.not_same_button.clicked.connect(owner.not_same_current)
        self.later_button.clicked.connect(owner.later_current)
        side = QHBoxLayout()
        side.addWidget(self.left, 1)
        side.addWidget(self.right, 1)
        buttons = QHBoxLayout()
        buttons.addWidget(self.merge_button)
        buttons.addWidget(self.not_same_button)
        buttons.addWidget(self.later_button)
        buttons.addStretch(1)
        detail = QWidget()
        dl = QVBoxLayout(detail)
        dl.addLayout(side)
        dl.addWidget(self.rule)
        dl.addWidget(self.evidence)
        dl.addWidget(self.choices_box)
        dl.addStretch(1)
        dl.addLayout(buttons)
        split = QSplitter()
        split.addWidget(self.list)
        split.addWidget(detail)
        split.setSizes([300, 700])
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(split)


class SendersPane(QWidget):
    def __init__(self, owner: ReviewQueue) -> None:
        super().__init__()
        self.list = QListWidget()
        self.list.setObjectName("senderList")
        self.search = QLineEdit(placeholderText="Find the existing person…")
        self.search.setObjectName("senderSearch")
        self.matches = QListWidget()
        self.matches.setObjectName("senderMatches")
        self.attach_button = QPushButton("&Attach to this person")
        self.attach_button.setObjectName("attachSender")
        self.promote_button = QPushButton("&Promote to new contact")
        self.promote_button.setObjectName("promoteSender")
        self.search.textChanged.connect(owner._search_people)
        self.attach_button.clicked.connect(owner.attach_current)
        self.promote_button.clicked.connect(owner.promote_current)
        right = QWidget()
        rl = QVBoxLayout(right)
        rl.addWidget(self.search)
        rl.addWidget(self.matches, 1)
        row = QHBoxLayout()
        row.addWidget(self.attach_button)
        row.addWidget(self.promote_button)
        rl.addLayout(row)
        split = QSplitter()
        split.addWidget(self.list)
        split.addWidget(right)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(split)


class ReviewQueue(QWidget):
    #: Items waiting for the owner (suggestions + unknown senders): the navigation counter.
    countChanged = Signal(int)
    #: The current suggestion's detail is shown (suggestion id).
    loaded = Signal(int)

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.suggestions: list[Suggestion] = []  # the best SHOWN_SUGGESTIONS
        self.suggestion_total = 0  # open suggestions in all
        self.senders: list[UnknownSender] = []
        self.current: SuggestionDetail | None = None
        self.choice_groups: dict[str, QButtonGroup] = {}
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

    def start(self) -> None:
        self.reload()

    def reload(self) -> None:
        self.ctx.read(review.suggestion_queue, SHOWN_SUGGESTIONS, name="suggestions",
                      on_result=self._fill)
        self.ctx.read(review.unknown_senders, name="unknown senders", on_result=self._fill_senders)

    def _on_changed(self, topics: frozenset[str]) -> None:
        if topics & {tasks.REVIEW, tasks.PARTIES}:
            self.reload()

    def _emit_count(self) -> None:
        self.tabs.setTabText(0, f"Duplicates ({self.suggestion_total:,})")
        self.tabs.setTabText(1, f"Unknown senders ({len(self.senders)})")
        self.countChanged.emit(self.suggestion_total + len(self.senders))

    def _fill(self, queue: SuggestionQueue) -> None:
        current_id = self.current.suggestion.id if self.current else None
        row_now = max(0, self.dups.list.currentRow())
        rows = queue.items
        self.suggestions, self.suggestion_total = rows, queue.total
        self.dups.list.blockSignals(True)
        self.dups.list.clear()
        for s in rows:
            QListWidgetItem(f"{s.name_a}  ↔  {s.name_b}    {s.score:+.1f}", self.dups.list)
        self.dups.list.blockSignals(False)
        self._emit_count()
        if rows:
            ids = [s.id for s in rows]
            row = ids.index(current_id) if current_id in ids else min(row_now, len(rows) - 1)
            self.dups.list.setCurrentRow(row)
            self._load_current(row)
        else:
            self.current = None
            self.dups.left.setText("No duplicate suggestions. ✔")
            self.dups.right.setText("")
            self.dups.evidence.set_items([], 0.0)
            self.dups.rule.setText("")
            self._set_choices([])

    def _load_current(self, row: int) -> None:
        if not 0 <= row < len(self.suggestions):
            return
        s = self.suggestions[row]
        self.ctx.read(review.suggestion_detail, s, name="suggestion detail",
                      on_result=self._show_detail)

    def _show_detail(self, detail: SuggestionDetail) -> None:
        self.current = detail
        self.dups.left.setText(_summary(detail.left))
        self.dups.right.setText(_summary(detail.right))
        s = detail.suggestion
        held = ("<br>Not joined automatically: " + html.escape("; ".join(detail.held_back))
                if detail.held_back else "")
        self.dups.rule.setText(f"Paired by blocking rule: <b>{s.blocking_rule or '—'}</b>   "
                               f"probability {s.probability:.0%}{held}")
        self.dups.evidence.set_items(s.evidence, s.score)
        self._set_choices(detail.conflicts)
        self.loaded.emit(s.id)

    def _set_choices(self, conflicts: list[tuple[str, str, str]]) -> None:
        while self.dups.choices_layout.count():
            widget = self.dups.choices_layout.takeAt(0).widget()
            if widget is not None:
                widget.deleteLater()
        self.choice_groups = {}
        for r, (name, left, right) in enumerate(conflicts):
            group = QButtonGroup(self)
            a, b = QRadioButton(left), QRadioButton(right)
            a.setChecked(True)
            group.addButton(a, 0)
            group.addButton(b, 1)
            self.dups.choices_layout.addWidget(QLabel(name.replace("_", " ")), r, 0)
            self.dups.choices_layout.addWidget(a, r, 1)
            self.dups.choices_layout.addWidget(b, r, 2)
            self.choice_groups[name] = group
        self.dups.choices_box.setVisible(bool(conflicts))

    # -- actions -----------------------------------------------------------------------------
    def _act(self, fn: Any, *args: Any, name: str) -> None:
        self.note.setText(f"{name}…")
        self.ctx.write(fn, *args, name=name,
                       changes={tasks.REVIEW, tasks.PARTIES, tasks.HANDLES},
                       on_result=lambda _r: self.note.setText(f"{name}: done."),
                       on_error=lambda exc: self.note.setText(f"{name} failed: "
                                                              f"{tasks.readable_error(exc)}"))

    def merge_current(self) -> None:
        if self.current is None:
            return
        s = self.current.suggestion
        choices = {f: (s.party_a_id if g.checkedId() == 0 else s.party_b_id)
                   for f, g in self.choice_groups.items()}
        self._act(review.merge, s.party_a_id, s.party_b_id, choices, name="Merge")

    def not_same_current(self) -> None:
        if self.current is not None:
            s = self.current.suggestion
            self._act(review.not_same, s.party_a_id, s.party_b_id, name="Not the same person")

    def later_current(self) -> None:
        if self.current is not None:
            s = self.current.suggestion
            self._act(review.later, s.party_a_id, s.party_b_id, name="Later")

    def next_item(self) -> None:
        self.dups.list.setCurrentRow(min(self.dups.list.currentRow() + 1,
                                         self.dups.list.count() - 1))

    def previous_item(self) -> None:
        self.dups.list.setCurrentRow(max(self.dups.list.currentRow() - 1, 0))

    # -- unknown senders -------------------------------------------------------------------------
    def _fill_senders(self, rows: list[UnknownSender]) -> None:
        self.senders = rows
        self.senders_pane.list.clear()
        for s in rows:
            item = QListWidgetItem(f"{s.display_name or '(unknown)'}   {', '.join(s.handles)}")
            item.setData(Qt.ItemDataRole.UserRole, s.party_id)
            self.senders_pane.list.addItem(item)
        self._emit_count()

    def _search_people(self, text: str) -> None:
        query = ListQuery(search=text)

        def show(page: FirstPage) -> None:
            self.senders_pane.matches.clear()
            for r in page.rows:
                item = QListWidgetItem(f"{r.display_name}   {r.primary_email}")
                item.setData(Qt.ItemDataRole.UserRole, r.id)
                self.senders_pane.matches.addItem(item)

        if text.strip():
            self.ctx.read(contacts.first_page, query, PEOPLE_MATCHES, name="people search",
                          on_result=show)

    def _current_sender(self) -> int | None:
        item = self.senders_pane.list.currentItem()
        return int(item.data(Qt.ItemDataRole.UserRole)) if item else None

    def attach_current(self) -> None:
        sender, target = self._current_sender(), self.senders_pane.matches.currentItem()
        if sender is not None and target is not None:
            self._act(review.attach_sender, sender, int(target.data(Qt.ItemDataRole.UserRole)),
                      name="Attach sender")

    def promote_current(self) -> None:
        sender = self._current_sender()
        if sender is not None:
            self._act(review.promote_sender, sender, name="Promote sender")
