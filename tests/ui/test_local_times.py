"""Times read as a desktop address book writes them, in the locale's own formats: the time
alone today, "Yesterday 18:41", the short date and time before that; never ISO text."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import datetime, timedelta

import pytest
from PySide6.QtCore import QLocale

from core.match.merge import merge_parties
from tests.ui.test_review import add_kate_pair
from ui.widgets import short_when, when

ISO = re.compile(r"\d{4}-\d{2}-\d{2}")


@pytest.fixture
def german() -> Iterator[None]:
    """The default locale German (Germany) for one test, then back to what it was."""
    before = QLocale()
    QLocale.setDefault(QLocale(QLocale.Language.German, QLocale.Country.Germany))
    yield
    QLocale.setDefault(before)


def test_when_follows_the_locale(german: None) -> None:
    now = datetime(2026, 12, 6, 18, 41).astimezone()  # local time, as the owner sees it
    assert when(now, now) == "18:41"
    assert when(now - timedelta(days=1), now) == "Yesterday 18:41"
    assert when(now + timedelta(days=1), now) == "Tomorrow 18:41"
    assert when(now - timedelta(days=3), now) == "03.12.26 18:41"
    assert when(None) == "never"


def test_the_sources_tables_short_times_follow_the_locale(german: None) -> None:
    """The Sources table's "Last sync" column: the locale's day and month names."""
    now = datetime(2026, 12, 6, 18, 41).astimezone()  # a Sunday
    assert short_when(now, now) == "18:41"
    assert short_when(now - timedelta(days=2), now) == "Fr. 18:41"
    assert short_when(now - timedelta(days=300), now).startswith("9 Feb")


def test_when_in_english_uses_the_english_clock() -> None:
    before = QLocale()
    QLocale.setDefault(QLocale(QLocale.Language.English, QLocale.Country.UnitedStates))
    try:
        now = datetime(2026, 12, 6, 18, 41).astimezone()
        assert when(now, now).replace("\u202f", " ") == "6:41 PM"
        assert when(now - timedelta(days=40), now).replace("\u202f", " ") == "10/27/26 6:41 PM"
    finally:
        QLocale.setDefault(before)


def test_history_shows_no_iso_timestamps(qtbot, ctx, people) -> None:  # noqa: ANN001
    from ui.history_view import HistoryView

    kate, katherine = add_kate_pair(ctx.db, people)
    with ctx.db.session() as session:
        merge_parties(session, [kate, katherine], keep_id=kate)
        session.commit()
    view = HistoryView(ctx)
    qtbot.addWidget(view)
    view.show()
    view.start()
    qtbot.waitUntil(lambda: len(view.rows) == 1, timeout=5000)
    shown = view.table.item(0, 0).text()
    assert not ISO.search(shown)
    assert shown == when(view.rows[0].created_at)
