"""``duplicates``: build every duplicate suggestion from scratch for N parties (5% of the
people appear twice, with realistic variation), then re-score after a 100-contact sync.

Reports the build time and its peak memory (measured in a child process that does only the
build; the peaks of its scoring worker processes are reported and added: ``peak_total_mb``),
precision and recall against the known truth at the default review threshold, and the
incremental re-score time, and precision and recall on the corruption corpus
(tests/match/corruption, one file of ``CORRUPTION_SIZE`` records, hand-set model as the
build uses). Goals: under 20 s and 1 GB (``peak_total_mb``) at 100,000 parties; precision
and recall at least 0.95; incremental under 1 s.
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from sqlalchemy import select

from core.db.engine import open_database
from core.db.models import SourceAccount
from core.ingest.engine import ingest_contacts
from core.match.hooks import after_ingest
from tests.match.corpus import Corpus, generate
from tests.match.corpus_load import load, quality, truth_pairs

DEFAULT_SIZE = 100_000
SYNC_SIZE = 100
#: Records of the corruption corpus (one file with duplicates inside) also measured.
CORRUPTION_SIZE = 10_000

_CHILD = """
import json, resource, sys, time
from core.db.engine import open_database
from core.match import parallel
from core.match.suggest import refresh_suggestions
from tests.benchmarks.memory import peak_children_rss_mb
db = open_database(sys.argv[1])
with db.session() as s:
    start, cpu = time.perf_counter(), time.process_time()
    written = refresh_suggestions(s)
    s.commit()
    seconds, cpu = time.perf_counter() - start, time.process_time() - cpu
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
children = resource.getrusage(resource.RUSAGE_CHILDREN)
run = parallel.last_run
print(json.dumps({"seconds": seconds, "cpu_s": cpu, "peak_rss_mb": peak, "written": written,
                  "workers": run.workers, "worker_fallbacks": run.fallbacks,
                  "workers_cpu_s": children.ru_utime + children.ru_stime,
                  "worker_peaks_mb": run.worker_peak_mb,
                  "children_ru_maxrss_mb": peak_children_rss_mb()}))
"""


def _build_in_child(url: str) -> dict:
    """Run the from-scratch build alone in a fresh interpreter, so its peak memory is its own
    (not the corpus generator's or the import's)."""
    root = Path(__file__).resolve().parents[2]
    out = subprocess.run([sys.executable, "-c", _CHILD, url], cwd=root, check=True,
                         capture_output=True, text=True, env=_env(root))
    return json.loads(out.stdout.strip().splitlines()[-1])


def _env(root: Path) -> dict[str, str]:
    import os

    env = dict(os.environ)
    env["PYTHONPATH"] = str(root) + os.pathsep + env.get("PYTHONPATH", "")
    return env


def _sync_batch(corpus: Corpus, source: str, count: int) -> list:
    """A later sync of one source: ``count`` contacts changed (new phone, renamed, new
    email), as a provider would send them."""
    changed = []
    for i, contact in enumerate(corpus.sources[source][:count]):
        contact.etag = "v2"
        if i % 3 == 0:
            contact.phones = [type(contact.phones[0])(f"+49 176 {40000000 + i}", "mobile")] \
                if contact.phones else []
        elif i % 3 == 1:
            contact.name.given = contact.name.given + "e"
            contact.name.full = f"{contact.name.given} {contact.name.family}".strip()
        else:
            contact.emails = [*contact.emails, type(contact.emails[0])(f"sync{i}@example.org")] \
                if contact.emails else contact.emails
        changed.append(contact)
    return changed


def _corruption_quality(records: int) -> dict:
    """Precision and recall on the corruption corpus (tests/match/corruption, one file),
    built the same way (a full refresh with the model in use, no re-estimation)."""
    from core.match.suggest import refresh_suggestions
    from core.match.views import list_suggestions
    from tests.benchmarks.identity_metrics import prf
    from tests.match.corruption import one_file

    corpus = one_file(records)
    with tempfile.TemporaryDirectory() as tmp:
        db = open_database(f"sqlite:///{Path(tmp) / 'kith.sqlite'}")
        with db.session() as session:
            accounts = load(session, corpus)
            refresh_suggestions(session)
            truth = truth_pairs(session, corpus, accounts)
            predicted = {(s.party_a_id, s.party_b_id) for s in list_suggestions(session)}
        db.dispose()
    return {"records": records, **prf(predicted, truth)}


def run(size: int | None = None) -> dict:
    size = size or DEFAULT_SIZE
    corpus = generate(size)
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{Path(tmp) / 'kith.sqlite'}"
        db = open_database(url)
        with db.session() as session:
            load_start = time.perf_counter()
            accounts = load(session, corpus)
            load_s = time.perf_counter() - load_start
        build = _build_in_child(url)
        with db.session() as session:
            truth = truth_pairs(session, corpus, accounts)
            result = quality(session, truth)
            source = next(iter(corpus.sources))
            account_id = session.scalar(select(SourceAccount.id).where(
                SourceAccount.provider == source))
            stats = ingest_contacts(session, account_id, _sync_batch(corpus, source, SYNC_SIZE))
            start = time.perf_counter()
            after_ingest(session, stats.touched_party_ids)
            session.commit()
            incremental_s = time.perf_counter() - start
        db.dispose()
    corruption = _corruption_quality(min(size, CORRUPTION_SIZE))
    return {
        "name": "duplicates", "size": size,
        "corruption": corruption,
        "seconds": round(build["seconds"], 3),
        # CPU seconds of the build: on a shared machine the wall clock also counts waiting.
        "cpu_s": round(build["cpu_s"], 3),
        "peak_rss_mb": round(build["peak_rss_mb"], 1),
        # Scoring workers (core.match.parallel) run beside the build: each reports its own
        # peak (VmHWM), and their sum is added to the build's (an upper bound of what was
        # resident at once; the goal counts it). ru_maxrss of the children is shown too.
        "workers": build["workers"], "worker_fallbacks": build["worker_fallbacks"],
        "workers_cpu_s": round(build["workers_cpu_s"], 3),
        "worker_peaks_mb": [round(p, 1) for p in build["worker_peaks_mb"]],
        "children_ru_maxrss_mb": round(build["children_ru_maxrss_mb"], 1),
        "peak_total_mb": round(build["peak_rss_mb"] + sum(build["worker_peaks_mb"]), 1),
        "precision": round(result.precision, 4), "recall": round(result.recall, 4),
        "incremental_s": round(incremental_s, 3),
        "true_pairs": result.true, "suggested_pairs": result.predicted,
        "synced_contacts": SYNC_SIZE, "rescored_parties": len(stats.touched_party_ids),
        "load_s": round(load_s, 1),
        "goals": {"seconds": 20, "peak_total_mb": 1024, "precision": 0.95, "recall": 0.95,
                  "incremental_s": 1.0},
    }
