"""The command line prints times as people read them, in the user's locale (``LC_TIME``), by
the same rule as the window: the time alone today, "Yesterday 18:41", else the short date and
time. ``--json`` keeps ISO 8601 for scripts."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import update

from app.local_times import use_the_users_time_locale, when
from core.db.engine import open_database
from core.db.models import Decision, SyncState
from tests.sync.runtime_support import vcard

ISO = re.compile(r"\d{4}-\d{2}-\d{2}")
Kith = Callable[..., tuple[int, str, str]]


def _store(url: str, statement: Any) -> None:
    """Run one UPDATE on the database the CLI uses (to move a stored time back)."""
    db = open_database(url)
    with db.session() as session:
        session.execute(statement)
        session.commit()
    db.dispose()


def _three_days_ago_at_18_41() -> datetime:
    """A local moment three days back, so every locale writes its short date."""
    local = datetime.now().astimezone() - timedelta(days=3)
    return local.replace(hour=18, minute=41, second=0, microsecond=0)


def test_the_rule_in_german_american_and_british(time_locale: Callable[[str], None]) -> None:
    now = datetime(2026, 12, 6, 18, 41).astimezone()
    cases = {
        "de_DE": ("18:41", "03.12.2026 18:41"),
        "en_US": ("6:41 PM", "12/03/2026 6:41 PM"),
        "en_GB": ("18:41", "03/12/26 18:41"),
    }
    for name, (today, older) in cases.items():
        time_locale(name)
        assert use_the_users_time_locale() == f"{name}.UTF-8"
        assert when(now, now) == today, name
        assert when(now - timedelta(days=1), now) == f"Yesterday {today}", name
        assert when(now + timedelta(days=1), now) == f"Tomorrow {today}", name
        assert when(now - timedelta(days=3), now) == older, name
        assert when(None) == "never"


def test_without_a_locale_the_date_is_written_out(
        time_locale: Callable[[str], None], monkeypatch) -> None:  # noqa: ANN001
    """In the C locale its own "12/03/26" would be ambiguous: "3 Dec 2026" is not."""
    time_locale("de_DE")  # only for the teardown that puts LC_TIME back
    monkeypatch.setenv("LC_ALL", "C")
    assert use_the_users_time_locale() == "C"
    now = datetime(2026, 12, 6, 18, 41).astimezone()
    assert when(now - timedelta(days=3), now) == "3 Dec 2026 18:41"


def test_a_locale_that_is_not_installed_falls_back_to_c(
        time_locale: Callable[[str], None], monkeypatch) -> None:  # noqa: ANN001
    time_locale("de_DE")
    monkeypatch.setenv("LC_ALL", "xx_NOWHERE.UTF-8")
    assert use_the_users_time_locale() == "C"


def test_status_prints_local_times_in_german(kith: Kith, time_locale, tmp_path: Path,
                                             sqlite_migrated_url: str) -> None:  # noqa: ANN001
    time_locale("de_DE")
    cards = tmp_path / "cards"
    cards.mkdir()
    (cards / "a.vcf").write_text(vcard("u1", "Ada Lovelace", "ada@example.com"))
    assert kith("sources", "add", "vcard", str(cards))[0] == 0
    assert kith("sync")[0] == 0
    code, out, _ = kith("status")
    assert code == 0 and not ISO.search(out), out
    assert re.search(r"last ok \d{2}:\d{2}\s+next \d{2}:\d{2}", out), out  # synced just now

    then = _three_days_ago_at_18_41()
    _store(sqlite_migrated_url, update(SyncState).values(last_success_at=then.astimezone(UTC)))
    code, out, _ = kith("status")
    assert f"last ok {then:%d.%m.%Y} 18:41  " in out, out
    code, out, _ = kith("status", "--json")
    [status] = json.loads(out)
    assert datetime.fromisoformat(status["last_success"]) == then  # ISO for scripts


def test_decisions_print_local_times_in_american_english(
        kith: Kith, time_locale, tmp_path: Path, sqlite_migrated_url: str) -> None:  # noqa: ANN001
    time_locale("en_US")
    cards = tmp_path / "cards"
    cards.mkdir()
    (cards / "a.vcf").write_text(vcard("u1", "Ada Lovelace", "ada@example.com")
                                 + vcard("u2", "Alan Turing", "alan@example.com"))
    assert kith("sources", "add", "vcard", str(cards))[0] == 0
    assert kith("sync")[0] == 0
    ids = [row["id"] for row in json.loads(kith("list", "--json")[1])]
    assert kith("not-duplicate", str(ids[0]), str(ids[1]))[0] == 0

    then = _three_days_ago_at_18_41()
    _store(sqlite_migrated_url, update(Decision).values(created_at=then.astimezone(UTC)))
    code, out, _ = kith("decisions")
    assert code == 0 and not ISO.search(out), out
    assert f"{then:%m/%d/%Y} 6:41 PM  not_duplicate" in out, out
    [decision] = json.loads(kith("decisions", "--json")[1])
    assert datetime.fromisoformat(decision["created_at"]) == then


def test_sources_and_status_say_what_a_source_is_in_words(kith: Kith, tmp_path: Path) -> None:
    """"vCard file" and "not synced yet", as the Sources page says, never "vcard" / "never";
    ``--json`` keeps the stored names for scripts."""
    cards = tmp_path / "cards"
    cards.mkdir()
    (cards / "a.vcf").write_text(vcard("u1", "Ada Lovelace", "ada@example.com"))
    assert kith("sources", "add", "vcard", str(cards))[0] == 0
    for command in ("status", "sources"):
        out = kith(*command.split(), *(["list"] if command == "sources" else []))[1]
        assert re.search(r"^\s+1  vCard file +not synced yet ", out), out  # not "vcard never"
    assert "last ok never" in kith("status")[1]  # the time that is not there
    assert json.loads(kith("sources", "list", "--json")[1])[0]["health"] == "never"
    assert kith("sync")[0] == 0
    out = kith("sources", "list")[1]
    assert re.search(r"vCard file\s+ok\s+1 contacts\s+cards", out), out
