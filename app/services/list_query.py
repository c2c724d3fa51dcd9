"""What the contact list asks for and gets back: plain data, light to import.

The GUI builds these on its own thread and imports this module at start-up; the services
that answer them (app.services.contacts) import SQLAlchemy and the models, which the GUI
loads only on a worker thread (see app.services.lazy).
"""

from __future__ import annotations

from array import array
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from core.views.list_rows import PartyRow


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


#: Rows in a search's first page: a tall window's worth, so the first paint needs nothing more.
FIRST_PAGE = 80


@dataclass(slots=True)
class FirstPage:
    """The top of a result: ids and their rows, and whether that is the whole result."""

    query: ListQuery
    ids: list[int]
    rows: list[PartyRow]
    complete: bool
    #: True when the page came from refining the shown rows (core.views.refine), not SQL.
    refined: bool = False


@dataclass(frozen=True, slots=True)
class Shown:
    """What the list shows now, offered to the next keystroke's search (refinement)."""

    query: ListQuery
    ids: tuple[int, ...]  # the top of its result, in list order
    complete: bool  # ids are the whole result
    #: The whole result in list order, when the list has all of it (a copy: the worker reads
    #: it while the GUI thread may change the list).
    result: array | None = None
