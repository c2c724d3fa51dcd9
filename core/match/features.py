"""Loading what the comparisons need about each party, set-wise.

A few bulk queries (parties, their live email/phone links, addresses, birthdays) build one
``PartyFeatures`` per party, so scoring 100,000 parties never issues a query per party. Parties
merged into another, system actors and secured handles are left out.

Every query reads plain driver rows (``rawsql.Reader``, no ORM objects) and takes the whole id
list as ONE bound parameter (``json_each`` on SQLite, ``= ANY`` on PostgreSQL):
an incremental re-score after a sync batch loads the features of every partner of the batch,
which on an address book full of common names is most of the database, so the per-row cost
is what decides how the hook scales.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from sqlalchemy.orm import Session

from core.ingest.attach_veto import generation_marker
from core.match.names import CompareName, clean, compare_name
from core.match.rawsql import Reader
from core.match.values import (
    address_key,
    canonical_email,
    is_role_local,
    parse_birthday,
    written_address,
)

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
    #: Generation marker of the name ("Jr.", "Sr.", "II", ...; "" for none): see
    #: ``core.ingest.attach_veto.generation_marker``.
    marker: str = ""
    #: Each of ``addresses`` as the owner wrote it ("Gül Sokak No 22, 06701 Ankara"), in the
    #: same order: what the evidence shows, where the folded key is what is compared.
    address_texts: list[str] = field(default_factory=list)


def load_features(session: Session, party_ids: Iterable[int] | None = None, *,
                  households: bool = True) -> dict[int, PartyFeatures]:
    """Features of the given parties (all comparable parties when ``None``).

    ``households=False`` leaves each phone's ``shared`` as the owner marked the number, without
    counting who else holds it: ``feature_tail`` loads a big import's parties a batch at a
    time and counts once over all of them at the end (``mark_households``)."""
    ids = None if party_ids is None else sorted(set(party_ids))
    if ids is not None and not ids:
        return {}
    reader = _Reader(session, ids)
    feats = _parties(reader.rows(_PARTY_SQL, "id"))
    if ids is not None:
        if not feats:
            return feats
        reader = _Reader(session, sorted(feats))
    _add_handles(session, feats, reader, households)
    _add_details(feats, reader)
    return feats


#: The statements, each completed by a condition on the party id column (see _Reader).
_PARTY_SQL = ("SELECT id, display_name, given_name, family_name, middle_name, nickname, "
              "organization, birthday, name_suffix FROM party "
              "WHERE merged_into_id IS NULL AND kind != 'system'")
# Platform and secured are filtered in Python, not in SQL: without table statistics SQLite
# would otherwise drive the query from every email/phone handle instead of from the parties.
_HANDLE_SQL = ("SELECT l.id, l.party_id, h.id, h.platform, h.value, l.label, h.is_shared, "
               "h.is_secured FROM party_handle_link l JOIN handle h ON h.id = l.handle_id "
               "WHERE NOT l.is_dismissed")
_ADDRESS_SQL = "SELECT id, party_id, street, postal_code, locality FROM address WHERE 1 = 1"
_BIRTHDAY_SQL = ("SELECT party_id, year, month, day FROM important_date "
                 "WHERE kind = 'birthday'")


class _Reader:
    """A statement for all rows (``ids`` None) or for the given party ids."""

    def __init__(self, session: Session, ids: list[int] | None) -> None:
        self.reader = Reader(session)
        self.ids = ids

    def rows(self, sql: str, column: str) -> list[tuple]:
        if self.ids is None:
            return self.reader.all(sql)
        return self.reader.where_in(sql, column, self.ids)


def _parties(rows: Iterable) -> dict[int, PartyFeatures]:  # noqa: ANN001 - result rows
    feats: dict[int, PartyFeatures] = {}
    for pid, display, given, family, middle, nick, org, bday, suffix in rows:
        display = display or ""
        org = org or ""
        parsed = parse_birthday(bday) if bday else None
        # Every field passed: a default_factory per field costs more than the values.
        feats[pid] = PartyFeatures(
            pid, display, compare_name(given or "", family or "", middle or "", display,
                                       nick or ""),
            clean(org), org, {parsed} if parsed else set(), {}, {}, {}, [],
            generation_marker(suffix, display) if suffix or _ends_in_marker(display) else "")
    return feats


_MARKER_WORDS = frozenset({"jr", "junior", "sr", "senior", "ii", "iii", "iv"})


def _ends_in_marker(display: str) -> bool:
    """A cheap look at the last word before the full reading (``generation_marker`` folds
    the whole name; almost no name ends in a marker)."""
    return display.rstrip(". ").rpartition(" ")[2].casefold() in _MARKER_WORDS


def _add_handles(session: Session, feats: dict[int, PartyFeatures], reader: _Reader,
                 households: bool) -> None:
    # Oldest link first, so the first spelling of an address is the one shown. Sorted here:
    # an ORDER BY makes SQLite walk the whole table instead of the party index.
    rows = reader.rows(_HANDLE_SQL, "l.party_id")
    rows.sort(key=_first_column)
    phone_handles: set[int] = set()
    local_counts: dict[int, int] = {}
    get = feats.get
    for _, pid, hid, platform, value, label, shared, secured in rows:
        f = get(pid)
        if f is None or secured:
            continue
        if platform == "email":
            canonical = canonical_email(value)
            if canonical not in f.emails:
                f.emails[canonical] = value
            local = canonical.rpartition("@")[0]
            if len(local) >= 5 and local not in f.email_locals and not is_role_local(local):
                f.email_locals[local] = value
        elif platform == "phone":
            f.phones[value] = PhoneUse(value, label or "", hid, bool(shared))
            phone_handles.add(hid)
            local_counts[hid] = local_counts.get(hid, 0) + 1
    if not households:
        return
    # Loading everything already saw every live link of every comparable party.
    counts = local_counts if reader.ids is None else live_link_counts(session, phone_handles)
    mark_households(feats, counts)


def phone_holders(feats: Mapping[int, PartyFeatures]) -> Counter[int]:
    """Phone handle id -> how many of ``feats`` hold it: the live links ``live_link_counts``
    counts when ``feats`` are every comparable party (each holds a handle at most once)."""
    return Counter(use.handle_id for f in feats.values() for use in f.phones.values())


def mark_households(feats: Mapping[int, PartyFeatures], counts: Mapping[int, int]) -> None:
    """Mark a number ``shared`` where ``HOUSEHOLD_LINKS`` comparable parties hold it
    (``counts``: phone handle id -> live links)."""
    for f in feats.values():
        for use in f.phones.values():
            if counts.get(use.handle_id, 0) >= HOUSEHOLD_LINKS:
                use.shared = True


def _first_column(row) -> int:  # noqa: ANN001 - a result row
    return row[0]


def live_link_counts(session: Session, handle_ids: Iterable[int]) -> dict[int, int]:
    """Live (non-dismissed) links per handle from comparable parties (not merged away, not
    system actors): the very links a full load counts, so both refresh paths agree on which
    numbers are household numbers. The merged test is written like
    ``parties.joined_party_is_live``, for the same planner reason."""
    ids = sorted(set(handle_ids))
    if not ids:
        return {}
    return dict(Reader(session).where_in(
        "SELECT l.handle_id, count(*) FROM party_handle_link l JOIN party p "
        "ON p.id = l.party_id WHERE NOT l.is_dismissed AND coalesce(p.merged_into_id, 0) = 0 "
        "AND p.kind != 'system'", "l.handle_id", ids, " GROUP BY l.handle_id"))


def _add_details(feats: dict[int, PartyFeatures], reader: _Reader) -> None:
    rows = reader.rows(_ADDRESS_SQL, "party_id")
    rows.sort(key=_first_column)  # insertion order: a party's first address is shown first
    get = feats.get
    for _, pid, street, postal, locality in rows:
        f = get(pid)
        if f is not None:
            key = address_key(street or "", postal or "", locality or "")
            if any(key) and key not in f.addresses:
                f.addresses.append(key)
                f.address_texts.append(written_address(street, postal, locality))
    for pid, year, month, day in reader.rows(_BIRTHDAY_SQL, "party_id"):
        f = get(pid)
        if f is not None:
            f.birthdays.add((year or None, month, day))
