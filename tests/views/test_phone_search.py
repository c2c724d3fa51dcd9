"""Search finds a phone number in any form the owner types, on SQLite (FTS5) and PostgreSQL."""

from __future__ import annotations

import pytest

from core.ingest.engine import ingest_contacts
from core.ingest.phone_search import join_phone_words, phone_index_words
from core.views.party import list_party_id_array, list_party_ids
from core.views.refine import refines
from tests.factories import add_account, contact
from tests.ingest.helpers import party_id_of

#: Every form of +49 151 3018681 an owner might type (issue 12).
FORMS = ["+49 151 3018681", "+491513018681", "0151 3018681", "0151-3018681",
         "(0151) 3018681", "+49 (0) 151 3018681", "0049 151 3018681", "0151/301 86 81",
         "3018681", "1513018", "151 30", "+4915130", "018681", "30186"]


@pytest.fixture
def people(db):
    with db.session() as s:
        acc = add_account(s, region="DE")
        ingest_contacts(s, acc, [
            contact("zoe", "Zoë Neumann", phones=("+49 151 3018681",)),
            contact("max", "Max Bauer", phones=("030 2297980",)),
            contact("ann", "Ann Smith", phones=("+1 212 555 1234",)),
            contact("ray", "Ray Nobody", emails=("ray@example.com",)),
        ])
        s.commit()
        ids = {k: party_id_of(s, acc, k) for k in ("zoe", "max", "ann", "ray")}
    return ids


@pytest.mark.parametrize("typed", FORMS)
def test_every_form_finds_the_number(db, people, typed):
    with db.session() as s:
        assert list_party_ids(s, typed) == [people["zoe"]]
        assert list(list_party_id_array(s, typed)) == [people["zoe"]]
        assert list_party_ids(s, typed, limit=80) == [people["zoe"]]


@pytest.mark.parametrize(("typed", "who"), [
    ("030 2297980", "max"), ("(030) 229 79 80", "max"), ("+49 30 2297980", "max"),
    ("2297980", "max"), ("(212) 555-1234", "ann"), ("212-555-1234", "ann"),
    ("+1 212 555 1234", "ann"), ("5551234", "ann"),
])
def test_other_countries_and_landlines(db, people, typed, who):
    with db.session() as s:
        assert list_party_ids(s, typed) == [people[who]]


def test_wrong_digits_find_nothing_and_names_still_work(db, people):
    with db.session() as s:
        assert list_party_ids(s, "0151 3018682") == []
        assert list_party_ids(s, "+44 151 3018681") == []
        assert list_party_ids(s, "zoe 0151") == [people["zoe"]]
        assert list_party_ids(s, "max 0151") == []
        assert list_party_ids(s, "neumann") == [people["zoe"]]


def test_index_words_of_a_number():
    words = phone_index_words("+491513018681")
    assert words[:2] == ["491513018681", "01513018681"]
    assert "1513018681" in words and "8681" in words and "681" not in words
    us = phone_index_words("+12125551234")  # +1's trunk prefix "1" gives the digits again
    assert len(us) == len(set(us)) and "2125551234" in us
    assert phone_index_words("ray@example.com") == []
    assert phone_index_words("+491513018681;ext=12")[0] == "491513018681"


def test_typed_words_join_into_one_number():
    assert join_phone_words(["+49", "(0)", "151", "3018681"]) == ["491513018681"]
    assert join_phone_words(["0049", "151"]) == ["49151"]
    assert join_phone_words(["anna", "0151-30", "x"]) == ["anna", "015130", "x"]
    assert join_phone_words(["-", "anna"]) == ["anna"]


def test_refinement_follows_the_words_not_the_text():
    assert refines("0151", "0151 3")  # "01513" narrows "0151"
    assert refines("+49 (0", "+49 (0) 1") is False  # "490" -> "491": not narrower
    assert refines("+49 (0", "+49 (0)") is False  # "490" -> "49": wider
    assert refines("anna", "anna 0151")
    assert refines("", "0151")


def test_migration_reindexes_existing_contacts(db, people):
    """A database written before phone words were indexed finds numbers after 0008."""
    import importlib

    from alembic.operations import Operations
    from alembic.runtime.migration import MigrationContext
    from sqlalchemy import update

    from core.db.models import Party

    with db.session() as s:  # the search text as the code before 0008 wrote it
        s.execute(update(Party).where(Party.id == people["zoe"])
                  .values(search_text="zoe neumann +491513018681 491513018681"))
        s.commit()
        assert list_party_ids(s, "0151 3018681") == []
    migration = importlib.import_module(
        "core.db.migrations.versions.0008_phone_search_words")
    with db.engine.begin() as conn, Operations.context(MigrationContext.configure(conn)):
        migration.upgrade()
    with db.session() as s:
        assert list_party_ids(s, "0151 3018681") == [people["zoe"]]
        assert list_party_ids(s, "3018681") == [people["zoe"]]
