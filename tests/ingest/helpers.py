"""Inspection helpers for write-path tests: a write counter and a state snapshot."""

from __future__ import annotations

from contextlib import contextmanager

from sqlalchemy import event, select

from core.db.models import Handle, Party, PartyHandleLink, SourceRecord


@contextmanager
def count_writes(engine):
    """Counts INSERT/UPDATE/DELETE statements sent to the database inside the block."""
    writes: list[str] = []

    def before(conn, cursor, statement, parameters, context, executemany):  # noqa: ARG001
        verb = statement.lstrip().split(None, 1)[0].upper()
        if verb in ("INSERT", "UPDATE", "DELETE"):
            writes.append(statement)

    event.listen(engine, "before_cursor_execute", before)
    try:
        yield writes
    finally:
        event.remove(engine, "before_cursor_execute", before)


def snapshot(session) -> dict:
    """Everything identity-relevant, keyed by stable values rather than row ids."""
    names = dict(session.execute(select(Party.id, Party.display_name)).all())
    records = sorted(
        (ext, names.get(pid))
        for ext, pid in session.execute(select(SourceRecord.external_id, SourceRecord.party_id))
    )
    handles = sorted(
        (plat, val, names.get(pid))
        for plat, val, pid in session.execute(
            select(Handle.platform, Handle.value, Handle.party_id))
    )
    links = sorted(
        (names.get(pid), plat, val, conf, confd, dism)
        for pid, plat, val, conf, confd, dism in session.execute(
            select(PartyHandleLink.party_id, Handle.platform, Handle.value,
                   PartyHandleLink.confidence, PartyHandleLink.is_confirmed,
                   PartyHandleLink.is_dismissed)
            .join(Handle, Handle.id == PartyHandleLink.handle_id)
        )
    )
    counts = sorted(
        session.execute(select(Party.display_name, Party.handle_count)).all()
    )
    return {"records": records, "handles": handles, "links": links, "counts": counts,
            "parties": sorted(names.values())}


def owner_name(session, platform: str, value: str) -> str | None:
    pid = session.scalar(
        select(Handle.party_id).where(Handle.platform == platform, Handle.value == value)
    )
    return None if pid is None else session.get(Party, pid).display_name


def party_id_of(session, account_id: int, ext: str) -> int | None:
    return session.scalar(
        select(SourceRecord.party_id).where(
            SourceRecord.account_id == account_id, SourceRecord.external_id == ext
        )
    )


def handle_id(session, platform: str, value: str) -> int:
    return session.scalar(
        select(Handle.id).where(Handle.platform == platform, Handle.value == value)
    )
