"""Reproducible merge scenarios: the same steps run on two databases (one merges and later
unmerges, one never merges) so their states can be compared."""

from __future__ import annotations

import shutil
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.db.engine import Database, open_database
from core.db.models import Handle, Party, SourceAccount
from core.ingest.engine import ingest_contacts
from core.ingest.fields import edit_field
from core.ingest.parsed import ParsedContact
from core.ingest.resolve import confirm_link
from core.ingest.search_index import refresh_search_text
from tests.match.builders import person

GIVEN = ("Anna", "Bob", "Robert", "Clara", "Dieter", "Eva")
FAMILY = ("Berg", "Smith", "Krause", "Lind")
GROUPS = ("Friends", "Work", "Family")


@dataclass
class PartySpec:
    given: str
    family: str
    emails: int = 1
    phone: bool = True
    birthday: tuple[int, int, int] | None = None
    groups: tuple[str, ...] = ()
    org: str = ""
    street: str = ""
    second_record: bool = False
    local_edit: str = ""
    confirm_first_handle: bool = False


@dataclass
class SyncChange:
    """What a later sync does to record ``index`` (of the account-a records)."""

    index: int
    kind: str  # "rename", "new_email", "drop_phone", "birthday", "delete", "regroup"


@dataclass
class Scenario:
    parties: list[PartySpec]
    merge: list[int]
    keep: int
    choices: dict[str, int] = field(default_factory=dict)
    sync: list[SyncChange] = field(default_factory=list)


def contact_for(i: int, spec: PartySpec, version: int = 0, *, second: bool = False,
                change: str = "") -> ParsedContact:
    emails = tuple(f"p{i}e{j}@example.org" for j in range(spec.emails))
    phones: tuple[str, ...] = (f"0151 {10000000 + i}",) if spec.phone else ()
    given, family, birthday, groups = spec.given, spec.family, spec.birthday, spec.groups
    if second:
        return person(f"s{i}", given, family, emails=emails[:1] or (f"p{i}s@example.org",),
                      street="Zweitweg 2", city="Bonn", groups=("Second",))
    if change == "rename":
        given = given + "a"
    elif change == "new_email":
        emails = (*emails, f"p{i}new@example.org")
    elif change == "drop_phone":
        phones = ()
    elif change == "birthday":
        birthday = (1999, 9, 9)
    elif change == "regroup":
        groups = ("Moved",)
    contact = person(f"r{i}", given, family, emails=emails, phones=phones,
                     birthday=birthday, groups=groups, org=spec.org, street=spec.street,
                     city="Berlin" if spec.street else "")
    contact.deleted = change == "delete"
    return contact


def build(session: Session, scenario: Scenario) -> list[int]:
    """Ingest the scenario's records and apply the owner's edits; return party ids."""
    a = SourceAccount(provider="vcard", account_id="a", display_name="a")
    b = SourceAccount(provider="google", account_id="b", display_name="b")
    session.add_all([a, b])
    session.flush()
    party_ids: list[int] = []
    for i, spec in enumerate(scenario.parties):
        stats = ingest_contacts(session, a.id, [contact_for(i, spec)])
        party_ids.append(next(iter(stats.touched_party_ids)))
        if spec.second_record:
            ingest_contacts(session, b.id, [contact_for(i, spec, second=True)])
    for pid, spec in zip(party_ids, scenario.parties, strict=True):
        if spec.local_edit:
            edit_field(session, pid, "nickname", spec.local_edit)
            refresh_search_text(session, [pid])
        if spec.confirm_first_handle:
            hid = session.scalar(select(Handle.id).where(Handle.party_id == pid)
                                 .order_by(Handle.id))
            if hid is not None:
                confirm_link(session, hid, pid)
    session.commit()
    return party_ids


def run_sync(session: Session, scenario: Scenario) -> None:
    account_id = session.scalar(select(SourceAccount.id).where(SourceAccount.account_id == "a"))
    assert account_id is not None
    contacts = [contact_for(c.index, scenario.parties[c.index], change=c.kind)
                for c in scenario.sync]
    ingest_contacts(session, account_id, contacts)
    session.commit()


class TemplateDatabases:
    """Copies of one migrated SQLite file, so each example skips the migrations."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self.template = directory / "template.sqlite"
        open_database(f"sqlite:///{self.template}").dispose()
        self.count = 0

    def new(self) -> Database:
        self.count += 1
        path = self.directory / f"db{self.count}.sqlite"
        shutil.copy(self.template, path)
        return open_database(f"sqlite:///{path}")


def party_names(session: Session) -> dict[int, str]:
    return {p.id: p.display_name for p in session.scalars(select(Party))}
