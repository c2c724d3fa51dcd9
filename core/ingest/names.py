"""A veto for attaching by phone: do two given names clearly belong to different people?

Phones are shared (family landlines, switchboards) far more often than emails, so a phone
match attaches a record only when the given names are compatible: equal after folding, one
an initial of the other, a known nickname of the other (Bob/Robert), or one of them missing.
"""

from __future__ import annotations

from typing import Any

from core.match.names import compare_name, formal_given


def given_token(fields: dict[str, Any]) -> str:
    """The folded first given name of a contact's fields (from the display name if needed)."""
    return compare_name(fields.get("given_name", "") or "", fields.get("family_name", "") or "",
                        "", fields.get("display_name", "") or "").given


def given_names_compatible(a: str, b: str) -> bool:
    if not a or not b:
        return True
    if a == b or formal_given(a) == formal_given(b):
        return True
    return (len(a) == 1 and b.startswith(a)) or (len(b) == 1 and a.startswith(b))
