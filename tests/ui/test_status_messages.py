"""Status bar messages end with their task (no "add CardDAV…" left behind), notes expire, a new
task or note replaces an old one, errors say what failed."""

from __future__ import annotations

import threading

from PySide6.QtWidgets import QLabel, QProgressBar

from app.tasks import TaskRunner
from ui.status_messages import StatusMessages, readable_task


def blocker(gate: threading.Event, *, state: object) -> str:
    gate.wait(10)
    return "done"


def fail(*, state: object) -> None:
    raise OSError("the disk is full")


def make(qtbot) -> tuple[StatusMessages, QLabel, QProgressBar, TaskRunner]:  # noqa: ANN001
    label, bar = QLabel(), QProgressBar()
    qtbot.addWidget(label)
    qtbot.addWidget(bar)
    runner = TaskRunner()
    return StatusMessages(label, bar, runner), label, bar, runner


def test_task_message_ends_with_its_task(qtbot) -> None:  # noqa: ANN001
    status, label, bar, runner = make(qtbot)
    gate = threading.Event()
    handle = runner.submit(blocker, gate, name="add CardDAV", write=True)
    assert label.text() == "Adding CardDAV…"
    gate.set()
    qtbot.waitUntil(lambda: handle.done, timeout=5000)
    assert label.text() == ""
    assert bar.isHidden()
    runner.shutdown()


def test_newest_running_task_shows_and_the_older_comes_back(qtbot) -> None:  # noqa: ANN001
    status, label, _bar, runner = make(qtbot)
    first, second = threading.Event(), threading.Event()
    a = runner.submit(blocker, first, name="sync Work", write=True)
    b = runner.submit(blocker, second, name="sync Phone", write=True)  # queued behind a
    assert label.text() == "Syncing Phone…"
    first.set()
    qtbot.waitUntil(lambda: a.done, timeout=5000)
    assert label.text() == "Syncing Phone…"
    second.set()
    qtbot.waitUntil(lambda: b.done, timeout=5000)
    assert label.text() == ""
    runner.shutdown()


def test_reads_do_not_talk_unless_tracked(qtbot) -> None:  # noqa: ANN001
    status, label, _bar, runner = make(qtbot)
    gate = threading.Event()
    quiet = runner.submit(blocker, gate, name="contact rows")
    assert label.text() == ""
    status.track(quiet, "Exporting to a.vcf…")
    assert label.text() == "Exporting to a.vcf…"
    gate.set()
    qtbot.waitUntil(lambda: quiet.done, timeout=5000)
    assert label.text() == ""
    runner.shutdown()


def test_notes_expire_and_are_replaced(qtbot) -> None:  # noqa: ANN001
    status, label, _bar, runner = make(qtbot)
    status.note("Exported 12 contacts to a.vcf.", timeout_ms=50)
    assert label.text() == "Exported 12 contacts to a.vcf."
    qtbot.waitUntil(lambda: label.text() == "", timeout=2000)
    status.note("old news", timeout_ms=60_000)
    status.note("new news", timeout_ms=60_000)
    assert label.text() == "new news"
    gate = threading.Event()
    handle = runner.submit(blocker, gate, name="load demo data", write=True)
    assert label.text() == "Loading demo data…"  # a new task replaces an old note
    gate.set()
    qtbot.waitUntil(lambda: handle.done, timeout=5000)
    assert label.text() == ""
    runner.shutdown()


def test_unhandled_error_is_said_then_replaced(qtbot) -> None:  # noqa: ANN001
    status, label, _bar, runner = make(qtbot)
    handle = runner.submit(fail, name="remove source", write=True)
    qtbot.waitUntil(lambda: handle.done, timeout=5000)
    assert label.text() == ("Removing source failed: the disk is full "
                            "(details in the log file)")
    status.note("Exported 1 contact to a.vcf.")
    assert label.text() == "Exported 1 contact to a.vcf."
    runner.shutdown()


def test_progress_text_replaces_the_task_name(qtbot) -> None:  # noqa: ANN001
    status, label, bar, runner = make(qtbot)
    gate = threading.Event()

    def work(*, state) -> None:  # noqa: ANN001
        state.progress(0.5, "Reading cards… 50 of 100")
        gate.wait(10)

    handle = runner.submit(work, name="sync Work", write=True)
    qtbot.waitUntil(lambda: label.text() == "Reading cards… 50 of 100", timeout=5000)
    assert not bar.isHidden() and bar.value() == 500
    gate.set()
    qtbot.waitUntil(lambda: handle.done, timeout=5000)
    assert label.text() == "" and bar.isHidden()
    runner.shutdown()


def test_readable_task_names() -> None:
    """What is going on, in the words the views use: the bar said "Sync Work…" while the
    Sources page said "Syncing Work…"; "Promote sender…" was the engine's word."""
    assert readable_task("sync Work") == "Syncing Work…"
    assert readable_task("confirmed") == "Confirming…"
    assert readable_task("Merge") == "Merging…"
    assert readable_task("Promote sender") == "Keeping the sender as a contact…"
    assert readable_task("held removals") == "Held removals…"  # no verb: as it is
    assert readable_task("") == "Working…"


def test_window_status_bar_clears_after_a_write(qtbot, window) -> None:  # noqa: ANN001
    gate = threading.Event()
    handle = window.ctx.runner.submit(blocker, gate, name="add CardDAV", write=True)
    assert window.task_label.text() == "Adding CardDAV…"
    gate.set()
    qtbot.waitUntil(lambda: handle.done, timeout=5000)
    assert window.task_label.text() == ""
