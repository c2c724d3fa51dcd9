"""Contact list and detail services (search, rows, detail, local edits)."""

from __future__ import annotations

from array import array
from collections.abc import Sequence
from dataclasses import dataclass
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
from core.db.engine import Database
from core.db.models import Party
from core.ingest import fields as field_ops
from core.tasks import TaskCancelled, TaskState
from core.views import party as party_views
from core.views import refine
from core.views.party import PartyDetail, PartyRow
from core.views.sources import label_names, list_sources

EDITABLE_FIELDS: tuple[str, ...] = tuple(field_ops.EDITABLE_FIELDS)


@dataclass(slots=True)
class ContactBundle:
    """Everything the detail pane shows for one party."""

    detail: PartyDetail
    photo: bytes | None


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
    matched = refine.matching_among(session, query.search, shown.ids)
    complete = shown.complete and matched is not None and len(matched) <= limit
    # Too few among the top: narrow the whole result. Not the whole list (no search before):
    # there SQL's list walk finds the page as soon.
    if (matched is not None and len(matched) < limit and not shown.complete
            and shown.result is not None and before.search):
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
    with read_session(db) as session:
        info = party_views.party_detail(session, party_id)
        photo = session.get(Party, party_id).photo if info.has_photo else None
        return ContactBundle(info, photo)


def filter_options(db: Database, *, state: TaskState) -> FilterOptions:
    with read_session(db) as session:
        return FilterOptions(
            label_names(session),
            [(s.id, f"{s.provider}: {s.label}") for s in list_sources(session)],
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
