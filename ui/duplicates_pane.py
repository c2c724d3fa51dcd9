"""The Duplicates tab of the review page: the list of suggested pairs (waiting, or put off
for later), the two contacts side by side, why they were paired and the evidence waterfall,
the conflicting fields to choose from, and Merge / Not the same person / Later.

The pane only lays out widgets; the review queue (ui.review_queue) fills it and acts."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QFrame,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QPushButton,
    QScrollArea,
    QSplitter,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from ui.columns import fit_list
from ui.evidence import EvidenceBars

#: The two lists of the Duplicates tab: pairs waiting for a decision, pairs put off for later.
WAITING, LATER = "open", "later"
KEYS_HINT = "Keys: M merge · N not the same person · L later · J / K next / previous pair"
#: In the Later list L puts a pair back: the hint says what the button beside it says.
LATER_KEYS_HINT = KEYS_HINT.replace("L later", "L back to the queue")


class DuplicatesPane(QWidget):
    def __init__(self, owner: Any) -> None:
        super().__init__()
        self.owner = owner
        self.filter = QComboBox()
        self.filter.setObjectName("suggestionFilter")
        self.filter.addItem("Waiting for review", WAITING)
        self.filter.addItem("Put off for later", LATER)
        self.filter.setToolTip("Pairs you put off with Later wait in their own list")
        self.filter.currentIndexChanged.connect(lambda _i: owner.reload())
        # As wide as its text ("Waiting for review (1,016)"): the list's pane keeps that room
        # (a splitter gives a pane its minimum width, which a combo box's is not).
        self.filter.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.filter.model().dataChanged.connect(lambda *_a: self._fit_filter())
        #: Shown only when the engine can order by usefulness (see ReviewQueue.start).
        self.order = QComboBox()
        self.order.setObjectName("suggestionOrder")
        self.order.addItem("Best match first", "score")
        self.order.addItem("Uncertain first", "useful")
        self.order.setToolTip("Uncertain first: the pairs Kith is least sure about, whose "
                              "answers teach it the most")
        self.order.setVisible(False)
        self.order.currentIndexChanged.connect(lambda _i: owner.reload())
        self.list = QListWidget()
        self.list.setObjectName("suggestionList")
        self.list.setToolTip("J: next pair · K: previous pair")
        fit_list(self.list)  # a long pair elides (its tooltip shows it whole), never sideways
        # In the middle: the chance at a line's end stays in view ("↔ Johannq Zimmermann
        # …" at 800x600 hid the one figure the "Uncertain first" order is about).
        self.list.setTextElideMode(Qt.TextElideMode.ElideMiddle)
        self.list.setAlternatingRowColors(True)  # two-line pairs stay apart
        self.list.currentRowChanged.connect(owner._load_current)
        self.left = QLabel()
        self.right = QLabel()
        for label in (self.left, self.right):
            label.setWordWrap(True)
            label.setAlignment(Qt.AlignmentFlag.AlignTop)
            label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.rule = QLabel("")
        self.rule.setObjectName("suggestionRule")
        self.rule.setWordWrap(True)
        self.evidence = EvidenceBars()
        self.choices_box = QGroupBox("Conflicting fields: keep which value?")
        self.choices_layout = QGridLayout(self.choices_box)
        self.empty = QLabel("")
        self.empty.setObjectName("suggestionEmpty")
        self.empty.setWordWrap(True)
        self.empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.show_later_button = QPushButton("Show the pairs put off for later")
        self.show_later_button.setObjectName("showLater")
        self.show_later_button.clicked.connect(
            lambda: self.filter.setCurrentIndex(self.filter.findData(LATER)))
        self.empty_page = QWidget()
        el = QVBoxLayout(self.empty_page)
        el.addStretch(1)
        el.addWidget(self.empty)
        el.addWidget(self.show_later_button, 0, Qt.AlignmentFlag.AlignHCenter)
        el.addStretch(1)
        self.merge_button = QPushButton("&Merge (M)")
        self.merge_button.setObjectName("mergeButton")
        self.merge_button.setToolTip("Merge the two into one contact; History can undo it (M)")
        self.not_same_button = QPushButton("&Not the same person (N)")
        self.not_same_button.setObjectName("notSameButton")
        self.not_same_button.setToolTip("Keep them apart and never suggest this pair again (N)")
        self.later_button = QPushButton("&Later (L)")
        self.later_button.setObjectName("laterButton")
        self.merge_button.clicked.connect(owner.merge_current)
        self.not_same_button.clicked.connect(owner.not_same_current)
        self.later_button.clicked.connect(owner.later_current)
        keys = self.keys = QLabel(KEYS_HINT)
        keys.setObjectName("reviewKeys")
        keys.setWordWrap(True)
        side = QHBoxLayout()
        side.addWidget(self.left, 1)
        side.addWidget(self.right, 1)
        buttons = QHBoxLayout()
        buttons.addWidget(self.merge_button)
        buttons.addWidget(self.not_same_button)
        buttons.addWidget(self.later_button)
        buttons.addStretch(1)
        self.detail = QWidget()
        dl = QVBoxLayout(self.detail)
        dl.setContentsMargins(0, 0, 0, 0)
        dl.addLayout(side)
        dl.addWidget(self.rule)
        dl.addWidget(self.evidence)
        dl.addWidget(self.choices_box)
        dl.addStretch(1)
        # Scrolls (up and down only) when a pair's evidence and choices outgrow the page
        # (800x600): the buttons below stay in view and nothing is squeezed or cut off.
        self.detail_scroll = QScrollArea()
        self.detail_scroll.setObjectName("suggestionDetail")
        self.detail_scroll.setWidget(self.detail)
        self.detail_scroll.setWidgetResizable(True)
        self.detail_scroll.setFrameShape(QFrame.Shape.NoFrame)
        self.detail_scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.detail_scroll.viewport().setAutoFillBackground(False)  # the page's own colour
        self.detail.setAutoFillBackground(False)
        self.stack = QStackedWidget()
        self.stack.addWidget(self.empty_page)
        self.stack.addWidget(self.detail_scroll)
        right = QWidget()
        rl = QVBoxLayout(right)
        rl.addWidget(self.stack, 1)
        rl.addLayout(buttons)
        rl.addWidget(keys)
        left = self.list_pane = QWidget()
        ll = QVBoxLayout(left)
        ll.setContentsMargins(0, 0, 0, 0)
        ll.addWidget(self.filter)
        ll.addWidget(self.order)
        ll.addWidget(self.list, 1)
        split = QSplitter()
        split.addWidget(left)
        split.addWidget(right)
        split.setSizes([300, 700])
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(split)

    def _fit_filter(self) -> None:
        """Keep the list's pane wide enough for the filter's text with its count."""
        self.list_pane.setMinimumWidth(self.filter.sizeHint().width())

    @property
    def sort_order(self) -> str:
        """How the list is ordered: "score", or "useful" when the engine offers it."""
        return str(self.order.currentData() or "score") if self.order.isVisibleTo(self) \
            else "score"

    @property
    def status(self) -> str:
        """Which list is shown: WAITING or LATER."""
        return str(self.filter.currentData() or WAITING)

    def set_actions(self, on: bool) -> None:
        """Buttons act only on a shown pair; "Later" becomes "Back to the queue" in the
        Later list."""
        later = self.status == LATER
        self.later_button.setText("&Back to the queue (L)" if later else "&Later (L)")
        self.keys.setText(LATER_KEYS_HINT if later else KEYS_HINT)
        self.later_button.setToolTip(
            "Put this pair back among those waiting for review (L)" if later
            else "Decide another time: the pair waits under “Put off for later” (L)")
        for button in (self.merge_button, self.not_same_button, self.later_button):
            button.setEnabled(on)
