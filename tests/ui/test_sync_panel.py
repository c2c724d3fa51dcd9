"""Sync status panel: Sync now on a vCard source shows progress then the new counts; Cancel
stops a run; an error shows in the panel and the app stays usable; the schedule runs."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import func, select

from core.db.models import SourceRecord
from tests.ui.helpers import write_vcards
from ui.sync_panel import HEALTH_COL, RESULT_COL, SyncPanel


def panel_for(qtbot, ctx) -> SyncPanel:  # noqa: ANN001
    panel = SyncPanel(ctx)
    qtbot.addWidget(panel)
    panel.show()
    panel.start(sync_now=False)
    return panel


def add_source(qtbot, panel: SyncPanel, path: Path) -> int:  # noqa: ANN001
    wanted = str(path.resolve())
    panel.add_vcard_path(str(path), sync=False)
    qtbot.waitUntil(lambda: any(s.settings.get("path") == wanted for s in panel.rows),
                    timeout=5000)
    account = next(s for s in panel.rows if s.settings.get("path") == wanted)
    panel.select_source(account.id)
    return account.id


def records(db, account_id: int) -> int:  # noqa: ANN001
    with db.session() as session:
        return session.scalar(select(func.count()).select_from(SourceRecord)
                              .where(SourceRecord.account_id == account_id))


def test_sync_now_shows_progress_and_counts(qtbot, ctx, tmp_path) -> None:  # noqa: ANN001
    panel = panel_for(qtbot, ctx)
    account_id = add_source(qtbot, panel, write_vcards(tmp_path / "phone.vcf", 1500))
    texts: list[str] = []
    ctx.runner.progressed.connect(lambda _h, _f, text: texts.append(text))
    with qtbot.waitSignal(panel.syncFinished, timeout=60_000) as blocker:
        panel.sync_button.click()
        assert panel.progress.isVisible()
        assert not panel.sync_button.isEnabled() and panel.cancel_button.isEnabled()
    assert blocker.args[0] == account_id
    assert blocker.args[1]["added"] == 1500
    assert texts and all(t for t in texts)  # progress arrived while it ran
    assert "1500 added" in panel.status.text()
    qtbot.waitUntil(lambda: panel.table.item(0, HEALTH_COL).text() == "✔ ok", timeout=5000)
    qtbot.waitUntil(lambda: panel.table.item(0, RESULT_COL).text() == "1500 added",
                    timeout=5000)
    assert panel.activity.count() >= 1
    # Second runs converge: nothing new, incremental or full.
    for button in (panel.sync_button, panel.full_button):
        qtbot.waitUntil(button.isEnabled, timeout=5000)
        with qtbot.waitSignal(panel.syncFinished, timeout=60_000) as blocker:
            button.click()
        assert blocker.args[1]["added"] == 0 and blocker.args[1]["updated"] == 0
    assert records(ctx.db, account_id) == 1500


def test_cancel_stops_a_run(qtbot, ctx, tmp_path) -> None:  # noqa: ANN001
    panel = panel_for(qtbot, ctx)
    account_id = add_source(qtbot, panel, write_vcards(tmp_path / "big.vcf", 3000))
    with qtbot.waitSignal(panel.syncFinished, timeout=60_000) as blocker:
        panel.sync(account_id)
        handle = panel.running[account_id]
        qtbot.waitUntil(lambda: bool(handle.state.text) or handle.done, timeout=30_000)
        panel.cancel_button.click()
    assert blocker.args[1] is None
    assert "cancelled" in panel.status.text()
    assert 0 < records(ctx.db, account_id) < 3000
    assert panel.sync_button.isEnabled()


def test_error_shows_in_panel_and_app_stays_usable(qtbot, window, tmp_path) -> None:  # noqa: ANN001
    panel = window.sync_panel
    path = write_vcards(tmp_path / "gone.vcf", 3)
    account_id = add_source(qtbot, panel, path)
    path.unlink()
    with qtbot.waitSignal(panel.syncFinished, timeout=30_000):
        panel.sync(account_id)
    assert "sync failed" in panel.status.text() and "gone.vcf" in panel.status.text()
    row = next(r for r, s in enumerate(panel.rows) if s.id == account_id)
    qtbot.waitUntil(lambda: panel.table.item(row, HEALTH_COL).text() == "✖ error", timeout=5000)
    assert "gone.vcf" in panel.table.item(row, HEALTH_COL).toolTip()
    # Still usable: a search answers, another source syncs.
    window.contact_list.search.setText("anna")
    qtbot.waitUntil(lambda: window.contact_list.model.rowCount() == 1, timeout=5000)
    other = add_source(qtbot, panel, write_vcards(tmp_path / "ok.vcf", 2, prefix="ok"))
    with qtbot.waitSignal(panel.syncFinished, timeout=30_000) as blocker:
        panel.sync(other)
    assert blocker.args[1]["added"] == 2


def test_schedule_runs_due_sources(qtbot, ctx, tmp_path) -> None:  # noqa: ANN001
    from datetime import timedelta

    from core.db.base import utcnow
    from core.db.models import SyncState

    panel = panel_for(qtbot, ctx)
    assert panel.schedule.isActive() and panel.schedule.interval() == 60_000
    account_id = add_source(qtbot, panel, write_vcards(tmp_path / "due.vcf", 3))
    with qtbot.waitSignal(panel.syncFinished, timeout=30_000):
        panel.run_due()  # never synced: due
    panel.run_due()  # just synced: next run in 15 minutes, nothing due
    qtbot.wait(500)
    assert not panel.running
    with ctx.db.session() as session:  # 15 minutes later
        session.get(SyncState, account_id).next_run_at = utcnow() - timedelta(seconds=1)
        session.commit()
    with qtbot.waitSignal(panel.syncFinished, timeout=30_000) as blocker:
        panel.schedule.timeout.emit()
    assert blocker.args[0] == account_id


def test_a_second_sync_waits_as_queued_then_syncs(qtbot, ctx, tmp_path) -> None:  # noqa: ANN001
    """Writes run one at a time: while the first source syncs, the second says "queued",
    then "syncing" once its turn comes, then its health."""
    panel = panel_for(qtbot, ctx)
    first = add_source(qtbot, panel, write_vcards(tmp_path / "one.vcf", 3000))
    second = add_source(qtbot, panel, write_vcards(tmp_path / "two.vcf", 200, prefix="two"))

    def health(account_id: int) -> str:
        row = next(r for r, s in enumerate(panel.rows) if s.id == account_id)
        return panel.table.item(row, HEALTH_COL).text()

    seen: dict[int, list[str]] = {first: [], second: []}
    ctx.runner.began.connect(lambda _h: [seen[a].append(health(a)) for a in seen])
    finished: list[int] = []
    panel.syncFinished.connect(lambda account_id, _counts: finished.append(account_id))
    panel.sync(first)
    panel.sync(second)
    assert health(second) == "… queued"
    qtbot.waitUntil(lambda: len(finished) == 2, timeout=60_000)
    assert finished == [first, second]
    assert "… queued" in seen[second] and "⟳ syncing" in seen[second]
    qtbot.waitUntil(lambda: health(second) == "✔ ok" and health(first) == "✔ ok", timeout=5000)


def test_an_unchanged_file_reports_its_cards_as_unchanged_by_name(qtbot, ctx, tmp_path) -> None:  # noqa: ANN001
    """Adding a file names it in every message (never "Syncing 4…" or "3: 3 added"); syncing
    it again unchanged says "3 unchanged", not "0 added, 0 updated, 0 unchanged"."""
    panel = panel_for(qtbot, ctx)
    names: list[str] = []
    texts: list[str] = []
    ctx.runner.began.connect(lambda h: (names.append(h.name), texts.append(panel.status.text())))
    with qtbot.waitSignal(panel.syncFinished, timeout=30_000) as blocker:
        panel.add_vcard_path(str(write_vcards(tmp_path / "three.vcf", 3)))
    account_id = blocker.args[0]
    assert panel.status.text() == "three.vcf: 3 added."
    assert "sync three.vcf" in names and "Syncing three.vcf…" in texts
    assert not any(str(account_id) in name for name in names)
    for button in (panel.sync_button, panel.full_button):  # incremental, then full
        panel.select_source(account_id)
        qtbot.waitUntil(button.isEnabled, timeout=5000)
        with qtbot.waitSignal(panel.syncFinished, timeout=30_000) as blocker:
            button.click()
        assert blocker.args[1]["unchanged"] == 3
        assert panel.status.text() == "three.vcf: 3 unchanged."
    row = next(r for r, s in enumerate(panel.rows) if s.id == account_id)
    qtbot.waitUntil(lambda: panel.table.item(row, RESULT_COL).text() == "3 unchanged",
                    timeout=5000)


def test_summary_names_only_what_happened() -> None:
    from ui.sync_words import sync_summary

    assert sync_summary("Work contacts", {"added": 3}) == "Work contacts: 3 added."
    assert (sync_summary("Work", {"added": 1, "updated": 2, "unchanged": 0, "deleted": 1})
            == "Work: 1 added, 2 updated, 1 removed at the source.")
    assert sync_summary("Empty", {"added": 0, "unchanged": 0}) == "Empty: no contacts."


def test_a_source_added_elsewhere_is_named_once_the_list_knows_it(qtbot, ctx, tmp_path) -> None:  # noqa: ANN001
    from app.services.sources import add_vcard_source
    from core.tasks import TaskState

    panel = panel_for(qtbot, ctx)
    qtbot.waitUntil(lambda: not ctx.runner.busy(), timeout=5000)
    account_id = add_vcard_source(ctx.db, str(write_vcards(tmp_path / "late.vcf", 2)),
                                  state=TaskState())
    with qtbot.waitSignal(panel.syncFinished, timeout=30_000):
        handle = panel.sync(account_id)  # the panel has not listed it yet
        assert handle is not None and str(account_id) not in handle.name
        assert str(account_id) not in panel.status.text()
    assert panel.status.text() == "late.vcf: 2 added."


def test_times_in_the_table_are_short_and_whole_in_the_tooltip() -> None:
    """Three full timestamps made the table scroll sideways at 800x600."""
    from datetime import UTC, datetime, timedelta

    from ui.sync_words import next_sync, next_sync_tip
    from ui.widgets import short_when, when

    now = datetime(2026, 12, 6, 12, 0, tzinfo=UTC)
    local = now.astimezone()
    assert short_when(now, now) == local.strftime("%H:%M")
    assert short_when(now - timedelta(days=2), now) == \
        (local - timedelta(days=2)).strftime("%a %H:%M")
    assert short_when(now + timedelta(days=30), now).split()[1] in {"Jan", "Dec"}
    assert short_when(None) == "never"
    run, full = now + timedelta(minutes=15), now + timedelta(days=6)
    assert next_sync(run, full) == short_when(run)
    assert next_sync(run, None).endswith(" (full)")  # no full sync yet: the next one is
    assert next_sync(None, full) == "soon"
    tip = next_sync_tip(run, full)
    assert when(run) in tip and when(full) in tip


def test_no_source_says_how_to_add_one(qtbot, ctx, tmp_path) -> None:  # noqa: ANN001
    """With no source the page was an empty table above an empty box: it now says what
    Add source does, and the words go once there is a source."""
    panel = panel_for(qtbot, ctx)
    hint = panel.empty_hint
    qtbot.waitUntil(hint.isVisible, timeout=5000)
    assert "Add source" in hint.text() and "Import" in hint.text()
    assert hint.geometry() == panel.table.viewport().rect()
    add_source(qtbot, panel, write_vcards(tmp_path / "phone.vcf", 3))
    qtbot.waitUntil(lambda: not hint.isVisible(), timeout=5000)


def test_removing_a_source_says_what_became_of_its_contacts(qtbot, ctx, tmp_path) -> None:  # noqa: ANN001
    """Removing a source said nothing, and the last sync's line about it stayed under the
    table: the page now says it was removed and where its contacts are."""
    panel = panel_for(qtbot, ctx)
    account_id = add_source(qtbot, panel, write_vcards(tmp_path / "phone.vcf", 3))
    with qtbot.waitSignal(panel.syncFinished, timeout=60_000):
        panel.sync(account_id)
    assert "3 added" in panel.status.text()
    panel.remove_source(account_id, "phone.vcf", keep_contacts=True)
    qtbot.waitUntil(lambda: panel.status.text().startswith("Removed phone.vcf."),
                    timeout=10_000)
    assert "archived" in panel.status.text()
    qtbot.waitUntil(lambda: not panel.rows, timeout=5000)
    assert records(ctx.db, account_id) == 3  # kept, archived
