"""The Sources page's words: its columns, a sync's counts ("3 added, 1 updated"), a source's
health with a mark that reads at a glance, and when it syncs next. Plain functions of the
values ui.sync_panel shows, so they are read (and tested) without a panel."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from app.source_words import health_text
from ui.widgets import short_when, when

#: The sources table's columns, each title with what it says (header tooltips): short
#: titles and short times so the table reads without sideways scrolling at 800x600.
COLUMNS = (("Kind", "vCard file, CSV file, CardDAV or Google"),
           ("Source", "The file or account"),
           ("Health", "How the last syncs went"),
           ("Last synced", "When the last sync that worked ended"),
           ("Next sync", "When Kith syncs it next (“full”: reads every card again)"),
           ("Result", "What the last sync changed"),
           ("Contacts", "Contacts this source holds"))
HEADERS = [title for title, _ in COLUMNS]


def count_text(counts: dict[str, Any]) -> str:
    """"3 added, 1 updated": only what happened; "no contacts" when nothing is there."""
    parts = [f"{counts.get(key, 0)} {word}" for key, word in (
        ("added", "added"), ("updated", "updated"), ("unchanged", "unchanged"),
        ("deleted", "removed at the source"), ("conflicts", "kept your edits"),
        ("skipped", "skipped"), ("errors", "could not be read")) if counts.get(key, 0)]
    return ", ".join(parts) if parts else "no contacts"


def sync_summary(label: str, counts: dict[str, Any]) -> str:
    """"Work contacts: 3 added, 1 updated"; "3 unchanged" when nothing changed; never a row
    of zeros."""
    return f"{label}: {count_text(counts)}."


#: A source's health with a mark that reads at a glance; the words are app.source_words'.
HEALTH_TEXT = {state: f"{mark} {health_text(state)}" if mark else health_text(state)
               for state, mark in (("ok", "✔"), ("syncing", "⟳"), ("degraded", "▲"),
                                   ("error", "✖"), ("never", ""), ("needs_confirmation", "?"),
                                   ("interrupted", "▲"))}


def next_sync(run: datetime | None, full: datetime | None) -> str:
    """"17:45", "17:45 (full)" when that run reads every card again (no full sync yet, or
    one is due by then); "soon" before the schedule has set a time (within 15 minutes)."""
    shown = short_when(run) if run is not None else "soon"
    return f"{shown} (full)" if _full_next(run, full) else shown


def next_sync_tip(run: datetime | None, full: datetime | None) -> str:
    """The next run and the next full sync in full."""
    lines = [f"Next sync: {when(run)}" if run else "Next sync: within 15 minutes"]
    lines.append("It reads every card again (a full sync)" if _full_next(run, full)
                 else f"Next full sync (every card read again): {when(full)}")
    return "\n".join(lines)


def _full_next(run: datetime | None, full: datetime | None) -> bool:
    return full is None or (run is not None and _aware(full) <= _aware(run))


def _aware(value: datetime) -> datetime:
    return value if value.tzinfo else value.replace(tzinfo=UTC)
