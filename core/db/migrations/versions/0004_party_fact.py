"""lossless contacts: party_fact holds organisations, related people, gender, phonetic names,
time zone, geo, languages and file-as per source record (issue 14).

Revision ID: 0004
Revises: 0003
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0004"
down_revision: str | Sequence[str] | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "party_fact",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("party_id", sa.Integer(), nullable=False),
        sa.Column("source_record_id", sa.Integer(), nullable=True),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("label", sa.String(length=64), nullable=False),
        sa.Column("value", sa.Text(), nullable=False),
        sa.Column("data", sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()),
                                               "postgresql"), nullable=True),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["party_id"], ["party.id"],
                                name=op.f("fk_party_fact_party_id_party"), ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["source_record_id"], ["source_record.id"],
                                name=op.f("fk_party_fact_source_record_id_source_record"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_party_fact")),
    )
    with op.batch_alter_table("party_fact", schema=None) as batch_op:
        batch_op.create_index("ix_party_fact_party_id", ["party_id"], unique=False)
        batch_op.create_index("ix_party_fact_source_record_id", ["source_record_id"],
                              unique=False)


def downgrade() -> None:
    with op.batch_alter_table("party_fact", schema=None) as batch_op:
        batch_op.drop_index("ix_party_fact_source_record_id")
        batch_op.drop_index("ix_party_fact_party_id")
    op.drop_table("party_fact")
