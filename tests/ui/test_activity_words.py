"""The Sources page's "Recent activity" reads as plain words, after a real sync and a
contact the owner made (offscreen Qt over a real SQLite file)."""

from __future__ import annotations

import re

from app.services import contacts
from core.tasks import TaskState
from core.views.contact_draft import ContactDraft
from tests.ui.helpers import write_vcards
from tests.ui.test_sync_panel import add_source, panel_for
from ui.activity_words import activity_text


def test_recent_activity_in_words(qtbot, ctx, tmp_path) -> None:  # noqa: ANN001
    panel = panel_for(qtbot, ctx)
    add_source(qtbot, panel, write_vcards(tmp_path / "phone.vcf", 2, prefix="ada"))
    with qtbot.waitSignal(panel.syncFinished, timeout=60_000):
        panel.sync_button.click()
    contacts.create(ctx.db, ContactDraft(fields={"given_name": "Zelda", "family_name": "Quast"}),
                    state=TaskState())
    panel.reload()
    qtbot.waitUntil(lambda: any("Zelda" in panel.activity.item(r).text()
                                for r in range(panel.activity.count())), timeout=5000)
    lines = [re.sub(r"^\S+\s+", "", panel.activity.item(r).text())  # the time off
             for r in range(panel.activity.count())]
    assert "Created Zelda Quast" in lines  # not "contact created: Created Zelda Quast — Zelda…"
    assert "Added from a source: Person ada 0" in lines
    assert any(line.startswith("Sync finished: phone.vcf: read in full, 2 added")
               for line in lines), lines
    # Not "Source added: Added vcard source phone.vcf", nor "incremental sync".
    assert "Source added: phone.vcf (vCard file)" in lines, lines
    assert not any(" sync," in line or "vcard" in line for line in lines), lines
    assert not any("_" in line or line.startswith("contact ") for line in lines), lines


def test_an_unknown_kind_still_reads_as_words() -> None:
    assert activity_text("notify_missing_handle", "", "Ada") == "Notify missing handle: Ada"
    assert activity_text("merge", "Merged Kate and Katherine", "Kate") == (
        "Merged Kate and Katherine")
