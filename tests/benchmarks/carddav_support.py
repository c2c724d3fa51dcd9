"""vdirsyncer as the baseline of the ``carddav`` benchmark.

vdirsyncer (from PyPI, the ``bench`` extra) is the usual Python tool for mirroring a CardDAV
collection into a local folder, so "as fast as vdirsyncer" is a fair bar for Kith's initial
sync. It runs as a subprocess of the venv's own ``vdirsyncer`` executable, with a config
written into a temporary folder (never the user's ``~/.config/vdirsyncer``), so its
interpreter start-up is part of its time; :func:`vdirsyncer_startup_s` measures that start-up
alone so a reader can discount it.
"""

from __future__ import annotations

import json
import os
import resource
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import psutil
import requests

from core.sync.providers.carddav import dav_xml as dx

_TIMEOUT_S = 1800


def vdirsyncer_executable() -> Path:
    """The ``vdirsyncer`` next to this interpreter (the venv's), else one on PATH."""
    local = Path(sys.executable).with_name("vdirsyncer")
    if local.exists():
        return local
    found = shutil.which("vdirsyncer")
    if found is None:
        raise RuntimeError("vdirsyncer is not installed: pip install -e '.[bench]'")
    return Path(found)


def _quote(value: str) -> str:
    """A vdirsyncer config value is JSON; paths and URLs here need only quote escaping."""
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


@dataclass(frozen=True)
class VdirsyncerSetup:
    """A config in ``folder`` that mirrors one CardDAV collection into ``folder/local``."""

    folder: Path
    config: Path
    local: Path

    @classmethod
    def write(cls, folder: Path, book_url: str, username: str, password: str) -> VdirsyncerSetup:
        """Write the config: ``collections = null`` syncs exactly ``book_url``, no discovery
        of other books, so both tools read the same single collection."""
        folder.mkdir(parents=True, exist_ok=True)
        local = folder / "local"
        local.mkdir(exist_ok=True)
        status = folder / "status"
        status.mkdir(exist_ok=True)
        text = (
            "[general]\n"
            f"status_path = {_quote(str(status) + '/')}\n\n"
            "[pair bench]\n"
            'a = "bench_remote"\n'
            'b = "bench_local"\n'
            "collections = null\n\n"
            "[storage bench_remote]\n"
            'type = "carddav"\n'
            f"url = {_quote(book_url)}\n"
            f"username = {_quote(username)}\n"
            f"password = {_quote(password)}\n\n"
            "[storage bench_local]\n"
            'type = "filesystem"\n'
            f"path = {_quote(str(local) + '/')}\n"
            'fileext = ".vcf"\n'
        )
        config = folder / "config"
        config.write_text(text, encoding="utf-8")
        return cls(folder, config, local)

    def run(self, *args: str) -> float:
        """Run ``vdirsyncer -c CONFIG ARGS`` and return its wall-clock seconds.

        Prompts (e.g. "create this collection?") are answered "y" through stdin, so the run
        never waits for a person. A non-zero exit raises with vdirsyncer's own output.
        """
        command = [str(vdirsyncer_executable()), "-c", str(self.config), *args]
        env = {**os.environ, "VDIRSYNCER_CONFIG": str(self.config)}
        started = time.perf_counter()
        completed = subprocess.run(command, input="y\n" * 10, capture_output=True, text=True,
                                   env=env, timeout=_TIMEOUT_S, check=False)
        elapsed = time.perf_counter() - started
        if completed.returncode != 0:
            raise RuntimeError(f"vdirsyncer {' '.join(args)} failed ({completed.returncode}):\n"
                               f"{completed.stdout[-2000:]}\n{completed.stderr[-2000:]}")
        return elapsed

    def local_card_count(self) -> int:
        """How many .vcf files vdirsyncer wrote (to check it really synced everything)."""
        return sum(1 for path in self.local.rglob("*.vcf") if path.is_file())


def vdirsyncer_startup_s() -> float:
    """Seconds for ``vdirsyncer --version``: the interpreter and import cost in its figures."""
    started = time.perf_counter()
    subprocess.run([str(vdirsyncer_executable()), "--version"], capture_output=True,
                   timeout=120, check=True)
    return time.perf_counter() - started


def radicale_ctag_s(session: requests.Session, book_url: str) -> float:
    """Seconds Radicale alone needs for one PROPFIND of the book's ``getctag``.

    This is the server's floor under Kith's no-change sync (Kith asks for the ctag and stops
    there when it is unchanged). Radicale computes it by reading every member's cache entry,
    so it grows with the book whatever the client does.
    """
    started = time.perf_counter()
    response = session.request("PROPFIND", book_url, data=dx.propfind_body([dx.GETCTAG]),
                               headers={"Depth": "0", "Content-Type": "application/xml"})
    elapsed = time.perf_counter() - started
    if response.status_code != 207:
        raise RuntimeError(f"Radicale answered HTTP {response.status_code} to a ctag PROPFIND")
    return elapsed


def radicale_token_report_s(session: requests.Session, book_url: str, cursor: str) -> float:
    """Seconds Radicale alone needs for one sync-collection REPORT from ``cursor``'s token:
    what a no-change sync would cost without the ctag short-cut (Radicale reads every
    member's cache and history entry for it)."""
    token = json.loads(cursor)["token"]
    started = time.perf_counter()
    response = session.request("REPORT", book_url, data=dx.sync_collection_body(token),
                               headers={"Depth": "0", "Content-Type": "application/xml"})
    elapsed = time.perf_counter() - started
    if response.status_code != 207:
        raise RuntimeError(f"Radicale answered HTTP {response.status_code} to a token REPORT")
    return elapsed


@dataclass
class CpuSplit:
    """CPU seconds spent during one timed phase, by whom.

    Wall-clock times on a shared, loaded machine swing by 2x between runs; CPU seconds do
    not, so the benchmark reports both. ``client_s`` is this process (Kith) plus finished
    child processes (vdirsyncer runs as one); ``server_s`` is Radicale's process.
    """

    client_s: float = 0.0
    server_s: float = 0.0


class CpuMeter:
    """Measure :class:`CpuSplit` around a block: ``with CpuMeter(radicale_pid) as split:``."""

    def __init__(self, server_pid: int) -> None:
        self._server = psutil.Process(server_pid)
        self.split = CpuSplit()

    @staticmethod
    def _client() -> float:
        own = resource.getrusage(resource.RUSAGE_SELF)
        children = resource.getrusage(resource.RUSAGE_CHILDREN)
        return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime

    def _server_cpu(self) -> float:
        times = self._server.cpu_times()
        return times.user + times.system

    def __enter__(self) -> CpuSplit:
        self._start = (self._client(), self._server_cpu())
        return self.split

    def __exit__(self, *_exc: object) -> None:
        self.split.client_s = self._client() - self._start[0]
        self.split.server_s = self._server_cpu() - self._start[1]


class ProviderWaitMeter:
    """Wraps a provider and adds up the seconds the runtime spent waiting inside it.

    With read-ahead, the wait is the part of the fetch that did *not* overlap the ingest
    (mostly the server's time to the first page); the rest of a run is ingest on the
    caller's thread.
    """

    def __init__(self, provider: object) -> None:
        self._provider = provider
        self.wait_s = 0.0
        self.calls = 0

    def __getattr__(self, name: str) -> object:
        return getattr(self._provider, name)

    def _timed(self, name: str, *args: object) -> object:
        started = time.perf_counter()
        try:
            return getattr(self._provider, name)(*args)
        finally:
            self.wait_s += time.perf_counter() - started
            self.calls += 1

    def full_sync(self, account: object, page_token: object) -> object:
        return self._timed("full_sync", account, page_token)

    def incremental_sync(self, account: object, cursor: object, page_token: object) -> object:
        return self._timed("incremental_sync", account, cursor, page_token)
