"""Contact list and detail services (search, rows, detail, local edits)."""

from __future__ import annotations

from array import array
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.orm import Session

from app.services import read_session, write_session
from app.services.list_query import (  # noqa: F401 - re-exported: the service's own types
    FIRST_PAGE,
    FilterOptions,
    FirstPage,
    ListQuery,
    Shown,
)
from app.source_words import kind_text
from core.db.engine import Database
from core.db.models import Party, SourceRecord
from core.ingest import fields as field_ops
from core.tasks import TaskCancelled, TaskState
from core.views import party as party_views
from core.views import refine
from core.views.contact_draft import ContactDraft
from core.views.party import PartyDetail, PartyRow
from core.views.sources import label_names, list_sources

EDITABLE_FIELDS: tuple[str, ...] = tuple(field_ops.EDITABLE_FIELDS)


@dataclass(slots=True)
class ContactBundle:
    """Everything the detail pane shows for one party."""

    detail: PartyDetail
    photo: bytes | None
    #: "" when the contact may be deleted (Kith alone holds it), else why not.
    cannot_delete: str = ""
    #: Each source copy's name as that source writes it, by record id: three copies from
    #: one book all read "phone.vcf" and the owner could not tell which to split off.
    copy_names: dict[int, str] = field(default_factory=dict)


def first_page(db: Database, query: ListQuery, limit: int = FIRST_PAGE,
               shown: Shown | None = None, *, state: TaskState) -> FirstPage:
    """The first ``limit`` matches with their rows: what a keystroke must show at once.

    When ``query`` only narrows what the list shows (one more letter typed), the page comes
    from those rows (:mod:`core.views.refine`, a few ms); otherwise from SQL, which stops after
    ``limit`` rows of the list order. The full id list follows (:func:`search_ids`)."""
    with read_session(db) as session:
        page = _refined(session, query, limit, shown)
        if page is not None:
            return page
        ids = party_views.list_party_ids(
            session, query.search, filter_name=query.filter_name, label=query.label,
            account_id=query.account_id, limit=limit + 1)
        complete = len(ids) <= limit
        ids = ids[:limit]
        return FirstPage(query, ids, party_views.party_rows(session, ids), complete)


def _refined(session: Session, query: ListQuery, limit: int,
             shown: Shown | None) -> FirstPage | None:
    if shown is None or not shown.ids:
        return None
    before = shown.query
    if ((before.filter_name, before.label, before.account_id)
            != (query.filter_name, query.label, query.account_id)
            or not refine.refines(before.search, query.search)):
        return None
    if not before.search:
        # The top of the unsearched list: SQL reads it itself, its FTS table kept between
        # keystrokes (core.views.list_top), where refining built one each time; and narrowing
        # the whole list from its matches is no quicker than SQL's plans.
        return None
    matched = refine.matching_among(session, query.search, shown.ids)
    complete = shown.complete and matched is not None and len(matched) <= limit
    # Too few among the top: narrow the whole result.
    if (matched is not None and len(matched) < limit and not shown.complete
            and shown.result is not None):
        matched = refine.first_matching(session, query.search, shown.result, limit + 1)
        complete = matched is not None and len(matched) <= limit
    if matched is None or (len(matched) < limit and not complete):
        return None  # the rows at hand cannot tell the page: ask SQL
    ids = matched[:limit]
    return FirstPage(query, ids, party_views.party_rows(session, ids), complete, refined=True)


def search_ids(db: Database, query: ListQuery, *, state: TaskState) -> array:
    """All ids in list order, narrowed in SQL (FTS5 on SQLite), as a compact array.

    Cancelling the task interrupts the query (``TaskCancelled``): the owner typed on."""
    with read_session(db) as session:
        try:
            return party_views.list_party_id_array(
                session, query.search, filter_name=query.filter_name, label=query.label,
                account_id=query.account_id, cancelled=lambda: state.cancelled)
        except party_views.QueryCancelled:
            raise TaskCancelled() from None


def rows(db: Database, ids: Sequence[int], *, state: TaskState) -> list[PartyRow]:
    with read_session(db) as session:
        return party_views.party_rows(session, list(ids))


def detail(db: Database, party_id: int, *, state: TaskState) -> ContactBundle:
    from core.ingest.contact_lifecycle import can_delete

    with read_session(db) as session:
        info = party_views.party_detail(session, party_id)
        photo = session.get(Party, party_id).photo if info.has_photo else None
        names = {r.id: copy_name(record.data or {}) for r in info.records
                 if (record := session.get(SourceRecord, r.id)) is not None}
        return ContactBundle(info, photo, can_delete(session, party_id), names)


def copy_name(data: dict[str, Any]) -> str:
    """The name a source copy goes by (its stored canonical fields): the full name, else
    given and family name, else its organisation or first email; "" when it has none."""
    name = data.get("name") or {}
    full = (name.get("full") or " ".join(
        p for p in (name.get("given"), name.get("family")) if p) or "").strip()
    if full:
        return full
    orgs = [o.get("name", "") for o in data.get("organizations") or [] if isinstance(o, dict)]
    emails = [e.get("value", "") for e in data.get("emails") or [] if isinstance(e, dict)]
    return next((x for x in (*orgs, *emails) if x), "")


def filter_options(db: Database, *, state: TaskState) -> FilterOptions:
    with read_session(db) as session:
        return FilterOptions(
            label_names(session),
            # "phone.vcf (vCard file)", the Sources page's words: the filter box showed the
            # stored provider ("Source: vcard: phone.vcf").
            [(s.id, f"{s.label} ({kind_text(s.provider)})") for s in list_sources(session)],
        )


def edit_field(db: Database, party_id: int, name: str, value: Any, *, state: TaskState) -> None:
    """A local edit: wins over every source until the owner takes the source value back."""
    with write_session(db) as session:
        field_ops.edit_field(session, party_id, name, value)
        from core.ingest.search_index import refresh_search_text

        refresh_search_text(session, [party_id])


def take_source_value(db: Database, party_id: int, name: str, *, state: TaskState) -> Any:
    with write_session(db) as session:
        value = field_ops.take_source_value(session, party_id, name)
        from core.ingest.search_index import refresh_search_text

        refresh_search_text(session, [party_id])
        return value


def counts(db: Database, *, state: TaskState) -> dict[str, int]:
    with read_session(db) as session:
        return party_views.stats(session)


# -- the address book: create, edit, archive, delete, export (core.ingest.local_contacts) ----
def draft(db: Database, party_id: int, *, state: TaskState) -> ContactDraft:
    """The contact as the editor shows it (every value, marked with where it is from)."""
    from core.ingest.local_contacts import draft_of

    with read_session(db) as session:
        return draft_of(session, party_id)


def create(db: Database, new: ContactDraft, *, state: TaskState) -> int:
    """A new contact kept by Kith ("This computer"); returns its id."""
    from core.ingest.local_contacts import create_contact
    from core.views.phone_display import owner_region

    with write_session(db) as session:
        return create_contact(session, new, region=owner_region())


def save(db: Database, party_id: int, edited: ContactDraft, *, state: TaskState) -> int:
    """The editor's changes to an existing contact; returns its id."""
    from core.ingest.local_contacts import save_contact
    from core.views.phone_display import owner_region

    with write_session(db) as session:
        save_contact(session, party_id, edited, region=owner_region())
    return party_id


def archive(db: Database, party_id: int, *, state: TaskState) -> int:
    """Archive (undoable in History); returns the decision id."""
    from core.ingest.contact_lifecycle import archive_contact

    with write_session(db) as session:
        return archive_contact(session, party_id)


def restore(db: Database, party_id: int, *, state: TaskState) -> None:
    from core.ingest.contact_lifecycle import restore_contact

    with write_session(db) as session:
        restore_contact(session, party_id)


def delete(db: Database, party_id: int, *, state: TaskState) -> int:
    """Delete a contact Kith alone holds (undoable in History); returns the decision id."""
    from core.ingest.contact_lifecycle import delete_contact

    with write_session(db) as session:
        return delete_contact(session, party_id)


def export_vcard(db: Database, path: str, party_ids: Sequence[int] | None = None,
                 version: str = "4.0", *, state: TaskState) -> int:
    """Write these contacts (None: every contact in the list) to one vCard file; returns how
    many were written. Secured handles are never exported."""
    from core.sync.providers.vcard.export import write_vcard_file
    from core.views.export import iter_contacts, party_to_contact

    with read_session(db) as session:
        if party_ids is None:
            contacts = iter_contacts(session)
        else:
            contacts = (party_to_contact(session, pid) for pid in party_ids)
        return write_vcard_file(path, contacts, version)
