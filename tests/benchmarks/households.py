"""``households``: the two-book households corpus (tests/match/corruption/households.py)
imported through ``kith import``'s path, then judged against its ground truth.

Reports automatic attach precision (pairs of records on one party that are the same person,
over all pairs of records on one party; goal 1.0), the share of people whose two records
shared an identifier and were joined automatically, and suggestion precision and recall at the
review threshold (goal precision >= 0.95), with the family relations of the wrong pairs: with
the built-in weights the import used, and again after the model is re-estimated from the book
(``after_retrain``).

The match helper's ``identity`` benchmark can call :func:`evaluate` for its households
section; ``run(size)`` is this module's own entry (size = number of households).
"""

from __future__ import annotations

import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field
from itertools import combinations
from pathlib import Path

from sqlalchemy import select

from core.db.engine import Database, open_database
from core.db.models import SourceRecord
from core.match.views import list_suggestions
from tests.benchmarks.memory import peak_rss_mb
from tests.match.corruption.households import HouseholdsCorpus, generate, write_books

DEFAULT_HOUSEHOLDS = 1_500  # about 5,500 people, 10,000 records


@dataclass
class AttachOutcome:
    """How the automatic path joined the records."""

    precision: float
    pairs_on_one_party: int
    wrong_pairs: list[tuple[str, str, str]] = field(default_factory=list)  # ext, ext, relation
    shared_identifier_people: int = 0
    joined_people: int = 0

    @property
    def recall_of_shared(self) -> float:
        return self.joined_people / self.shared_identifier_people \
            if self.shared_identifier_people else 1.0


@dataclass
class SuggestionOutcome:
    precision: float
    recall: float
    suggested: int
    wrong_by_relation: dict[str, int] = field(default_factory=dict)


def import_books(db: Database, paths: dict[str, Path]) -> None:
    """Import each book as ``kith import`` does (suggestions kept current)."""
    from core.match.hooks import after_ingest
    from core.sync.vcard_import import import_vcards

    for book, path in sorted(paths.items()):
        import_vcards(db, [path], account=f"households-{book}", after_ingest=after_ingest)


def _records(db: Database) -> list[tuple[str, int]]:
    with db.session() as s:
        return [(ext, pid) for ext, pid in s.execute(
            select(SourceRecord.external_id, SourceRecord.party_id)
            .where(SourceRecord.deleted_at.is_(None)))]


def attach_outcome(db: Database, corpus: HouseholdsCorpus) -> AttachOutcome:
    by_party: dict[int, list[str]] = {}
    for ext, pid in _records(db):
        by_party.setdefault(pid, []).append(ext)
    pairs = wrong = 0
    wrong_pairs: list[tuple[str, str, str]] = []
    for exts in by_party.values():
        for x, y in combinations(sorted(exts), 2):
            pairs += 1
            p, q = corpus.truth[x], corpus.truth[y]
            if p != q:
                wrong += 1
                wrong_pairs.append((x, y, corpus.relation(p, q)))
    party_of = {ext: pid for pid, exts in by_party.items() for ext in exts}
    shared = joined = 0
    contacts = {c.external_id: c for b in corpus.books.values() for c in b}
    for x, y in corpus.true_pairs():
        if _share_identifier(corpus, contacts, x, y):
            shared += 1
            joined += party_of[x] == party_of[y]
    return AttachOutcome((pairs - wrong) / pairs if pairs else 1.0, pairs, wrong_pairs,
                         shared, joined)


def _share_identifier(corpus: HouseholdsCorpus, contacts: dict, x: str, y: str) -> bool:
    """Do two records of one person share a personal email or mobile (not the household's)?"""
    person = corpus.people[corpus.truth[x]]

    def own(ext: str) -> set[str]:
        c = contacts[ext]
        values = {e.value for e in c.emails if e.value == person.email}
        if person.mobile and any(_digits(p.value).endswith(_digits(person.mobile)[-8:])
                                 for p in c.phones):
            values.add(person.mobile)
        return values

    return bool(own(x) & own(y))


def _digits(text: str) -> str:
    return "".join(ch for ch in text if ch.isdigit())


def suggestion_outcome(db: Database, corpus: HouseholdsCorpus) -> SuggestionOutcome:
    """Open suggestions at the review threshold: a pair is right when the two parties hold
    records of one person."""
    people_of: dict[int, set[str]] = {}
    for ext, pid in _records(db):
        people_of.setdefault(pid, set()).add(corpus.truth[ext])
    with db.session() as s:
        suggested = [(v.party_a_id, v.party_b_id) for v in list_suggestions(s)]
    right = 0
    wrong: Counter[str] = Counter()
    for a, b in suggested:
        if people_of.get(a, set()) & people_of.get(b, set()):
            right += 1
        else:
            p, q = next(iter(people_of.get(a, {""}))), next(iter(people_of.get(b, {""})))
            wrong[corpus.relation(p, q)] += 1
    # Recall: people left on two or more parties, and whether a suggestion joins them.
    parties_of: dict[str, set[int]] = {}
    for pid, people in people_of.items():
        for person in people:
            parties_of.setdefault(person, set()).add(pid)
    split = {frozenset(p) for p in parties_of.values() if len(p) == 2}
    found = sum(1 for a, b in suggested if frozenset((a, b)) in split)
    return SuggestionOutcome(right / len(suggested) if suggested else 1.0,
                             found / len(split) if split else 1.0, len(suggested), dict(wrong))


def evaluate(households: int = DEFAULT_HOUSEHOLDS, seed: int = 13) -> dict:
    """Generate, import both books into a fresh SQLite file, and measure."""
    corpus = generate(households, seed=seed)
    with tempfile.TemporaryDirectory() as tmp:
        db = open_database(f"sqlite:///{Path(tmp) / 'kith.sqlite'}")
        start = time.perf_counter()
        import_books(db, write_books(corpus, Path(tmp)))
        seconds = time.perf_counter() - start
        attach = attach_outcome(db, corpus)
        suggest = suggestion_outcome(db, corpus)
        retrained, retrain_s = _retrain(db)
        after = suggestion_outcome(db, corpus)
        db.dispose()
    counts = corpus.counts()
    return {
        "households": households, "seed": seed, "people": counts["people"],
        "records": counts["records_a"] + counts["records_b"],
        "auto_attach_precision": round(attach.precision, 4),
        "auto_attach_wrong_pairs": len(attach.wrong_pairs),
        "auto_attach_wrong_by_relation": dict(Counter(r for _, _, r in attach.wrong_pairs)),
        "auto_attach_recall_of_shared_identifier": round(attach.recall_of_shared, 4),
        "suggestion_precision": round(suggest.precision, 4),
        "suggestion_recall_of_split_people": round(suggest.recall, 4),
        "suggestions": suggest.suggested,
        "wrong_suggestions_by_relation": suggest.wrong_by_relation,
        "import_s": round(seconds, 2),
        "after_retrain": {"suggestion_precision": round(after.precision, 4),
                          "suggestion_recall_of_split_people": round(after.recall, 4),
                          "suggestions": after.suggested,
                          "wrong_suggestions_by_relation": after.wrong_by_relation,
                          "retrain_and_refresh_cpu_s": round(retrain_s, 2),
                          "model": retrained},
    }


def _retrain(db: Database) -> tuple[dict, float]:
    """Re-estimate the model from the imported book (``kith duplicates --retrain``) and
    re-score every suggestion with it; the CPU seconds it took."""
    from core.match.suggest import refresh_suggestions
    from core.match.train import retrain

    with db.session() as s:
        start = time.process_time()
        result = retrain(s)
        refresh_suggestions(s)
        s.commit()
        return result.summary(), time.process_time() - start


def run(size: int | None = None) -> dict:
    result = evaluate(size or DEFAULT_HOUSEHOLDS)
    return {"name": "households", **result, "peak_rss_mb": round(peak_rss_mb(), 1),
            "goals": {"auto_attach_precision": 1.0, "suggestion_precision": 0.95,
                      "after_retrain_suggestion_precision": 0.95}}
