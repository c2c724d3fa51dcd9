"""Shared fixtures: a fresh SQLite file or a fresh PostgreSQL database per test."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


@pytest.fixture
def sqlite_database_url(tmp_path) -> str:
    return f"sqlite:///{tmp_path / 'kith.sqlite'}"


@pytest.fixture(scope="session")
def _sqlite_template(tmp_path_factory) -> Path:
    from core.db.engine import open_database

    path = tmp_path_factory.mktemp("template") / "kith.sqlite"
    open_database(f"sqlite:///{path}").dispose()
    return path


@pytest.fixture
def sqlite_migrated_url(tmp_path, _sqlite_template) -> str:
    """URL of a new SQLite file already at the current schema (a copy of a template)."""
    target = tmp_path / "kith.sqlite"
    shutil.copyfile(_sqlite_template, target)
    return f"sqlite:///{target}"


@pytest.fixture(scope="session")
def postgres_cluster() -> Iterator[object]:
    from tests.servers.postgres import PostgresCluster, find_bindir

    if find_bindir() is None:
        if os.environ.get("CI"):
            pytest.fail("PostgreSQL server binaries are required in CI")
        pytest.skip("PostgreSQL server binaries not installed")
    cluster = PostgresCluster().start()
    try:
        yield cluster
    finally:
        cluster.stop()


@pytest.fixture
def pg_database_url(postgres_cluster) -> str:
    """URL of a brand-new empty PostgreSQL database on the throwaway cluster."""
    return postgres_cluster.create_database()


@pytest.fixture(scope="session")
def _pg_shared_migrated(postgres_cluster) -> str:
    return postgres_cluster.create_database(template=postgres_cluster.migrated_template())


@pytest.fixture
def pg_migrated_url(postgres_cluster, _pg_shared_migrated) -> str:
    """URL of a PostgreSQL database at the current schema with every table empty."""
    postgres_cluster.reset_database(_pg_shared_migrated)
    return _pg_shared_migrated


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request) -> str:
    """Runs a test on both engines."""
    if request.param == "sqlite":
        return request.getfixturevalue("sqlite_migrated_url")
    return request.getfixturevalue("pg_migrated_url")


@pytest.fixture
def db(database_url):
    """An open, migrated Database on SQLite and on PostgreSQL."""
    from core.db.engine import open_database

    database = open_database(database_url)
    yield database
    database.dispose()


@pytest.fixture
def sqlite_db(sqlite_migrated_url):
    from core.db.engine import open_database

    database = open_database(sqlite_migrated_url)
    yield database
    database.dispose()
