"""``vcard``: import a 100,000-card file end to end vs one vobject parsing loop, then the
round trip: export the imported contacts to vCard 4.0 and re-import that file into an empty
database.

ratio = Kith import seconds / single-loop vobject parse seconds (goal: at most 0.7), with
peak memory of the import measured in a fresh child process (goal: under 400 MB). The round
trip reports export and re-import seconds (re-import against the same vobject loop) and
whether both databases hold the same contacts field for field, with the same handle owners
(``roundtrip_equal``, which must be true).
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import vobject

from core.sync.providers.vcard.synthetic import write_synthetic_file

DEFAULT_SIZE = 100_000

_CHILD = """
import json, sys, time
from core.db.engine import open_database
from core.sync.vcard_import import import_vcards
from tests.benchmarks.memory import peak_rss_mb
if __name__ == "__main__":
    db = open_database(sys.argv[1])
    start = time.perf_counter()
    report = import_vcards(db, [sys.argv[2]], account="bench", region="US")
    elapsed = time.perf_counter() - start
    print(json.dumps({"seconds": elapsed, "added": report.stats.added,
                      "problems": len(report.problems), "peak_rss_mb": peak_rss_mb()}))
"""


_ROUNDTRIP = """
import json, sys, time
from pathlib import Path
from core.db.engine import open_database
from core.sync.vcard_import import import_vcards
from tests.sync.providers.vcard.roundtrip_support import (
    contact_fingerprints, export_file, handle_owners)
if __name__ == "__main__":
    first = open_database(sys.argv[1])
    out = Path(sys.argv[3])
    start = time.perf_counter()
    written = export_file(first, out, "4.0")
    export_s = time.perf_counter() - start
    second = open_database(sys.argv[2])
    start = time.perf_counter()
    report = import_vcards(second, [out], account="again", region="US")
    reimport_s = time.perf_counter() - start
    start = time.perf_counter()
    equal = (contact_fingerprints(first) == contact_fingerprints(second)
             and handle_owners(first) == handle_owners(second))
    print(json.dumps({"export_s": export_s, "reimport_s": reimport_s, "written": written,
                      "readded": report.stats.added, "equal": equal,
                      "compare_s": time.perf_counter() - start}))
"""


def vobject_loop(path: Path) -> tuple[float, int]:
    start = time.perf_counter()
    count = 0
    with path.open(encoding="utf-8") as handle:
        for _card in vobject.readComponents(handle):
            count += 1
    return time.perf_counter() - start, count


def run(size: int | None = None) -> dict:
    size = size or DEFAULT_SIZE
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        path = write_synthetic_file(folder / "cards.vcf", size)
        parse_s, parsed = vobject_loop(path)
        script = folder / "child.py"
        script.write_text(_CHILD, encoding="utf-8")
        root = Path(__file__).resolve().parents[2]
        out = subprocess.run(
            [sys.executable, str(script), f"sqlite:///{folder / 'kith.sqlite'}", str(path)],
            cwd=root, env={"PYTHONPATH": str(root), "PATH": "/usr/bin:/bin"},
            capture_output=True, text=True, check=True,
        )
        child = json.loads(out.stdout.strip().splitlines()[-1])
        trip = folder / "roundtrip.py"
        trip.write_text(_ROUNDTRIP, encoding="utf-8")
        again = subprocess.run(
            [sys.executable, str(trip), f"sqlite:///{folder / 'kith.sqlite'}",
             f"sqlite:///{folder / 'again.sqlite'}", str(folder / "export.vcf")],
            cwd=root, env={"PYTHONPATH": str(root), "PATH": "/usr/bin:/bin"},
            capture_output=True, text=True, check=True,
        )
        rt = json.loads(again.stdout.strip().splitlines()[-1])
    return {
        "name": "vcard", "size": size, "vobject_parse_s": round(parse_s, 3),
        "vobject_cards": parsed, "kith_import_s": round(child["seconds"], 3),
        "kith_added": child["added"], "ratio": round(child["seconds"] / parse_s, 3),
        "goal_ratio": 0.7, "peak_rss_mb": round(child["peak_rss_mb"], 1),
        "export_s": round(rt["export_s"], 3), "exported": rt["written"],
        "reimport_s": round(rt["reimport_s"], 3), "reimported": rt["readded"],
        "reimport_ratio": round(rt["reimport_s"] / parse_s, 3),
        "roundtrip_compare_s": round(rt["compare_s"], 3), "roundtrip_equal": rt["equal"],
    }
