"""``carddav``: sync N cards from a local server into an empty Kith database, then again with
nothing changed, against vdirsyncer mirroring the same collection into a folder in the same run.
It runs on each server of the test suite, Radicale and Xandikos (``servers``: one result per
server; the top-level ``ratio`` and ``nochange_s`` are the worst of them).

Goals (issues 4 and 15): initial sync no slower than vdirsyncer on each server (``ratio`` =
initial_s / vdirsyncer_initial_s <= 1) and a no-change sync under 1 second on each.

Radicale's first listing of a freshly written folder parses every card and writes its caches;
that is the server's cost, not either client's, so it is paid once before any timing
(``radicale_warmup_s`` reports it). Both clients then read the same warm collection: Kith
first, vdirsyncer second (the order only matters if Radicale's caches were cold, which they
are not). vdirsyncer's times include its interpreter start-up (``vdirsyncer_startup_s``);
Kith's include opening nothing but the sync itself (database created beforehand).

The machine running this is often shared, and wall-clock times then swing by 2x between runs,
so each phase also reports CPU seconds split between the client and Radicale (``*_cpu_s``)
and the load average. ``*_provider_wait_s`` is how long the runtime waited inside the
provider (the fetch time the read-ahead did not hide); the rest of a Kith phase is ingest.
``radicale_ctag_floor_s`` times one bare getctag PROPFIND: what Radicale alone needs to say
"nothing changed" (Kith's quiet sync asks exactly that); ``radicale_nochange_floor_s`` times
one sync-collection REPORT from Kith's token, what the quiet sync would cost without it.

Radicale runs with its default storage settings (item cache on, fsync on); only its storage
folder lives on tmpfs when available, the same for both clients.
"""

from __future__ import annotations

import os
import tempfile
import time
from pathlib import Path

from core.db.engine import Database, open_database
from core.db.models import SyncState
from core.sync.providers.carddav import CardDAVProvider
from core.sync.registry import stored_etags
from core.sync.runtime import SyncResult, run_sync
from core.sync.vcard_import import ensure_account
from tests.benchmarks.carddav_support import (
    CpuMeter,
    CpuSplit,
    ProviderWaitMeter,
    VdirsyncerSetup,
    radicale_ctag_s,
    radicale_token_report_s,
    vdirsyncer_startup_s,
)
from tests.benchmarks.memory import peak_rss_mb
from tests.servers.radicale import RadicaleServer, run_radicale
from tests.servers.xandikos import XandikosServer, run_xandikos

Server = RadicaleServer | XandikosServer

DEFAULT_SIZE = 10_000
BOOK = "contacts"
NOCHANGE_GOAL_S = 1.0
SERVERS = ("radicale", "xandikos")


def _load(server: Server, size: int) -> float:
    """Write ``size`` cards into the book and let the server build its caches/indexes."""
    server.load_cards(BOOK, size, displayname="Contacts")
    return server.warm_up(BOOK)


def _kith_source(folder: Path, server: Server) -> tuple[Database, int]:
    """A fresh SQLite database with one CardDAV source pointing at the book."""
    db = open_database(f"sqlite:///{folder / 'kith.sqlite'}")
    with db.session() as s:
        account_id = ensure_account(
            s, "carddav", f"{server.user}@bench", f"{server.kind} bench",
            settings={"url": server.book_url(BOOK), "username": server.user})
        s.commit()
    return db, account_id


def _provider(db: Database, server: Server) -> CardDAVProvider:
    """The provider as the app builds it (``registry``: a new one per run, knowing the stored
    ETags), with the password given directly instead of from the OS keyring."""
    return CardDAVProvider(password_lookup=lambda _account: server.password,
                           known_etags=lambda account: stored_etags(db, account.id))


def _timed_sync(db: Database, account_id: int, server: Server
                ) -> tuple[float, CpuSplit, SyncResult, float]:
    """One run_sync: (wall seconds, CPU split Kith/server, result, provider wait)."""
    provider = _provider(db, server)
    meter = ProviderWaitMeter(provider)
    with CpuMeter(server.process.pid) as cpu:
        started = time.perf_counter()
        try:
            result = run_sync(db, account_id, meter)  # type: ignore[arg-type]
        finally:
            provider.close()  # as run_source does
        elapsed = time.perf_counter() - started
    if not result.ok:
        raise RuntimeError(f"Kith {result.mode} sync failed: {result.error}")
    return elapsed, cpu, result, meter.wait_s


def _kith(folder: Path, server: Server, size: int) -> dict:
    db, account_id = _kith_source(folder, server)
    try:
        initial_s, initial_cpu, first, initial_wait = _timed_sync(db, account_id, server)
        nochange_s, nochange_cpu, second, nochange_wait = _timed_sync(db, account_id, server)
        with db.session() as s:
            state = s.get(SyncState, account_id)
            cursor = state.cursor if state is not None else None
    finally:
        db.dispose()
    if first.counts.get("added", 0) != size:
        raise RuntimeError(f"Kith initial sync added {first.counts} of {size} cards")
    if not cursor:
        raise RuntimeError("Kith stored no sync cursor after two syncs")
    floor_s = radicale_token_report_s(server.session, server.book_url(BOOK), cursor)
    ctag_s = radicale_ctag_s(server.session, server.book_url(BOOK))
    return {"initial_s": initial_s, "nochange_s": nochange_s, "server_nochange_floor_s": floor_s,
            "server_ctag_floor_s": ctag_s,
            "initial_provider_wait_s": initial_wait, "nochange_provider_wait_s": nochange_wait,
            "initial_mode": first.mode, "nochange_mode": second.mode,
            "initial_cpu": initial_cpu, "nochange_cpu": nochange_cpu,
            "nochange_counts": second.counts}


def _vdirsyncer(folder: Path, server: Server, size: int) -> dict:
    setup = VdirsyncerSetup.write(folder, server.book_url(BOOK), server.user, server.password)
    discover_s = setup.run("discover")
    with CpuMeter(server.process.pid) as initial_cpu:
        initial_s = setup.run("sync")
    written = setup.local_card_count()
    with CpuMeter(server.process.pid) as nochange_cpu:
        nochange_s = setup.run("sync")
    if written != size:
        raise RuntimeError(f"vdirsyncer wrote {written} of {size} cards")
    return {"discover_s": discover_s, "initial_s": initial_s, "nochange_s": nochange_s,
            "initial_cpu": initial_cpu, "nochange_cpu": nochange_cpu}


def _cpu_fields(prefix: str, phase: str, split: CpuSplit) -> dict[str, float]:
    return {f"{prefix}{phase}_client_cpu_s": round(split.client_s, 3),
            f"{prefix}{phase}_server_cpu_s": round(split.server_s, 3)}


def _start(kind: str, folder: Path):  # noqa: ANN202 - a context manager of either server
    if kind == "radicale":
        return run_radicale(folder / "radicale", fsync=True)
    return run_xandikos(folder / "xandikos")


def _one_server(kind: str, folder: Path, size: int) -> dict:
    with _start(kind, folder) as server:
        warmup_s = _load(server, size)
        kith = _kith(folder, server, size)
        vdir = _vdirsyncer(folder / "vdirsyncer", server, size)
    initial_s, vdir_initial_s = kith["initial_s"], vdir["initial_s"]
    return {
        "initial_s": round(initial_s, 3), "nochange_s": round(kith["nochange_s"], 3),
        "vdirsyncer_initial_s": round(vdir_initial_s, 3),
        "vdirsyncer_nochange_s": round(vdir["nochange_s"], 3),
        "ratio": round(initial_s / vdir_initial_s, 3),
        "server_warmup_s": round(warmup_s, 3),
        "server_ctag_floor_s": round(kith["server_ctag_floor_s"], 3),
        "server_nochange_floor_s": round(kith["server_nochange_floor_s"], 3),
        "initial_provider_wait_s": round(kith["initial_provider_wait_s"], 3),
        "nochange_provider_wait_s": round(kith["nochange_provider_wait_s"], 3),
        **_cpu_fields("", "initial", kith["initial_cpu"]),
        **_cpu_fields("", "nochange", kith["nochange_cpu"]),
        **_cpu_fields("vdirsyncer_", "initial", vdir["initial_cpu"]),
        **_cpu_fields("vdirsyncer_", "nochange", vdir["nochange_cpu"]),
        "vdirsyncer_discover_s": round(vdir["discover_s"], 3),
        "initial_mode": kith["initial_mode"], "nochange_mode": kith["nochange_mode"],
        "nochange_counts": kith["nochange_counts"],
    }


def run(size: int | None = None, servers: tuple[str, ...] = SERVERS) -> dict:
    size = size or DEFAULT_SIZE
    results: dict[str, dict] = {}
    for kind in servers:
        with tempfile.TemporaryDirectory(prefix=f"kith-bench-carddav-{kind}-") as tmp:
            results[kind] = _one_server(kind, Path(tmp), size)
    startup_s = vdirsyncer_startup_s()
    return {
        "name": "carddav", "size": size,
        "ratio": max(r["ratio"] for r in results.values()), "goal_ratio": 1.0,
        "nochange_s": max(r["nochange_s"] for r in results.values()),
        "nochange_goal_s": NOCHANGE_GOAL_S,
        "servers": results,
        "peak_rss_mb": round(peak_rss_mb(), 1),
        "notes": {
            "server_warmup_s": "the server's own first listing (parse + cache/index build), "
                               "paid before timing; not counted for either client",
            "server_ctag_floor_s": "one raw getctag PROPFIND, timed alone: the server's share "
                                   "of nochange_s (Kith stops there when the ctag is equal)",
            "server_nochange_floor_s": "one raw sync-collection REPORT from Kith's stored "
                                       "token: the quiet sync's cost without the ctag check",
            "cpu": "CPU seconds per phase (client = Kith in-process or the vdirsyncer child; "
                   "server = the server process); steadier than wall time under load",
        },
        "vdirsyncer_startup_s": round(startup_s, 3),
        "load_average": [round(x, 2) for x in os.getloadavg()],
    }
