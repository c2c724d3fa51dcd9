"""Loading what the comparisons need about each party, set-wise.

A few bulk queries (parties, their live email/phone links, addresses, birthdays) build one
``PartyFeatures`` per party, so scoring 100,000 parties never issues a query per party. Parties
merged into another, system actors and secured handles are left out.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from core.db.models import Address, Handle, ImportantDate, Party, PartyHandleLink
from core.db.models.parties import joined_party_is_live
from core.ingest.sqlutil import chunked
from core.match.names import CompareName, clean, compare_name
from core.match.values import address_key, canonical_email, is_role_local, parse_birthday

#: A handle linked to this many live parties is a household/office handle: it weighs little.
HOUSEHOLD_LINKS = 3


@dataclass(slots=True)
class PhoneUse:
    value: str
    label: str
    handle_id: int
    shared: bool = False


@dataclass(slots=True)
class PartyFeatures:
    party_id: int
    display_name: str
    name: CompareName
    organization: str = ""
    organization_raw: str = ""
    birthdays: set[tuple[int | None, int, int]] = field(default_factory=set)
    #: canonical email -> the stored value (for display).
    emails: dict[str, str] = field(default_factory=dict)
    #: mailbox name (5+ letters, not a role) -> the stored value, for "same local part".
    email_locals: dict[str, str] = field(default_factory=dict)
    phones: dict[str, PhoneUse] = field(default_factory=dict)
    addresses: list[tuple[str, str, str]] = field(default_factory=list)


_PARTY_COLUMNS = (
    Party.id, Party.display_name, Party.given_name, Party.family_name, Party.middle_name,
    Party.nickname, Party.organization, Party.birthday,
)


def _party_filter():  # noqa: ANN202 - SQLAlchemy clause
    return (Party.merged_into_id.is_(None), Party.kind != "system")


def load_features(session: Session, party_ids: Iterable[int] | None = None
                  ) -> dict[int, PartyFeatures]:
    """Features of the given parties (all comparable parties when ``None``)."""
    feats: dict[int, PartyFeatures] = {}
    if party_ids is None:
        _add_parties(session, feats, select(*_PARTY_COLUMNS).where(*_party_filter()))
        ids_filter = None
    else:
        ids = sorted(set(party_ids))
        for chunk in chunked(ids, 500):
            _add_parties(session, feats, select(*_PARTY_COLUMNS).where(
                Party.id.in_(chunk), *_party_filter()))
        ids_filter = sorted(feats)
    _add_handles(session, feats, ids_filter)
    _add_details(session, feats, ids_filter)
    return feats


def _add_parties(session: Session, feats: dict[int, PartyFeatures], stmt) -> None:  # noqa: ANN001
    for pid, display, given, family, middle, nick, org, bday in session.execute(stmt):
        f = PartyFeatures(pid, display or "", compare_name(given or "", family or "",
                                                           middle or "", display or "", nick or ""),
                          clean(org or ""), org or "")
        parsed = parse_birthday(bday or "")
        if parsed:
            f.birthdays.add(parsed)
        feats[pid] = f


def _chunks(ids: list[int] | None):  # noqa: ANN202 - generator of optional chunks
    if ids is None:
        yield None
        return
    yield from chunked(ids, 500)


def _add_handles(session: Session, feats: dict[int, PartyFeatures], ids: list[int] | None
                 ) -> None:
    all_handles: set[int] = set()
    local_counts: dict[int, int] = {}
    for chunk in _chunks(ids):
        stmt = (
            select(PartyHandleLink.id, PartyHandleLink.party_id, Handle.id, Handle.platform,
                   Handle.value, PartyHandleLink.label, Handle.is_shared, Handle.is_secured)
            .join(Handle, Handle.id == PartyHandleLink.handle_id)
            .where(PartyHandleLink.is_dismissed.is_(False))
        )
        # Platform and secured are filtered below, not in SQL: without table statistics
        # SQLite would otherwise drive the query from every email/phone handle instead of
        # from the few parties asked for.
        if chunk is not None:
            stmt = stmt.where(PartyHandleLink.party_id.in_(chunk))
        # Oldest link first, so the first spelling of an address is the one shown. Sorted
        # here: an ORDER BY makes SQLite walk the whole table instead of the party index.
        rows = session.execute(stmt).all()
        rows.sort(key=_first_column)
        for _, pid, hid, platform, value, label, shared, secured in rows:
            f = feats.get(pid)
            if f is None or secured or platform not in ("email", "phone"):
                continue
            if platform == "email":
                canonical = canonical_email(value)
                f.emails.setdefault(canonical, value)
                local = canonical.rpartition("@")[0]
                if len(local) >= 5 and not is_role_local(local):
                    f.email_locals.setdefault(local, value)
            else:
                f.phones[value] = PhoneUse(value, label or "", hid, bool(shared))
                all_handles.add(hid)
                local_counts[hid] = local_counts.get(hid, 0) + 1
    # Loading everything already saw every live link of every comparable party.
    counts = local_counts if ids is None else live_link_counts(session, all_handles)
    for f in feats.values():
        for use in f.phones.values():
            if counts.get(use.handle_id, 0) >= HOUSEHOLD_LINKS:
                use.shared = True


def _first_column(row) -> int:  # noqa: ANN001 - a result row
    return row[0]


def live_link_counts(session: Session, handle_ids: Iterable[int]) -> dict[int, int]:
    """Live (non-dismissed) links per handle, counting parties not merged away."""
    found: dict[int, int] = {}
    for chunk in chunked(sorted(set(handle_ids)), 500):
        rows = session.execute(
            select(PartyHandleLink.handle_id, func.count())
            .join(Party, Party.id == PartyHandleLink.party_id)
            .where(PartyHandleLink.handle_id.in_(chunk), PartyHandleLink.is_dismissed.is_(False),
                   joined_party_is_live())
            .group_by(PartyHandleLink.handle_id)
        )
        found.update({hid: count for hid, count in rows})
    return found


def _add_details(session: Session, feats: dict[int, PartyFeatures], ids: list[int] | None
                 ) -> None:
    for chunk in _chunks(ids):
        stmt = select(Address.party_id, Address.street, Address.postal_code, Address.locality)
        if chunk is not None:
            stmt = stmt.where(Address.party_id.in_(chunk))
        for pid, street, postal, locality in session.execute(stmt):
            f = feats.get(pid)
            if f is not None:
                key = address_key(street or "", postal or "", locality or "")
                if any(key) and key not in f.addresses:
                    f.addresses.append(key)
        stmt = select(ImportantDate.party_id, ImportantDate.year, ImportantDate.month,
                      ImportantDate.day).where(ImportantDate.kind == "birthday")
        if chunk is not None:
            stmt = stmt.where(ImportantDate.party_id.in_(chunk))
        for pid, year, month, day in session.execute(stmt):
            f = feats.get(pid)
            if f is not None:
                f.birthdays.add((year or None, month, day))
