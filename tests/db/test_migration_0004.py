"""Revision 0004 (party_fact) goes down to 0003 and up again, keeping the rest intact."""

from __future__ import annotations

from alembic import command
from sqlalchemy import inspect, text

from core.db import migrate
from core.db.engine import make_engine


def test_party_fact_downgrades_and_upgrades(database_url: str) -> None:
    engine = make_engine(database_url)
    try:
        cfg = migrate.alembic_config(engine)
        assert "party_fact" in inspect(engine).get_table_names()
        command.downgrade(cfg, "0003")
        assert "party_fact" not in inspect(engine).get_table_names()
        with engine.connect() as conn:
            assert conn.execute(text("SELECT version_num FROM alembic_version")).scalar_one() \
                == "0003"
        command.upgrade(cfg, "heads")
        indexes = {ix["name"] for ix in inspect(engine).get_indexes("party_fact")}
        assert indexes == {"ix_party_fact_party_id", "ix_party_fact_source_record_id"}
    finally:
        engine.dispose()
