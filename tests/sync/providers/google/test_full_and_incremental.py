"""Full and incremental page chains against the emulator through the real Google client."""

from __future__ import annotations

import json

import pytest

from core.sync.contract import AccountRef, CursorExpiredError
from core.sync.providers.google import GoogleProvider
from tests.emulators.people_api import PeopleApiEmulator
from tests.sync.providers.google.conftest import ACCOUNT_ID, run_chain


def _full(provider: GoogleProvider, account: AccountRef):
    return run_chain(lambda token: provider.full_sync(account, token))


def _incremental(provider: GoogleProvider, account: AccountRef, cursor: str):
    return run_chain(lambda token: provider.incremental_sync(account, cursor, token))


def test_full_sync_pages_of_1000_and_sync_token_only_on_last_page(
        api: PeopleApiEmulator, provider: GoogleProvider, account: AccountRef) -> None:
    names = api.store.generate_persons(2500)
    batches = _full(provider, account)
    assert [len(b.contacts) for b in batches] == [1000, 1000, 500]
    assert [b.next_sync_cursor is not None for b in batches] == [False, False, True]
    assert [b.complete_listing for b in batches] == [False, False, True]
    assert [c.external_id for b in batches for c in b.contacts] == names
    assert api.requests["v1:connections"] == 3
    first = batches[0].contacts[0]
    assert first.name.full == "Person 00000"
    assert first.emails[0].value == "person0@example.com" and first.emails[0].primary
    assert first.etag


def test_configurable_page_size(make_provider, api: PeopleApiEmulator,
                                account: AccountRef) -> None:
    api.store.generate_persons(25)
    batches = _full(make_provider(page_size=10), account)
    assert [len(b.contacts) for b in batches] == [10, 10, 5]
    with pytest.raises(ValueError):
        make_provider(page_size=1001)


def test_incremental_reports_changes_deletions_and_renames(
        api: PeopleApiEmulator, provider: GoogleProvider, account: AccountRef) -> None:
    store = api.store
    keep = store.add_person({"names": [{"displayName": "Keep Me"}]})
    edit = store.add_person({"names": [{"displayName": "Old Name"}]})
    gone = store.add_person({"names": [{"displayName": "Gone Soon"}]})
    moved = store.add_person({"names": [{"displayName": "Moving Person"}]})
    cursor = _full(provider, account)[-1].next_sync_cursor
    assert cursor

    old_etag = store.render("connections", edit, {"names"}, False)["etag"]
    store.update_person(edit, {"names": [{"displayName": "New Name"}]})
    store.delete_person(gone)
    renamed = store.rename_person(moved)
    added = store.add_person({"names": [{"displayName": "Brand New"}]})

    batches = _incremental(provider, account, cursor)
    contacts = {c.external_id: c for b in batches for c in b.contacts}
    assert set(contacts) == {edit, gone, renamed, added}
    assert keep not in contacts
    assert contacts[edit].name.full == "New Name" and contacts[edit].etag != old_etag
    assert contacts[gone].deleted and contacts[gone].etag
    assert contacts[renamed].previous_external_ids == [moved]
    assert contacts[renamed].name.full == "Moving Person"
    assert not contacts[added].deleted
    assert batches[-1].next_sync_cursor and batches[-1].next_sync_cursor != cursor
    assert not any(b.complete_listing for b in batches)

    # Nothing changed since the new cursor: an empty page that still hands out a cursor.
    again = _incremental(provider, account, batches[-1].next_sync_cursor)
    assert [len(b.contacts) for b in again] == [0]
    assert again[-1].next_sync_cursor


def test_incremental_paging_keeps_sync_token_across_pages(
        make_provider, api: PeopleApiEmulator, account: AccountRef) -> None:
    provider = make_provider(page_size=2)
    names = [api.store.add_person({"names": [{"displayName": f"P{i}"}]}) for i in range(3)]
    cursor = _full(provider, account)[-1].next_sync_cursor
    for name in names:
        api.store.update_person(name, {"nicknames": [{"value": "x"}]})
    batches = _incremental(provider, account, cursor)
    assert [len(b.contacts) for b in batches] == [2, 1]
    assert [b.next_sync_cursor is not None for b in batches] == [False, True]


@pytest.mark.parametrize("how", ["hook", "seven_days"])
def test_expired_sync_token_raises_cursor_expired(
        how: str, api: PeopleApiEmulator, provider: GoogleProvider,
        account: AccountRef) -> None:
    api.store.add_person({"names": [{"displayName": "Someone"}]})
    cursor = _full(provider, account)[-1].next_sync_cursor
    assert cursor
    if how == "hook":
        api.store.expire_sync_tokens()
    else:
        api.store.advance(7 * 24 * 3600 + 1)
    with pytest.raises(CursorExpiredError):
        provider.incremental_sync(account, cursor, None)
    # The documented recovery works: a full sync without the token.
    assert _full(provider, account)[-1].complete_listing


def test_six_day_old_token_still_works(api: PeopleApiEmulator, provider: GoogleProvider,
                                       account: AccountRef) -> None:
    cursor = _full(provider, account)[-1].next_sync_cursor
    api.store.advance(6 * 24 * 3600)
    assert _incremental(provider, account, cursor)[-1].next_sync_cursor


def test_groups_become_contact_group_names(api: PeopleApiEmulator, provider: GoogleProvider,
                                           account: AccountRef) -> None:
    friends = api.store.add_group("Climbing Club")
    person = api.store.add_person({"names": [{"displayName": "Grouped"}]},
                                  groups=[friends, "contactGroups/starred"])
    batches = _full(provider, account)
    contact = next(c for c in batches[0].contacts if c.external_id == person)
    assert contact.groups == ["Climbing Club", "Starred"]  # myContacts is not a label
    assert "Climbing Club" in {g.name for g in batches[0].groups}

    # A group created after the chain started is picked up on the next page that uses it.
    cursor = batches[-1].next_sync_cursor
    late = api.store.add_group("Late Group")
    api.store.add_to_group(person, late)
    changed = _incremental(provider, account, cursor)[0].contacts
    assert changed[0].groups == ["Climbing Club", "Late Group", "Starred"]


def test_list_groups(api: PeopleApiEmulator, provider: GoogleProvider,
                     account: AccountRef) -> None:
    api.store.add_group("Book Club")
    page = provider.list_groups(account, None)
    names = {g.name: g for g in page.groups}
    assert "Book Club" in names and "Starred" in names and "My Contacts" not in names
    assert names["Book Club"].external_id.startswith("contactGroups/")
    assert page.next_page_token is None


def test_other_contacts_stream_chained_after_connections(
        make_provider, api: PeopleApiEmulator) -> None:
    account = AccountRef(id=2, provider="google", account_id=ACCOUNT_ID,
                         settings={"other_contacts": True})
    provider = make_provider(page_size=2)
    people = [api.store.add_person({"names": [{"displayName": f"C{i}"}]}) for i in range(3)]
    others = [api.store.add_other_contact(
        {"emailAddresses": [{"value": f"o{i}@example.org"}]}) for i in range(3)]
    batches = _full(provider, account)
    ids = [c.external_id for b in batches for c in b.contacts]
    assert ids == people + others
    assert [b.next_sync_cursor is not None for b in batches] == [False] * 3 + [True]
    assert [b.complete_listing for b in batches] == [False] * 3 + [True]
    cursor = json.loads(batches[-1].next_sync_cursor)
    assert set(cursor) == {"connections", "other"}

    api.store.update_person(others[1], {"emailAddresses": [{"value": "changed@example.org"}]})
    api.store.delete_person(people[0])
    changed = _incremental(provider, account, batches[-1].next_sync_cursor)
    got = {c.external_id: c for b in changed for c in b.contacts}
    assert got[people[0]].deleted
    assert got[others[1]].emails[0].value == "changed@example.org"
    assert changed[-1].next_sync_cursor


def test_enabling_other_contacts_forces_full_sync(make_provider, api: PeopleApiEmulator,
                                                   account: AccountRef) -> None:
    provider = make_provider()
    cursor = _full(provider, account)[-1].next_sync_cursor
    with_other = AccountRef(id=1, provider="google", account_id=ACCOUNT_ID,
                            settings={"other_contacts": True})
    with pytest.raises(CursorExpiredError):
        provider.incremental_sync(with_other, cursor, None)


def test_chain_resumes_in_a_fresh_provider(make_provider, api: PeopleApiEmulator,
                                           account: AccountRef) -> None:
    """The page token carries all state: another process can continue the chain."""
    api.store.generate_persons(5)
    first = make_provider(page_size=2).full_sync(account, None)
    rest = run_chain(lambda t: make_provider(page_size=2).full_sync(account, t or
                                                                    first.next_page_token))
    assert len(first.contacts) + sum(len(b.contacts) for b in rest) == 5
    assert rest[-1].next_sync_cursor


def test_new_person_fields_come_through_the_real_client(
        api: PeopleApiEmulator, provider: GoogleProvider, account: AccountRef) -> None:
    """The provider asks for relations, genders, locales and fileAses, and maps them."""
    api.store.add_person({
        "names": [{"displayName": "Li Chen", "givenName": "Li", "familyName": "Chen",
                   "phoneticGivenName": "Lee"}],
        "organizations": [{"name": "Fabrikam", "department": "Accounting",
                           "jobDescription": "Counting money", "current": True}],
        "relations": [{"person": "Wei Chen", "type": "spouse"}],
        "genders": [{"value": "female"}],
        "locales": [{"value": "zh-CN"}],
        "fileAses": [{"value": "Chen, Li"}],
        "imClients": [{"username": "li.chen", "protocol": "skype"}],
    })
    (contact,) = [c for b in _full(provider, account) for c in b.contacts]
    assert (contact.organizations[0].department, contact.organizations[0].role) == (
        "Accounting", "Counting money")
    assert [(r.name, r.relation) for r in contact.related] == [("Wei Chen", "spouse")]
    assert (contact.gender, contact.languages, contact.file_as) == ("F", ["zh-CN"], "Chen, Li")
    assert contact.phonetic.given == "Lee"
    assert [(u.platform, u.value) for u in contact.usernames] == [("skype", "li.chen")]
