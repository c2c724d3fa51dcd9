"""review engine: blocking keys for incremental duplicate search, temp-contact claims.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-26 03:50:00

"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from core.db.base import UTCDateTime

revision: str = '0002'
down_revision: str | Sequence[str] | None = '0001'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('match_key',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('party_id', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=255), nullable=False),
    sa.ForeignKeyConstraint(['party_id'], ['party.id'], name=op.f('fk_match_key_party_id_party'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_match_key'))
    )
    with op.batch_alter_table('match_key', schema=None) as batch_op:
        batch_op.create_index('ix_match_key_key', ['key'], unique=False)
        batch_op.create_index('ix_match_key_party_id', ['party_id'], unique=False)

    op.create_table('temp_contact_claim',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('handle_id', sa.Integer(), nullable=False),
    sa.Column('party_id', sa.Integer(), nullable=True),
    sa.Column('created_at', UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['handle_id'], ['handle.id'], name=op.f('fk_temp_contact_claim_handle_id_handle'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['party_id'], ['party.id'], name=op.f('fk_temp_contact_claim_party_id_party'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_temp_contact_claim')),
    sa.UniqueConstraint('handle_id', name=op.f('uq_temp_contact_claim_handle_id'))
    )


def downgrade() -> None:
    op.drop_table('temp_contact_claim')
    with op.batch_alter_table('match_key', schema=None) as batch_op:
        batch_op.drop_index('ix_match_key_party_id')
        batch_op.drop_index('ix_match_key_key')
    op.drop_table('match_key')
