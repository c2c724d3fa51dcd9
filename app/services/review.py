"""The review queue's adapter over the review engine (core.match / core.identity).

The engine lands piece by piece, so this module looks its functions up by name and reports
what exists through :func:`capabilities`; the UI enables only the actions that work. Reads
(suggestions, decisions, unknown senders) use the engine's read models when present and the
review tables directly otherwise.
"""

from __future__ import annotations

import importlib
import inspect
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from sqlalchemy import select, update

from app.services import read_session, write_session
from core.db.base import utcnow
from core.db.engine import Database
from core.db.models import MergeSuggestion, Party
from core.tasks import TaskState
from core.views.party import PartyDetail, party_detail

#: Where engine functions may live, searched in order.
_ENGINE_MODULES = ("core.match.merge", "core.match.decisions", "core.match.split",
                   "core.match.unmerge", "core.match.review",
                   "core.match.suggest", "core.match.views", "core.match",
                   "core.identity.temp", "core.identity.disambiguate", "core.identity")


@cache
def _find(name: str) -> Callable[..., Any] | None:
    for module_name in _ENGINE_MODULES:
        try:
            module = importlib.import_module(module_name)
        except ImportError:
            continue
        fn = getattr(module, name, None)
        if callable(fn):
            return fn
    return None


@dataclass(frozen=True, slots=True)
class Capabilities:
    merge: bool
    not_same: bool
    undo: bool
    split: bool
    suggestions: bool


def capabilities() -> Capabilities:
    return Capabilities(
        merge=_find("merge_parties") is not None,
        not_same=_find("mark_not_duplicate") is not None,
        undo=_find("revoke_decision") is not None,
        split=_find("split_record") is not None or _find("split_off_record") is not None,
        suggestions=_find("list_suggestions") is not None,
    )


@dataclass(slots=True)
class Evidence:
    field: str
    level: str
    left: str
    right: str
    weight: float
    sentence: str = ""


@dataclass(slots=True)
class Suggestion:
    id: int
    party_a_id: int
    party_b_id: int
    name_a: str
    name_b: str
    score: float
    probability: float
    blocking_rule: str
    status: str
    evidence: list[Evidence] = field(default_factory=list)


@dataclass(slots=True)
class SuggestionDetail:
    suggestion: Suggestion
    left: PartyDetail
    right: PartyDetail
    #: Single-valued fields whose values differ: (field, left value, right value).
    conflicts: list[tuple[str, str, str]] = field(default_factory=list)


@dataclass(slots=True)
class UnknownSender:
    party_id: int
    display_name: str
    handles: list[str]


@dataclass(slots=True)
class DecisionRow:
    id: int
    kind: str
    summary: str
    created_at: Any
    revoked_at: Any


CONFLICT_FIELDS = ("display_name", "given_name", "family_name", "nickname", "organization",
                   "title", "birthday", "notes")


def _evidence(items: Any) -> list[Evidence]:
    out = []
    for it in items or []:
        data = it if isinstance(it, dict) else {k: getattr(it, k, "") for k in
                                                 ("field", "level", "left", "right", "weight",
                                                  "sentence")}
        out.append(Evidence(str(data.get("field", "")), str(data.get("level", "")),
                            str(data.get("left", "")), str(data.get("right", "")),
                            float(data.get("weight", 0.0) or 0.0), str(data.get("sentence", ""))))
    return out


def suggestions(db: Database, *, state: TaskState) -> list[Suggestion]:
    """Open suggestions, best score first."""
    lister = _find("list_suggestions")
    with read_session(db) as session:
        if lister is not None:
            rows = lister(session)
            return [Suggestion(s.id, s.party_a_id, s.party_b_id, s.name_a, s.name_b, s.score,
                               s.probability, s.blocking_rule, s.status,
                               _evidence(s.explanation)) for s in rows]
        out = []
        for s in session.scalars(select(MergeSuggestion).where(MergeSuggestion.status == "open")
                                 .order_by(MergeSuggestion.score.desc())):
            a, b = session.get(Party, s.party_a_id), session.get(Party, s.party_b_id)
            if a is None or b is None or a.merged_into_id or b.merged_into_id:
                continue
            out.append(Suggestion(s.id, s.party_a_id, s.party_b_id, a.display_name,
                                  b.display_name, s.score, s.probability,
                                  (s.blocking_rule or "").split(",")[0], s.status,
                                  _evidence(s.explanation)))
        return out


def suggestion_detail(db: Database, suggestion: Suggestion,
                      *, state: TaskState) -> SuggestionDetail:
    with read_session(db) as session:
        left = party_detail(session, suggestion.party_a_id)
        right = party_detail(session, suggestion.party_b_id)
    conflicts = [(f, str(getattr(left, f, "") or ""), str(getattr(right, f, "") or ""))
                 for f in CONFLICT_FIELDS
                 if getattr(left, f, "") and getattr(right, f, "")
                 and getattr(left, f) != getattr(right, f)]
    return SuggestionDetail(suggestion, left, right, conflicts)


def unknown_senders(db: Database, *, state: TaskState) -> list[UnknownSender]:
    from core.db.models import Handle, PartyHandleLink

    with read_session(db) as session:
        out = []
        for p in session.scalars(select(Party).where(Party.needs_disambiguation.is_(True),
                                                     Party.merged_into_id.is_(None))
                                 .order_by(Party.created_at.desc()).limit(500)):
            values = list(session.scalars(
                select(Handle.value).join(PartyHandleLink, PartyHandleLink.handle_id == Handle.id)
                .where(PartyHandleLink.party_id == p.id, Handle.is_secured.is_(False))))
            out.append(UnknownSender(p.id, p.display_name, values))
        return out


def pending_count(db: Database, *, state: TaskState) -> int:
    """Open suggestions plus unknown senders: the counter in the navigation."""
    return len(suggestions(db, state=state)) + len(unknown_senders(db, state=state))


def decisions(db: Database, *, state: TaskState) -> list[DecisionRow]:
    lister = _find("list_decisions")
    with read_session(db) as session:
        if lister is not None:
            return [DecisionRow(d.id, d.kind, d.summary, d.created_at, d.revoked_at)
                    for d in lister(session)]
        from core.db.models import Decision

        return [DecisionRow(d.id, d.kind, d.summary, d.created_at, d.revoked_at)
                for d in session.scalars(select(Decision).order_by(Decision.created_at.desc()))]


def _call(name: str, session: Any, *args: Any, **optional: Any) -> Any:
    fn = _find(name)
    if fn is None:
        raise RuntimeError(f"This build's review engine has no '{name}' yet.")
    params = inspect.signature(fn).parameters
    accepted = {k: v for k, v in optional.items() if k in params}
    return fn(session, *args, **accepted)


def merge(db: Database, keep_id: int, other_id: int, choices: dict[str, int] | None = None,
          *, state: TaskState) -> Any:
    """Merge ``other_id`` into ``keep_id``; ``choices`` picks, per conflicting field, whose
    value wins (a party id)."""
    with write_session(db) as session:
        return _call("merge_parties", session, [keep_id, other_id], keep_id=keep_id,
                     field_choices=choices or {})


def not_same(db: Database, a: int, b: int, *, state: TaskState) -> Any:
    with write_session(db) as session:
        return _call("mark_not_duplicate", session, a, b)


def later(db: Database, a: int, b: int, *, state: TaskState) -> None:
    with write_session(db) as session:
        lo, hi = min(a, b), max(a, b)
        session.execute(update(MergeSuggestion)
                        .where(MergeSuggestion.party_a_id == lo, MergeSuggestion.party_b_id == hi)
                        .values(status="later", updated_at=utcnow()))


def undo(db: Database, decision_id: int, *, state: TaskState) -> Any:
    with write_session(db) as session:
        return _call("revoke_decision", session, decision_id)


def attach_sender(db: Database, sender_id: int, target_id: int, *, state: TaskState) -> Any:
    """An unknown sender is this existing person: merge the temporary party into them."""
    if _find("attach_temp_contact") is None:
        return merge(db, target_id, sender_id, state=state)
    with write_session(db) as session:
        return _call("attach_temp_contact", session, sender_id, target_id)


def promote_sender(db: Database, sender_id: int, name: str = "", *, state: TaskState) -> None:
    """An unknown sender becomes a contact of their own (named ``name``, default: as shown)."""
    with write_session(db) as session:
        fn = _find("promote_temp_contact")
        if fn is not None:
            party = session.get(Party, sender_id)
            fn(session, sender_id, name.strip() or (party.display_name if party else ""))
            return
        session.execute(update(Party).where(Party.id == sender_id)
                        .values(needs_disambiguation=False, updated_at=utcnow()))


def split_record(db: Database, record_id: int, *, state: TaskState) -> Any:
    with write_session(db) as session:
        name = "split_record" if _find("split_record") else "split_off_record"
        return _call(name, session, record_id)
