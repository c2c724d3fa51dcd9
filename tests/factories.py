"""Builders for ParsedContacts and accounts used across tests."""

from __future__ import annotations

from core.db.models import SourceAccount
from core.ingest.parsed import Address, ContactValue, DateValue, Name, Organization, ParsedContact


def contact(
    ext: str | None,
    name: str = "",
    *,
    given: str = "",
    family: str = "",
    emails: tuple[str, ...] = (),
    phones: tuple[str, ...] = (),
    org: str = "",
    notes: str = "",
    groups: tuple[str, ...] = (),
    birthday: tuple[int | None, int, int] | None = None,
    etag: str = "",
    deleted: bool = False,
) -> ParsedContact:
    return ParsedContact(
        external_id=ext,
        etag=etag,
        name=Name(full=name, given=given, family=family),
        emails=[ContactValue(e, primary=i == 0) for i, e in enumerate(emails)],
        phones=[ContactValue(p) for p in phones],
        organizations=[Organization(name=org)] if org else [],
        notes=notes,
        groups=list(groups),
        birthdays=[DateValue(year=birthday[0], month=birthday[1], day=birthday[2])]
        if birthday else [],
        addresses=[Address(street="1 Main St", locality="Springfield")] if emails else [],
        deleted=deleted,
    )


def add_account(session, name: str = "a.vcf", provider: str = "vcard",
                policy: str = "archive", region: str = "US") -> int:
    account = SourceAccount(provider=provider, account_id=name, display_name=name,
                            delete_policy=policy, default_region=region)
    session.add(account)
    session.commit()
    return account.id


def future_database(path) -> None:  # noqa: ANN001 - Path
    """A migrated SQLite file stamped with a revision this code does not know (a newer Kith)."""
    from sqlalchemy import create_engine, text

    from core.db.engine import open_database

    open_database(f"sqlite:///{path}").dispose()
    engine = create_engine(f"sqlite:///{path}")
    with engine.begin() as conn:
        conn.execute(text("UPDATE alembic_version SET version_num = '9999_from_the_future'"))
    engine.dispose()
