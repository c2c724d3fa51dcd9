"""The owner's review actions that are not merges, and revoking any decision.

Each action writes one decision row (core.match.decision_log) naming its subject by stable
keys, so it survives re-syncs and re-imports; ``reapply_decisions`` puts link verdicts and
shared marks back on handles a re-import recreated. ``revoke_decision`` undoes any decision
and lets the engine's own rules take over again (resolution, suggestions).
"""

from __future__ import annotations

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from core.db.models import Decision, Handle, Party, PartyHandleLink
from core.ingest.resolve import confirm_link, dismiss_link, resolve_handles, set_link_state
from core.match.decision_log import log_decision, mark_revoked
from core.match.merge import MergeError, merge_parties
from core.match.relabel import relabel_pairs
from core.match.stable_keys import (
    handle_key,
    party_key,
    resolve_handle_key,
    resolve_party_key,
)
from core.match.suggest import refresh_suggestions, set_pair_status
from core.match.unmerge import MERGE_KINDS, unmerge


def _party(session: Session, party_id: int) -> Party:
    party = session.get(Party, party_id)
    if party is None:
        raise LookupError(f"No contact with id {party_id}")
    return party


def mark_not_duplicate(session: Session, a: int, b: int, *, actor: str = "owner") -> int:
    """"These two are not the same person": never suggested again."""
    if a == b:
        raise MergeError("A contact cannot be 'not the same' as itself")
    pa, pb = _party(session, a), _party(session, b)
    set_pair_status(session, a, b, "rejected")
    relabel_pairs(session, (a, b))  # pairs like this one fall
    return log_decision(
        session, "not_duplicate",
        f"{pa.display_name or a} [{a}] and {pb.display_name or b} [{b}] are different people",
        {"a": party_key(session, a), "b": party_key(session, b)}, actor=actor)


def _link_state(session: Session, handle_id: int, party_id: int) -> dict[str, bool] | None:
    link = session.scalar(select(PartyHandleLink).where(
        PartyHandleLink.handle_id == handle_id, PartyHandleLink.party_id == party_id))
    if link is None:
        return None
    return {"confirmed": link.is_confirmed, "dismissed": link.is_dismissed}


def confirm_handle_link(session: Session, handle_id: int, party_id: int,
                        *, actor: str = "owner") -> int:
    """The owner says this handle is this party's; returns the decision id."""
    return _link_decision(session, "link_confirm", handle_id, party_id, actor)


def dismiss_handle_link(session: Session, handle_id: int, party_id: int,
                        *, actor: str = "owner") -> int:
    """The owner says this handle is NOT this party's; returns the decision id."""
    return _link_decision(session, "link_dismiss", handle_id, party_id, actor)


def _link_decision(session: Session, kind: str, handle_id: int, party_id: int,
                   actor: str) -> int:
    party = _party(session, party_id)
    hkey = handle_key(session, handle_id)
    before = _link_state(session, handle_id, party_id)
    action = confirm_link if kind == "link_confirm" else dismiss_link
    action(session, handle_id, party_id)
    verb = "belongs to" if kind == "link_confirm" else "does not belong to"
    shown = _shown_value(session, handle_id)
    return log_decision(
        session, kind, f"{shown} {verb} {party.display_name or party_id} [{party_id}]",
        {"handle": hkey, "party": party_key(session, party_id)},
        {"before": before, "party_id": party_id, "handle_id": handle_id}, actor=actor)


def _shown_value(session: Session, handle_id: int) -> str:
    handle = session.get(Handle, handle_id)
    assert handle is not None
    if handle.is_secured:
        return f"secured {handle.platform} handle {handle_id}"
    return f"{handle.platform} {handle.value}"


def mark_handle_shared(session: Session, handle_id: int, shared: bool = True,
                       *, actor: str = "owner") -> int:
    """Family landline, info@...: the handle never merges parties by itself again."""
    handle = session.get(Handle, handle_id)
    if handle is None:
        raise LookupError(f"No handle with id {handle_id}")
    before = handle.is_shared
    handle.is_shared = shared
    session.flush()
    parties = set(session.scalars(select(PartyHandleLink.party_id).where(
        PartyHandleLink.handle_id == handle_id)))
    refresh_suggestions(session, parties)
    state = "shared" if shared else "personal"
    return log_decision(
        session, "handle_shared", f"{_shown_value(session, handle_id)} is {state}",
        {"handle": handle_key(session, handle_id), "shared": shared},
        {"before": before}, actor=actor)


def revoke_decision(session: Session, decision_id: int, *, actor: str = "owner") -> int | None:
    """Undo a decision; returns the id of a follow-up decision when undoing made one (an
    unmerge, or a re-merge when an unmerge is revoked), else None."""
    decision = session.get(Decision, decision_id)
    if decision is None:
        raise LookupError(f"No decision with id {decision_id}")
    if decision.revoked_at is not None:
        raise MergeError(f"Decision {decision_id} was already revoked")
    kind = decision.kind
    if kind in MERGE_KINDS:
        return unmerge(session, decision_id, actor=actor)
    if kind == "unmerge":
        return _remerge(session, decision, actor)
    if kind in ("contact_archive", "contact_delete"):
        from core.ingest.contact_lifecycle import revoke

        revoke(session, decision, actor=actor)
        return None
    if kind == "split":
        from core.match.split import revoke_split

        return revoke_split(session, decision, actor=actor)
    if kind == "disambiguate_promote":
        from core.identity.disambiguate import revoke_promote

        revoke_promote(session, decision)
    elif kind == "not_duplicate":
        _revoke_not_duplicate(session, decision)
    elif kind in ("link_confirm", "link_dismiss"):
        _revoke_link(session, decision)
    elif kind == "handle_shared":
        hid = resolve_handle_key(session, decision.subject["handle"])
        if hid is not None:
            session.execute(update(Handle).where(Handle.id == hid)
                            .values(is_shared=bool(decision.snapshot.get("before", False))))
            parties = set(session.scalars(select(PartyHandleLink.party_id).where(
                PartyHandleLink.handle_id == hid)))
            refresh_suggestions(session, parties)
    mark_revoked(session, decision, actor)
    return None


def _remerge(session: Session, decision: Decision, actor: str) -> int:
    merge = session.get(Decision, int(decision.subject["merge_decision_id"]))
    assert merge is not None
    keep = resolve_party_key(session, merge.subject["keep"])
    others: set[int] = set()
    for key in merge.subject.get("merged", []):
        others |= resolve_party_key(session, key)
    keep_id = min(keep) if keep else None
    ids = sorted(keep | others)
    choices = {k: v for k, v in merge.subject.get("field_choices", {}).items() if v in ids}
    new_id = merge_parties(session, ids, keep_id=keep_id, field_choices=choices,
                           kind=merge.kind, actor=actor)
    mark_revoked(session, decision, actor)
    return new_id


def _revoke_not_duplicate(session: Session, decision: Decision) -> None:
    left = resolve_party_key(session, decision.subject["a"])
    right = resolve_party_key(session, decision.subject["b"])
    mark_revoked(session, decision)
    for a in left:
        for b in right:
            if a != b:
                set_pair_status(session, a, b, "open")
    refresh_suggestions(session, left | right)
    relabel_pairs(session, left | right)


def _revoke_link(session: Session, decision: Decision) -> None:
    hid = resolve_handle_key(session, decision.subject["handle"])
    parties = resolve_party_key(session, decision.subject["party"])
    pid = decision.snapshot.get("party_id")
    if pid not in parties:
        pid = min(parties) if parties else None
    if hid is None or pid is None:
        return
    before = decision.snapshot.get("before")
    if before is None:
        # The decision created the link: without it the engine's own links decide.
        link = session.scalar(select(PartyHandleLink).where(
            PartyHandleLink.handle_id == hid, PartyHandleLink.party_id == pid))
        if link is not None and link.source == "manual":
            session.delete(link)
            session.flush()
            resolve_handles(session, [hid])
            return
        before = {"confirmed": False, "dismissed": False}
    set_link_state(session, hid, pid, confirmed=before["confirmed"],
                   dismissed=before["dismissed"])


def reapply_decisions(session: Session) -> int:
    """Put standing decisions back where a re-import recreated rows without them: link
    verdicts, shared marks, and merges whose records came back as separate parties.
    Returns how many were re-applied."""
    applied = _reapply_merges(session)
    for decision in session.scalars(select(Decision).where(
            Decision.kind.in_(("link_confirm", "link_dismiss", "handle_shared")),
            Decision.revoked_at.is_(None)).order_by(Decision.id)):
        hid = resolve_handle_key(session, decision.subject["handle"])
        if hid is None:
            continue
        if decision.kind == "handle_shared":
            handle = session.get(Handle, hid)
            if handle is not None and handle.is_shared != decision.subject["shared"]:
                handle.is_shared = bool(decision.subject["shared"])
                applied += 1
            continue
        confirmed = decision.kind == "link_confirm"
        for pid in resolve_party_key(session, decision.subject["party"]):
            state = _link_state(session, hid, pid)
            if state is not None and state == {"confirmed": confirmed, "dismissed": not confirmed}:
                continue
            if state is None and not confirmed:
                continue
            (confirm_link if confirmed else dismiss_link)(session, hid, pid)
            applied += 1
    session.flush()
    return applied


def _reapply_merges(session: Session) -> int:
    """An active merge whose records now sit on several parties (the source was removed and
    imported again) is applied again, as a new merge decision that can be undone too."""
    applied = 0
    for decision in session.scalars(select(Decision).where(
            Decision.kind.in_(MERGE_KINDS), Decision.revoked_at.is_(None))
            .order_by(Decision.id)).all():
        keep = resolve_party_key(session, decision.subject["keep"])
        parties = set(keep)
        for key in decision.subject.get("merged", []):
            parties |= resolve_party_key(session, key)
        if len(parties) < 2 or not keep:
            continue
        merge_parties(session, sorted(parties), keep_id=min(keep), kind=decision.kind,
                      actor=f"kith (re-applied decision {decision.id})")
        applied += 1
    return applied
