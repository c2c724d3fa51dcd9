"""In-memory data behind the People API emulator: persons, other contacts, groups, sync tokens.

Kept apart from the HTTP layer so tests can mutate data directly (add, update, delete, rename)
and so 50,000 generated persons stay cheap: a generated person is only an index until a page
renders it. Every change bumps one global sequence number; a sync token remembers the sequence
it was issued at, which is all an incremental listing needs.
"""

from __future__ import annotations

import base64
import json
import secrets
import threading
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from tests.emulators.people_generated import GeneratedRun, generated_body, generated_json

SYNC_TOKEN_LIFETIME = 7 * 24 * 3600.0
CONNECTIONS = "connections"
OTHER = "otherContacts"

#: System groups every real account has; ``myContacts`` holds every connection.
SYSTEM_GROUPS = {
    "myContacts": "My Contacts",
    "starred": "Starred",
    "friends": "Friends",
    "family": "Family",
    "coworkers": "Coworkers",
}


class SyncTokenExpired(Exception):
    """The token is unknown, from an older generation or older than seven emulated days."""


@dataclass(slots=True)
class Record:
    """One person (or other contact) as stored; ``body`` is None for lazily generated ones."""

    resource_name: str
    seq: int
    etag: str
    body: dict[str, Any] | None = None
    gen_index: int | None = None
    deleted: bool = False
    groups: list[str] = field(default_factory=list)
    previous: list[str] = field(default_factory=list)
    update_time: str = ""


@dataclass(slots=True)
class Group:
    resource_name: str
    name: str
    group_type: str
    seq: int
    etag: str


@dataclass(slots=True)
class _Collection:
    #: Materialized records; a generated person gets one only once a test touches it.
    records: dict[str, Record] = field(default_factory=dict)
    order: list[str] = field(default_factory=list)
    generated: list[GeneratedRun] = field(default_factory=list)
    #: Generated names that no longer exist (renamed away).
    detached: set[str] = field(default_factory=set)

    def virtual(self, name: str) -> GeneratedRun | None:
        """The generated run ``name`` belongs to, if it is an untouched generated person."""
        if not name.startswith("people/g") or name in self.records or name in self.detached:
            return None
        try:
            index = int(name[8:])
        except ValueError:
            return None
        return next((g for g in self.generated if g.start <= index < g.start + g.count), None)


def _etag() -> str:
    return "%" + base64.b64encode(secrets.token_bytes(12)).decode("ascii")


def _rfc3339(ts: float) -> str:
    return datetime.fromtimestamp(ts, UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


class PeopleStore:
    """Thread-safe state of one emulated Google account (all public methods take the lock)."""

    def __init__(self, now: float) -> None:
        self.lock = threading.RLock()
        self.now = now
        self._seq = 0
        self._generation = 0
        self._counter = 0
        self._collections = {CONNECTIONS: _Collection(), OTHER: _Collection()}
        self._groups: dict[str, Group] = {}
        self._tokens: dict[str, tuple[str, int, float, int]] = {}
        for gid, title in SYSTEM_GROUPS.items():
            self._groups[f"contactGroups/{gid}"] = Group(
                f"contactGroups/{gid}", title, "SYSTEM_CONTACT_GROUP", 0, _etag())

    # -- mutation API (used by tests) -------------------------------------------------------

    def _next(self) -> int:
        self._seq += 1
        return self._seq

    def _new_name(self, kind: str) -> str:
        self._counter += 1
        prefix = "people" if kind == CONNECTIONS else "otherContacts"
        return f"{prefix}/c{self._counter:x}{secrets.token_hex(3)}"

    def add_person(self, body: dict[str, Any] | None = None, *, groups: Iterable[str] = (),
                   kind: str = CONNECTIONS) -> str:
        """Create a person; ``groups`` are contactGroups resource names. Returns resourceName."""
        with self.lock:
            coll = self._collections[kind]
            name = self._new_name(kind)
            member_of = ["contactGroups/myContacts"] if kind == CONNECTIONS else []
            coll.records[name] = Record(name, self._next(), _etag(), dict(body or {}),
                                        groups=member_of + list(groups),
                                        update_time=_rfc3339(self.now))
            coll.order.append(name)
            return name

    def add_other_contact(self, body: dict[str, Any] | None = None) -> str:
        return self.add_person(body, kind=OTHER)

    def generate_persons(self, count: int) -> list[str]:
        """Add ``count`` lazily rendered persons in one sequence step (cheap for 50,000)."""
        with self.lock:
            coll = self._collections[CONNECTIONS]
            seq = self._next()
            start = sum(g.count for g in coll.generated)
            coll.generated.append(GeneratedRun(start, count, seq, _rfc3339(self.now)))
            names = [f"people/g{start + i:07d}" for i in range(count)]
            coll.order.extend(names)
            return names

    def _record(self, coll: _Collection, name: str) -> Record | None:
        """The stored record, materializing an untouched generated person on demand."""
        record = coll.records.get(name)
        if record is None and (run := coll.virtual(name)) is not None:
            index = int(name[8:])
            record = Record(name, run.seq, f"%gen{index}", None, index,
                            groups=["contactGroups/myContacts"], update_time=run.stamp)
            coll.records[name] = record
        return record

    def _live(self, resource_name: str) -> Record:
        kind = CONNECTIONS if resource_name.startswith("people/") else OTHER
        record = self._record(self._collections[kind], resource_name)
        if record is None or record.deleted:
            raise KeyError(resource_name)
        return record

    def _touch(self, record: Record) -> None:
        record.seq = self._next()
        record.etag = _etag()
        record.update_time = _rfc3339(self.now)

    def update_person(self, resource_name: str, changes: dict[str, Any]) -> None:
        """Replace the given top-level fields (e.g. ``{"names": [...]}``); new etag."""
        with self.lock:
            record = self._live(resource_name)
            if record.body is None:
                record.body = generated_body(record.gen_index or 0)
            record.body.update(changes)
            self._touch(record)

    def delete_person(self, resource_name: str) -> None:
        """Leave a tombstone so incremental listings can report the deletion."""
        with self.lock:
            record = self._live(resource_name)
            record.deleted = True
            record.body = {}
            self._touch(record)

    def rename_person(self, resource_name: str) -> str:
        """Give the person a new resourceName (as Google does when a profile gets linked)."""
        with self.lock:
            kind = CONNECTIONS if resource_name.startswith("people/") else OTHER
            coll = self._collections[kind]
            old = self._live(resource_name)
            new_name = self._new_name(kind)
            body = old.body if old.body is not None else generated_body(old.gen_index or 0)
            del coll.records[resource_name]
            if resource_name.startswith("people/g"):
                coll.detached.add(resource_name)
            coll.records[new_name] = Record(new_name, 0, "", body, groups=old.groups,
                                            previous=[*old.previous, resource_name])
            self._touch(coll.records[new_name])
            coll.order[coll.order.index(resource_name)] = new_name
            return new_name

    def add_group(self, name: str) -> str:
        with self.lock:
            rn = f"contactGroups/{secrets.token_hex(6)}"
            self._groups[rn] = Group(rn, name, "USER_CONTACT_GROUP", self._next(), _etag())
            return rn

    def add_to_group(self, resource_name: str, group: str) -> None:
        with self.lock:
            record = self._live(resource_name)
            if group not in record.groups:
                record.groups.append(group)
                self._touch(record)

    def expire_sync_tokens(self) -> None:
        """Invalidate every sync token issued so far (Google may do this at any time)."""
        with self.lock:
            self._generation += 1

    def advance(self, seconds: float) -> None:
        with self.lock:
            self.now += seconds

    # -- reading (used by the HTTP layer) ---------------------------------------------------

    def issue_sync_token(self, kind: str, seq: int) -> str:
        with self.lock:
            token = "^" + secrets.token_urlsafe(24)
            self._tokens[token] = (kind, seq, self.now, self._generation)
            return token

    def check_sync_token(self, kind: str, token: str) -> int:
        """The sequence the token was issued at; raises :class:`SyncTokenExpired`."""
        with self.lock:
            entry = self._tokens.get(token)
            if entry is None or entry[0] != kind or entry[3] != self._generation:
                raise SyncTokenExpired(token)
            if self.now - entry[2] > SYNC_TOKEN_LIFETIME:
                raise SyncTokenExpired(token)
            return entry[1]

    @property
    def seq(self) -> int:
        return self._seq

    def full_listing(self, kind: str) -> list[str]:
        """Names of every live record, in creation order (a snapshot for one page chain)."""
        with self.lock:
            coll = self._collections[kind]
            records, detached = coll.records, coll.detached
            return [n for n in coll.order
                    if ((r := records.get(n)) is not None and not r.deleted)
                    or (r is None and n not in detached and n.startswith("people/g"))]

    def changes_since(self, kind: str, seq: int) -> list[str]:
        """Names of records changed (or deleted) after ``seq``, oldest change first."""
        with self.lock:
            coll = self._collections[kind]
            changed = [(r.seq, r.resource_name) for r in coll.records.values() if r.seq > seq]
            for run in coll.generated:
                if run.seq > seq:
                    for i in range(run.start, run.start + run.count):
                        name = f"people/g{i:07d}"
                        if name not in coll.records and name not in coll.detached:
                            changed.append((run.seq, name))
            changed.sort(key=lambda pair: pair[0])
            return [name for _, name in changed]

    def render(self, kind: str, name: str, fields: set[str], with_previous: bool
               ) -> dict[str, Any] | None:
        """The People API JSON for one record restricted to ``fields`` (None if gone)."""
        with self.lock:
            coll = self._collections[kind]
            record = coll.records.get(name)
            if record is None and (run := coll.virtual(name)) is not None:
                index = int(name[8:])
                record = Record(name, run.seq, f"%gen{index}", None, index,
                                groups=["contactGroups/myContacts"], update_time=run.stamp)
            if record is None:
                return None
            out: dict[str, Any] = {"resourceName": name, "etag": record.etag}
            if record.deleted:
                out["metadata"] = {"deleted": True}
                return out
            body = record.body if record.body is not None else generated_body(
                record.gen_index or 0)
            for key, value in body.items():
                if key in fields:
                    out[key] = value
            if "memberships" in fields and record.groups:
                out["memberships"] = [self._membership(g) for g in record.groups
                                      if g in self._groups]
            if "metadata" in fields:
                meta: dict[str, Any] = {
                    "sources": [{"type": "CONTACT", "id": name.rsplit("/", 1)[-1],
                                 "etag": record.etag,
                                 "updateTime": record.update_time}],
                    "objectType": "PERSON",
                }
                if with_previous and record.previous:
                    meta["previousResourceNames"] = list(record.previous)
                out["metadata"] = meta
            return out

    def render_json(self, kind: str, name: str, fields: set[str], with_previous: bool
                    ) -> str | None:
        """Like :meth:`render` but JSON text, with a fast path for untouched generated persons.

        Generated persons dominate the 50,000-contact benchmark; formatting their JSON
        directly is several times faster than building and serialising dicts.
        """
        with self.lock:
            run = self._collections[kind].virtual(name)
            if run is not None:
                return generated_json(name, run, fields)
            rendered = self.render(kind, name, fields, with_previous)
            return json.dumps(rendered) if rendered is not None else None

    def _membership(self, group: str) -> dict[str, Any]:
        gid = group.split("/", 1)[1]
        return {"metadata": {"source": {"type": "CONTACT"}},
                "contactGroupMembership": {"contactGroupId": gid,
                                           "contactGroupResourceName": group}}

    def groups(self) -> list[dict[str, Any]]:
        with self.lock:
            coll = self._collections[CONNECTIONS]
            untouched = sum(g.count for g in coll.generated) - sum(
                1 for n in coll.records if n.startswith("people/g")) - len(coll.detached)
            counts: dict[str, int] = {"contactGroups/myContacts": untouched}
            for record in coll.records.values():
                if not record.deleted:
                    for g in record.groups:
                        counts[g] = counts.get(g, 0) + 1
            out = []
            for g in self._groups.values():
                item: dict[str, Any] = {
                    "resourceName": g.resource_name, "etag": g.etag,
                    "metadata": {"updateTime": _rfc3339(self.now)},
                    "groupType": g.group_type, "name": g.name, "formattedName": g.name,
                    "memberCount": counts.get(g.resource_name, 0),
                }
                if g.group_type == "SYSTEM_CONTACT_GROUP":
                    item["name"] = g.resource_name.split("/", 1)[1]
                out.append(item)
            return out
