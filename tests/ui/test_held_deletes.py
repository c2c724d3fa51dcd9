"""The sources panel's notice for a held sync: "would remove N contacts from ...", Apply and
Keep, on a real vCard source synced through the real task runner."""

from __future__ import annotations

from sqlalchemy import func, select

from core.db.models import SourceRecord
from tests.ui.helpers import write_vcards
from tests.ui.test_sync_panel import add_source, panel_for


def _live(db, account_id: int) -> int:  # noqa: ANN001
    with db.session() as session:
        return session.scalar(select(func.count()).select_from(SourceRecord).where(
            SourceRecord.account_id == account_id, SourceRecord.deleted_at.is_(None)))


def _held_sync(qtbot, ctx, tmp_path):  # noqa: ANN001, ANN202
    panel = panel_for(qtbot, ctx)
    path = write_vcards(tmp_path / "phone.vcf", 90)
    account_id = add_source(qtbot, panel, path)
    assert not panel.held.isVisible()
    with qtbot.waitSignal(panel.syncFinished, timeout=60_000):
        panel.sync(account_id)
    write_vcards(path, 10)
    with qtbot.waitSignal(panel.syncFinished, timeout=60_000):
        panel.sync(account_id, full=True)
    qtbot.waitUntil(panel.held.isVisible, timeout=5000)
    return panel, account_id


def test_notice_names_the_source_and_apply_removes(qtbot, ctx, tmp_path) -> None:  # noqa: ANN001
    panel, account_id = _held_sync(qtbot, ctx, tmp_path)
    assert panel.held.text.text() == ("The last sync would remove 80 contacts from phone.vcf. "
                                      "Nothing was removed yet.")
    assert _live(ctx.db, account_id) == 90
    panel.held.apply_button.click()
    qtbot.waitUntil(lambda: not panel.held.isVisible(), timeout=10_000)
    assert _live(ctx.db, account_id) == 10


def test_keep_keeps_the_contacts(qtbot, ctx, tmp_path) -> None:  # noqa: ANN001
    panel, account_id = _held_sync(qtbot, ctx, tmp_path)
    panel.held.keep_button.click()
    qtbot.waitUntil(lambda: not panel.held.isVisible(), timeout=10_000)
    assert _live(ctx.db, account_id) == 90
