"""The write path's lookups stay index lookups on a SQLite database without planner statistics
(a first big import runs before any ANALYZE): no query may walk every record of an account
or every party per batch, which made a 100,000-card import superlinear."""

from __future__ import annotations

import re

from sqlalchemy import event

from core.db.engine import Database
from core.ingest.engine import ingest_contacts
from tests.factories import add_account, contact

#: A plan step that reads every row of a growing table (per batch, or per probe).
_WHOLE_TABLE = re.compile(
    r"SCAN (source_record|record_handle|party|party_handle_link|handle)\b"
    r"|SEARCH source_record USING INDEX sqlite_autoindex_source_record_1 \(account_id=\?\)$"
    r"|SEARCH party USING (COVERING )?INDEX ix_party_list_order")


def test_batch_lookups_use_indexes_without_statistics(sqlite_db: Database) -> None:
    with sqlite_db.session() as s:
        acc = add_account(s, region="DE")
        # Cards sharing numbers in one book: the batch after them looks the holders up.
        ingest_contacts(s, acc, [
            contact(f"old{i}", f"Old{i} Person", phones=(f"+49 151 3018{i % 50:03d}",),
                    emails=(f"old{i}@example.org",)) for i in range(300)])
        s.commit()
        assert s.connection().exec_driver_sql(
            "SELECT name FROM sqlite_master WHERE name = 'sqlite_stat1'").first() is None
        statements: list[tuple[str, object]] = []

        def remember(_conn, _cursor, statement, parameters, _context, many) -> None:  # noqa: ANN001
            if statement.lstrip().upper().startswith("SELECT") and not many:
                statements.append((statement, parameters))

        event.listen(sqlite_db.engine, "before_cursor_execute", remember)
        try:
            ingest_contacts(s, acc, [
                contact(f"new{i}", f"New{i} Person", phones=(f"+49 151 3018{i % 50:03d}",),
                        emails=(f"old{i}@example.org",)) for i in range(100)])
        finally:
            event.remove(sqlite_db.engine, "before_cursor_execute", remember)
        holders = [st for st, _ in statements if "FROM record_handle JOIN source_record" in st]
        assert holders, "the batch never looked up the other holders of its numbers"
        bad = []
        for statement, parameters in statements:
            plan = [row[3] for row in s.connection().exec_driver_sql(
                "EXPLAIN QUERY PLAN " + statement, parameters)]
            bad += [(" ".join(statement.split())[:120], step) for step in plan
                    if _WHOLE_TABLE.search(step)]
        assert bad == []
