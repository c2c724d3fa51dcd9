"""A real Xandikos CardDAV server for tests and benchmarks (the second server beside Radicale).

Xandikos (Git-backed, the engine family several self-hosted setups use) differs from
Radicale in its XML, its ETags, its sync tokens and how it pages answers, so the CardDAV
provider tests run against both: a server difference then breaks CI, not a user's sync.
The server runs as a subprocess on a port the kernel picks (``xandikos_launcher.py``), with
its data in a temporary folder, and is always stopped on exit. ``tls=True`` serves HTTPS
with a fresh self-signed certificate (Xandikos' ``--autocert``, given our certificate so it
is valid for 127.0.0.1); the handle carries its fingerprint and CA file.

Xandikos authenticates nobody itself unless given an htpasswd file (HTTPS only), so the
plain variant accepts any client; tests that check passwords use Radicale.

The same helper methods as :class:`tests.servers.radicale.RadicaleServer` (``book_url``,
``create_addressbook``, ``put_card``, ``delete_card``, ``load_cards``...), so a test can be
parametrised over both servers.
"""

from __future__ import annotations

import contextlib
import os
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import requests

from tests.servers.dav_client import DavServerHelpers
from tests.servers.radicale import make_vcard
from tests.servers.tls_cert import SelfSigned, make_self_signed

_STARTUP_TIMEOUT = 30.0
_LAUNCHER = Path(__file__).with_name("xandikos_launcher.py")
#: Where ``--defaults`` puts the principal's address books.
HOME = "/user/contacts/"


@dataclass
class XandikosServer(DavServerHelpers):
    """Handle on a running Xandikos: URL, data folder, HTTP helpers."""

    url: str
    data_dir: Path
    process: subprocess.Popen[bytes]
    log_path: Path
    user: str = "alice"
    password: str = "unused-by-xandikos"
    tls: SelfSigned | None = None
    session: requests.Session = field(default_factory=requests.Session)
    kind: str = "xandikos"

    def __post_init__(self) -> None:
        if self.tls is not None:
            # Not from REQUESTS_CA_BUNDLE & co: requests lets those override session.verify.
            self.session.trust_env = False
            self.session.verify = str(self.tls.cert_path)

    # -- URLs and paths --------------------------------------------------------------------
    def book_path(self, book: str, user: str | None = None) -> str:
        return f"{HOME}{book}/"

    def book_url(self, book: str, user: str | None = None) -> str:
        return self.url.rstrip("/") + self.book_path(book)

    def collection_dir(self, book: str) -> Path:
        return self.data_dir / HOME.strip("/") / book

    # -- HTTP helpers (create_addressbook, put_card, ... in DavServerHelpers) -----------------
    def load_cards(self, book: str, count: int, *, start: int = 0,
                   displayname: str | None = None,
                   make_card: Callable[[int], str] = make_vcard) -> list[str]:
        """Create ``book`` if needed and add ``count`` cards in ONE Git commit.

        Thousands of PUTs would each be a commit (minutes for the benchmark's 10,000 cards);
        writing the files, the index and one commit with dulwich is what Xandikos itself
        does per card, done once. Returns the file names written.
        """
        if not (self.collection_dir(book) / ".git").exists():
            self.create_addressbook(book, displayname)
        from dulwich.index import index_entry_from_stat
        from dulwich.objects import Blob
        from dulwich.repo import Repo

        folder = self.collection_dir(book)
        repo = Repo(str(folder))
        index = repo.open_index()
        blobs = []
        names = []
        for number in range(start, start + count):
            name = f"card-{number:06d}.vcf"
            data = make_card(number).encode("utf-8")
            path = folder / name
            path.write_bytes(data)
            blob = Blob.from_string(data)
            blobs.append((blob, None))
            index[name.encode()] = index_entry_from_stat(os.lstat(path), blob.id)
            names.append(name)
        repo.object_store.add_objects(blobs)
        index.write()
        tree = index.commit(repo.object_store)
        repo.get_worktree().commit(message=b"Kith test: bulk load", tree=tree)
        repo.close()
        return names


def _wait_for_port(process: subprocess.Popen[bytes], port_file: Path, scheme: str,
                   verify: str | bool) -> int | None:
    deadline = time.monotonic() + _STARTUP_TIMEOUT
    while time.monotonic() < deadline:
        if process.poll() is not None:
            return None
        if port_file.exists():
            port = int(port_file.read_text(encoding="utf-8").split()[1])
            try:
                requests.request("OPTIONS", f"{scheme}://127.0.0.1:{port}/", timeout=5,
                                 verify=verify)
                return port
            except requests.RequestException:
                pass
        time.sleep(0.05)
    return None


@contextlib.contextmanager
def run_xandikos(root: Path, *, tls: bool = False) -> Iterator[XandikosServer]:
    """Start Xandikos under ``root`` (``--defaults``: principal /user/, books under
    /user/contacts/) and stop it on exit."""
    root.mkdir(parents=True, exist_ok=True)
    data = root / "data"
    state = root / "state"
    log_path = root / "xandikos.log"
    port_file = root / "xandikos.port"
    port_file.unlink(missing_ok=True)
    cert = make_self_signed(state / "certs") if tls else None
    args = ["-d", str(data), "--autocreate", "--current-user-principal", "/user/",
            "-l", "127.0.0.1", "-p", "1", "--state-dir", str(state), "--no-detect-systemd"]
    if tls:
        args.append("--autocert")
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    with log_path.open("ab") as log:
        process = subprocess.Popen(
            [sys.executable, "-P", str(_LAUNCHER), str(port_file), *args],
            stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, env=env)
    server = XandikosServer(url="", data_dir=data, process=process, log_path=log_path,
                            tls=cert)
    try:
        scheme = "https" if tls else "http"
        port = _wait_for_port(process, port_file, scheme,
                              str(cert.cert_path) if cert else True)
        if port is None:
            raise RuntimeError(f"Xandikos did not start; see {log_path}:\n"
                               + log_path.read_text(errors="replace")[-2000:])
        server.url = f"{scheme}://127.0.0.1:{port}/"
        yield server
    finally:
        server.stop()


@pytest.fixture
def xandikos_server(tmp_path: Path) -> Iterator[XandikosServer]:
    """Xandikos over plain HTTP (any client accepted)."""
    with run_xandikos(tmp_path / "xandikos") as server:
        yield server


@pytest.fixture
def xandikos_tls_server(tmp_path: Path) -> Iterator[XandikosServer]:
    """Xandikos over HTTPS with a self-signed certificate (``server.tls``)."""
    with run_xandikos(tmp_path / "xandikos-tls", tls=True) as server:
        yield server
