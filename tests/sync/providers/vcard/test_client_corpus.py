"""Cards written in the style of real clients: imported, shown, exported, re-imported.

The corpus (tests/fixtures/vcard/clients, see its README) exercises each client's quirks.
Every contact must come back from an export to vCard 4.0 and 3.0, re-imported into an empty
database, field for field, with the same owner for every shared handle.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from core.db.engine import Database, open_database
from core.sync.vcard_import import import_vcards
from tests.sync.providers.vcard.conftest import FIXTURES
from tests.sync.providers.vcard.roundtrip_support import (
    contact_fingerprints,
    detail_view,
    export_file,
    handle_owners,
)

CLIENTS = FIXTURES / "clients"
CLIENT_FILES = sorted(p.name for p in CLIENTS.glob("*.vcf"))


@pytest.fixture
def corpus_db(db: Database) -> Database:
    """The corpus imported into a migrated database (SQLite and PostgreSQL)."""
    report = import_vcards(db, [CLIENTS], account="corpus", region="US", workers=1)
    assert report.problems == [] and report.cards_skipped == 0
    return db


@pytest.fixture
def empty_url(request: pytest.FixtureRequest, corpus_db: Database, tmp_path: Path) -> str:
    """A second, empty database on the same engine as ``corpus_db``."""
    if corpus_db.engine.dialect.name == "sqlite":
        return f"sqlite:///{tmp_path / 'fresh.sqlite'}"
    return request.getfixturevalue("pg_database_url")


def test_corpus_covers_every_client() -> None:
    assert sorted([
        "android.vcf", "blackberry.vcf", "evolution.vcf", "gmail.vcf", "iphone.vcf",
        "lotus_notes.vcf", "mac_address_book.vcf", "outlook2003.vcf", "outlook2007.vcf",
        "rfc2426.vcf", "rfc6350.vcf", "thunderbird.vcf"]) == CLIENT_FILES


@pytest.mark.parametrize("version", ["4.0", "3.0"])
def test_export_and_reimport_gives_the_same_contacts(corpus_db: Database, empty_url: str,
                                                     tmp_path: Path, version: str) -> None:
    target = tmp_path / f"export-{version}.vcf"
    assert export_file(corpus_db, target, version) == 18
    fresh = open_database(empty_url)
    try:
        report = import_vcards(fresh, [target], account="again", region="US", workers=1)
        assert report.problems == [] and report.warnings == []
        assert detail_view(fresh) == detail_view(corpus_db)
        assert handle_owners(fresh) == handle_owners(corpus_db)
        assert contact_fingerprints(fresh) == contact_fingerprints(corpus_db)
    finally:
        fresh.dispose()


def test_a_shared_landline_keeps_its_owner_whatever_the_sort_order(corpus_db: Database,
                                                                   tmp_path: Path) -> None:
    # Zelda's card comes first in the file, so she owns the family landline; Adam sorts
    # before her ("Young, Adam"), so an export in list order would hand it to him.
    owners = {(p, v): owner for p, v, _, _, owner in handle_owners(corpus_db)}
    assert owners[("phone", "+14155550123")].startswith("Zelda Young")
    target = tmp_path / "export.vcf"
    export_file(corpus_db, target, "4.0")
    text = target.read_text(encoding="utf-8")
    assert text.index("FN:Zelda Young") < text.index("FN:Adam Young")
