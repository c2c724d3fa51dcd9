"""A throwaway PostgreSQL cluster on loopback for the tests.

Debian's server binaries live in /usr/lib/postgresql/<ver>/bin. The server refuses to run as
root, so when the tests run as root the cluster is owned by and started as the ``postgres``
system user. Trust authentication on 127.0.0.1 only; everything is removed at the end.
"""

from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path


def find_bindir() -> Path | None:
    for candidate in sorted(glob.glob("/usr/lib/postgresql/*/bin"), reverse=True):
        if Path(candidate, "initdb").exists():
            return Path(candidate)
    initdb = shutil.which("initdb")
    return Path(initdb).parent if initdb else None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class PostgresCluster:
    """initdb + pg_ctl start on a random port; ``create_database()`` gives fresh URLs."""

    def __init__(self) -> None:
        bindir = find_bindir()
        if bindir is None:
            raise RuntimeError("PostgreSQL server binaries not found (apt-get install postgresql)")
        self.bindir = bindir
        self.root = Path(tempfile.mkdtemp(prefix="kith-pg-"))
        self.data = self.root / "data"
        self.port = _free_port()
        self._counter = 0
        self._as_user: list[str] = []
        if os.geteuid() == 0:
            self._as_user = ["runuser", "-u", "postgres", "--"]
            shutil.chown(self.root, "postgres", "postgres")
            os.chmod(self.root, 0o700)

    def _run(self, *args: str) -> None:
        subprocess.run([*self._as_user, *args], check=True, capture_output=True, timeout=120)

    def start(self) -> PostgresCluster:
        self._run(str(self.bindir / "initdb"), "-D", str(self.data), "-A", "trust",
                  "-U", "postgres", "--no-sync", "-E", "UTF8", "--locale=C")
        opts = (f"-c listen_addresses=127.0.0.1 -c port={self.port} "
                f"-c unix_socket_directories={self.root} -c fsync=off "
                "-c synchronous_commit=off -c full_page_writes=off -c max_connections=200")
        self._run(str(self.bindir / "pg_ctl"), "-D", str(self.data), "-o", opts,
                  "-l", str(self.root / "server.log"), "-w", "-t", "60", "start")
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=1):
                    return self
            except OSError:
                time.sleep(0.1)
        raise RuntimeError("PostgreSQL did not start listening")

    def url(self, database: str = "postgres") -> str:
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/{database}"

    def create_database(self, template: str | None = None) -> str:
        """A new database, empty or copied from ``template`` (much faster than migrating)."""
        import psycopg

        self._counter += 1
        name = f"kith_test_{os.getpid()}_{self._counter}"
        suffix = f' TEMPLATE "{template}" STRATEGY FILE_COPY' if template else ""
        with psycopg.connect(f"host=127.0.0.1 port={self.port} user=postgres dbname=postgres",
                             autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"{suffix}')
        return self.url(name)

    def migrated_template(self) -> str:
        """Name of a database migrated to head once, to clone per test."""
        if not hasattr(self, "_template"):
            from core.db.engine import open_database

            url = self.create_database()
            open_database(url).dispose()
            self._template = url.rsplit("/", 1)[1]
        return self._template

    def reset_database(self, url: str) -> None:
        """Empty every table of a migrated database (much faster than a new database)."""
        import psycopg

        dbname = url.rsplit("/", 1)[1]
        with psycopg.connect(f"host=127.0.0.1 port={self.port} user=postgres dbname={dbname}",
                             autocommit=True) as conn:
            tables = [r[0] for r in conn.execute(
                "SELECT tablename FROM pg_tables WHERE schemaname = 'public' "
                "AND tablename <> 'alembic_version'")]
            if tables:
                conn.execute("TRUNCATE " + ", ".join(f'"{t}"' for t in tables)
                             + " RESTART IDENTITY CASCADE")

    def stop(self) -> None:
        try:
            self._run(str(self.bindir / "pg_ctl"), "-D", str(self.data), "-m", "immediate", "stop")
        except Exception:  # noqa: BLE001 - best effort at teardown
            pass
        shutil.rmtree(self.root, ignore_errors=True)
