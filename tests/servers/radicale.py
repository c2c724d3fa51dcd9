"""A real Radicale CardDAV server for tests and benchmarks.

Tests talk to an actual Radicale process over loopback so the CardDAV provider is checked
against a real server's XML, sync tokens and auth behaviour rather than canned responses.
The server runs as a subprocess (its own interpreter, its own locks) on a random free port
with storage in a temporary folder; :func:`run_radicale` always stops it on exit.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import requests

from tests.servers.dav_client import DavServerHelpers

#: Default credentials of the htpasswd variant. Tests must never see them in error messages.
AUTH_USER = "alice"
AUTH_PASSWORD = "s3cret-Pa55word"

_STARTUP_TIMEOUT = 15.0
_LAUNCHER = Path(__file__).with_name("radicale_launcher.py")


def make_vcard(index: int, *, uid: str | None = None, version: int = 0) -> str:
    """A small, valid vCard 3.0; ``version`` changes the content so the ETag changes."""
    uid = uid or f"card-{index:06d}"
    suffix = f" v{version}" if version else ""
    return (
        "BEGIN:VCARD\r\n"
        "VERSION:3.0\r\n"
        f"UID:{uid}\r\n"
        f"FN:Person {index}{suffix}\r\n"
        f"N:{index}{suffix};Person;;;\r\n"
        f"EMAIL;TYPE=INTERNET,HOME:person{index}@example.org\r\n"
        f"TEL;TYPE=CELL:+1 555 {index % 10000:04d}\r\n"
        "ORG:Example Corp\r\n"
        f"CATEGORIES:{'Friends' if index % 2 else 'Work'}\r\n"
        "END:VCARD\r\n"
    )


@dataclass
class RadicaleServer(DavServerHelpers):
    """Handle on a running Radicale: its URL, storage folder and HTTP helpers."""

    warm_up_depth = "0"  # Radicale lists a collection's members for a Depth: 0 REPORT

    url: str
    storage_dir: Path
    user: str
    password: str
    process: subprocess.Popen[bytes]
    log_path: Path
    session: requests.Session = field(default_factory=requests.Session)
    kind: str = "radicale"

    def __post_init__(self) -> None:
        self.session.auth = (self.user, self.password)

    # -- URLs and paths --------------------------------------------------------------------
    def book_path(self, book: str, user: str | None = None) -> str:
        return f"/{user or self.user}/{book}/"

    def book_url(self, book: str, user: str | None = None) -> str:
        return self.url.rstrip("/") + self.book_path(book, user)

    def collection_dir(self, book: str, user: str | None = None) -> Path:
        return self.storage_dir / "collection-root" / (user or self.user) / book

    # -- HTTP helpers (create_addressbook, put_card, ... in DavServerHelpers) -----------------
    def load_cards(self, book: str, count: int, *, start: int = 0,
                   displayname: str | None = None,
                   make_card: Callable[[int], str] = make_vcard) -> list[str]:
        """Create ``book`` if needed and write ``count`` cards straight into its folder
        (the same call as :meth:`tests.servers.xandikos.XandikosServer.load_cards`)."""
        folder = self.collection_dir(book)
        if not (folder / ".Radicale.props").exists():
            ensure_addressbook_dir(self.storage_dir, self.user, book, displayname)
        return bulk_load_cards(folder, count, start=start, make_card=make_card)


def ensure_addressbook_dir(storage_dir: Path, user: str, book: str,
                           displayname: str | None = None) -> Path:
    """Create an address book straight in Radicale's storage (no HTTP), e.g. before start-up."""
    folder = storage_dir / "collection-root" / user / book
    folder.mkdir(parents=True, exist_ok=True)
    props = {"tag": "VADDRESSBOOK", "D:displayname": displayname or book}
    (folder / ".Radicale.props").write_text(json.dumps(props), encoding="utf-8")
    return folder


def bulk_load_cards(collection_dir: Path, count: int, *, start: int = 0,
                    make_card: Callable[[int], str] = make_vcard) -> list[str]:
    """Write ``count`` .vcf files directly into a Radicale collection folder.

    Much faster than ``count`` PUTs (the benchmark loads 10,000 cards); Radicale reads the
    folder on the next request. Returns the file names written (``card-NNNNNN.vcf``).
    """
    if not (collection_dir / ".Radicale.props").exists():
        raise FileNotFoundError(f"{collection_dir} is not a Radicale collection (no props)")
    names = []
    for index in range(start, start + count):
        name = f"card-{index:06d}.vcf"
        (collection_dir / name).write_text(make_card(index), encoding="utf-8", newline="")
        names.append(name)
    return names


def _storage_folder(root: Path, in_memory: bool) -> Path:
    """Radicale's storage: a tmpfs folder when possible (Radicale writes several cache files
    per card, which is slow on some disks), else ``root/storage``."""
    shm = Path("/dev/shm")
    if in_memory and shm.is_dir() and os.access(shm, os.W_OK):
        return Path(tempfile.mkdtemp(prefix="kith-radicale-", dir=shm))
    folder = root / "storage"
    folder.mkdir(exist_ok=True)
    return folder


def _write_config(root: Path, storage: Path, port: int, htpasswd: Path | None) -> Path:
    auth = (
        f"type = htpasswd\nhtpasswd_filename = {htpasswd}\nhtpasswd_encryption = plain\n"
        if htpasswd else "type = none\n"
    )
    config = (
        f"[server]\nhosts = 127.0.0.1:{port}\n\n"
        f"[auth]\n{auth}delay = 0\n\n"
        "[rights]\ntype = owner_only\n\n"
        f"[storage]\nfilesystem_folder = {storage}\n\n"
        "[web]\ntype = none\n\n"
        "[logging]\nlevel = warning\nmask_passwords = True\n"
    )
    path = root / "radicale.conf"
    path.write_text(config, encoding="utf-8")
    return path


def _wait_for_port(process: subprocess.Popen[bytes], port_file: Path) -> int | None:
    """Poll for the launcher's port file (written once the socket listens), then check HTTP."""
    deadline = time.monotonic() + _STARTUP_TIMEOUT
    while time.monotonic() < deadline:
        if process.poll() is not None:
            return None
        if port_file.exists():
            port = int(port_file.read_text(encoding="utf-8").split()[1])
            try:
                requests.request("OPTIONS", f"http://127.0.0.1:{port}/", timeout=5)
                return port
            except requests.RequestException:
                pass
        time.sleep(0.02)
    return None


@contextlib.contextmanager
def run_radicale(root: Path, *, user: str = AUTH_USER, password: str = AUTH_PASSWORD,
                 with_auth: bool = False, fsync: bool = False,
                 storage_in_memory: bool = True) -> Iterator[RadicaleServer]:
    """Start Radicale under ``root`` and stop it on exit.

    ``with_auth=False`` uses auth type ``none`` (any password is accepted, but the client must
    still send a user name because rights are owner-only); ``with_auth=True`` checks the
    password against a plain htpasswd file holding ``user:password``. ``fsync=False``
    (Radicale's internal ``_filesystem_fsync``, set by ``radicale_launcher.py``) stops
    Radicale fsyncing every cache file it writes, which otherwise dominates the first sync of
    thousands of cards. ``storage_in_memory`` puts the storage on /dev/shm when available
    (removed on exit); ``server.storage_dir`` always names the folder in use.
    """
    root.mkdir(parents=True, exist_ok=True)
    storage = _storage_folder(root, storage_in_memory)
    htpasswd = None
    if with_auth:
        htpasswd = root / "users"
        htpasswd.write_text(f"{user}:{password}\n", encoding="utf-8")
    log_path = root / "radicale.log"
    # Port 1 is a placeholder: the launcher binds port 0 and reports the real port.
    config = _write_config(root, storage, 1, htpasswd)
    port_file = root / "radicale.port"
    port_file.unlink(missing_ok=True)
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    with log_path.open("ab") as log:
        process = subprocess.Popen(
            [sys.executable, "-P", str(_LAUNCHER), str(config), "1" if fsync else "0",
             str(port_file)],
            stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, env=env,
        )
    server = RadicaleServer(url="", storage_dir=storage, user=user, password=password,
                            process=process, log_path=log_path)
    try:
        port = _wait_for_port(process, port_file)
        if port is None:
            raise RuntimeError(f"Radicale did not start; see {log_path}")
        server.url = f"http://127.0.0.1:{port}/"
        yield server
    finally:
        server.stop()
        _remove_storage(root, storage)


def _remove_storage(root: Path, storage: Path) -> None:
    """Delete a tmpfs storage folder (one under ``root`` goes with the test's tmp_path)."""
    if not storage.is_relative_to(root):
        shutil.rmtree(storage, ignore_errors=True)


@pytest.fixture
def radicale_server(tmp_path: Path) -> Iterator[RadicaleServer]:
    """Radicale with auth type none (any password), owner-only rights."""
    with run_radicale(tmp_path / "radicale") as server:
        yield server


@pytest.fixture
def radicale_auth_server(tmp_path: Path) -> Iterator[RadicaleServer]:
    """Radicale checking ``AUTH_USER``/``AUTH_PASSWORD`` against a plain htpasswd file."""
    with run_radicale(tmp_path / "radicale", with_auth=True) as server:
        yield server
