"""Test data: ParsedContacts written through the real ingest engine, and vCard files."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from PySide6.QtCore import QLocale
from sqlalchemy import select

from core.db.engine import Database
from core.db.models import Party, SourceAccount, SyncState
from core.ingest.engine import ingest_contacts
from core.ingest.parsed import ContactValue, DateValue, Name, Organization, ParsedContact

PEOPLE = [
    # key, given, family, email, phone, org, source
    ("anna", "Anna", "Müller", "anna@example.com", "+49 30 1234567", "Acme GmbH", "phone"),
    ("bjorn", "Björn", "Johansson", "bjorn@example.org", "+46 8 123 456", "", "phone"),
    ("chloe", "Chloé", "Dubois", "chloe@example.fr", "+33 1 23 45 67 89", "Globex", "mail"),
    ("jose", "José", "García", "jose@example.es", "", "Initech", "mail"),
    ("liam", "Liam", "Smith", "liam@example.com", "+1 617 555 0101", "", "mail"),
]


@contextmanager
def owner_in(locale: QLocale, region: str) -> Iterator[None]:
    """The owner's desktop language (``locale``) and country for phone numbers (``region``),
    put back afterwards."""
    from core.views.phone_display import set_owner_region

    before = QLocale()
    QLocale.setDefault(locale)
    set_owner_region(region)
    try:
        yield
    finally:
        set_owner_region("")
        QLocale.setDefault(before)


def contact(key: str, given: str, family: str, email: str = "", phone: str = "",
            org: str = "") -> ParsedContact:
    return ParsedContact(
        external_id=f"uid-{key}",
        name=Name(full=f"{given} {family}".strip(), given=given, family=family),
        emails=[ContactValue(email, "work", True)] if email else [],
        phones=[ContactValue(phone, "mobile")] if phone else [],
        organizations=[Organization(org)] if org else [],
        groups=["Friends"] if key in ("anna", "chloe") else [],
        # Both Annas share a birthday, so a second Anna is a strong duplicate suggestion.
        birthdays=[DateValue(3, 12, 1985)] if key.startswith("anna") else [],
    )


def add_account(db: Database, provider: str, account_id: str, settings: dict | None = None) -> int:
    with db.session() as session:
        account = SourceAccount(provider=provider, account_id=account_id,
                                display_name=account_id, settings=settings or {})
        session.add(account)
        session.flush()
        session.add(SyncState(account_id=account.id, health="never"))
        session.commit()
        return account.id


def seed(db: Database) -> dict[str, int]:
    """Returns party ids by key (plus account ids as "acct:<name>")."""
    ids: dict[str, int] = {}
    accounts = {"phone": add_account(db, "vcard", "phone.vcf"),
                "mail": add_account(db, "carddav", "mail@dav.example")}
    for name, acct in accounts.items():
        batch = [contact(k, g, f, e, p, o) for k, g, f, e, p, o, src in PEOPLE if src == name]
        with db.session() as session:
            ingest_contacts(session, acct, batch, region="DE")
            session.commit()
        ids[f"acct:{name}"] = acct
    with db.session() as session:
        for key, given, *_ in PEOPLE:
            ids[key] = session.scalar(select(Party.id).where(Party.given_name == given))
        stranger = Party(display_name="unknown@spam.example", sort_name="unknown@spam.example",
                         needs_disambiguation=True,
                         search_text="unknown@spam.example")
        session.add(stranger)
        session.flush()
        ids["stranger"] = stranger.id
        session.commit()
    return ids


def write_vcards(path: Path, count: int, prefix: str = "card") -> Path:
    lines = []
    for i in range(count):
        lines += ["BEGIN:VCARD", "VERSION:3.0", f"UID:{prefix}-{i}",
                  f"FN:Person {prefix} {i}", f"N:{prefix};Person {i};;;",
                  f"EMAIL;TYPE=work:{prefix}.{i}@example.net", "END:VCARD"]
    path.write_text("\r\n".join(lines) + "\r\n", encoding="utf-8")
    return path
