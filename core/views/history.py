"""Read model of the History page: the owner's decisions and field edits as sentences.

The decision log stores a short technical summary with row ids ("Merged Kate Müller [157],
Kate Müller [192] into ..."), which is what a developer needs, not what the owner reads. This
builds one plain sentence per entry from the decision's subject and snapshot instead: the
names as they were at the time, handles formatted for reading (phones in international
form), and no row ids. Field edits (local changes to a contact) are listed beside the
decisions; they are not undone here (the contact card takes a source value back).

Plain dataclasses only; nothing here writes.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.db.models import ActivityEvent, Decision, Party, SourceAccount
from core.sync.source_kinds import source_words
from core.views.phone_display import format_phone

#: Entries of each kind read at most (newest first).
HISTORY_LIMIT = 500

#: What happened, each as the past tense the other entries use ("Merged", "Archived"): the
#: column mixed nouns and verbs ("Merge", "Undo of a merge", "Edit").
KIND_LABELS = {
    "merge": "Merged", "unmerge": "Merge undone", "not_duplicate": "Kept apart",
    "link_confirm": "Confirmed", "link_dismiss": "Ruled out",
    "handle_shared": "Marked as shared", "disambiguate_attach": "Sender attached",
    "disambiguate_promote": "Sender kept", "split": "Split off", "edit": "Edited",
    "contact_archive": "Archived", "contact_delete": "Deleted",
    "contact_created": "Created", "contact_edited": "Edited", "local_edit": "Edited",
}
#: Contact fields by the names the window uses.
FIELD_NAMES = {
    "display_name": "name", "given_name": "given name", "family_name": "family name",
    "middle_name": "middle name", "prefix": "name prefix", "suffix": "name suffix",
    "nickname": "nickname", "organization": "organisation", "department": "department",
    "title": "job title", "role": "role", "birthday": "birthday", "notes": "notes",
    "photo": "photo",
}
#: Event kinds that are the owner's own edits of a contact.
EDIT_KINDS = ("local_edit", "contact_created", "contact_edited")
_ROW_ID = re.compile(r"\s*\[\d+\]")


@dataclass(slots=True)
class HistoryEntry:
    """One line of History."""

    #: "decision:<id>" or "edit:<id>": stable across reloads, to keep the selection.
    key: str
    #: The decision kind ("merge", "link_confirm"...) or "edit".
    kind: str
    label: str
    sentence: str
    created_at: datetime
    revoked_at: datetime | None
    decision_id: int | None
    can_undo: bool


def readable_handle(platform: str, value: str) -> str:
    """A handle as the owner reads it: phones as the list and the card show them
    (core.views.phone_display: "+49 151 8714788", where phonenumbers' own grouping gave
    "+49 1518714788" for numbers its metadata does not place), others as stored."""
    if platform == "phone":
        return format_phone(value)
    return value


class _Names:
    """Contact names by id, read once per entry list."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self.cache: dict[int, str] = {}

    def __call__(self, party_id: Any, fallback: str = "a contact") -> str:
        try:
            pid = int(party_id)
        except (TypeError, ValueError):
            return fallback
        if pid not in self.cache:
            name = self.session.scalar(select(Party.display_name).where(Party.id == pid))
            self.cache[pid] = name or ""
        return self.cache[pid] or fallback


def _and(names: list[str]) -> str:
    if len(names) <= 1:
        return "".join(names)
    return ", ".join(names[:-1]) + " and " + names[-1]


def _merged_names(d: Decision, names: _Names) -> list[str]:
    """The merged contacts' names as they were when merged (kept contact first)."""
    parties = (d.snapshot or {}).get("parties") or {}
    ids = list((d.subject or {}).get("party_ids") or [int(k) for k in parties])
    out = []
    for pid in ids:
        columns = parties.get(str(pid)) or {}
        out.append(columns.get("display_name") or names(pid))
    return out


def _handle(subject: dict[str, Any]) -> str:
    handle = subject.get("handle") or {}
    platform, value = str(handle.get("platform", "")), str(handle.get("value", ""))
    return readable_handle(platform, value) if value else "an address"


def _party_of(subject: dict[str, Any], key: str) -> Any:
    value = subject.get(key)
    return value.get("party_id") if isinstance(value, dict) else value


def decision_sentence(session: Session, d: Decision, names: _Names | None = None) -> str:
    """One decision as a sentence with names and formatted values, never row ids."""
    names = names or _Names(session)
    subject, snapshot = d.subject or {}, d.snapshot or {}
    kind = d.kind
    if kind == "merge":
        merged = _merged_names(d, names)
        if len(set(merged)) == 1 and len(merged) > 1:
            return f"Merged {len(merged)} contacts named {merged[0]}"
        return f"Merged {_and(merged)}"
    if kind == "disambiguate_attach":
        merged = _merged_names(d, names)
        if len(merged) >= 2:
            return f"The unknown sender {_and(merged[1:])} is {merged[0]}"
    if kind == "unmerge":
        original = session.get(Decision, subject.get("merge_decision_id") or -1)
        if original is not None:
            return f"Undid the merge of {_and(_merged_names(original, names))}"
        return "Undid a merge"
    if kind == "not_duplicate":
        return (f"{names(_party_of(subject, 'a'))} and {names(_party_of(subject, 'b'))} "
                "are different people")
    if kind in ("link_confirm", "link_dismiss"):
        who = names(_party_of(subject, "party") or snapshot.get("party_id"))
        verb = "belongs to" if kind == "link_confirm" else "does not belong to"
        return f"{_handle(subject)} {verb} {who}"
    if kind == "handle_shared":
        shared = subject.get("shared", True)
        return (f"{_handle(subject)} is shared (a household or office): it never merges "
                "contacts" if shared else f"{_handle(subject)} is personal again")
    if kind == "disambiguate_promote":
        old = ((snapshot.get("columns") or {}).get("display_name")) or "An unknown sender"
        return f"The unknown sender {old} is now the contact {names(subject.get('party_id'))}"
    if kind == "split":
        return (f"Split the copy in {_source_of(session, subject.get('record'))} off "
                f"{names(subject.get('party_id'))}: {names(subject.get('new_party_id'))} is "
                "a contact of its own")
    return _ROW_ID.sub("", d.summary or KIND_LABELS.get(kind, kind.replace("_", " ")))


def _source_of(session: Session, record: Any) -> str:
    """The source a split-off copy came from ("phone.vcf (vCard file)"), named as the
    owner's Sources page names it; "a source" when it is gone."""
    if not isinstance(record, list) or len(record) < 2:
        return "a source"
    account = session.scalar(select(SourceAccount).where(
        SourceAccount.provider == record[0], SourceAccount.account_id == record[1]))
    name = account.display_name if account is not None else ""
    return source_words(str(record[0]), name) if name else "a source"


def _edit_sentence(event: ActivityEvent, names: _Names) -> str:
    if event.kind in ("contact_created", "contact_edited") and event.message:
        return _ROW_ID.sub("", event.message)  # "Created Ola Nordmann", "Edited Anna Müller"
    payload = event.payload or {}
    field = str(payload.get("field", ""))
    what = FIELD_NAMES.get(field, field.replace("_", " ") or "details")
    who = names(event.party_id)
    value = payload.get("value", payload.get("new"))
    if value not in (None, ""):
        return f"Changed the {what} of {who} to “{value}”"
    if "value" in payload or "new" in payload:
        return f"Cleared the {what} of {who}"
    return f"Edited the {what} of {who}"


def history(session: Session, limit: int = HISTORY_LIMIT) -> list[HistoryEntry]:
    """Decisions and field edits, newest first."""
    names = _Names(session)
    out: list[HistoryEntry] = []
    for d in session.scalars(select(Decision).order_by(Decision.created_at.desc(),
                                                        Decision.id.desc()).limit(limit)):
        out.append(HistoryEntry(
            f"decision:{d.id}", d.kind, KIND_LABELS.get(d.kind, d.kind.replace("_", " ")),
            decision_sentence(session, d, names), d.created_at, d.revoked_at, d.id,
            d.revoked_at is None))
    for ev in session.scalars(select(ActivityEvent).where(ActivityEvent.kind.in_(EDIT_KINDS))
                              .order_by(ActivityEvent.created_at.desc(),
                                        ActivityEvent.id.desc()).limit(limit)):
        out.append(HistoryEntry(f"edit:{ev.id}", "edit", KIND_LABELS.get(ev.kind, "Edited"),
                                _edit_sentence(ev, names), ev.created_at, None, None, False))
    out.sort(key=lambda e: e.created_at, reverse=True)
    return out
