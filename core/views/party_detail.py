"""A party's card: every field with its source, handles, records, addresses, dates, labels.

``party_detail`` reads one party into plain dataclasses (``PartyDetail`` and its parts) for
the CLI, the GUI and JSON; only these cross to the GUI thread, never ORM objects. Secured
handles (credentials) are left out unless ``include_secured`` is asked for explicitly.
Callers import these from core.views.party.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import select
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
from core.views.detail_lines import DetailLine, detail_lines
from core.views.phone_display import format_date, shown_handle


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


def party_detail(session: Session, party_id: int, *, include_secured: bool = False) -> PartyDetail:
    """The card of one party (merged-away ones too); LookupError when there is no such party."""
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
                       owner_name or "", shown_handle(handle.platform, handle.value,
                                                      handle.display_value, handle.is_valid),
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
    detail.extra_lines = detail_lines(session, party_id, record_source, party.organization)
    detail.labels = sorted(set(session.scalars(
        select(Label.name).join(LabelMembership, LabelMembership.label_id == Label.id)
        .where(LabelMembership.party_id == party_id)
    )))
    return detail

