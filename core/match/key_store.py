"""The stored blocking keys: one row per distinct key with its holders, one per party with
its keys.

A full refresh of a 100,000-party book makes ~1.7 million (party, key) memberships but only
~390,000 distinct keys (nine in ten held by one party). Stored one row per membership with
two indexes, writing them cost ~5 CPU-seconds, almost all of it per row. Here a key's
holders are packed into one value (``match_block``: 8-byte little-endian party ids, so a
block's size is its length / 8, counted in SQL without loading it), written in key order
into the key's own b-tree, and each party's keys are one text value (``match_party_keys``),
written in party order: the two questions the incremental refresh asks (who holds this key,
which keys does this party hold), in ~1.4 CPU-seconds and ~70 MB instead of ~110 MB.

Re-keying a party is a read-modify-write of the blocks its keys changed in, in the
refresh's transaction (``replace_keys``; writers take turns: ``lock_keys``). A deleted
party keeps its ``match_party_keys`` row (no cascade); the next incremental refresh re-keys
it to nothing (``gone_parties``), so no block lists a party that is not there once a
refresh has run.
"""

from __future__ import annotations

import json
import sys
from array import array
from collections.abc import Iterable, Mapping, Sequence
from itertools import chain, islice
from operator import itemgetter

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from core.db.models import MatchBlock, MatchPartyKeys
from core.ingest.sqlutil import in_values
from core.match.rawsql import Reader

_ID_BYTES = 8
assert array("q").itemsize == _ID_BYTES
_SWAP = sys.byteorder != "little"


def pack(ids: Iterable[int]) -> bytes:
    """Party ids as stored in ``match_block.members``."""
    packed = array("q", ids)
    if _SWAP:
        packed.byteswap()
    return packed.tobytes()


def unpack(blob: bytes) -> list[int]:
    """The party ids of a stored ``members`` value."""
    ids = array("q")
    ids.frombytes(bytes(blob))
    if _SWAP:
        ids.byteswap()
    return ids.tolist()


def encode_keys(keys: Sequence[str]) -> str:
    """A party's keys as one text: newline-separated (keys are folded text and hold no
    newline in practice; if one does, the list is stored as JSON, which starts with "[" where
    a key starts with its rule code)."""
    text = "\n".join(keys)
    if text.count("\n") != len(keys) - 1 or text.startswith("["):
        return json.dumps(list(keys), ensure_ascii=False)
    return text


def decode_keys(text: str) -> list[str]:
    if text.startswith("["):
        return json.loads(text)
    return text.split("\n")


#: The PostgreSQL advisory lock held by whoever writes the stored keys ("kithkeys").
KEYS_LOCK = int.from_bytes(b"kithkeys", "big") & 0x7FFF_FFFF_FFFF_FFFF


def lock_keys(session: Session) -> None:
    """Take turns with other writers of the stored keys until this transaction ends.

    A block's holders are read, changed and written back as one value, so two refreshes
    changing one block at once (two sources syncing into a shared PostgreSQL) would each
    write their own version and lose the other's change. On PostgreSQL they queue on one
    advisory lock, taken before the stored keys are read; SQLite lets one writer at a time
    in and refuses a write from a transaction whose reads another writer overtook."""
    connection = session.connection()
    if connection.dialect.name == "postgresql":
        connection.exec_driver_sql("SELECT pg_advisory_xact_lock(%s)", (KEYS_LOCK,))


def _mark(session: Session) -> str:
    return "?" if session.connection().dialect.paramstyle == "qmark" else "%s"


def write_all(session: Session, blocks: Mapping[str, Sequence[int]],
              keys_of_party: Mapping[int, Sequence[str]]) -> None:
    """Replace every stored key: ``blocks`` (key -> holders, as ``blocking.blocks_of``
    makes them) and ``keys_of_party`` (party -> its keys, the same memberships).

    Blocks are packed in the dict's own order (walking it in key order instead was three
    times slower: the lists are scattered in memory) and then sorted, so that each row lands
    at the end of the key's b-tree (in random order the insert took twice as long); parties
    come in the caller's order (party order for the full refresh)."""
    lock_keys(session)
    connection = session.connection()
    # Emptied with no WHERE: SQLite truncates both tables in one step.
    connection.exec_driver_sql("DELETE FROM match_block")
    connection.exec_driver_sql("DELETE FROM match_party_keys")
    rows = [(key, pack(ids)) for key, ids in blocks.items()]
    rows.sort(key=itemgetter(0))
    insert_rows(session, "match_block (key, members)", rows)
    del rows
    insert_rows(session, "match_party_keys (party_id, keys)",
                ((pid, encode_keys(keys)) for pid, keys in keys_of_party.items() if keys))


#: Rows per INSERT statement of ``insert_rows``.
ROWS_PER_INSERT = 500


def insert_rows(session: Session, into: str, rows: Iterable[tuple], suffix: str = ""
                ) -> None:
    """INSERT ``rows`` (tuples of equal length, consumed in chunks: never all in one list)
    ``into`` "table (columns)", several hundred rows per statement: per row, a driver's
    executemany cost more than the database's own work (at 100,000 parties 0.67 CPU-s for
    the ~390,000 block rows, 0.37 s this way)."""
    connection = session.connection()
    mark = _mark(session)
    statements: dict[int, str] = {}
    it = iter(rows)
    while chunk := list(islice(it, ROWS_PER_INSERT)):
        sql = statements.get(len(chunk))
        if sql is None:
            one = "(" + ", ".join([mark] * len(chunk[0])) + ")"
            sql = statements[len(chunk)] = (f"INSERT INTO {into} VALUES "
                                            + ", ".join([one] * len(chunk)) + suffix)
        connection.exec_driver_sql(sql, tuple(chain.from_iterable(chunk)))


def replace_keys(session: Session, new: Mapping[int, set[str]],
                 old: Mapping[int, set[str]]) -> None:
    """Give each party of ``new`` exactly its keys there (an empty set: none, as for a party
    deleted or merged away); ``old`` holds their stored keys (``keys_of``). Only the blocks
    whose membership changes are read and written back."""
    added: dict[str, list[int]] = {}
    removed: dict[str, set[int]] = {}
    changed: list[int] = []
    for pid, keys in new.items():
        before = old.get(pid, set())
        if keys == before:
            continue
        changed.append(pid)
        for key in keys - before:
            added.setdefault(key, []).append(pid)
        for key in before - keys:
            removed.setdefault(key, set()).add(pid)
    if not changed:
        return
    affected = sorted(added.keys() | removed.keys())
    stored = dict(Reader(session).where_in(
        "SELECT key, members FROM match_block WHERE 1 = 1", "key", affected))
    upserts: list[tuple[str, bytes]] = []
    emptied: list[str] = []
    for key in affected:
        members = set(unpack(stored[key])) if key in stored else set()
        members.difference_update(removed.get(key, ()))
        members.update(added.get(key, ()))
        if members:
            upserts.append((key, pack(sorted(members))))
        elif key in stored:
            emptied.append(key)
    insert_rows(session, "match_block (key, members)", upserts,
                " ON CONFLICT (key) DO UPDATE SET members = excluded.members")
    if emptied:
        session.execute(delete(MatchBlock).where(in_values(session, MatchBlock.key, emptied)))
    session.execute(delete(MatchPartyKeys).where(
        in_values(session, MatchPartyKeys.party_id, sorted(changed))))
    insert_rows(session, "match_party_keys (party_id, keys)",
                [(pid, encode_keys(sorted(new[pid]))) for pid in sorted(changed) if new[pid]])


def keys_of(session: Session, party_ids: Sequence[int]) -> dict[int, set[str]]:
    """The stored blocking keys of these parties (parties holding none are left out)."""
    if not party_ids:
        return {}
    return {pid: set(decode_keys(text)) for pid, text in Reader(session).where_in(
        "SELECT party_id, keys FROM match_party_keys WHERE 1 = 1", "party_id", party_ids)}


def key_sizes(session: Session, keys: Iterable[str]) -> dict[str, int]:
    """How many parties hold each key (keys nobody holds are left out). The length of the
    packed holders, read in SQL: a big block is never loaded."""
    wanted = sorted(keys)
    if not wanted:
        return {}
    reader = Reader(session)
    length = "octet_length" if reader.postgres else "length"
    return dict(reader.where_in(f"SELECT key, {length}(members) / {_ID_BYTES} "
                                "FROM match_block WHERE 1 = 1", "key", wanted))


def members_of(session: Session, keys: Iterable[str]) -> dict[str, list[int]]:
    """The parties holding each key (keys nobody holds are left out)."""
    wanted = sorted(keys)
    if not wanted:
        return {}
    return {key: unpack(blob) for key, blob in Reader(session).where_in(
        "SELECT key, members FROM match_block WHERE 1 = 1", "key", wanted)}


def gone_parties(session: Session) -> set[int]:
    """Parties that still hold stored keys but are no longer compared: deleted (their row
    is gone; nothing cascades into the blocks) or merged away without a refresh. One scan
    of the party ids holding keys against the party table."""
    return {pid for (pid,) in Reader(session).all(
        "SELECT k.party_id FROM match_party_keys k LEFT JOIN party p ON p.id = k.party_id "
        "WHERE p.id IS NULL OR p.merged_into_id IS NOT NULL OR p.kind = 'system'")}


def first_keyed_party(session: Session, after: int) -> int | None:
    """The lowest party id above ``after`` that holds stored keys."""
    return session.scalar(select(MatchPartyKeys.party_id).where(MatchPartyKeys.party_id > after)
                          .order_by(MatchPartyKeys.party_id).limit(1))


def stored_memberships(session: Session) -> tuple[list[tuple[int, str]], list[tuple[int, str]]]:
    """Every (party id, key) as the party rows list them and as the blocks list them, each
    sorted (equal in a consistent store; for tests and checks)."""
    reader = Reader(session)
    by_party = sorted((pid, key) for pid, text in reader.all(
        "SELECT party_id, keys FROM match_party_keys") for key in decode_keys(text))
    by_block = sorted((pid, key) for key, blob in reader.all(
        "SELECT key, members FROM match_block") for pid in unpack(blob))
    return by_party, by_block
