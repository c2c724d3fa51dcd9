"""contact list speed: a covering index for the list order, one-letter FTS prefixes.

Revision ID: 0003
Revises: 0002
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0003"
down_revision: str | Sequence[str] | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_TRIGGERS = ("party_fts_ai", "party_fts_ad", "party_fts_au")


def _fts(prefix: str) -> list[str]:
    return [
        "CREATE VIRTUAL TABLE party_fts USING fts5(search_text, content='party', "
        f"content_rowid='id', tokenize=\"unicode61 remove_diacritics 2\", prefix='{prefix}')",
        "CREATE TRIGGER party_fts_ai AFTER INSERT ON party BEGIN "
        "INSERT INTO party_fts(rowid, search_text) VALUES (new.id, new.search_text); END",
        "CREATE TRIGGER party_fts_ad AFTER DELETE ON party BEGIN "
        "INSERT INTO party_fts(party_fts, rowid, search_text) "
        "VALUES ('delete', old.id, old.search_text); END",
        "CREATE TRIGGER party_fts_au AFTER UPDATE OF search_text ON party BEGIN "
        "INSERT INTO party_fts(party_fts, rowid, search_text) "
        "VALUES ('delete', old.id, old.search_text); "
        "INSERT INTO party_fts(rowid, search_text) VALUES (new.id, new.search_text); END",
        "INSERT INTO party_fts(party_fts) VALUES ('rebuild')",
    ]


def _replace_fts(prefix: str) -> None:
    for name in _TRIGGERS:
        op.execute(f"DROP TRIGGER IF EXISTS {name}")
    op.execute("DROP TABLE IF EXISTS party_fts")
    for statement in _fts(prefix):
        op.execute(statement)


def upgrade() -> None:
    with op.batch_alter_table("party", schema=None) as batch_op:
        batch_op.create_index(
            "ix_party_list_order", ["merged_into_id", "archived_at", "sort_name", "id"]
        )
    if op.get_bind().dialect.name == "sqlite":
        # One-letter searches ("a") become an index lookup instead of a scan of every term.
        _replace_fts("1 2 3")


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        _replace_fts("2 3")
    with op.batch_alter_table("party", schema=None) as batch_op:
        batch_op.drop_index("ix_party_list_order")
