"""Deterministic synthetic vCards for benchmarks and load tests.

``synthetic_vcards(n, seed)`` always returns the same text for the same arguments (a seeded
``random.Random``, no clock, no global state), so benchmark numbers are comparable between runs.
Every card is realistic enough to exercise the whole parser: accented names, two emails (one
labelled work and preferred), one mobile phone, one home address, UID, sometimes an org,
a nickname, a birthday (some without year) and categories.
"""

from __future__ import annotations

import random
import uuid
from collections.abc import Iterator
from pathlib import Path

_GIVEN = ["Anna", "Jörg", "Zoë", "François", "Ångström", "Mário", "Łukasz", "Siobhán", "José",
          "Chloé", "Björn", "Ines", "Oğuz", "Renée", "Søren", "Núria", "Mehmet", "Yuki", "Ava",
          "Liam", "Noah", "Emma", "Olivia", "Lucas", "Mia", "Élodie", "Dvořák", "Ana", "Ivan"]
_FAMILY = ["Müller", "García", "Núñez", "O'Brien", "Dubois", "Kowalski", "Schmidt", "Rossi",
           "Smith", "Johansson", "Öztürk", "Nguyễn", "Papadopoulos", "Novák", "Fernández",
           "Lefèvre", "Çelik", "Jensen", "Tanaka", "Brown", "Wójcik", "Costa", "Ødegaard"]
_DOMAINS = ["example.com", "example.org", "mail.example.net", "firma.example.de"]
_CITIES = [("Berlin", "10115", "DE"), ("München", "80331", "DE"), ("Paris", "75001", "FR"),
           ("Zürich", "8001", "CH"), ("Kraków", "30-001", "PL"), ("Madrid", "28001", "ES"),
           ("Boston", "02108", "US"), ("København", "1050", "DK")]
_STREETS = ["Hauptstraße", "Rue de la Paix", "Calle Mayor", "Bahnhofstrasse", "Main Street",
            "ulica Floriańska", "Nørregade"]
_ORGS = ["Acme GmbH", "Globex S.A.", "Initech", "Umbrella Ltd.", "Société Générale d'Exemple"]
_CATEGORIES = ["Family", "Friends", "Work", "Sport", "Nachbarn"]


def _ascii(text: str) -> str:
    table = str.maketrans("öüäåæøéèêëáàíóúñçłğşčřýžőőề", "ouaaaoeeeeaaiouncigscryzooe")
    return "".join(ch for ch in text.lower().translate(table) if ch.isalnum())


def synthetic_card(rng: random.Random, index: int) -> str:
    """One vCard 3.0 card (CRLF line endings) drawn from ``rng``."""
    given, family = rng.choice(_GIVEN), rng.choice(_FAMILY)
    local = f"{_ascii(given)}.{_ascii(family)}{index}"
    city, code, country = rng.choice(_CITIES)
    uid = uuid.UUID(int=rng.getrandbits(128), version=4)
    lines = [
        "BEGIN:VCARD", "VERSION:3.0", f"UID:{uid}",
        f"FN:{given} {family}", f"N:{family};{given};;;",
        f"EMAIL;TYPE=INTERNET;TYPE=WORK,pref:{local}@{rng.choice(_DOMAINS)}",
        f"EMAIL;TYPE=INTERNET;TYPE=HOME:{_ascii(given)}{index}@home.example",
        f"TEL;TYPE=CELL:+49 1{rng.randint(50, 79)} {rng.randint(1000000, 9999999)}",
        f"ADR;TYPE=HOME:;;{rng.choice(_STREETS)} {rng.randint(1, 200)};{city};;{code};{country}",
    ]
    if rng.random() < 0.3:
        lines += [f"ORG:{rng.choice(_ORGS)}", "TITLE:Engineer"]
    if rng.random() < 0.2:
        lines.append(f"NICKNAME:{given[:3]}")
    if rng.random() < 0.4:
        month, day = rng.randint(1, 12), rng.randint(1, 28)
        if rng.random() < 0.5:
            lines.append(f"BDAY:{rng.randint(1940, 2010)}-{month:02d}-{day:02d}")
        else:
            lines.append(f"BDAY;X-APPLE-OMIT-YEAR=1604:1604-{month:02d}-{day:02d}")
    if rng.random() < 0.5:
        lines.append("CATEGORIES:" + ",".join(rng.sample(_CATEGORIES, rng.randint(1, 2))))
    lines.append("END:VCARD")
    return "\r\n".join(lines) + "\r\n"


def iter_synthetic_vcards(n: int, seed: int = 1) -> Iterator[str]:
    """``n`` cards, one string each, deterministic for (n, seed)."""
    rng = random.Random(seed)
    for index in range(n):
        yield synthetic_card(rng, index)


def synthetic_vcards(n: int, seed: int = 1) -> str:
    """``n`` cards as one .vcf text."""
    return "".join(iter_synthetic_vcards(n, seed))


def write_synthetic_file(path: str | Path, n: int, seed: int = 1) -> Path:
    """Write ``n`` synthetic cards to ``path`` (UTF-8) without holding them all in memory."""
    target = Path(path)
    with target.open("w", encoding="utf-8", newline="") as handle:
        for card in iter_synthetic_vcards(n, seed):
            handle.write(card)
    return target
