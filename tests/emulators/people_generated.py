"""Lazily generated persons for large-account tests (50,000 contacts without 50,000 objects).

A generated person is only an index in a :class:`GeneratedRun` until someone touches it; its
JSON is formatted directly from the index, which is what keeps big pages fast to serve.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(slots=True)
class GeneratedRun:
    """A run of lazily generated persons ``people/g{start..start+count-1}`` (no per-person
    objects: 50,000 tracked objects would make every garbage collection crawl)."""

    start: int
    count: int
    seq: int
    stamp: str


def generated_body(index: int) -> dict[str, Any]:
    """The content of generated person ``index``: cheap, deterministic, realistic in shape."""
    return {
        "names": [{
            "metadata": {"primary": True, "source": {"type": "CONTACT"}},
            "displayName": f"Person {index:05d}", "givenName": "Person",
            "familyName": f"{index:05d}",
        }],
        "emailAddresses": [{
            "metadata": {"primary": True}, "value": f"person{index}@example.com",
            "type": "home", "formattedType": "Home",
        }],
        "phoneNumbers": [{
            "metadata": {"primary": True}, "value": f"+1 202 555 {index % 10000:04d}",
            "canonicalForm": f"+1202555{index % 10000:04d}", "type": "mobile",
            "formattedType": "Mobile",
        }],
    }


def generated_json(rn: str, run: GeneratedRun, fields: set[str]) -> str:
    """JSON text equal to ``render`` of an untouched generated person (tested for equality)."""
    i = int(rn[8:])
    etag = f"%gen{i}"
    parts = [f'{{"resourceName": "{rn}", "etag": "{etag}"']
    if "names" in fields:
        parts.append(f'"names": [{{"metadata": {{"primary": true, "source": {{"type": "CONTACT"}}'
                     f'}}, "displayName": "Person {i:05d}", "givenName": "Person", '
                     f'"familyName": "{i:05d}"}}]')
    if "emailAddresses" in fields:
        parts.append(f'"emailAddresses": [{{"metadata": {{"primary": true}}, "value": '
                     f'"person{i}@example.com", "type": "home", "formattedType": "Home"}}]')
    if "phoneNumbers" in fields:
        n = i % 10000
        parts.append(f'"phoneNumbers": [{{"metadata": {{"primary": true}}, "value": '
                     f'"+1 202 555 {n:04d}", "canonicalForm": "+1202555{n:04d}", "type": '
                     f'"mobile", "formattedType": "Mobile"}}]')
    if "memberships" in fields:
        parts.append('"memberships": [{"metadata": {"source": {"type": "CONTACT"}}, '
                     '"contactGroupMembership": {"contactGroupId": "myContacts", '
                     '"contactGroupResourceName": "contactGroups/myContacts"}}]')
    if "metadata" in fields:
        parts.append(f'"metadata": {{"sources": [{{"type": "CONTACT", "id": "{rn[7:]}", '
                     f'"etag": "{etag}", "updateTime": "{run.stamp}"}}], '
                     '"objectType": "PERSON"}')
    return ", ".join(parts) + "}"
