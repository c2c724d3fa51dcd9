"""duplicate model estimates (versioned weights learnt from the owner's data) and the
level pattern of each suggestion (decisions re-weigh pairs like the one decided).

Revision ID: 0006
Revises: 0005
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from core.db.base import JSONType, UTCDateTime

revision: str = "0006"
down_revision: str | Sequence[str] | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "match_model",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("version", sa.String(length=32), nullable=False),
        sa.Column("params", JSONType, nullable=False),
        sa.Column("parties", sa.Integer(), nullable=False),
        sa.Column("pairs", sa.Integer(), nullable=False),
        sa.Column("labels", sa.Integer(), nullable=False),
        sa.Column("iterations", sa.Integer(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_match_model")),
        sa.UniqueConstraint("version", name=op.f("uq_match_model_version")),
    )
    with op.batch_alter_table("merge_suggestion", schema=None) as batch_op:
        batch_op.add_column(sa.Column("pattern", sa.String(length=32), nullable=False,
                                      server_default=""))
        batch_op.create_index("ix_merge_suggestion_pattern", ["pattern"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("merge_suggestion", schema=None) as batch_op:
        batch_op.drop_index("ix_merge_suggestion_pattern")
        batch_op.drop_column("pattern")
    op.drop_table("match_model")
