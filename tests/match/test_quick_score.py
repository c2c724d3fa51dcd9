"""``quick_score`` (the refresh's gate) reaches the very score ``compare_all`` explains, and
``explanation_rows`` stores what ``explain`` says: on every candidate pair of the synthetic
corpus, on all pairs of a slice of it, and on hand-made features for the levels the corpus
does not produce."""

from __future__ import annotations

from itertools import combinations, product

from sqlalchemy.orm import Session

from core.match.blocking import candidate_pairs
from core.match.compare import compare_all, explain, explanation_rows, score_of
from core.match.features import PartyFeatures, PhoneUse, load_features
from core.match.names import compare_name
from core.match.quick import bounded_levels, quick_levels, quick_score
from core.match.weights import CORRECTIONS, HAND_MODEL, LEVELS, STORE_MIN_SCORE
from tests.match.corpus import generate
from tests.match.corpus_load import load


def _check(pairs: list[tuple[PartyFeatures, PartyFeatures]], seen: set[tuple[str, str]]
           ) -> None:
    mobiles: dict[int, bool] = {}
    for a, b in pairs:
        levels = compare_all(a, b)
        assert quick_levels(a, b) == [(f, lvl) for f, lvl, _, _ in levels], (a, b)
        bounded = bounded_levels(a, b, HAND_MODEL, STORE_MIN_SCORE)
        if bounded is None:  # skipped only when it could not have been stored
            assert score_of(levels) < STORE_MIN_SCORE
        else:
            assert bounded == quick_levels(a, b)
        assert quick_score(a, b, mobiles) == score_of(levels), (a, b, levels)
        assert explanation_rows(levels) == [item.as_dict() for item in explain(levels)]
        seen.update((field, level) for field, level, _, _ in levels)


def _made(pid: int, given: str, family: str, **kw: object) -> PartyFeatures:
    f = PartyFeatures(pid, f"{given} {family}", compare_name(given, family, "", "", ""))
    for name, value in kw.items():
        setattr(f, name, value)
    return f


def _handmade() -> list[PartyFeatures]:
    home = PhoneUse("+49301234567", "home", 1)
    shared = PhoneUse("+49301234567", "home", 1, shared=True)
    office = PhoneUse("+4989555", "", 2)
    mobile = PhoneUse("+4915112345678", "", 3)
    other_mobile = PhoneUse("+4915187654321", "cell", 4)
    typo_a = PhoneUse("+4915122223333", "mobile", 5)
    typo_b = PhoneUse("+4915122223334", "mobile", 6)
    return [
        _made(1, "Anna", "Berg", emails={"info@berg.de": "info@berg.de"},
              phones={home.value: home}, birthdays={(1980, 1, 2), (None, 3, 4)},
              addresses=[("hauptstr 1", "10115", "berlin")], organization="acme",
              organization_raw="Acme"),
        _made(2, "Anna", "Berg", emails={"info@berg.de": "info@berg.de",
                                         "annab77@x.org": "annab77@x.org"},
              email_locals={"annab77": "annab77@x.org"}, phones={home.value: home},
              birthdays={(1981, 1, 2)}, addresses=[("nebenstr 2", "10115", "")],
              organization="acme gmbh", organization_raw="Acme GmbH"),
        _made(3, "A", "Berg", emails={"annab77@y.org": "annab77@y.org"},
              email_locals={"annab77": "annab77@y.org"}, phones={shared.value: shared},
              birthdays={(None, 1, 2)}, addresses=[("", "", "berlin")], organization="acmx",
              organization_raw="Acmx"),
        _made(4, "Berg", "Anna", phones={office.value: office, mobile.value: mobile},
              birthdays={(1980, 1, 2), (1980, 7, 7)}, organization="zeta",
              organization_raw="Zeta"),
        _made(5, "Ana", "Berk", phones={other_mobile.value: other_mobile},
              addresses=[("hauptstr 1", "", "berlin"), ("x", "1", "")]),
        _made(6, "", "Berg", phones={office.value: office}),
        _made(7, "Bob", "Smith", emails={"bob@x.org": "bob@x.org"}),
        _made(8, "Robert", "Smith", emails={"bob@x.org": "bob@x.org"}),
        # Typo levels: joined/split and compound family names, one-digit dates and phones,
        # a street typo, a postcode digit, a one-character email typo.
        _made(9, "Jessica", "Mac Kinder", phones={typo_a.value: typo_a},
              emails={"jessica.mk@web.de": "jessica.mk@web.de"},
              birthdays={(1980, 1, 12)}, addresses=[("hauptstr 12", "10115", "berlin")]),
        _made(10, "Jesica", "MacKinder", phones={typo_b.value: typo_b},
              emails={"jessica.mx@web.de": "jessica.mx@web.de"},
              birthdays={(1980, 1, 21)}, addresses=[("hauptsrt 12", "10115", "berlin")]),
        _made(11, "Jessika", "Garcia Lopez", birthdays={(1980, 12, 1)},
              addresses=[("hauptstr 12", "10116", "")]),
        _made(12, "Djessica", "Garcia", birthdays={(1980, 1, 13)},
              addresses=[("hauptstr 12", "10115", "")]),
        _made(13, "Philip", "Philpott", birthdays={(1980, 2, 2)}),
        _made(14, "Filip", "Fillpot", birthdays={(1980, 2, 2)}),
        _made(15, "Jon", "Smyth"),
        _made(16, "Jonathan", "Smithe"),
        # Generation markers and a parent and a child of one name at one home (kin item).
        _made(17, "John", "Baker", marker="Jr.", phones={home.value: home},
              birthdays={(2001, 3, 4)}, addresses=[("elm st 5", "10115", "")]),
        _made(18, "John", "Baker", marker="Sr.", phones={home.value: home},
              birthdays={(1970, 8, 9)}, addresses=[("elm st 5", "10115", "")]),
        _made(19, "John", "Baker", phones={home.value: home}),
        _made(20, "John", "Baker", marker="Jr.", birthdays={(2001, 3, 4)}),
    ]


def test_quick_score_equals_the_explained_score(session: Session) -> None:
    load(session, generate(800, seed=3, dup_rate=0.1))
    session.commit()
    feats = load_features(session)
    candidates = candidate_pairs(feats)
    assert len(candidates) > 200
    seen: set[tuple[str, str]] = set()
    _check([(feats[a], feats[b]) for a, b in candidates], seen)
    some = sorted(feats)[:300]
    _check([(feats[a], feats[b]) for a, b in combinations(some, 2)], seen)
    made = _handmade()
    _check(list(product(made, made)), seen)
    # Every level of the model was reached at least once.
    assert set(LEVELS) <= seen <= set(LEVELS) | CORRECTIONS
