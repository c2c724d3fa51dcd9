"""Synthetic ParsedContacts for the ingest benchmarks: 2 emails, 1 phone, 1 address each."""

from __future__ import annotations

import random
from collections.abc import Iterator

from core.ingest.parsed import Address, ContactValue, Name, ParsedContact

GIVEN = ["Anna", "Ben", "Chloé", "David", "Elif", "Farid", "Greta", "Hugo", "Inès", "Jonas",
         "Katja", "Lars", "Mia", "Noah", "Olga", "Paul", "Rosa", "Sven", "Tara", "Zoë"]
FAMILY = ["Müller", "Schmidt", "García", "Rossi", "Novak", "Dubois", "Jansen", "Kowalski",
          "Andersson", "Nguyen", "Yilmaz", "Silva", "Haddad", "Tanaka", "Smith", "Weber"]


def contacts(size: int, seed: int = 7) -> Iterator[ParsedContact]:
    rng = random.Random(seed)
    for i in range(size):
        g, f = rng.choice(GIVEN), rng.choice(FAMILY)
        yield ParsedContact(
            external_id=f"bench-{i:07d}",
            # Every provider supplies an etag (Google, CardDAV: the server's; vCard: the card
            # text's hash), so the corpus carries one too.
            etag=f"etag-{i:07d}",
            name=Name(full=f"{g} {f}", given=g, family=f),
            emails=[ContactValue(f"{g.lower()}.{i}@example.com", "home", True),
                    ContactValue(f"{f.lower()}{i}@work.example", "work")],
            phones=[ContactValue(f"+1 202 {2000000 + i:07d}", "cell")],
            addresses=[Address(label="home", street=f"{i} Main St", locality="Springfield",
                               postal_code=f"{10000 + i % 90000}", country="US")],
        )


def rows(contact: ParsedContact) -> tuple:
    """The same contact as plain row values for the raw-SQLite baseline."""
    a = contact.addresses[0]
    return (contact.external_id, contact.name.full, contact.name.given, contact.name.family,
            [e.value for e in contact.emails], contact.phones[0].value,
            (a.street, a.locality, a.postal_code, a.country))
