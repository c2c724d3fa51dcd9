"""Property: whatever the batching and order, re-syncing the same listing converges.

Contacts are drawn from a small pool of emails, phones and names so that attachments,
contested handles and shared phones actually occur.
"""

from __future__ import annotations

import shutil

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from core.db.engine import open_database
from core.ingest.engine import ingest_contacts
from tests.factories import add_account, contact
from tests.ingest.helpers import count_writes, snapshot

EMAILS = [f"p{i}@example.com" for i in range(6)]
PHONES = [f"+1 202 555 01{i:02d}" for i in range(5)]
NAMES = ["Ann Lee", "Bob Ray", "Cy Young", "Di Moss", "Ed Park"]

contacts_strategy = st.lists(
    st.builds(
        lambda i, name, emails, phones, org: contact(
            f"id{i}", name, given=name.split()[0], family=name.split()[1],
            emails=tuple(emails), phones=tuple(phones), org=org),
        st.integers(0, 14),
        st.sampled_from(NAMES),
        st.lists(st.sampled_from(EMAILS), max_size=2, unique=True),
        st.lists(st.sampled_from(PHONES), max_size=2, unique=True),
        st.sampled_from(["", "Acme", "Globex"]),
    ),
    min_size=1, max_size=12,
    unique_by=lambda c: c.external_id,
)


@settings(max_examples=40, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(listing=contacts_strategy, split=st.integers(1, 12))
def test_resync_converges_and_is_a_no_op(tmp_path_factory, _sqlite_template, listing, split):
    target = tmp_path_factory.mktemp("conv") / "k.sqlite"
    shutil.copyfile(_sqlite_template, target)
    db = open_database(f"sqlite:///{target}")
    try:
        with db.session() as s:
            acc = add_account(s)
            for start in range(0, len(listing), split):
                stats = ingest_contacts(s, acc, listing[start:start + split])
                assert not stats.errors
                s.commit()
            first = snapshot(s)
            with count_writes(db.engine) as writes:
                again = ingest_contacts(s, acc, listing)
                s.commit()
            assert again.unchanged == len(listing) and writes == []
            assert snapshot(s) == first
            # Every handle a live record lists has an owner, and counts add up.
            assert all(owner is not None for _, _, owner in first["handles"])
            total = sum(count for _, count in first["counts"])
            assert total == len(first["handles"])
    finally:
        db.dispose()
