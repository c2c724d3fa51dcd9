"""The review queue's services over the review engine (core.match / core.identity).

Each function is a task (database first, ``state`` keyword) returning plain dataclasses for
the review queue, the history view and the detail view's "split off". The engines behind the
write actions are imported when first used: they are not needed to paint the window.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select, update

from app.services import read_session, write_session
from app.services.evidence import Waterfall, readable_values, rule_sentence, waterfall
from core.db.base import utcnow
from core.db.engine import Database
from core.db.models import MergeSuggestion, Party
from core.match.views import list_decisions, list_suggestions
from core.tasks import TaskState
from core.views.history import HistoryEntry
from core.views.party import PartyDetail, party_detail


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
    #: Why the two were compared ("Found because both have the same name"), one per rule.
    found_because: list[str] = field(default_factory=list)


@dataclass(slots=True)
class SuggestionDetail:
    suggestion: Suggestion
    left: PartyDetail
    right: PartyDetail
    #: Single-valued fields whose values differ: (field, left value, right value).
    conflicts: list[tuple[str, str, str]] = field(default_factory=list)
    #: Why the two were compared, in plain words ("Found because both have the same name").
    rule_text: str = ""
    #: The evidence as waterfall rows (the starting point first) that sum to the total shown.
    chart: Waterfall | None = None
    #: Each side as lines to read: organisation, emails, phones formatted, where it is from.
    left_lines: list[str] = field(default_factory=list)
    right_lines: list[str] = field(default_factory=list)
    #: Why an identifier they share did not join them automatically (plain words).
    held_back: list[str] = field(default_factory=list)


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
    return [Evidence(it.field, it.level, str(it.left), str(it.right), float(it.weight),
                     it.sentence) for it in items]


def review_orders(db: Database, *, state: TaskState) -> list[str]:
    """The orders the review engine can list suggestions in: "score" (best match first)
    and "useful" (the pairs the model is least sure of first: answering those teaches it
    most)."""
    from core.match.views import ORDERS

    return list(ORDERS)


def suggestions(db: Database, limit: int | None = None, *,
                state: TaskState, status: str = "open", order: str = "score") -> list[Suggestion]:
    """Open suggestions (or those of ``status``, e.g. "later"), best score first or in
    ``order`` (see :func:`review_orders`); the first ``limit`` of them if given."""
    with read_session(db) as session:
        return [Suggestion(s.id, s.party_a_id, s.party_b_id, s.name_a, s.name_b, s.score,
                           s.probability, s.blocking_rule, s.status, _evidence(s.explanation),
                           list(s.blocking_sentences))
                for s in list_suggestions(session, limit=limit, status=status, order=order)]


@dataclass(slots=True)
class SuggestionQueue:
    """The head of the queue the review page lists, and how many are open in all."""

    items: list[Suggestion]
    total: int
    #: Pairs the owner put off for later (their own filter), whatever is listed.
    later: int = 0


def suggestion_queue(db: Database, limit: int, *, state: TaskState,
                     status: str = "open", order: str = "score") -> SuggestionQueue:
    """The best ``limit`` open suggestions and the open total.

    After a big import there can be 100,000 suggestions; listing them all would fill a
    widget with 100,000 items on the GUI thread (seconds), and nobody reviews past the top.
    """
    from sqlalchemy import func
    from sqlalchemy.orm import aliased

    from core.match.weights import DEFAULT_MIN_SCORE

    items = suggestions(db, limit, state=state, status=status, order=order)
    pa, pb = aliased(Party), aliased(Party)

    def count(of: str) -> int:  # the same criteria as core.match.views.list_suggestions
        return session.scalar(
            select(func.count()).select_from(MergeSuggestion)
            .join(pa, pa.id == MergeSuggestion.party_a_id)
            .join(pb, pb.id == MergeSuggestion.party_b_id)
            .where(MergeSuggestion.score >= DEFAULT_MIN_SCORE, MergeSuggestion.status == of,
                   pa.merged_into_id.is_(None), pb.merged_into_id.is_(None))) or 0

    with read_session(db) as session:
        total = len(items) if len(items) < limit else count(status)
        later_total = total if status == "later" else count("later")
    return SuggestionQueue(items, total, later_total)


def suggestion_detail(db: Database, suggestion: Suggestion,
                      *, state: TaskState) -> SuggestionDetail:
    from core.ingest.attach_veto import held_back_reasons

    with read_session(db) as session:
        left = party_detail(session, suggestion.party_a_id)
        right = party_detail(session, suggestion.party_b_id)
        # Reasons stored before birthdays were written in words still say "1953-07-12":
        # the same rewriting as the evidence makes old and new rows read alike.
        held_back = [readable_values(r) for r in
                     held_back_reasons(session, suggestion.party_a_id, suggestion.party_b_id)]
    conflicts = [(f, str(getattr(left, f, "") or ""), str(getattr(right, f, "") or ""))
                 for f in CONFLICT_FIELDS
                 if getattr(left, f, "") and getattr(right, f, "")
                 and getattr(left, f) != getattr(right, f)]
    return SuggestionDetail(suggestion, left, right, conflicts,
                            rule_sentence(suggestion.blocking_rule),
                            waterfall(suggestion.evidence, suggestion.score),
                            _summary_lines(left), _summary_lines(right), held_back)


def _summary_lines(party: PartyDetail) -> list[str]:
    """One side of a suggested pair as the owner reads it: no provider codes, emails and
    phones as the card shows them (a number read "+49 1519 7219311" here and "+49 151
    97219311" on the card and in the list)."""
    lines = [party.organization] if party.organization else []
    shown = [h for h in party.handles if not h.dismissed]
    lines += [h.display_value or h.value for h in shown if h.platform == "email"]
    lines += [h.shown or h.display_value or h.value for h in shown if h.platform == "phone"]
    sources = sorted({r.account for r in party.records})
    if sources:
        lines.append("From " + ", ".join(sources))
    return lines


def unknown_senders(db: Database, *, state: TaskState) -> list[UnknownSender]:
    """Who wrote from an address or number Kith did not know, newest first, with their
    addresses and numbers as the card shows them (``phone_display.shown_handle``; the
    stored "+4915112345678" was shown)."""
    from core.db.models import Handle, PartyHandleLink
    from core.views.phone_display import shown_handle

    with read_session(db) as session:
        out = []
        for p in session.scalars(select(Party).where(Party.needs_disambiguation.is_(True),
                                                     Party.merged_into_id.is_(None))
                                 .order_by(Party.created_at.desc()).limit(500)):
            values = [shown_handle(*row) for row in session.execute(
                select(Handle.platform, Handle.value, Handle.display_value, Handle.is_valid)
                .join(PartyHandleLink, PartyHandleLink.handle_id == Handle.id)
                .where(PartyHandleLink.party_id == p.id, Handle.is_secured.is_(False))
                .order_by(PartyHandleLink.id))]
            out.append(UnknownSender(p.id, p.display_name, values))
        return out


def pending_count(db: Database, *, state: TaskState) -> int:
    """Open suggestions plus unknown senders: the counter in the navigation."""
    return (suggestion_queue(db, 1, state=state).total
            + len(unknown_senders(db, state=state)))


def decisions(db: Database, *, state: TaskState) -> list[DecisionRow]:
    with read_session(db) as session:
        return [DecisionRow(d.id, d.kind, d.summary, d.created_at, d.revoked_at)
                for d in list_decisions(session)]


def history(db: Database, *, state: TaskState) -> list[HistoryEntry]:
    """The History page: decisions and field edits as sentences, newest first."""
    from core.views.history import history as history_entries

    with read_session(db) as session:
        return history_entries(session)


def merge(db: Database, keep_id: int, other_id: int, choices: dict[str, int] | None = None,
          *, state: TaskState) -> int:
    """Merge ``other_id`` into ``keep_id``; ``choices`` picks, per conflicting field, whose
    value wins (a party id). Returns the decision id."""
    from core.match.merge import merge_parties

    with write_session(db) as session:
        return merge_parties(session, [keep_id, other_id], keep_id=keep_id,
                             field_choices=choices or {})


def not_same(db: Database, a: int, b: int, *, state: TaskState) -> int:
    from core.match.decisions import mark_not_duplicate

    with write_session(db) as session:
        return mark_not_duplicate(session, a, b)


def later(db: Database, a: int, b: int, *, state: TaskState) -> None:
    with write_session(db) as session:
        lo, hi = min(a, b), max(a, b)
        session.execute(update(MergeSuggestion)
                        .where(MergeSuggestion.party_a_id == lo, MergeSuggestion.party_b_id == hi)
                        .values(status="later", updated_at=utcnow()))


def back_to_queue(db: Database, a: int, b: int, *, state: TaskState) -> None:
    """A pair put off for later comes back into the review queue."""
    with write_session(db) as session:
        lo, hi = min(a, b), max(a, b)
        session.execute(update(MergeSuggestion)
                        .where(MergeSuggestion.party_a_id == lo, MergeSuggestion.party_b_id == hi,
                               MergeSuggestion.status == "later")
                        .values(status="open", updated_at=utcnow()))


def undo(db: Database, decision_id: int, *, state: TaskState) -> int | None:
    from core.match.decisions import revoke_decision

    with write_session(db) as session:
        return revoke_decision(session, decision_id)


def attach_sender(db: Database, sender_id: int, target_id: int, *, state: TaskState) -> int:
    """An unknown sender is this existing person: merge the temporary party into them."""
    from core.identity.disambiguate import attach_temp_contact

    with write_session(db) as session:
        return attach_temp_contact(session, sender_id, target_id)


def promote_sender(db: Database, sender_id: int, name: str = "", *, state: TaskState) -> int:
    """An unknown sender becomes a contact of their own (named ``name``, default: as shown)."""
    from core.identity.disambiguate import promote_temp_contact

    with write_session(db) as session:
        party = session.get(Party, sender_id)
        return promote_temp_contact(session, sender_id,
                                    name.strip() or (party.display_name if party else ""))


def split_record(db: Database, record_id: int, *, state: TaskState) -> int:
    """Split one source record off its party into a party of its own."""
    from core.match.split import split_record as split_record_off

    with write_session(db) as session:
        return split_record_off(session, record_id)


def retrain(db: Database, *, state: TaskState) -> dict[str, Any]:
    """Learn the duplicate model's weights again from this address book and the owner's
    decisions, then re-score every suggestion (minutes on a big book: in a child process,
    see ``retrain_if_due``)."""
    from app.child_tasks import run_in_child

    return run_in_child(retrain_here, db, state=state)


def retrain_due(db: Database, *, state: TaskState) -> str:
    """Why the duplicate model is due to be learnt again ("" when it is not)."""
    from core.match.retrain_due import retrain_due as due

    with read_session(db) as session:
        found = due(session)
    return found.sentence() if found else ""


def retrain_if_due(db: Database, *, state: TaskState) -> dict[str, Any] | None:
    """After an import or a sync (and at start-up): learn the weights again and re-score
    every suggestion when the book grew by a big import (``core.match.retrain_due``);
    None when it is not due. Minutes of pure Python on a big book: in a child process
    (``app.child_tasks``), so the GUI thread never waits for the interpreter lock."""
    from app.child_tasks import run_in_child
    from core.match.retrain_due import retrain_due as due

    with read_session(db) as session:
        found = due(session)
    if found is None:
        return None
    state.progress(0.0, "Learning from your contacts to find duplicates better…")
    return {**run_in_child(retrain_here, db, state=state), "why": found.sentence()}


def retrain_here(db: Database, *, state: TaskState) -> dict[str, Any]:
    """The re-estimate and the re-scoring in this process (what the child runs)."""
    from core.match.train import run

    with write_session(db) as session:
        return run(session, state=state)
