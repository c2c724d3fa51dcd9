"""The card's "Copies in your sources" and "Emails & phones" at 800x600. Each source's copy
says in plain words whether the source still has it ("still there", "removed"), never the
engine's "live", names the copy when it goes by another name there, and the table fits
the pane (the state whole, the source's name whole or in its tooltip)."""

from __future__ import annotations

from sqlalchemy import select

from core.db.base import utcnow
from core.db.models import SourceRecord
from core.ingest.engine import ingest_contacts
from tests.ui.helpers import contact
from tests.ui.layout_check import find_clipped, tooltip_of
from ui.detail_copies import RECORD_COLUMNS, SPLIT_COLUMN


def _show(qtbot, window, party_id: int) -> None:  # noqa: ANN001
    with qtbot.waitSignal(window.detail.loaded, timeout=5000):
        assert window.contact_list.select_party(party_id)


def test_a_removed_copy_says_so_in_words_and_fits_at_800x600(qtbot, window, people) -> None:  # noqa: ANN001
    db = window.ctx.db
    with db.session() as session:  # Anna from the mail source too, since removed there
        ingest_contacts(session, people["acct:mail"],
                        [contact("anna-dav", "Anna", "Mueller", "anna@example.com")], region="DE")
        record = session.scalars(select(SourceRecord)
                                 .where(SourceRecord.external_id == "uid-anna-dav")).one()
        record.deleted_at = utcnow()
        session.commit()
    window.resize(800, 600)
    _show(qtbot, window, people["anna"])
    table = window.detail.records
    qtbot.waitUntil(lambda: table.rowCount() == 2, timeout=5000)
    qtbot.wait(50)  # layout
    headers = [table.horizontalHeaderItem(c).text() for c in range(table.columnCount())]
    assert headers == RECORD_COLUMNS and "State" not in headers
    states = {table.item(r, 0).text(): table.item(r, 1).text() for r in range(2)}
    # The copy that goes by another name there says so: copies read apart.
    assert states == {"vCard phone.vcf": "still there",
                      "“Anna Mueller” in CardDAV mail@dav.example": "removed"}
    words = [table.item(r, c).text() for r in range(2) for c in range(2)]
    assert "live" not in words
    removed = next(r for r in range(2) if table.item(r, 1).text() == "removed")
    assert "Removed from CardDAV mail@dav.example" in tooltip_of(
        table, table.model().index(removed, 1))
    source = table.model().index(removed, 0)
    assert tooltip_of(table, source).startswith("“Anna Mueller” in CardDAV mail@dav.example")
    # The state reads whole, "Split off" is in view, and nothing in the pane is cut.
    needed = table.fontMetrics().horizontalAdvance("still there")
    assert table.columnWidth(1) > needed
    button = table.cellWidget(0, SPLIT_COLUMN)
    right = button.mapTo(table.viewport(), button.rect().topRight()).x()
    assert button.isVisible() and right < table.viewport().width()
    assert find_clipped(window.detail) == []


def test_the_emails_and_phones_read_whole_at_800x600(qtbot, window, people) -> None:  # noqa: ANN001
    """The card's Emails & phones table cut "anna@example.co…" at 800x600 beside a
    "Confidence" column wider than its bars needed; "How sure" leaves the value its room."""
    from PySide6.QtWidgets import QStyle

    window.resize(800, 600)
    _show(qtbot, window, people["anna"])
    table = window.detail.handles
    qtbot.wait(50)  # layout
    assert table.horizontalHeaderItem(2).text() == "How sure"
    margin = 2 * (table.style().pixelMetric(QStyle.PixelMetric.PM_FocusFrameHMargin, None,
                                            table) + 1)
    for row in range(table.rowCount()):
        value = table.item(row, 1)
        room = table.visualItemRect(value).width() - margin
        assert table.fontMetrics().horizontalAdvance(value.text()) <= room, value.text()


def test_splitting_off_a_copy_says_so_without_row_ids(qtbot, window, people) -> None:  # noqa: ANN001
    """The card only lost a row when a copy was split off; and Recent activity read
    "Split off: Record split off into contact 12 — Anna Müller"."""
    from core.db.models import ActivityEvent
    from core.views.sources import recent_activity
    from ui.activity_words import activity_text

    with window.ctx.db.session() as session:
        ingest_contacts(session, people["acct:mail"],
                        [contact("anna-dav", "Anna", "Mueller", "anna@example.com")], region="DE")
        session.commit()
    _show(qtbot, window, people["anna"])
    table = window.detail.records
    qtbot.waitUntil(lambda: table.rowCount() == 2, timeout=5000)
    row = next(r for r in range(2) if table.item(r, 0).text().startswith("“Anna Mueller”"))
    table.cellWidget(row, SPLIT_COLUMN).click()
    qtbot.waitUntil(lambda: table.rowCount() == 1, timeout=10_000)
    qtbot.waitUntil(lambda: window.status.text.startswith("Split off"), timeout=5000)
    assert window.status.text == ("Split off “Anna Mueller” in CardDAV mail@dav.example: it is "
                                  "a contact of its own now. History can undo it.")
    with window.ctx.db.session() as session:
        split = next(e for e in recent_activity(session) if e.kind == "split")
        assert session.get(ActivityEvent, split.id).message  # the engine's, with its ids
    line = activity_text(split.kind, split.message, split.party_name)
    assert line == "A copy split off into a contact of its own: Anna Müller"
