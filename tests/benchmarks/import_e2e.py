"""``import``: `kith import` of the synthetic vCard file until its duplicate suggestions are
stored, against one single-threaded vobject parse of the same file in the same run.

ratio = wall seconds of ``kith import FILE`` (the CLI's own entry point, in a fresh interpreter,
from start to exit: parse, write, one suggestion refresh) / seconds of a plain
``vobject.readComponents`` loop over the file (goal: at most 1.0). Also reported: how long
the import took before its refresh began and the refresh itself (the refresh hook is timed
inside the child), the suggestions stored, the same ratio in CPU seconds (the machine is
shared: wall time swings with other people's load, CPU time much less), and peak memory
(the import process, its largest helper process, and the scoring process's own).
``parallel_speedup`` is how much work two busy processes get done on this machine against
one, probed before and after (see ``machine``): the import runs its parser processes beside
its writer, and the baseline is one process, so the ratio is only comparable between runs
with that figure beside it.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import vobject

from core.sync.providers.vcard.synthetic import write_synthetic_file
from tests.benchmarks.machine import parallel_speedup

DEFAULT_SIZE = 100_000

_CHILD = """
import json, resource, sys, time
start = time.perf_counter()
import core.match.hooks as hooks
from tests.benchmarks.memory import peak_children_rss_mb, peak_rss_mb
timed = {"refresh_s": 0.0, "refresh_calls": 0}
real = hooks.after_ingest
def after_ingest(session, touched):
    began = time.perf_counter()
    try:
        return real(session, touched)
    finally:
        timed["refresh_s"] += time.perf_counter() - began
        timed["refresh_calls"] += 1
hooks.after_ingest = after_ingest
from app.cli import main
code = main(["--database", sys.argv[1], "import", sys.argv[2], "--account", "bench"])
seconds = time.perf_counter() - start
from core.db.engine import open_database
from core.match.views import list_suggestions
db = open_database(sys.argv[1])
with db.session() as s:
    stored = len(list_suggestions(s, min_score=-1e9))
from core.match.parallel import last_run
cpu = sum(getattr(resource.getrusage(who), f) for who in (resource.RUSAGE_SELF,
          resource.RUSAGE_CHILDREN) for f in ("ru_utime", "ru_stime"))
print(json.dumps({"code": code, "seconds": seconds, "stored": stored, **timed, "cpu_s": cpu,
                  "peak_rss_mb": peak_rss_mb(), "helpers_peak_rss_mb": peak_children_rss_mb(),
                  "scorer_peak_mb": last_run.worker_peak_mb}))
"""


def vobject_loop(path: Path) -> tuple[float, float, int]:
    """Wall and CPU seconds of one single-threaded vobject pass, and the cards it read."""
    start, cpu = time.perf_counter(), time.process_time()
    count = 0
    with path.open(encoding="utf-8") as handle:
        for _card in vobject.readComponents(handle):
            count += 1
    return time.perf_counter() - start, time.process_time() - cpu, count


def _env(root: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("KITH_")}
    env["PYTHONPATH"] = str(root)
    return env


def run(size: int | None = None) -> dict:
    size = size or DEFAULT_SIZE
    root = Path(__file__).resolve().parents[2]
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        path = write_synthetic_file(folder / "cards.vcf", size)
        speedups = [parallel_speedup()]
        parse_s, parse_cpu_s, parsed = vobject_loop(path)
        url = f"sqlite:///{folder / 'kith.sqlite'}"
        out = subprocess.run([sys.executable, "-c", _CHILD, url, str(path)], cwd=root,
                             env=_env(root), capture_output=True, text=True, check=True)
        child = json.loads(out.stdout.strip().splitlines()[-1])
        speedups.append(parallel_speedup())
    return {
        "name": "import", "size": size, "vobject_parse_s": round(parse_s, 3),
        "vobject_cards": parsed, "kith_import_s": round(child["seconds"], 3),
        "ingest_s": round(child["seconds"] - child["refresh_s"], 3),
        "refresh_s": round(child["refresh_s"], 3), "refresh_calls": child["refresh_calls"],
        "suggestions_stored": child["stored"],
        "ratio": round(child["seconds"] / parse_s, 3), "goal_ratio": 1.0,
        # CPU seconds (the import's process tree vs the loop): steadier on a busy machine.
        "vobject_parse_cpu_s": round(parse_cpu_s, 3), "kith_import_cpu_s": round(child["cpu_s"], 3),
        "cpu_ratio": round(child["cpu_s"] / parse_cpu_s, 3),
        "peak_rss_mb": round(child["peak_rss_mb"], 1),
        "parser_peak_rss_mb": round(child["helpers_peak_rss_mb"], 1),
        # The scoring process's own peak (at 100,000 cards the one that followed the import
        # and scored its pairs: core.match.feature_tail), as it reported it.
        "scorer_peak_mb": [round(mb, 1) for mb in child["scorer_peak_mb"]],
        "parallel_speedup_before_after": speedups,
    }
