"""The baseline of the ``identity`` benchmark: a stock Fellegi-Sunter classifier.

The ``recordlinkage`` package as its documentation sets it up: blocking on given name, on
family name and on birth date (OR-ed), Jaro-Winkler comparisons at 0.85 on names, street and
town, exact comparisons on birth date, postcode, email and phone, and the m/u weights fitted
by expectation-maximisation (``ECMClassifier``). It reads the same contacts Kith compares
(one row per contact, straight from the database), so both find pairs of the same ids.

Run as ``python -m tests.benchmarks.identity_baseline DATABASE_URL OUT.json`` (a child
process, so its peak memory is its own).
"""

from __future__ import annotations

import json
import resource
import sys
import time

from sqlalchemy import text

from core.db.engine import open_database

_SQL = """
SELECT p.id, coalesce(p.given_name, ''), coalesce(p.family_name, ''),
       coalesce(p.birthday, ''),
       coalesce((SELECT a.street FROM address a WHERE a.party_id = p.id ORDER BY a.id LIMIT 1), ''),
       coalesce((SELECT a.postal_code FROM address a WHERE a.party_id = p.id
                 ORDER BY a.id LIMIT 1), ''),
       coalesce((SELECT a.locality FROM address a WHERE a.party_id = p.id
                 ORDER BY a.id LIMIT 1), ''),
       coalesce((SELECT min(h.value) FROM party_handle_link l JOIN handle h ON h.id = l.handle_id
                 WHERE l.party_id = p.id AND h.platform = 'email'), ''),
       coalesce((SELECT min(h.value) FROM party_handle_link l JOIN handle h ON h.id = l.handle_id
                 WHERE l.party_id = p.id AND h.platform = 'phone'), '')
FROM party p WHERE p.merged_into_id IS NULL AND p.kind != 'system'
"""
COLUMNS = ["id", "given", "family", "dob", "street", "postcode", "town", "email", "phone"]


def run_baseline(url: str) -> dict:
    import pandas as pd
    import recordlinkage

    db = open_database(url, migrate=False)
    with db.session() as session:
        rows = session.execute(text(_SQL)).all()
    db.dispose()
    frame = pd.DataFrame([list(r) for r in rows], columns=COLUMNS).set_index("id")
    for col in COLUMNS[1:]:
        frame[col] = frame[col].str.lower().str.strip().replace("", None)
    start = time.perf_counter()
    indexer = recordlinkage.Index()
    indexer.block("given")
    indexer.block("family")
    indexer.block("dob")
    candidates = indexer.index(frame)
    compare = recordlinkage.Compare()
    for col in ("given", "family", "street", "town"):
        compare.string(col, col, method="jarowinkler", threshold=0.85, label=col)
    for col in ("dob", "postcode", "email", "phone"):
        compare.exact(col, col, label=col)
    features = compare.compute(candidates, frame)
    classifier = recordlinkage.ECMClassifier(binarize=None)
    matches = classifier.fit_predict(features)
    probs = classifier.prob(features)
    seconds = time.perf_counter() - start
    pair = [(min(a, b), max(a, b)) for a, b in features.index]
    return {
        "seconds": seconds,
        "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "candidates": [list(p) for p in pair],
        "probabilities": [round(float(p), 6) for p in probs.to_numpy()],
        "matches": [[min(a, b), max(a, b)] for a, b in matches],
    }


if __name__ == "__main__":
    result = run_baseline(sys.argv[1])
    with open(sys.argv[2], "w", encoding="utf-8") as out:
        json.dump(result, out)
