"""A contact's fields and kinds of address in the words every view uses.

The card's Fields table said "Display name" and "Title", the editor "Shown as" and "Job
title", the review's conflicts "Name": one field, three names, and the owner could not tell
they were the same. The card's "Emails & phones" table showed the engine's keys ("email",
"phone") where the Emails & phones view says "Email" and "Phone". Both come from here.
"""

from __future__ import annotations

#: The name-and-work fields, in the editor's order.
NAME_FIELDS = {
    "display_name": "Display name", "name_prefix": "Prefix", "given_name": "Given name",
    "middle_name": "Middle name", "family_name": "Family name", "name_suffix": "Suffix",
    "nickname": "Nickname", "organization": "Organisation", "title": "Job title",
}
#: Every field a view names (the card's Fields table, the review's conflicting fields).
FIELD_LABELS = {**NAME_FIELDS, "notes": "Notes", "birthday": "Birthday"}

#: Kinds of address or number ("handles"), by their stored platform.
PLATFORM_NAMES = {"email": "Email", "phone": "Phone", "url": "Web", "telegram": "Telegram",
                  "username": "User name"}


def field_label(name: str) -> str:
    """"title" -> "Job title"; an unknown field in words ("pronouns" -> "Pronouns")."""
    return FIELD_LABELS.get(name) or name.replace("_", " ").capitalize()


def platform_name(platform: str) -> str:
    """"email" -> "Email"; an unknown kind capitalised ("signal" -> "Signal")."""
    return PLATFORM_NAMES.get(platform) or platform.replace("_", " ").capitalize()
