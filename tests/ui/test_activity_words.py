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


def test_a_held_back_match_reads_once_in_words(qtbot, ctx) -> None:  # noqa: ANN001
    """The attach veto's event read "Attach held: Not joined automatically: the birthdays
    1953-07-12 and …" (its stored kind, the words twice, an ISO date kept from before the
    veto wrote dates in words)."""
    from sqlalchemy import select

    from core.db.models import ActivityEvent
    from core.ingest.engine import ingest_contacts
    from tests.match.builders import account, person

    with ctx.db.session() as session:
        for book, ext, birthday in (("a", "1", (1953, 7, 12)), ("b", "2", (1961, 5, 4))):
            ingest_contacts(session, account(session, book), [
                person(ext, "Anna", "Weber", emails=("anna@example.org",),
                       birthday=birthday)])
        event = session.scalars(select(ActivityEvent).where(
            ActivityEvent.kind == "attach_held")).one()
        assert "4 May 1961" in event.message  # as the veto writes it now
        event.message = "Not joined automatically: the birthdays 1961-05-04 and 1953-07-12 differ"
        session.commit()
    panel = panel_for(qtbot, ctx)
    panel.reload()
    qtbot.waitUntil(lambda: panel.activity.count() > 0, timeout=5000)
    lines = [re.sub(r"^\S+\s+", "", panel.activity.item(r).text())
             for r in range(panel.activity.count())]
    held = [line for line in lines if "joined" in line]
    assert held == ["Not joined automatically: the birthdays 4 May 1961 and 12 July 1953 differ"
                    " — Anna Weber"], lines


def test_merge_undo_and_confirm_read_without_ids(qtbot, ctx, people) -> None:  # noqa: ANN001
    """Recent activity read "Merged: Merged 1 contact(s) into this one — Anna Müller",
    "Merge undone: Undid merge 1 — Anna Müller" and "Link confirmed: Anna Müller"."""
    from app.services import handles, review
    from tests.ui.test_review import add_duplicate

    twin = add_duplicate(ctx.db, people)
    state = TaskState()
    decision = review.merge(ctx.db, people["anna"], twin, state=state)
    review.undo(ctx.db, decision, state=state)
    from sqlalchemy import select

    from core.db.models import Handle
    with ctx.db.session() as session:  # Anna's own address: the owner confirms it is hers
        hid = session.scalar(select(Handle.id).where(Handle.value == "anna@example.com"))
    handles.confirm(ctx.db, hid, people["anna"], state=state)
    panel = panel_for(qtbot, ctx)
    panel.reload()
    qtbot.waitUntil(lambda: panel.activity.count() > 0, timeout=5000)
    lines = [re.sub(r"^\S+\s+", "", panel.activity.item(r).text())
             for r in range(panel.activity.count())]
    assert "Merged 1 other contact into Anna Müller" in lines, lines
    assert "Merge undone: Anna Müller" in lines, lines
    assert "An address or number confirmed as theirs: Anna Müller" in lines, lines
    ids = re.compile(r"\b(?:merge|contact|record) \d")  # "Undid merge 1", "contact 12"
    assert not any("(s)" in line or "Link" in line or ids.search(line) for line in lines), lines
