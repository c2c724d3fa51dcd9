"""Plain-SQL reads over a list of ids or keys, for the refresh's bulk loads.

The refresh reads hundreds of thousands of small rows per import batch (features of every
partner of the batch, blocking-key members); building SQLAlchemy rows for them costs as much
as SQLite's own work. These reads go to the driver cursor directly, with the whole list bound
as ONE parameter like ``sqlutil.in_values``: a JSON array unpacked by ``json_each`` on
SQLite, an array compared with ``= ANY`` on PostgreSQL.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from sqlalchemy.orm import Session


class Reader:
    """Runs statements on the session's connection (its transaction sees the batch's own
    writes), optionally restricted to ``column IN values``."""

    def __init__(self, session: Session) -> None:
        connection = session.connection()
        dialect = connection.dialect
        self._cursor_of = connection.connection.cursor
        self.postgres = dialect.name == "postgresql"
        self.mark = "?" if dialect.paramstyle == "qmark" else "%s"

    def all(self, sql: str, params: Sequence[Any] = ()) -> list[tuple]:
        cursor = self._cursor_of()
        try:
            cursor.execute(sql, tuple(params))
            return cursor.fetchall()
        finally:
            cursor.close()

    def where_in(self, sql: str, column: str, values: Sequence[Any], suffix: str = ""
                 ) -> list[tuple]:
        """``sql`` (which must end in a WHERE clause) AND ``column`` IN ``values``."""
        if self.postgres:
            return self.all(f"{sql} AND {column} = ANY({self.mark}){suffix}", (list(values),))
        return self.all(f"{sql} AND {column} IN (SELECT value FROM json_each({self.mark}))"
                        f"{suffix}", (json.dumps(list(values), ensure_ascii=False),))
