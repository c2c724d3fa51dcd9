"""Read models for parties: plain dataclasses for the CLI, the GUI and JSON.

Only these cross to the GUI thread (never ORM objects). Secured handles (credentials) are
left out unless ``include_secured`` is asked for explicitly.
"""

from __future__ import annotations

import sqlite3
from array import array
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import Select, column, func, select, table, text
from sqlalchemy.orm import Session

from core.db.models import (
    Address,
    FieldProvenance,
    Handle,
    ImportantDate,
    Label,
    LabelMembership,
    Party,
    PartyHandleLink,
    PartyUrl,
    RecordHandle,
    SourceAccount,
    SourceRecord,
)
from core.ingest.search_index import fts_match, index_searchable, search_filter
from core.ingest.sqlutil import chunked
from core.views import packed_ids
from core.views.list_rows import FORMAT_ROWS, PartyRow, rows_on_sqlite
from core.views.list_top import TOP_ROWS, TOP_SQL, first_from_top
from core.views.phone_display import format_date, format_phone, is_bare_number
from core.views.step_budget import OverBudget, step_budget

#: List filters the GUI and CLI offer.
FILTERS = ("all", "needs_review", "archived")
#: SQLite virtual-machine steps between two looks at a query's cancel flag.
PROGRESS_STEPS = 20_000


class QueryCancelled(Exception):
    """A list query was interrupted because its caller no longer wants the result."""


@dataclass(slots=True)
class HandleView:
    id: int
    platform: str
    value: str
    display_value: str
    confidence: float
    confirmed: bool
    dismissed: bool
    label: str
    is_valid: bool
    is_shared: bool
    is_secured: bool
    resolved_owner: int | None
    resolved_owner_name: str
    #: The value for reading: a phone formatted as the list shows it (core.views.phone_display),
    #: anything else as its source wrote it.
    shown: str = ""
    #: Where it came from: the records that list it ("vcard:phone.vcf"), or empty when only
    #: a link holds it (the owner's, a merge's, an unknown sender's).
    sources: list[str] = field(default_factory=list)


@dataclass(slots=True)
class FieldView:
    name: str
    value: Any
    source: str  # "local", "<provider>:<account>" or ""
    source_record_id: int | None
    is_local: bool
    updated_at: datetime | None


@dataclass(slots=True)
class RecordView:
    id: int
    account_id: int
    provider: str
    account: str
    external_id: str
    first_seen: datetime
    last_seen: datetime
    deleted_at: datetime | None


@dataclass(slots=True)
class DetailLine:
    """One more line of a contact card, for fields without a dedicated attribute.

    The card renders these generically (section heading, label, value, sources), so a new kind of
    field (related people, gender, time zone...) needs a read-model change only, not a view change.
    """

    section: str  # heading the line goes under, e.g. "Work", "Personal", "Related people"
    label: str  # e.g. "Department", "Spouse", "Time zone"
    value: str  # formatted for reading
    sources: list[str] = field(default_factory=list)  # where it came from, e.g. "vCard: work.vcf"


@dataclass(slots=True)
class PartyDetail:
    id: int
    display_name: str
    given_name: str
    family_name: str
    middle_name: str
    nickname: str
    organization: str
    title: str
    notes: str
    birthday: str
    role: str
    needs_disambiguation: bool
    needs_archival_review: bool
    archived: bool
    merged_into_id: int | None
    handle_count: int
    has_photo: bool
    fields: list[FieldView] = field(default_factory=list)
    handles: list[HandleView] = field(default_factory=list)
    records: list[RecordView] = field(default_factory=list)
    addresses: list[dict[str, Any]] = field(default_factory=list)
    dates: list[dict[str, Any]] = field(default_factory=list)
    urls: list[dict[str, Any]] = field(default_factory=list)
    labels: list[str] = field(default_factory=list)
    extra_lines: list[DetailLine] = field(default_factory=list)

    @property
    def emails(self) -> list[str]:
        return [h.value for h in self.handles if h.platform == "email" and not h.dismissed]

    @property
    def phones(self) -> list[str]:
        return [h.value for h in self.handles if h.platform == "phone" and not h.dismissed]

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["emails"] = self.emails
        data["phones"] = self.phones
        data["source_records"] = [
            {"account": r.account, "provider": r.provider, "external_id": r.external_id,
             "deleted": r.deleted_at is not None}
            for r in self.records
        ]
        data.pop("records")
        return data


def _filtered(stmt: Select, filter_name: str, label: str | None, account_id: int | None) -> Select:
    if filter_name == "needs_review":
        stmt = stmt.where(
            (Party.needs_disambiguation.is_(True)) | (Party.needs_archival_review.is_(True))
        )
    elif filter_name == "archived":
        stmt = stmt.where(Party.archived_at.is_not(None))
    else:
        stmt = stmt.where(Party.archived_at.is_(None))
    if label:
        stmt = stmt.where(
            Party.id.in_(
                select(LabelMembership.party_id)
                .join(Label, Label.id == LabelMembership.label_id)
                .where(Label.name == label)
            )
        )
    if account_id is not None:
        stmt = stmt.where(
            Party.id.in_(
                select(SourceRecord.party_id).where(
                    SourceRecord.account_id == account_id, SourceRecord.deleted_at.is_(None)
                )
            )
        )
    return stmt


def _list_statement(session: Session, search: str, filter_name: str, label: str | None,
                    account_id: int | None) -> Select:
    stmt = select(Party.id).where(Party.merged_into_id.is_(None))
    stmt = _filtered(stmt, filter_name, label, account_id)
    return search_filter(session, stmt, search).order_by(Party.sort_name, Party.id)


def list_party_ids(
    session: Session,
    search: str = "",
    *,
    filter_name: str = "all",
    label: str | None = None,
    account_id: int | None = None,
    limit: int | None = None,
) -> list[int]:
    """Ids of visible parties in list order (sort name), narrowed in SQL."""
    if limit and session.get_bind().dialect.name == "sqlite":
        first = _first_ids_from_top(session, search, filter_name, label, account_id, limit)
        if first is None:
            first = _first_ids_matches_first(session, search, filter_name, label, account_id,
                                             limit)
        if first is not None:
            return first
    stmt = _list_statement(session, search, filter_name, label, account_id)
    if limit:
        stmt = stmt.limit(limit)
    return list(session.scalars(stmt))


def _on_driver(session: Session, stmt: Select) -> tuple[sqlite3.Connection, str, list[Any]]:
    """The session's DB-API connection, with ``stmt`` as SQL text and positional parameters:
    for list queries run on the driver (SQLite), where the ORM's per-row work is too slow."""
    compiled = stmt.compile(bind=session.get_bind())
    params = [compiled.params[name] for name in compiled.positiontup or ()]
    return session.connection().connection.driver_connection, str(compiled), params


#: SQLite virtual-machine steps the matches-first plan may take (see below): about 10,000
#: matches' worth (12 steps per match, measured), 5-15 ms on 100,000 contacts.
MATCHES_FIRST_STEPS = 120_000
#: A search whose longest word is shorter than this matches too much for that plan to pay.
MATCHES_FIRST_MIN_WORD = 2
_PARTY_FTS = table("party_fts", column("rowid"))


def _first_ids_from_top(session: Session, search: str, filter_name: str, label: str | None,
                        account_id: int | None, limit: int) -> list[int] | None:
    """The top ``limit`` ids of a search from the top rows of the list (core.views.list_top),
    or None when too few of them match."""
    match = fts_match(search)
    if not match:
        return None
    if (filter_name, label, account_id) == ("all", None, None):  # compiling: 0.7 ms a search
        raw = session.connection().connection.driver_connection
        return first_from_top(raw, match, TOP_SQL, [TOP_ROWS], limit)
    top = select(Party.id, Party.search_text).where(Party.merged_into_id.is_(None))
    top = _filtered(top, filter_name, label, account_id).order_by(Party.sort_name, Party.id)
    raw, sql, params = _on_driver(session, top.limit(TOP_ROWS))
    return first_from_top(raw, match, sql, params, limit)


def _first_ids_matches_first(session: Session, search: str, filter_name: str,
                             label: str | None, account_id: int | None,
                             limit: int) -> list[int] | None:
    """The top ``limit`` ids of a search from its matches (SQLite), or None to use the
    list-order plan.

    Two plans answer "the first page of a search", and each is slow where the other is fast.
    The list-order plan walks the list index until it has a page of matches: quick for a
    prefix most contacts share ("m": 3 ms on 100,000 contacts), but it walks most of the
    list for a rare word or one that sorts late ("rossi": 28-32 ms, "zoë n": 17 ms). This
    plan reads the matches from FTS5 and sorts only them (7-16 ms and 1-4 ms for those), but
    costs about 1.5 µs per match (35 ms for a word in every contact). So it is tried when the
    search has a word of two letters or more, under a step budget, and gives way to the
    list-order plan when the matches turn out to be too many.
    """
    match = fts_match(search)
    if (not match or max(map(len, search.split())) < MATCHES_FIRST_MIN_WORD
            or not index_searchable(session)):
        return None
    stmt = (select(Party.id).select_from(_PARTY_FTS)
            .join(Party, Party.id == _PARTY_FTS.c.rowid)
            .where(Party.merged_into_id.is_(None),
                   text("party_fts MATCH :match").bindparams(match=match)))
    # "+": sort the matches, never walk the list index (that is the other plan).
    stmt = _filtered(stmt, filter_name, label, account_id).order_by(
        text("+party.sort_name"), Party.id).limit(limit)
    raw, sql, params = _on_driver(session, stmt)
    try:
        with step_budget(raw, MATCHES_FIRST_STEPS):
            return [row[0] for row in raw.execute(sql, params).fetchall()]
    except OverBudget:
        return None  # too many matches: the list-order plan finds a page of them sooner


def list_party_id_array(
    session: Session,
    search: str = "",
    *,
    filter_name: str = "all",
    label: str | None = None,
    account_id: int | None = None,
    cancelled: Callable[[], bool] | None = None,
) -> array:
    """Like :func:`list_party_ids`, as a compact ``array('q')``, fast enough for 100,000 ids.

    On SQLite the statement runs on the raw DB-API cursor (the ORM's per-row work was most of
    the time), and ``cancelled`` is polled while SQLite works, so a search the owner has
    already typed past stops at once (``QueryCancelled``) instead of running to the end.
    """
    stmt = _list_statement(session, search, filter_name, label, account_id)
    if session.get_bind().dialect.name != "sqlite":
        return array("q", session.scalars(stmt))
    raw, sql, params = _on_driver(session, stmt)
    if cancelled is not None:
        raw.set_progress_handler(lambda: 1 if cancelled() else 0, PROGRESS_STEPS)
    try:
        (packed,) = raw.execute(_PACKED_IDS_SQL.format(statement=sql), params).fetchone()
    except sqlite3.OperationalError as exc:
        if cancelled is not None and cancelled():
            raise QueryCancelled() from exc
        raise
    finally:
        if cancelled is not None:
            raw.set_progress_handler(None, 0)
    return packed_ids.unpack(packed)


#: All ids of a list statement as one value, in the statement's order (see packed_ids).
_PACKED_IDS_SQL = f"SELECT {packed_ids.packed('id')} FROM ({{statement}})"


def party_rows(session: Session, ids: Sequence[int]) -> list[PartyRow]:
    """Rows for these ids, in the given order (the list model asks for a window at a time)."""
    if session.get_bind().dialect.name == "sqlite":
        return _party_rows_sqlite(session, ids)
    return _party_rows_orm(session, ids)


def _party_rows_orm(session: Session, ids: Sequence[int]) -> list[PartyRow]:
    rows: dict[int, PartyRow] = {}
    for chunk in chunked(list(ids), 500):
        for p in session.execute(
            select(
                Party.id, Party.display_name, Party.primary_email, Party.primary_phone,
                Party.organization, Party.needs_disambiguation, Party.needs_archival_review,
                Party.archived_at,
            ).where(Party.id.in_(chunk))
        ):
            rows[p[0]] = PartyRow(p[0], p[1], p[2], p[3], p[4], [], bool(p[5] or p[6]),
                                  p[7] is not None,
                                  format_phone(p[3]) if p[3] and len(ids) <= FORMAT_ROWS
                                  else "")
        for pid, provider in session.execute(
            select(SourceRecord.party_id, SourceAccount.provider)
            .join(SourceAccount, SourceAccount.id == SourceRecord.account_id)
            .where(SourceRecord.party_id.in_(chunk), SourceRecord.deleted_at.is_(None))
            .distinct()
        ):
            if pid in rows:
                rows[pid].sources.append(provider)
    for row in rows.values():
        row.sources.sort()
    return [rows[i] for i in ids if i in rows]


def _party_rows_sqlite(session: Session, ids: Sequence[int]) -> list[PartyRow]:
    """The same rows as the ORM path, from one statement on the DB-API cursor (the list asks
    for a window of rows ahead of the owner's scrolling; see core.views.list_rows)."""
    return rows_on_sqlite(session.connection().connection.driver_connection, ids)


def party_detail(session: Session, party_id: int, *, include_secured: bool = False) -> PartyDetail:
    party = session.get(Party, party_id)
    if party is None:
        raise LookupError(f"No contact with id {party_id}")
    accounts = {a.id: a for a in session.scalars(select(SourceAccount))}
    records = [
        RecordView(r.id, r.account_id, accounts[r.account_id].provider,
                   accounts[r.account_id].display_name or accounts[r.account_id].account_id,
                   r.external_id, r.first_seen, r.last_seen, r.deleted_at)
        for r in session.scalars(
            select(SourceRecord).where(SourceRecord.party_id == party_id).order_by(SourceRecord.id)
        )
    ]
    record_source = {r.id: f"{r.provider}:{r.account}" for r in records}
    detail = PartyDetail(
        id=party.id, display_name=party.display_name, given_name=party.given_name,
        family_name=party.family_name, middle_name=party.middle_name, nickname=party.nickname,
        organization=party.organization, title=party.title, notes=party.notes,
        birthday=party.birthday, role=party.role,
        needs_disambiguation=party.needs_disambiguation,
        needs_archival_review=party.needs_archival_review,
        archived=party.archived_at is not None, merged_into_id=party.merged_into_id,
        handle_count=party.handle_count, has_photo=bool(party.photo or party.photo_uri),
        records=records,
    )
    for prov in session.scalars(
        select(FieldProvenance).where(FieldProvenance.party_id == party_id)
        .order_by(FieldProvenance.field)
    ):
        source = "local" if prov.is_local else record_source.get(prov.source_record_id or -1, "")
        value = getattr(party, prov.field, prov.value) if prov.field != "photo" else prov.value
        detail.fields.append(
            FieldView(prov.field, value, source, prov.source_record_id, prov.is_local,
                      prov.updated_at)
        )
    owner = Party.__table__.alias("owner")
    stmt = (
        select(Handle, PartyHandleLink, owner.c.display_name)
        .join(PartyHandleLink, PartyHandleLink.handle_id == Handle.id)
        .outerjoin(owner, owner.c.id == Handle.party_id)
        .where(PartyHandleLink.party_id == party_id)
        .order_by(Handle.platform, PartyHandleLink.is_primary.desc(), PartyHandleLink.id)
    )
    if not include_secured:
        stmt = stmt.where(Handle.is_secured.is_(False))
    listed: dict[int, list[str]] = {}
    for hid, rid in session.execute(
            select(RecordHandle.handle_id, RecordHandle.source_record_id)
            .where(RecordHandle.source_record_id.in_([r.id for r in records]))):
        listed.setdefault(hid, []).append(record_source[rid])
    for handle, link, owner_name in session.execute(stmt):
        detail.handles.append(
            HandleView(handle.id, handle.platform, handle.value, handle.display_value,
                       link.confidence, link.is_confirmed, link.is_dismissed, link.label,
                       handle.is_valid, handle.is_shared, handle.is_secured, handle.party_id,
                       owner_name or "", _shown_handle(handle),
                       sorted(set(listed.get(handle.id, []))))
        )
    for a in session.scalars(select(Address).where(Address.party_id == party_id)):
        detail.addresses.append({
            "label": a.label, "street": a.street, "locality": a.locality, "region": a.region,
            "postal_code": a.postal_code, "country": a.country, "po_box": a.po_box,
            "extended": a.extended, "source": record_source.get(a.source_record_id or -1, "local"),
        })
    for d in session.scalars(select(ImportantDate).where(ImportantDate.party_id == party_id)):
        day = f"{d.month:02d}-{d.day:02d}"
        iso = f"{d.year:04d}-{day}" if d.year else f"--{day}"
        detail.dates.append({"kind": d.kind, "label": d.label, "date": iso,
                             "year": d.year, "month": d.month, "day": d.day,
                             "shown": format_date(d.month, d.day, d.year),
                             "source": record_source.get(d.source_record_id or -1, "local")})
    for u in session.scalars(select(PartyUrl).where(PartyUrl.party_id == party_id)):
        detail.urls.append({"url": u.url, "label": u.label,
                            "source": record_source.get(u.source_record_id or -1, "local")})
    from core.views.detail_lines import detail_lines  # imports this module's DetailLine

    detail.extra_lines = detail_lines(session, party_id, record_source, party.organization)
    detail.labels = sorted(set(session.scalars(
        select(Label.name).join(LabelMembership, LabelMembership.label_id == Label.id)
        .where(LabelMembership.party_id == party_id)
    )))
    return detail


def _shown_handle(handle: Handle) -> str:
    """A handle as the card shows it: as its source wrote it; a phone the source wrote as
    bare digits is formatted for reading (the same rule as the list's phone column)."""
    written = handle.display_value or handle.value
    if handle.platform == "phone" and handle.is_valid and is_bare_number(written):
        return format_phone(handle.value)
    return written


def stats(session: Session) -> dict[str, int]:
    """Counts for ``kith stats``: contested = handles with two or more live links."""
    contested = select(PartyHandleLink.handle_id).where(
        PartyHandleLink.is_dismissed.is_(False)
    ).group_by(PartyHandleLink.handle_id).having(func.count() > 1).subquery()
    return {
        "parties": session.scalar(
            select(func.count()).select_from(Party).where(Party.merged_into_id.is_(None))
        ) or 0,
        "source_records": session.scalar(select(func.count()).select_from(SourceRecord)) or 0,
        "live_source_records": session.scalar(
            select(func.count()).select_from(SourceRecord).where(SourceRecord.deleted_at.is_(None))
        ) or 0,
        "handles": session.scalar(select(func.count()).select_from(Handle)) or 0,
        "links": session.scalar(select(func.count()).select_from(PartyHandleLink)) or 0,
        "contested_handles": session.scalar(select(func.count()).select_from(contested)) or 0,
        "unowned_handles": session.scalar(
            select(func.count()).select_from(Handle).where(Handle.party_id.is_(None))
        ) or 0,
    }
