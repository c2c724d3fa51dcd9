"""``blocking``: what each blocking rule costs and what it finds, for tuning the rules.

Per rule: the candidate pairs it generates, the true pairs among them, and the true pairs no
other rule generates ("only": what dropping the rule alone would lose), plus its key rows
(one per key of a party: the memberships ``core.match.key_store`` stores). Measured on
corruption corpora of both shapes with the tuning seeds (``TUNING_SEEDS``: never the
identity benchmark's own seeds, which stay evaluation data) and, for the cost side, on the
duplicates benchmark's corpus (``tests.match.corpus``) at four times the size. Pairs
completeness (share of the true pairs any rule generates) and the first missed true pairs of
each corpus are listed too.

``python -m tests.benchmarks blocking [--size N]`` (default 5,000 records a corpus).
"""

from __future__ import annotations

import tempfile
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path

from core.db.engine import open_database
from core.match.blocking import RULE_ORDER, pairs_from_blocks, party_keys, rule_of
from core.match.features import PartyFeatures, load_features
from tests.match.corpus_load import load, truth_pairs

Pair = tuple[int, int]
DEFAULT_SIZE = 5000
#: Seeds of the corruption corpora the rules are tuned on (the identity benchmark uses the
#: generator's default seeds, 13 and 17).
TUNING_SEEDS = (101, 202, 303, 404)
MISSED_SHOWN = 10


def candidate_rules(feats: Mapping[int, PartyFeatures]) -> tuple[dict[Pair, list[str]], Counter]:
    """Every candidate pair with the rule codes that pair it (as a full rebuild finds them),
    and the key rows of each rule."""
    blocks: dict[str, list[int]] = {}
    rows: Counter[str] = Counter()
    for pid, f in feats.items():
        for key in party_keys(f):
            blocks.setdefault(key, []).append(pid)
            rows[rule_of(key)] += 1
    return pairs_from_blocks(blocks), rows


def rule_table(candidates: Mapping[Pair, Sequence[str]], truth: set[Pair],
               rows: Mapping[str, int] | None = None) -> dict[str, dict[str, int]]:
    """Per rule (priority order): pairs, true pairs, true pairs only it generates, key rows."""
    table: dict[str, dict[str, int]] = {}
    for pair, codes in candidates.items():
        true = pair in truth
        for code in codes:
            row = table.setdefault(code, {"pairs": 0, "true": 0, "only": 0, "rows": 0})
            row["pairs"] += 1
            row["true"] += true
            row["only"] += true and len(codes) == 1
    for code, count in (rows or {}).items():
        table.setdefault(code, {"pairs": 0, "true": 0, "only": 0, "rows": 0})["rows"] = count
    return dict(sorted(table.items(), key=lambda item: RULE_ORDER.get(item[0], 99)))


def _describe(f: PartyFeatures) -> str:
    born = ",".join("-".join(str(x) for x in d) for d in sorted(f.birthdays, key=str))
    places = ";".join("/".join(a) for a in f.addresses)
    return f"{f.name.given}|{f.name.family} [{born}] {places}".strip()


def measure(corpus) -> dict:  # noqa: ANN001 - a corpus of either generator
    """Load ``corpus`` through the real ingest into a throwaway SQLite file and measure."""
    with tempfile.TemporaryDirectory() as tmp:
        db = open_database(f"sqlite:///{Path(tmp) / 'kith.sqlite'}")
        with db.session() as session:
            accounts = load(session, corpus)
            session.commit()
            feats = load_features(session)
            truth = truth_pairs(session, corpus, accounts)
        db.dispose()
    candidates, rows = candidate_rules(feats)
    missed = sorted(truth - candidates.keys())
    return {
        "parties": len(feats), "true_pairs": len(truth), "found": len(truth) - len(missed),
        "candidates": len(candidates),
        "key_rows": sum(rows.values()),
        "pairs_completeness": round(1 - len(missed) / len(truth), 4) if truth else 1.0,
        "rules": rule_table(candidates, truth, rows),
        "missed": [f"{_describe(feats[a])}  ==  {_describe(feats[b])}"
                   for a, b in missed[:MISSED_SHOWN]],
    }


def _sum_tables(tables: Iterable[dict[str, dict[str, int]]]) -> dict[str, dict[str, int]]:
    total: dict[str, dict[str, int]] = {}
    for table in tables:
        for code, row in table.items():
            into = total.setdefault(code, dict.fromkeys(row, 0))
            for field, value in row.items():
                into[field] += value
    return dict(sorted(total.items(), key=lambda item: RULE_ORDER.get(item[0], 99)))


def run(size: int | None = None) -> dict:
    from tests.match.corpus import generate
    from tests.match.corruption import SHAPES

    size = size or DEFAULT_SIZE
    shapes: dict[str, dict] = {}
    for shape, make in SHAPES.items():
        runs = {seed: measure(make(size, seed=seed)) for seed in TUNING_SEEDS}
        true = sum(r["true_pairs"] for r in runs.values())
        found = sum(r["found"] for r in runs.values())
        shapes[shape] = {
            "seeds": list(TUNING_SEEDS), "true_pairs": true,
            "candidates": sum(r["candidates"] for r in runs.values()),
            "key_rows": sum(r["key_rows"] for r in runs.values()),
            "pairs_completeness": round(found / true, 4) if true else 1.0,
            "by_seed": {seed: r["pairs_completeness"] for seed, r in runs.items()},
            "rules": _sum_tables(r["rules"] for r in runs.values()),
            "missed": [m for r in runs.values() for m in r["missed"]][:MISSED_SHOWN],
        }
    cost = measure(generate(4 * size))
    return {"name": "blocking", "size": size, "shapes": shapes,
            "duplicates_corpus": {k: v for k, v in cost.items() if k != "missed"}}
