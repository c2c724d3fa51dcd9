"""Contacts the owner creates and edits in Kith, through the one write path.

Kith's own contacts live in a source account like any other: provider "local", "This
computer" (kept out of syncing and the source list). Each contact the owner makes is one
record there, written by the ingest engine, so handles, links, resolution, details, labels
and search text follow exactly the rules every provider's contacts follow.

Editing works on a :class:`ContactDraft` (plain data the editor dialog fills in):

- single-valued fields (names, organisation, title, notes...) become local edits
  (core.ingest.fields): they win over every source until the owner takes a source value back;
- the owner's own emails, phones, web pages, addresses and dates are the content of the
  contact's local record (created on first need, also for a contact that sources hold), so a
  value removed in the editor leaves with the next write;
- an email or phone a source holds cannot be removed from that source; removing it in the
  editor says "not this person's" (a dismissed link, in the decision log, undoable).
"""

from __future__ import annotations

import uuid

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from core.db.base import utcnow
from core.db.models import (
    ActivityEvent,
    Address,
    Handle,
    ImportantDate,
    Party,
    PartyHandleLink,
    PartyUrl,
    RecordHandle,
    SourceAccount,
    SourceRecord,
)
from core.ingest import fields as field_ops
from core.ingest.engine import ingest_contacts
from core.ingest.parsed import (
    Address as ParsedAddress,
)
from core.ingest.parsed import (
    ContactValue,
    DateValue,
    Name,
    Organization,
    ParsedContact,
)
from core.ingest.prepare import new_party_columns, prepare_for_write
from core.ingest.search_index import refresh_search_text
from core.views.contact_draft import (  # noqa: F401 - re-exported: the editor's data
    ADDRESS_PARTS,
    TEXT_FIELDS,
    ContactDraft,
    DraftAddress,
    DraftDate,
    DraftValue,
)

LOCAL_PROVIDER = "local"
LOCAL_ACCOUNT = "this-computer"
LOCAL_NAME = "This computer"
def local_account(session: Session, region: str = "") -> SourceAccount:
    """The "This computer" account, created on first use (never synced, not a listed
    source: its settings say ``import``, like a one-off import).

    Its region reads numbers the owner types without a country code ("0151 3018681"): the
    owner's (settings or locale), else the one most of the owner's sources use."""
    account = session.scalar(select(SourceAccount).where(
        SourceAccount.provider == LOCAL_PROVIDER, SourceAccount.account_id == LOCAL_ACCOUNT))
    region = region or session.scalar(
        select(SourceAccount.default_region).where(SourceAccount.default_region != "")
        .group_by(SourceAccount.default_region).order_by(func.count().desc()).limit(1)) or ""
    if account is not None and region and account.default_region != region.upper()[:2]:
        account.default_region = region.upper()[:2]
    if account is None:
        account = SourceAccount(provider=LOCAL_PROVIDER, account_id=LOCAL_ACCOUNT,
                                display_name=LOCAL_NAME, settings={"import": True,
                                                                   "local": True},
                                default_region=(region or "")[:2].upper())
        session.add(account)
        session.flush()
    return account


def local_record(session: Session, party_id: int) -> SourceRecord | None:
    """The party's record in the local account (the owner's own values), if it has one."""
    return session.scalar(
        select(SourceRecord).join(SourceAccount, SourceAccount.id == SourceRecord.account_id)
        .where(SourceRecord.party_id == party_id, SourceAccount.provider == LOCAL_PROVIDER)
        .order_by(SourceRecord.id).limit(1))


def held_by_sources(session: Session, party_id: int) -> bool:
    """True when any record of another source (live or deleted there) belongs to the party."""
    return session.scalar(
        select(SourceRecord.id).join(SourceAccount, SourceAccount.id == SourceRecord.account_id)
        .where(SourceRecord.party_id == party_id, SourceAccount.provider != LOCAL_PROVIDER)
        .limit(1)) is not None


def _source_names(session: Session, party_id: int) -> dict[int | None, str]:
    """Record id -> "provider: account" for the party's records (None and the local record
    map to "": the owner's own)."""
    names: dict[int | None, str] = {None: ""}
    for rid, provider, account, name in session.execute(
            select(SourceRecord.id, SourceAccount.provider, SourceAccount.account_id,
                   SourceAccount.display_name)
            .join(SourceAccount, SourceAccount.id == SourceRecord.account_id)
            .where(SourceRecord.party_id == party_id)):
        names[rid] = "" if provider == LOCAL_PROVIDER else f"{provider}: {name or account}"
    return names


def draft_of(session: Session, party_id: int) -> ContactDraft:
    """The contact as the editor shows it: every value, each marked with where it is from."""
    party = session.get(Party, party_id)
    if party is None:
        raise LookupError(f"No contact with id {party_id}")
    draft = ContactDraft({name: getattr(party, name) or "" for name in TEXT_FIELDS})
    sources = _source_names(session, party_id)
    local = local_record(session, party_id)
    local_id = local.id if local is not None else None
    held: dict[int, int] = {}  # handle id -> a record listing it (another source's first)
    for hid, rid in session.execute(
            select(RecordHandle.handle_id, RecordHandle.source_record_id)
            .where(RecordHandle.source_record_id.in_([r for r in sources if r is not None]))):
        if rid != local_id or hid not in held:
            held[hid] = rid
    for handle, link in session.execute(
            select(Handle, PartyHandleLink).join(PartyHandleLink,
                                                 PartyHandleLink.handle_id == Handle.id)
            .where(PartyHandleLink.party_id == party_id, PartyHandleLink.is_dismissed.is_(False),
                   Handle.is_secured.is_(False))
            .order_by(PartyHandleLink.is_primary.desc(), PartyHandleLink.id)):
        if handle.platform not in ("email", "phone"):
            continue
        rid = held.get(handle.id)
        origin = sources.get(rid, "") if rid is not None else "linked by you"
        value = DraftValue(handle.display_value or handle.value, link.label, origin, handle.id)
        (draft.emails if handle.platform == "email" else draft.phones).append(value)
    for url in session.scalars(select(PartyUrl).where(PartyUrl.party_id == party_id)
                               .order_by(PartyUrl.id)):
        draft.urls.append(DraftValue(url.url, url.label, sources.get(url.source_record_id, "")))
    for a in session.scalars(select(Address).where(Address.party_id == party_id)
                             .order_by(Address.id)):
        draft.addresses.append(DraftAddress(
            a.label, a.street, a.extended, a.po_box, a.postal_code, a.locality, a.region,
            a.country, sources.get(a.source_record_id, "")))
    for d in session.scalars(select(ImportantDate).where(ImportantDate.party_id == party_id)
                             .order_by(ImportantDate.id)):
        draft.dates.append(DraftDate(d.kind, d.month, d.day, d.year, d.label,
                                     sources.get(d.source_record_id, "")))
    return draft


def _own(values: list) -> list:
    return [v for v in values if not v.source]


def _contact(external_id: str, draft: ContactDraft, with_fields: bool) -> ParsedContact:
    """The local record's content: the owner's own values (and, for a contact only Kith
    holds, its names too)."""
    contact = ParsedContact(external_id=external_id)
    f = draft.fields
    if with_fields:
        contact.name = Name(full=f.get("display_name", "").strip(),
                            given=f.get("given_name", "").strip(),
                            family=f.get("family_name", "").strip(),
                            middle=f.get("middle_name", "").strip(),
                            prefix=f.get("name_prefix", "").strip(),
                            suffix=f.get("name_suffix", "").strip())
        contact.nickname = [n.strip() for n in f.get("nickname", "").split(",") if n.strip()]
        contact.notes = f.get("notes", "").strip()
        if f.get("organization", "").strip() or f.get("title", "").strip():
            contact.organizations = [Organization(name=f.get("organization", "").strip(),
                                                  title=f.get("title", "").strip())]
    contact.emails = [ContactValue(v.value.strip(), v.label, i == 0)
                      for i, v in enumerate(_own(draft.emails)) if v.value.strip()]
    contact.phones = [ContactValue(v.value.strip(), v.label)
                      for v in _own(draft.phones) if v.value.strip()]
    contact.urls = [ContactValue(v.value.strip(), v.label)
                    for v in _own(draft.urls) if v.value.strip()]
    contact.addresses = [ParsedAddress(label=a.label, **{p: getattr(a, p).strip()
                                                         for p in ADDRESS_PARTS})
                         for a in _own(draft.addresses) if not a.is_blank()]
    for d in _own(draft.dates):
        value = DateValue(month=d.month, day=d.day, year=d.year or None, label=d.label)
        (contact.birthdays if d.kind == "birthday" else contact.anniversaries).append(value)
    return contact


def _check(draft: ContactDraft) -> None:
    for d in draft.dates:
        if not (1 <= d.month <= 12 and 1 <= d.day <= 31):
            raise ValueError(f"The {d.kind} {d.day}.{d.month}. is not a day of the year")
    if not (draft.shown_name() or any(v.value.strip() for v in draft.emails + draft.phones)):
        raise ValueError("A contact needs a name, an organisation, an email or a phone")


def create_contact(session: Session, draft: ContactDraft, *, region: str = "") -> int:
    """A new contact held by Kith alone; returns its party id. It never joins an existing
    contact, even one with the same email (that is a merge, offered by review)."""
    _check(draft)
    account = local_account(session, region)
    contact = _contact(f"kith-{uuid.uuid4()}", draft, with_fields=True)
    party_id = create_contact_from(session, account, contact, region)
    _apply_text_fields(session, party_id, draft)
    session.add(ActivityEvent(kind="contact_created", party_id=party_id,
                              message=f"Created {draft.shown_name()}"))
    session.flush()
    return party_id


def create_contact_from(session: Session, account: SourceAccount, contact: ParsedContact,
                        region: str = "") -> int:
    """A new party holding ``contact`` as its record in ``account``, written by the engine.
    The party is made first and the record is bound to it, so the engine's attaching (by
    email or phone) never folds the new contact into another."""
    region = region or account.default_region
    prepared = prepare_for_write(contact, region)
    now = utcnow()
    party = Party(**new_party_columns(prepared), created_at=now, updated_at=now)
    session.add(party)
    session.flush()
    session.add(SourceRecord(account_id=account.id, external_id=contact.external_id,
                             party_id=party.id, data={}, content_hash="", first_seen=now,
                             last_seen=now))
    session.flush()
    ingest_contacts(session, account.id, [contact], region=region)
    return party.id


def save_contact(session: Session, party_id: int, draft: ContactDraft, *,
                 region: str = "") -> None:
    """Write the editor's draft to an existing contact (see the module docstring)."""
    from core.match.decisions import dismiss_handle_link

    _check(draft)
    party = session.get(Party, party_id)
    if party is None:
        raise LookupError(f"No contact with id {party_id}")
    before = draft_of(session, party_id)
    shown = draft.fields.get("display_name", "").strip()
    if shown == before.fields["display_name"] == before.made_name():
        draft.fields["display_name"] = ""  # it was made of the parts: it follows them
    account = local_account(session, region)
    record = local_record(session, party_id)
    own_only = not held_by_sources(session, party_id)
    contact_wanted = own_only or any(_own(getattr(draft, n)) for n in (
        "emails", "phones", "urls", "addresses", "dates"))
    if record is None and contact_wanted:
        record = SourceRecord(account_id=account.id, external_id=f"kith-{uuid.uuid4()}",
                              party_id=party_id, data={}, content_hash="")
        session.add(record)
        session.flush()
    if record is not None:
        ingest_contacts(session, record.account_id,
                        [_contact(record.external_id, draft, with_fields=own_only)],
                        region=region or account.default_region)
    kept = {v.handle_id for v in draft.emails + draft.phones if v.handle_id is not None}
    for value in before.emails + before.phones:
        if value.source and value.handle_id is not None and value.handle_id not in kept:
            dismiss_handle_link(session, value.handle_id, party_id)
    _apply_text_fields(session, party_id, draft)
    session.add(ActivityEvent(kind="contact_edited", party_id=party_id,
                              message=f"Edited {draft.shown_name()}"))
    session.flush()


def _apply_text_fields(session: Session, party_id: int, draft: ContactDraft) -> None:
    """Every single-valued field the draft changes becomes a local edit (winning over the
    sources); fields the write path already set as asked are left as they are."""
    party = session.get(Party, party_id)
    assert party is not None
    wanted = {name: draft.fields.get(name, "").strip() for name in TEXT_FIELDS}
    wanted["display_name"] = draft.shown_name()
    for name, value in wanted.items():
        if (getattr(party, name) or "") != value:
            field_ops.edit_field(session, party_id, name, value)
    refresh_search_text(session, [party_id])
