"""Evidence sentences name people as the owner wrote them: "Both have the last name Müller",
not the folded comparison key "Muller" (the key only decides what matches)."""

from __future__ import annotations

from sqlalchemy.orm import Session

from core.ingest.engine import ingest_contacts
from core.match.sentences import written
from core.match.suggest import refresh_suggestions
from core.match.views import list_suggestions
from tests.match.builders import account, person


def _suggestion(session: Session):  # noqa: ANN202 - the engine's view
    refresh_suggestions(session)
    views = list_suggestions(session, min_score=-100)
    assert len(views) == 1, [(v.name_a, v.name_b) for v in views]
    return views[0]


def _sentences(session: Session) -> list[str]:
    return [i.sentence for i in _suggestion(session).explanation]


def test_sentences_keep_the_diacritics_the_owner_wrote(session: Session) -> None:
    a, b = account(session, "a"), account(session, "b")
    ingest_contacts(session, a, [person("1", "Zoë", "Müller", emails=("zoe@web.example",),
                                        birthday=(1979, 6, 25))])
    ingest_contacts(session, b, [person("1", "Zoë", "Müller", emails=("zm@work.example",),
                                        birthday=(1979, 6, 25))])
    session.commit()
    sentences = _sentences(session)
    assert "Both have the last name Müller" in sentences
    assert "Both have the first name Zoë" in sentences
    assert not any("Muller" in s or "Zoe " in s for s in sentences), sentences


def test_each_side_as_its_own_record_wrote_it(session: Session) -> None:
    a, b = account(session, "a"), account(session, "b")
    ingest_contacts(session, a, [person("1", "Katherine", "Müller",
                                        emails=("katherine@web.example",),
                                        birthday=(1979, 6, 25))])
    ingest_contacts(session, b, [person("1", "Kate", "Muller", emails=("km@work.example",),
                                        birthday=(1979, 6, 25))])
    session.commit()
    view = _suggestion(session)
    sentences = [i.sentence for i in view.explanation]
    # The keys agree (exact level); the sentence names the first record's spelling.
    assert f"Both have the last name {view.name_a.split()[-1]}" in sentences, sentences
    assert "Kate is a short form of Katherine" in sentences
    family = next(i for i in view.explanation if i.field == "family")
    assert {family.left, family.right} == {"Müller", "Muller"}


def test_written_finds_the_words_behind_a_key() -> None:
    assert written("muller", "Katherine Müller") == "Müller"
    assert written("o brien smith", "Siobhán O'Brien-Smith") == "O'Brien-Smith"
    assert written("garcia lopez", "Ana García López") == "García López"
    assert written("muller", "Müller, Katherine") == "Müller"  # the comma goes
    assert written("k", "K. Müller") == "K."
    # A key the display name does not hold (taken from the structured fields).
    assert written("muller", "Kate") == "Muller"
    # A hyphenated given name is compared by its first part and shown whole.
    assert written("eun", "Eun-ji Kang") == "Eun-ji"


def test_addresses_and_swapped_names_as_written(session: Session) -> None:
    # Seen in the review queue: "Both live at gul sokak no 22, 06701, ankara" and
    # "Eun Kang and Kangg Eun-ji have the same names with first and last swapped".
    a, b = account(session, "a"), account(session, "b")
    ingest_contacts(session, a, [person("1", "Eun-ji", "Kang", birthday=(1944, 8, 26),
                                        street="Gül Sokak No 22", postal="06701",
                                        city="Ankara")])
    ingest_contacts(session, b, [person("1", "Kangg", "Eun-ji", full="Kangg Eun-ji",
                                        birthday=(1944, 8, 26), street="Gül Sokak No 22",
                                        postal="06701", city="Ankara")])
    session.commit()
    view = _suggestion(session)
    address = next(i for i in view.explanation if i.field == "address")
    assert (address.left, address.right) == ("Gül Sokak No 22, 06701 Ankara",) * 2
    assert "Both live at Gül Sokak No 22, 06701 Ankara" in [i.sentence for i in view.explanation]
    swapped = next(i for i in view.explanation if i.level == "swapped")
    assert {swapped.left, swapped.right} == {"Eun-ji Kang", "Kangg Eun-ji"}


def test_the_namesakes_sentence_reads_for_one_name_and_for_two() -> None:
    from core.match.sentences import sentence

    assert sentence("name", "namesakes", "Burak Koç", "Burak Koç") == (
        "In this address book, different people share a name like Burak Koç more often "
        "than each part of it alone suggests")
    assert sentence("name", "namesakes", "Burak Koç", "Burak Koc") == (
        "In this address book, different people have names as alike as Burak Koç and "
        "Burak Koc more often than each name alone suggests")
