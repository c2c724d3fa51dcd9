"""Export contacts to a vCard file from the window (``kith export`` does the same from a
terminal): every contact, or the ones given, through core.views.export and the vCard writer.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from pathlib import Path

from app.services import read_session
from core.db.engine import Database
from core.ingest.parsed import ParsedContact
from core.sync.providers.vcard.export import write_vcard_file
from core.tasks import TaskState
from core.views.export import iter_contacts, party_to_contact


def export_vcards(db: Database, path: str, party_ids: Sequence[int] | None = None,
                  version: str = "4.0", *, state: TaskState) -> int:
    """Write the contacts (all when ``party_ids`` is None) to ``path``; returns how many.

    The file is written beside the target and renamed at the end, so a failed or cancelled
    export never leaves half a file where the owner's old export was.
    """
    target = Path(path)
    partial = target.with_name(f".{target.name}.partial")
    with read_session(db) as session:
        contacts: Iterator[ParsedContact] = (
            iter_contacts(session) if party_ids is None
            else (party_to_contact(session, pid) for pid in party_ids))
        try:
            count = write_vcard_file(partial, _checked(contacts, state), version)
        except BaseException:
            partial.unlink(missing_ok=True)
            raise
    partial.replace(target)
    return count


def _checked(contacts: Iterator[ParsedContact], state: TaskState) -> Iterator[ParsedContact]:
    for done, contact in enumerate(contacts, start=1):
        state.check()
        if done % 200 == 0:
            state.progress(None, f"Exporting… {done:,} contacts written")
        yield contact
