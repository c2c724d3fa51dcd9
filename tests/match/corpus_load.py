"""Loading a synthetic corpus through the real ingest engine, and scoring the matcher on it."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.db.models import SourceAccount, SourceRecord
from core.ingest.engine import ingest_contacts
from core.ingest.normalize import normalize_phone
from core.ingest.resolve import upsert_handles
from core.match.views import list_suggestions
from tests.match.corpus import Corpus

BATCH = 1000


def load(session: Session, corpus: Corpus, region: str = "DE") -> dict[str, int]:
    """Ingest every source in batches of 1000; household landlines are marked shared first
    (as the owner would have); returns account name -> account id."""
    phones = [normalize_phone(p, region) for p in sorted(corpus.shared_phones)]
    ids = upsert_handles(session, [p for p in phones if p is not None])
    from core.db.models import Handle

    for hid in ids.values():
        session.get(Handle, hid).is_shared = True  # type: ignore[union-attr]
    accounts: dict[str, int] = {}
    for name, contacts in corpus.sources.items():
        acc = SourceAccount(provider=name, account_id=f"{name}-book", display_name=name,
                            default_region=region)
        session.add(acc)
        session.flush()
        accounts[name] = acc.id
        for start in range(0, len(contacts), BATCH):
            ingest_contacts(session, acc.id, contacts[start:start + BATCH], region=region)
            session.commit()
    return accounts


def truth_pairs(session: Session, corpus: Corpus, accounts: dict[str, int]
                ) -> set[tuple[int, int]]:
    """Pairs of distinct parties that hold records of the same person."""
    by_account = {v: k for k, v in accounts.items()}
    parties_of: dict[int, set[int]] = {}
    for account_id, ext, party_id in session.execute(
        select(SourceRecord.account_id, SourceRecord.external_id, SourceRecord.party_id)
    ):
        person = corpus.person_of.get((by_account[account_id], ext))
        if person is not None and party_id is not None:
            parties_of.setdefault(person, set()).add(party_id)
    pairs: set[tuple[int, int]] = set()
    for parties in parties_of.values():
        ordered = sorted(parties)
        for i, a in enumerate(ordered):
            for b in ordered[i + 1:]:
                pairs.add((a, b))
    return pairs


@dataclass(frozen=True)
class Quality:
    precision: float
    recall: float
    predicted: int
    true: int
    false_positives: list[tuple[int, int]]
    false_negatives: list[tuple[int, int]]


def quality(session: Session, truth: set[tuple[int, int]], min_score: float | None = None
            ) -> Quality:
    predicted = {(s.party_a_id, s.party_b_id) for s in list_suggestions(session, min_score)}
    hits = predicted & truth
    return Quality(
        precision=len(hits) / len(predicted) if predicted else 1.0,
        recall=len(hits) / len(truth) if truth else 1.0,
        predicted=len(predicted), true=len(truth),
        false_positives=sorted(predicted - truth), false_negatives=sorted(truth - predicted),
    )
