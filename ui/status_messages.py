"""The status bar's message line: what runs now, and short-lived results.

Two kinds of message, so none outlives what it describes:

- a *task message* ("Syncing Work…") belongs to a running write task; it is updated by the
  task's progress and removed when the task ends, whatever the outcome. While several tasks
  run, the newest one's message shows; when it ends the one before shows again.
- a *note* ("Exported 120 contacts to …", an error) stays for a while and then expires; the
  next note or a new task replaces it at once.

Before this, the bar kept "add CardDAV…" and "sync 4…" long after those tasks had ended.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QObject, QTimer
from PySide6.QtWidgets import QLabel, QProgressBar

#: How long a note (a result) stays in the status bar.
NOTE_MS = 8_000
#: How long an error stays: long enough to read it and open the log file.
ERROR_MS = 30_000


#: A task name's first word as what is going on: the bar said "Sync Work…" while the
#: Sources page said "Syncing Work…" about the same sync.
DOING = {
    "add": "Adding", "archive": "Archiving", "attach": "Attaching", "check": "Checking",
    "confirmed": "Confirming", "delete": "Deleting", "dismissed": "Dismissing",
    "edit": "Editing", "export": "Exporting", "import": "Importing", "learn": "Learning",
    "load": "Loading", "mark": "Marking", "merge": "Merging", "remove": "Removing",
    "restore": "Restoring", "save": "Saving", "split": "Splitting", "sync": "Syncing",
    "take": "Taking", "undo": "Undoing",
}
#: Whole task names said another way (the engine's "promote"; the review's buttons, whose
#: names are no verbs: "Not the same person…" while it ran read as a statement).
TASK_WORDS = {"promote sender": "Keeping the sender as a contact",
              "attach sender": "Adding the sender to the person you picked",
              "later": "Putting the pair off for later",
              "not the same person": "Keeping the two apart",
              "back to the queue": "Putting the pair back among those waiting"}


def readable_task(name: str) -> str:
    """A task's name as a status line: "sync Work" -> "Syncing Work…"."""
    name = name.strip() or "Working"
    if name.casefold() in TASK_WORDS:
        return f"{TASK_WORDS[name.casefold()]}…"
    first, _, rest = name.partition(" ")
    doing = DOING.get(first.casefold())
    if doing:
        name = f"{doing} {rest}".strip()
    return f"{name[0].upper()}{name[1:]}…"


class StatusMessages(QObject):
    """Drives a label (and a progress bar) from the task runner and from explicit notes."""

    def __init__(self, label: QLabel, progress: QProgressBar, runner: Any,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.label = label
        self.progress = progress
        self._runner = runner
        #: Running write tasks (task id -> current text), oldest first.
        self._tasks: dict[int, str] = {}
        self._note = ""
        self._expiry = QTimer(self, singleShot=True)
        self._expiry.timeout.connect(self._expire)
        runner.started.connect(self._started)
        runner.progressed.connect(self._progressed)
        runner.finished.connect(self._finished)
        runner.error.connect(self._error)

    # -- explicit messages ----------------------------------------------------------------
    def note(self, text: str, timeout_ms: int = NOTE_MS) -> None:
        """Show ``text`` until it expires or something newer replaces it."""
        self._note = text
        self._expiry.start(timeout_ms)
        self._render()

    def error(self, text: str) -> None:
        self.note(text, ERROR_MS)

    def clear(self) -> None:
        self._note = ""
        self._expiry.stop()
        self._render()

    @property
    def text(self) -> str:
        return self.label.text()

    def track(self, handle: Any, text: str) -> None:
        """Show ``text`` while ``handle``'s task runs (a read such as an export; writes are
        tracked on their own under their name)."""
        if handle.done:
            return
        self._tasks[handle.id] = text
        self._note = ""
        self._expiry.stop()
        self._render()

    # -- task messages ----------------------------------------------------------------------
    def _started(self, handle: Any) -> None:
        if handle.write:
            self._tasks[handle.id] = readable_task(handle.name)
            self._note = ""  # a new task replaces an old result
            self._expiry.stop()
            self.progress.setRange(0, 0)  # busy until the task reports how far it is
            self._render()

    def _progressed(self, handle: Any, fraction: float, text: str) -> None:
        if handle.id not in self._tasks:
            return
        self.progress.setVisible(True)
        if fraction <= 0.0:
            self.progress.setRange(0, 0)  # counts without a total: a busy bar
        else:
            self.progress.setRange(0, 1000)
            self.progress.setValue(int(fraction * 1000))
        if text:
            self._tasks[handle.id] = text
            self._render()

    def _finished(self, handle: Any) -> None:
        if self._tasks.pop(handle.id, None) is not None:
            self._render()

    def _error(self, handle: Any, message: str) -> None:
        self.error(f"{readable_task(handle.name)[:-1]} failed: {message} "
                   "(details in the log file)")

    # -- painting ----------------------------------------------------------------------------
    def _expire(self) -> None:
        self._note = ""
        self._render()

    def _render(self) -> None:
        running = list(self._tasks.values())
        if self._note:
            text = self._note
        elif running:
            text = running[-1]
        else:
            text = ""
        self.label.setText(text)
        self.label.setToolTip(text if len(text) > 60 else "")
        self.progress.setVisible(bool(running))
        if not running:
            self.progress.setRange(0, 1000)
            self.progress.setValue(0)
