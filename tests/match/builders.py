"""Small builders for ParsedContacts and source accounts used by the review-engine tests."""

from __future__ import annotations

from sqlalchemy.orm import Session

from core.db.models import SourceAccount
from core.ingest.parsed import (
    Address,
    ContactValue,
    DateValue,
    Name,
    Organization,
    ParsedContact,
)


def account(session: Session, name: str = "book", provider: str = "vcard") -> int:
    acc = SourceAccount(provider=provider, account_id=name, display_name=name,
                        default_region="DE")
    session.add(acc)
    session.flush()
    return acc.id


def person(
    ext: str,
    given: str = "",
    family: str = "",
    *,
    emails: tuple[str, ...] = (),
    phones: tuple[str, ...] | tuple[tuple[str, str], ...] = (),
    birthday: tuple[int | None, int, int] | None = None,
    org: str = "",
    street: str = "",
    postal: str = "",
    city: str = "",
    nickname: str = "",
    groups: tuple[str, ...] = (),
    full: str = "",
    etag: str = "",
) -> ParsedContact:
    """A contact with just the fields the matcher looks at."""
    phone_values = []
    for p in phones:
        value, label = (p, "") if isinstance(p, str) else p
        phone_values.append(ContactValue(value, label))
    return ParsedContact(
        external_id=ext,
        etag=etag,
        name=Name(full=full or " ".join(x for x in (given, family) if x), given=given,
                  family=family),
        nickname=[nickname] if nickname else [],
        emails=[ContactValue(e, "", i == 0) for i, e in enumerate(emails)],
        phones=phone_values,
        birthdays=[DateValue(birthday[1], birthday[2], birthday[0])] if birthday else [],
        organizations=[Organization(org)] if org else [],
        addresses=[Address(label="home", street=street, postal_code=postal, locality=city)]
        if (street or postal or city) else [],
        groups=list(groups),
    )
