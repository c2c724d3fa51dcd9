"""Contact list and detail services (search, rows, detail, local edits)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from app.services import read_session, write_session
from core.db.engine import Database
from core.db.models import Party
from core.ingest import fields as field_ops
from core.tasks import TaskState
from core.views import party as party_views
from core.views.party import PartyDetail, PartyRow
from core.views.sources import label_names, list_sources

EDITABLE_FIELDS: tuple[str, ...] = tuple(field_ops.EDITABLE_FIELDS)


@dataclass(frozen=True, slots=True)
class ListQuery:
    """What the contact list shows: search text plus one filter."""

    search: str = ""
    filter_name: str = "all"  # "all", "needs_review", "archived"
    label: str | None = None
    account_id: int | None = None


@dataclass(slots=True)
class FilterOptions:
    labels: list[str] = field(default_factory=list)
    sources: list[tuple[int, str]] = field(default_factory=list)  # (account id, label)


@dataclass(slots=True)
class ContactBundle:
    """Everything the detail pane shows for one party."""

    detail: PartyDetail
    photo: bytes | None


def search_ids(db: Database, query: ListQuery, *, state: TaskState) -> list[int]:
    """Ids in list order, narrowed in SQL (FTS5 on SQLite)."""
    with read_session(db) as session:
        return party_views.list_party_ids(
            session, query.search, filter_name=query.filter_name, label=query.label,
            account_id=query.account_id,
        )


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
