"""``identity``: how well Kith finds the duplicates of the corruption corpus, against a stock
Fellegi-Sunter baseline measured in the same run.

For each shape of ``tests.match.corruption`` (one file with duplicates inside; two sources
holding the same people; households when that generator is present) at ``size`` records:
the records go through the real ingest into a SQLite file; Kith (re-estimates its model from
the data, then builds every suggestion) and the baseline (``identity_baseline``: the
recordlinkage package's ECM classifier) each run in a child process of their own, timed,
with their own peak memory. Both are scored on the same contact ids: precision, recall, F1
(Kith: suggestions at the review threshold), pairs completeness (share of the true pairs the
blocking generates; per blocking rule its pairs, true pairs and the true pairs only it
generates, ``blocking_rules``), the Brier score and a reliability table by decile. Goals: Kith
precision >= 0.99 and F1 >= the baseline's on both shapes at 5,000 records; pairs
completeness >= 0.99. The households corpus (tests/match/corruption/households.py: family
members sharing a name, a street and a landline, twins, parent and child namesakes) goes
through the import path too: automatic attach precision (goal 1.0) and suggestion precision
(goal >= 0.95) before and after the model is re-estimated from that book.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

from sqlalchemy import select

from core.db.engine import open_database
from core.db.models import MergeSuggestion, SourceRecord
from core.match.views import list_suggestions
from tests.benchmarks.blocking_rules import candidate_rules, rule_table
from tests.benchmarks.identity_metrics import brier, pairs_completeness, prf, reliability
from tests.match.corpus_load import load, truth_pairs
from tests.match.corruption import SHAPES

DEFAULT_SIZE = 5000
ROOT = Path(__file__).resolve().parents[2]

_KITH_CHILD = """
import json, resource, sys, time
from core.db.engine import open_database
from core.match.suggest import refresh_suggestions
db = open_database(sys.argv[1])
with db.session() as s:
    start = time.perf_counter()
    model = None
    try:
        from core.match.train import retrain
    except ImportError:
        retrain = None
    if retrain is not None:
        model = retrain(s)
    written = refresh_suggestions(s)
    s.commit()
    seconds = time.perf_counter() - start
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps({"seconds": seconds, "peak_rss_mb": peak, "written": written,
                  "model": None if model is None else model.summary()}))
"""


def _env() -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = str(ROOT) + os.pathsep + env.get("PYTHONPATH", "")
    return env


def _child(args: list[str]) -> str:
    out = subprocess.run([sys.executable, *args], cwd=ROOT, check=True, capture_output=True,
                         text=True, env=_env())
    return out.stdout


def _kith(url: str) -> dict:
    return json.loads(_child(["-c", _KITH_CHILD, url]).strip().splitlines()[-1])


def _baseline(url: str, tmp: str) -> dict:
    out = Path(tmp) / "baseline.json"
    _child(["-m", "tests.benchmarks.identity_baseline", url, str(out)])
    return json.loads(out.read_text(encoding="utf-8"))


def _kith_probabilities(session) -> tuple[set, dict]:  # noqa: ANN001 - a Session
    """Every blocked candidate pair and the probability Kith gives it (stored rows keep
    theirs; the rest are scored again with the same model)."""
    from core.match.suggest import candidate_probabilities

    return candidate_probabilities(session)


def _candidate_rules(session) -> tuple[dict, dict]:  # noqa: ANN001 - a Session
    """The rules that pair each candidate and the key rows of each rule (the per-rule table
    says which rules find the true pairs, and which alone: ``blocking_rules``)."""
    from core.match.features import load_features

    candidates, rows = candidate_rules(load_features(session))
    return candidates, rows


def _records_of(session, corpus, accounts) -> dict[int, list]:  # noqa: ANN001
    by_account = {v: k for k, v in accounts.items()}
    found: dict[int, list] = {}
    for account_id, ext, party_id in session.execute(
            select(SourceRecord.account_id, SourceRecord.external_id, SourceRecord.party_id)):
        key = (by_account[account_id], ext)
        found.setdefault(party_id, []).append((corpus.person_of[key], corpus.records.get(key)))
    return found


def _show(records: list) -> str:
    def one(rec) -> str:  # noqa: ANN001
        if rec is None:
            return "?"
        bday = "-".join(str(x) for x in rec.birthday) if rec.birthday else ""
        return " | ".join((f"{rec.given} {rec.family}", bday, rec.street, rec.postal,
                           rec.town))
    return " / ".join(one(rec) for _, rec in records)


def _auto_attach(records_of: dict[int, list]) -> dict:
    """Pairs of records the ingest put on one contact: how many, how many wrongly."""
    pairs = wrong = 0
    for recs in records_of.values():
        people = [person for person, _ in recs]
        for i, a in enumerate(people):
            for b in people[i + 1:]:
                pairs += 1
                wrong += a != b
    return {"pairs": pairs, "precision": round(1 - wrong / pairs, 4) if pairs else 1.0}


def run_shape(shape: str, size: int, samples: int = 6) -> dict:
    corpus = SHAPES[shape](size)
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{Path(tmp) / 'kith.sqlite'}"
        db = open_database(url)
        with db.session() as session:
            accounts = load(session, corpus)
            session.commit()
        base = _baseline(url, tmp)
        kith = _kith(url)
        with db.session() as session:
            truth = truth_pairs(session, corpus, accounts)
            predicted = {(s.party_a_id, s.party_b_id) for s in list_suggestions(session)}
            candidates, probs = _kith_probabilities(session)
            rules_of, rows = _candidate_rules(session)
            by_rule = rule_table(rules_of, truth, rows)
            records_of = _records_of(session, corpus, accounts)
            scores = dict(((a, b), sc) for a, b, sc in session.execute(select(
                MergeSuggestion.party_a_id, MergeSuggestion.party_b_id, MergeSuggestion.score)))
        db.dispose()
    base_probs = {tuple(p): q for p, q in zip(base["candidates"], base["probabilities"],
                                               strict=True)}
    base_pred = {tuple(p) for p in base["matches"]}
    missed = sorted(truth - predicted)[:samples]
    wrong = sorted(predicted - truth)[:samples]
    return {
        "shape": shape, "records": size, "contacts": len(records_of), "true_pairs": len(truth),
        "auto_attach": _auto_attach(records_of),
        "kith": {**prf(predicted, truth), "pairs_completeness":
                 pairs_completeness(candidates, truth), "candidates": len(candidates),
                 "blocking_rules": by_rule,
                 "brier": brier(probs, truth), "reliability": reliability(probs, truth),
                 "seconds": round(kith["seconds"], 2),
                 "peak_rss_mb": round(kith["peak_rss_mb"], 1), "model": kith.get("model")},
        "baseline": {**prf(base_pred, truth), "pairs_completeness":
                     pairs_completeness(base_probs, truth), "candidates": len(base_probs),
                     "brier": brier(base_probs, truth),
                     "reliability": reliability(base_probs, truth),
                     "seconds": round(base["seconds"], 2),
                     "peak_rss_mb": round(base["peak_rss_mb"], 1)},
        "missed_examples": [f"{scores.get(p, 'unstored')}: {_show(records_of[p[0]])}  ==  "
                            f"{_show(records_of[p[1]])}" for p in missed],
        "wrong_examples": [f"{scores.get(p)}: {_show(records_of[p[0]])}  !=  "
                           f"{_show(records_of[p[1]])}" for p in wrong],
    }


def run_households(size: int) -> dict:
    """The households corpus (attach helper's generator, about 7 records a household) in
    two books through the import path; suggestion precision with the model the import used
    and again after re-estimating it from the book (goal >= 0.95; automatic attach 1.0)."""
    from tests.benchmarks.households import (
        attach_outcome,
        import_books,
        suggestion_outcome,
    )
    from tests.match.corruption.households import generate, write_books

    corpus = generate(max(50, size // 7), seed=13)
    with tempfile.TemporaryDirectory() as tmp:
        db = open_database(f"sqlite:///{Path(tmp) / 'kith.sqlite'}")
        import_books(db, write_books(corpus, Path(tmp)))
        attach = attach_outcome(db, corpus)
        before = suggestion_outcome(db, corpus)
        db.dispose()
        kith = _kith(f"sqlite:///{Path(tmp) / 'kith.sqlite'}")
        db = open_database(f"sqlite:///{Path(tmp) / 'kith.sqlite'}")
        after = suggestion_outcome(db, corpus)
        db.dispose()
    counts = corpus.counts()
    return {
        "households": max(50, size // 7), "records": counts["records_a"] + counts["records_b"],
        "auto_attach_precision": round(attach.precision, 4),
        "suggestions_as_imported": {"precision": round(before.precision, 4),
                                    "recall_of_split_people": round(before.recall, 4),
                                    "suggested": before.suggested,
                                    "wrong_by_relation": before.wrong_by_relation},
        "suggestions_after_retrain": {"precision": round(after.precision, 4),
                                      "recall_of_split_people": round(after.recall, 4),
                                      "suggested": after.suggested,
                                      "wrong_by_relation": after.wrong_by_relation,
                                      "model": kith.get("model")},
    }


def run(size: int | None = None) -> dict:
    size = size or DEFAULT_SIZE
    shapes = {name: run_shape(name, size) for name in SHAPES}
    households = run_households(size)
    kith_ok = all(r["kith"]["precision"] >= 0.99 and r["kith"]["f1"] >= r["baseline"]["f1"]
                  and r["kith"]["pairs_completeness"] >= 0.99 for r in shapes.values())
    kith_ok = kith_ok and households["auto_attach_precision"] == 1.0 and \
        min(households["suggestions_as_imported"]["precision"],
            households["suggestions_after_retrain"]["precision"]) >= 0.95
    return {"name": "identity", "size": size, "shapes": shapes, "households": households,
            "goals": {"kith_precision": 0.99, "kith_f1_at_least_baseline": True,
                      "pairs_completeness": 0.99, "households_suggestion_precision": 0.95,
                      "households_auto_attach_precision": 1.0},
            "goals_met": kith_ok}
