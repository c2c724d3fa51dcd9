"""Multi-row writes use a few fixed statement sizes, so the driver's statement cache reuses
them instead of holding a one-off prepared statement per remainder (20-30 MB of them during
a 100,000-card import), and every row is still written exactly once."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from core.db.base import utcnow
from core.db.models import ActivityEvent
from core.ingest.sqlutil import REMAINDER_ROWS, insert_many, statement_sizes, update_many
from tests.ingest.helpers import count_writes


@pytest.mark.parametrize("count", [0, 1, 3, 99, 100, 499, 500, 501, 987, 1234])
@pytest.mark.parametrize("per_statement", [1, 3, 50, 500])
def test_sizes_cover_every_row_with_a_few_distinct_sizes(count: int, per_statement: int
                                                         ) -> None:
    sizes = statement_sizes(count, per_statement)
    assert sum(sizes) == count
    assert all(1 <= s <= per_statement for s in sizes)
    assert set(sizes) <= {per_statement, *REMAINDER_ROWS}
    assert sizes == sorted(sizes, reverse=True)
    assert len(sizes) <= count // per_statement + 15


def test_writes_reuse_statements_and_keep_every_row(db) -> None:  # noqa: ANN001 - fixture
    texts: set[str] = set()
    total = 0
    for count in (1, 37, 499, 1234, 764):
        rows = [{"kind": "test", "message": f"{count}-{i}", "payload": {"i": i},
                 "created_at": utcnow()} for i in range(count)]
        with db.session() as s, count_writes(db.engine) as writes:
            insert_many(s, ActivityEvent, rows)
            s.commit()
        texts.update(writes)
        total += count
    assert len(texts) <= 1 + len(REMAINDER_ROWS)  # one text per statement size
    with db.session() as s:
        stored = s.execute(select(ActivityEvent.id, ActivityEvent.message, ActivityEvent.payload)
                           .order_by(ActivityEvent.id)).all()
        assert len(stored) == total
        assert [m for _, m, _ in stored[:1 + 37]] == ["1-0"] + [f"37-{i}" for i in range(37)]
        assert stored[-1][1:] == ("764-763", {"i": 763})
        changes = [{"_key": sid, "message": f"changed {sid}"} for sid, _, _ in stored[:613]]
        update_many(s, ActivityEvent, "id", changes)
        s.commit()
        messages = s.scalars(select(ActivityEvent.message).order_by(ActivityEvent.id)).all()
    assert messages[:613] == [f"changed {sid}" for sid, _, _ in stored[:613]]
    assert messages[613:] == [m for _, m, _ in stored[613:]]
