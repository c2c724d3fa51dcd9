"""Why an action failed, in the owner's words. The engine names what it could not find by
its row id ("No contact with id 6"): true, but an id means nothing to the owner, who only
sees that the contact they acted on went away meanwhile (merged in another window, split
off, deleted by a sync). Everything else reads as ``app.tasks.readable_error`` has it.

(The one place for this would be ``app.tasks.readable_error``; it lives here while that
module is outside the views' work.)
"""

from __future__ import annotations

import re

from app import tasks

#: What a "No <thing> with id N" names, in words.
GONE = {
    "contact": "That contact is not there any more: it was merged, split off or deleted "
               "meanwhile.",
    "handle": "That email address or phone number is not there any more.",
    "source account": "That source is not there any more: it was removed meanwhile.",
}
_NO_ID = re.compile(r"No (contact|handle|source account) with id \d+")
_NO_PAIR = re.compile(r"No handle \d+ or no party \d+")


def action_error(exc: BaseException) -> str:
    """The failure as a sentence without row ids (see the module docstring)."""
    text = tasks.readable_error(exc)
    if isinstance(exc, LookupError):
        if (found := _NO_ID.fullmatch(text)) is not None:
            return GONE[found.group(1)]
        if _NO_PAIR.fullmatch(text):
            return "That contact or that address is not there any more."
    return text


def gone_why(exc: BaseException) -> str:
    """Under "This contact is not available any more": why, without saying it twice."""
    if isinstance(exc, LookupError) and _NO_ID.fullmatch(tasks.readable_error(exc)):
        return "It was merged, split off or deleted meanwhile."
    return action_error(exc)
