"""blocking keys stored one row per key (its holders packed) and one per party (its keys),
instead of one row per (party, key): a 100,000-party book's full refresh wrote ~1.7 million
rows and two indexes (~5 CPU-seconds), now ~0.5 million rows (core.match.key_store).

The stored keys are carried over, so the next refresh of an upgraded book is incremental as
before (its keys are the same memberships, only stored differently). Downgrade carries them
back, for the parties that are still there.

Revision ID: 0009
Revises: 0008
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.orm import Session

revision: str = "0009"
down_revision: str | Sequence[str] | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    from core.match.key_store import write_all

    op.create_table(
        "match_block",
        sa.Column("key", sa.String(length=255), nullable=False),
        sa.Column("members", sa.LargeBinary(), nullable=False),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_match_block")),
        sqlite_with_rowid=False,
    )
    op.create_table(
        "match_party_keys",
        sa.Column("party_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("keys", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("party_id", name=op.f("pk_match_party_keys")),
    )
    blocks: dict[str, list[int]] = {}
    keys_of_party: dict[int, list[str]] = {}
    rows = op.get_bind().exec_driver_sql(
        "SELECT party_id, key FROM match_key ORDER BY party_id, key")
    for pid, key in rows:
        blocks.setdefault(key, []).append(pid)
        keys_of_party.setdefault(pid, []).append(key)
    write_all(Session(bind=op.get_bind()), blocks, keys_of_party)
    op.drop_table("match_key")


def downgrade() -> None:
    from core.match.key_store import decode_keys

    op.create_table(
        "match_key",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("party_id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=255), nullable=False),
        sa.ForeignKeyConstraint(["party_id"], ["party.id"],
                                name=op.f("fk_match_key_party_id_party"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_match_key")),
    )
    bind = op.get_bind()
    # Parties deleted since the last refresh still hold keys here; the old table's foreign
    # key would refuse them (and they pair nothing).
    rows = bind.exec_driver_sql(
        "SELECT k.party_id, k.keys FROM match_party_keys k JOIN party p ON p.id = k.party_id "
        "ORDER BY k.party_id").all()
    table = sa.table("match_key", sa.column("party_id"), sa.column("key"))
    values = [{"party_id": pid, "key": key} for pid, text in rows for key in decode_keys(text)]
    if values:
        bind.execute(table.insert(), values)
    with op.batch_alter_table("match_key", schema=None) as batch_op:
        batch_op.create_index("ix_match_key_key", ["key"], unique=False)
        batch_op.create_index("ix_match_key_party_id", ["party_id"], unique=False)
    op.drop_table("match_party_keys")
    op.drop_table("match_block")
