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
    assert short_when(now - timedelta(days=300), now) == "9. Feb."


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


@pytest.mark.parametrize(("language", "country", "this_year", "last_year"), [
    (QLocale.Language.German, QLocale.Country.Germany, "5. Jan.", "5. Jan. 2027"),
    (QLocale.Language.English, QLocale.Country.UnitedStates, "Jan 5", "Jan 5, 2027"),
    (QLocale.Language.English, QLocale.Country.UnitedKingdom, "5 Jan", "5 Jan 2027"),
])
def test_older_days_use_the_locales_own_date_format(language, country, this_year: str,  # noqa: ANN001
                                                    last_year: str) -> None:
    """German writes "5. Jan. 2027", never the hand-built "5 Jan. 2027"; American English
    puts the month first."""
    before = QLocale()
    QLocale.setDefault(QLocale(language, country))
    try:
        then = datetime(2027, 1, 5, 9, 30).astimezone()
        assert short_when(then, datetime(2027, 3, 1, 12, 0).astimezone()) == this_year
        assert short_when(then, datetime(2028, 2, 1, 12, 0).astimezone()) == last_year
    finally:
        QLocale.setDefault(before)


def test_a_birthday_keeps_the_full_month_in_the_locales_order(german: None) -> None:
    from ui.contact_card import locale_date

    assert locale_date("1990-06-16") == "16. Juni 1990"
    assert locale_date("--06-16") == "16. Juni"
