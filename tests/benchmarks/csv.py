"""``csv``: import a 100,000-row Google Contacts CSV end to end vs the stdlib csv reader alone.

ratio = Kith import seconds (detect, map, key, normalise, write to SQLite) / seconds for
``csv.reader`` to read every row of the same file; peak memory of the import is measured in
a fresh child process. The file is deterministic (seeded), in the current Google export style
(``First Name`` ... ``E-mail 1 - Label``), with names that repeat so the stable-key collision
path runs too. No goal is set yet: the figures are reported.
"""

from __future__ import annotations

import csv
import json
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from core.sync.providers.vcard.synthetic import _CITIES, _FAMILY, _GIVEN, _ORGS, _STREETS, _ascii

DEFAULT_SIZE = 100_000
_HEADER_LINE = (
    "First Name,Middle Name,Last Name,Phonetic First Name,Phonetic Middle Name,"
    "Phonetic Last Name,Name Prefix,Name Suffix,Nickname,File As,Organization Name,"
    "Organization Title,Organization Department,Birthday,Notes,Photo,Labels,"
    "E-mail 1 - Label,E-mail 1 - Value,E-mail 2 - Label,E-mail 2 - Value,Phone 1 - Label,"
    "Phone 1 - Value,Phone 2 - Label,Phone 2 - Value,Address 1 - Label,Address 1 - Formatted,"
    "Address 1 - Street,Address 1 - City,Address 1 - PO Box,Address 1 - Region,"
    "Address 1 - Postal Code,Address 1 - Country,Address 1 - Extended Address,"
    "Website 1 - Label,Website 1 - Value"
)
HEADERS = _HEADER_LINE.split(",")

_CHILD = """
import json, sys, time
from core.db.engine import open_database
from core.sync.providers.csvfile.importer import import_csv
from tests.benchmarks.memory import peak_rss_mb
if __name__ == "__main__":
    db = open_database(sys.argv[1])
    start = time.perf_counter()
    report = import_csv(db, sys.argv[2], account="bench", region="DE")
    elapsed = time.perf_counter() - start
    start = time.perf_counter()
    again = import_csv(db, sys.argv[2], account="bench", region="DE")
    reimport = time.perf_counter() - start
    print(json.dumps({"seconds": elapsed, "added": report.stats.added, "rows": report.rows,
                      "problems": len(report.problems), "reimport_seconds": reimport,
                      "reimport_unchanged": again.stats.unchanged,
                      "peak_rss_mb": peak_rss_mb()}))
"""


def write_google_csv(path: Path, size: int, seed: int = 14) -> Path:
    """``size`` rows in Google's current CSV export style, always the same for a seed."""
    rng = random.Random(seed)
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\r\n")
        writer.writerow(HEADERS)
        for i in range(size):
            given, family = rng.choice(_GIVEN), rng.choice(_FAMILY)
            city, code, country = rng.choice(_CITIES)
            street = f"{rng.choice(_STREETS)} {rng.randint(1, 200)}"
            row = dict.fromkeys(HEADERS, "")
            row.update({
                "First Name": given, "Last Name": family,
                "Labels": "* myContacts" + (" ::: Friends" if rng.random() < 0.3 else ""),
                "E-mail 1 - Label": "* Work",
                "E-mail 1 - Value": f"{_ascii(given)}.{_ascii(family)}{i}@example.com",
                "E-mail 2 - Label": "Home", "E-mail 2 - Value": f"{_ascii(given)}{i}@home.example",
                "Phone 1 - Label": "Mobile",
                "Phone 1 - Value": f"+49 1{rng.randint(50, 79)} {rng.randint(1000000, 9999999)}",
                "Address 1 - Label": "Home", "Address 1 - Street": street,
                "Address 1 - City": city, "Address 1 - Postal Code": code,
                "Address 1 - Country": country,
                "Address 1 - Formatted": f"{street}\n{code} {city}\n{country}",
            })
            if rng.random() < 0.3:
                row["Organization Name"] = rng.choice(_ORGS)
                row["Organization Title"] = "Engineer"
            if rng.random() < 0.4:
                row["Birthday"] = f"{rng.randint(1940, 2010)}-{rng.randint(1, 12):02d}-" \
                                  f"{rng.randint(1, 28):02d}"
            if rng.random() < 0.1:
                row["Notes"] = "Met at the conference.\nFollow up in spring."
            writer.writerow(row.values())
    return path


def stdlib_reader(path: Path) -> tuple[float, int]:
    start = time.perf_counter()
    count = 0
    with path.open(encoding="utf-8", newline="") as handle:
        for _row in csv.reader(handle):
            count += 1
    return time.perf_counter() - start, count - 1


def run(size: int | None = None) -> dict:
    size = size or DEFAULT_SIZE
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        path = write_google_csv(folder / "google.csv", size)
        read_s, rows = stdlib_reader(path)
        script = folder / "child.py"
        script.write_text(_CHILD, encoding="utf-8")
        root = Path(__file__).resolve().parents[2]
        out = subprocess.run(
            [sys.executable, str(script), f"sqlite:///{folder / 'kith.sqlite'}", str(path)],
            cwd=root, env={"PYTHONPATH": str(root), "PATH": "/usr/bin:/bin"},
            capture_output=True, text=True, check=True,
        )
        child = json.loads(out.stdout.strip().splitlines()[-1])
        file_mb = path.stat().st_size / 1e6
    return {
        "name": "csv", "size": size, "file_mb": round(file_mb, 1),
        "stdlib_csv_read_s": round(read_s, 3), "stdlib_rows": rows,
        "kith_import_s": round(child["seconds"], 3), "kith_added": child["added"],
        "kith_problems": child["problems"], "ratio": round(child["seconds"] / read_s, 1),
        "reimport_s": round(child["reimport_seconds"], 3),
        "reimport_unchanged": child["reimport_unchanged"],
        "peak_rss_mb": round(child["peak_rss_mb"], 1),
    }
