"""The History read model (core.views.history) on SQLite and PostgreSQL: every kind of
decision reads as a sentence with names and readable values, never a row id; field edits
are listed beside the decisions; undone entries say so and cannot be undone twice."""

from __future__ import annotations

import re

from sqlalchemy import select

from core.db.models import Handle, SourceRecord
from core.identity.disambiguate import promote_temp_contact
from core.ingest.fields import edit_field
from core.match.decisions import (
    dismiss_handle_link,
    mark_handle_shared,
    mark_not_duplicate,
    revoke_decision,
)
from core.match.merge import merge_parties
from core.match.split import split_record
from core.views.history import history, readable_handle
from tests.ui.helpers import seed


def test_every_entry_is_a_sentence_without_row_ids(db) -> None:  # noqa: ANN001
    ids = seed(db)
    with db.session() as session:
        phone = session.scalar(select(Handle.id).where(Handle.value == "+4681234" "56"))
        merge_id = merge_parties(session, [ids["anna"], ids["jose"]], keep_id=ids["anna"])
        mark_not_duplicate(session, ids["bjorn"], ids["liam"])
        dismiss_handle_link(session, phone, ids["bjorn"])
        mark_handle_shared(session, phone, True)
        promote_temp_contact(session, ids["stranger"], "Spam Sender")
        record = session.scalar(select(SourceRecord.id).where(
            SourceRecord.external_id == "uid-jose"))
        edit_field(session, ids["chloe"], "organization", "Globex Corp")
        session.commit()
        revoke_decision(session, merge_id)
        session.commit()
        rows = history(session)
    sentences = {r.sentence for r in rows}
    assert "Merged Anna Müller and José García" in sentences
    assert "Undid the merge of Anna Müller and José García" in sentences
    assert "Björn Johansson and Liam Smith are different people" in sentences
    assert "+46 8 12 34 56 does not belong to Björn Johansson" in sentences
    assert ("+46 8 12 34 56 is shared (a household or office): it never merges contacts"
            in sentences)
    assert ("The unknown sender unknown@spam.example is now the contact Spam Sender"
            in sentences)
    assert any(s.startswith(("Edited the organisation of Chloé Dubois",
                             "Changed the organisation of Chloé Dubois")) for s in sentences)
    assert not any(re.search(r"\[\d+\]|#\d+|\+\d{8}", s) for s in sentences)  # no ids, no raw E.164
    merge = next(r for r in rows if r.kind == "merge")
    assert merge.revoked_at is not None and not merge.can_undo
    edit = next(r for r in rows if r.kind == "edit")
    assert edit.decision_id is None and not edit.can_undo and edit.label == "Edited"
    assert [r.created_at for r in rows] == sorted((r.created_at for r in rows), reverse=True)
    assert record is not None


def test_split_reads_as_a_sentence(db) -> None:  # noqa: ANN001
    ids = seed(db)
    with db.session() as session:
        merge_parties(session, [ids["anna"], ids["jose"]], keep_id=ids["anna"])
        record = session.scalar(select(SourceRecord.id).where(
            SourceRecord.external_id == "uid-jose"))
        split_record(session, record)
        session.commit()
        sentences = [r.sentence for r in history(session)]
    assert sentences[0].startswith("Split the copy in ")
    assert sentences[0] == ("Split the copy in mail@dav.example (CardDAV) off Anna Müller: "
                            "José García is a contact of its own")
    assert not re.search(r"\d", sentences[0])


def test_phones_are_readable() -> None:
    assert readable_handle("phone", "+493012345" "67") == "+49 30 1234567"
    assert readable_handle("phone", "not a number") == "not a number"
    assert readable_handle("email", "a@b.example") == "a@b.example"


def test_a_phone_reads_as_in_the_list_and_card() -> None:
    """A number phonenumbers' metadata does not place was "+49 1518714788" in Review and
    History but "+49 151 8714788" in the list and on the card."""
    from core.views.phone_display import format_phone

    assert readable_handle("phone", "+491518714788") == format_phone("+491518714788")
    assert readable_handle("phone", "+491518714788") != "+49 1518714788"
