"""A line of the Sources page's "Recent activity" in plain words: "Added from a source:
Ada Lovelace", "Created Zelda Quast"; never the event's stored kind ("contact sync
updated: …", "Attach held: …") nor words said twice ("Created Zelda Quast — Zelda Quast",
"Not joined automatically: Not joined automatically: …"), nor row ids ("Record split off
into contact 1234"). Dates and numbers stored in a message are written as people write
them ("12 July 1953", not "1953-07-12")."""

from __future__ import annotations

import re
from typing import Any

from app.services.evidence import readable_values
from ui.widgets import when

#: What happened, by the event's stored kind; others read as their kind in words.
WORDS = {
    "sync_finished": "Sync finished", "sync_failed": "Sync failed",
    "contact_synced": "Added from a source", "contact_sync_updated": "Updated from a source",
    "contact_sync_deleted_source": "Removed at its source",
    "contact_sync_conflict": "Your edit kept over a source's change",
    "contact_created": "Created", "contact_edited": "Edited", "local_edit": "You edited",
    "contact_archived": "Archived", "contact_restored": "Restored",
    "contact_deleted": "Deleted", "merge": "Merged", "unmerge": "Merge undone",
    "split": "A copy split off into a contact of its own",
    "link_confirmed": "An address or number confirmed as theirs",
    "link_dismissed": "An address or number marked as not theirs",
    "source_added": "Source added", "source_edited": "Source changed",
    "source_removed": "Source removed", "sync_deletes_held": "Removals held back",
    "sync_deletes_applied": "Removals applied", "sync_deletes_kept": "Removed contacts kept",
    "attach_held": "Not joined automatically",
}


#: An engine's message that names rows by id ("Record split off into contact 1234"): the
#: kind in words and the contact's name say it without them.
_ROW_IDS = re.compile(r"\b(?:contact|record|party|handle|account|decision|merge) \d+\b",
                      re.IGNORECASE)
#: The merge engine's message ("Merged 1 contact(s) into this one"), said with the name.
_MERGED = re.compile(r"Merged (\d+) contact\(s\) into this one")


def activity_text(kind: str, message: str, party_name: str) -> str:
    """What happened: the event's message when it already names the contact ("Created Zelda
    Quast"), else its kind in words with the message (less those words when it starts with
    them) and the contact."""
    message = "" if _ROW_IDS.search(message) else readable_values(message)
    if (merged := _MERGED.fullmatch(message)) is not None and party_name:
        count = int(merged.group(1))
        return f"Merged {count} other {'contact' if count == 1 else 'contacts'} into {party_name}"
    if message and party_name and party_name in message:
        return message
    words = WORDS.get(kind, kind.replace("_", " ").capitalize())
    if message.startswith(f"{words}: "):  # the message says what happened itself
        message = message[len(words) + 2:]
    detail = " — ".join(p for p in (message, party_name) if p)
    return f"{words}: {detail}" if detail else words


def activity_line(event: Any) -> str:
    """"21:21  Added from a source: Ada Lovelace" for a ``core.views.sources.ActivityView``."""
    return (f"{when(event.created_at)}  "
            f"{activity_text(event.kind, event.message, event.party_name)}")
