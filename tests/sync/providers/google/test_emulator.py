"""The People API emulator itself behaves like Google where the provider depends on it."""

from __future__ import annotations

import json

import pytest
import requests

from core.sync.providers.google.provider import PERSON_FIELDS
from tests.emulators.people_api import EXPIRED_MESSAGE, PeopleApiEmulator

CONNECTIONS = "/v1/people/me/connections"


@pytest.fixture
def session(api: PeopleApiEmulator) -> requests.Session:
    access, _ = api.oauth.issue_tokens()
    http = requests.Session()
    http.headers["Authorization"] = f"Bearer {access}"
    return http


def _get(api: PeopleApiEmulator, http: requests.Session, path: str, **params: object
         ) -> requests.Response:
    return http.get(api.url + path, params=params, timeout=10)


def test_bearer_token_required(api: PeopleApiEmulator) -> None:
    response = requests.get(api.url + CONNECTIONS, params={"personFields": "names"}, timeout=10)
    assert response.status_code == 401
    assert response.json()["error"]["status"] == "UNAUTHENTICATED"


def test_person_fields_required_and_validated(api: PeopleApiEmulator,
                                              session: requests.Session) -> None:
    assert _get(api, session, CONNECTIONS).json()["error"]["status"] == "INVALID_ARGUMENT"
    bad = _get(api, session, CONNECTIONS, personFields="names,bogus")
    assert bad.status_code == 400
    too_big = _get(api, session, CONNECTIONS, personFields="names", pageSize=1001)
    assert too_big.status_code == 400


def test_page_tokens_must_keep_the_first_calls_parameters(
        api: PeopleApiEmulator, session: requests.Session) -> None:
    api.store.generate_persons(5)
    first = _get(api, session, CONNECTIONS, personFields="names", pageSize=2).json()
    assert len(first["connections"]) == 2 and "nextSyncToken" not in first
    token = first["nextPageToken"]
    mismatch = _get(api, session, CONNECTIONS, personFields="names,emailAddresses",
                    pageSize=2, pageToken=token)
    assert mismatch.status_code == 400
    assert mismatch.json()["error"]["status"] == "INVALID_ARGUMENT"
    same = _get(api, session, CONNECTIONS, personFields="names", pageSize=2, pageToken=token)
    assert [p["resourceName"] for p in same.json()["connections"]] == [
        "people/g0000002", "people/g0000003"]


def test_field_mask_limits_the_response(api: PeopleApiEmulator,
                                        session: requests.Session) -> None:
    api.store.generate_persons(1)
    person = _get(api, session, CONNECTIONS, personFields="names").json()["connections"][0]
    assert set(person) == {"resourceName", "etag", "names"}


def test_expired_sync_token_error_matches_google(api: PeopleApiEmulator,
                                                 session: requests.Session) -> None:
    body = _get(api, session, CONNECTIONS, personFields="names", requestSyncToken="true").json()
    api.store.expire_sync_tokens()
    response = _get(api, session, CONNECTIONS, personFields="names",
                    syncToken=body["nextSyncToken"])
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["message"] == EXPIRED_MESSAGE and error["status"] == "FAILED_PRECONDITION"
    assert error["details"][0]["reason"] == "EXPIRED_SYNC_TOKEN"
    assert error["details"][0]["@type"] == "type.googleapis.com/google.rpc.ErrorInfo"


def test_deleted_person_shape_in_incremental(api: PeopleApiEmulator,
                                             session: requests.Session) -> None:
    name = api.store.add_person({"names": [{"displayName": "Bye"}]})
    token = _get(api, session, CONNECTIONS, personFields="names",
                 requestSyncToken="true").json()["nextSyncToken"]
    api.store.delete_person(name)
    body = _get(api, session, CONNECTIONS, personFields="names", syncToken=token).json()
    deleted = body["connections"][0]
    assert deleted["resourceName"] == name and deleted["metadata"] == {"deleted": True}
    assert set(deleted) == {"resourceName", "etag", "metadata"}
    assert body["nextSyncToken"] != token
    # Full listings no longer show it.
    full = _get(api, session, CONNECTIONS, personFields="names").json()
    assert "connections" not in full and full["totalPeople"] == 0


def test_fault_injection_and_counters(api: PeopleApiEmulator,
                                      session: requests.Session) -> None:
    api.inject_fault("429", 1, retry_after=3)
    api.inject_fault("500", 1)
    limited = _get(api, session, "/v1/contactGroups")
    assert limited.status_code == 429 and limited.headers["Retry-After"] == "3"
    assert limited.json()["error"]["status"] == "RESOURCE_EXHAUSTED"
    assert _get(api, session, "/v1/contactGroups").status_code == 500
    assert _get(api, session, "/v1/contactGroups").status_code == 200
    api.inject_fault("drop", 1)
    with pytest.raises(requests.ConnectionError):
        requests.get(api.url + "/v1/contactGroups", timeout=10)
    assert api.faults_served == 3 and api.api_requests == 4


def test_other_contacts_need_their_scope_and_read_mask(api: PeopleApiEmulator) -> None:
    api.store.add_other_contact({"emailAddresses": [{"value": "x@example.org"}],
                                 "names": [{"displayName": "X"}]})
    access, _ = api.oauth.issue_tokens(scopes=(
        "https://www.googleapis.com/auth/contacts.readonly",))
    headers = {"Authorization": f"Bearer {access}"}
    denied = requests.get(api.url + "/v1/otherContacts", params={"readMask": "names"},
                          headers=headers, timeout=10)
    assert denied.status_code == 403
    access, _ = api.oauth.issue_tokens()
    headers = {"Authorization": f"Bearer {access}"}
    bad_mask = requests.get(api.url + "/v1/otherContacts", params={"readMask": "birthdays"},
                            headers=headers, timeout=10)
    assert bad_mask.status_code == 400
    ok = requests.get(api.url + "/v1/otherContacts", params={"readMask": "emailAddresses"},
                      headers=headers, timeout=10).json()
    assert ok["otherContacts"][0]["resourceName"].startswith("otherContacts/")
    assert ok["totalSize"] == 1


def test_token_endpoint_grants_and_revocation(api: PeopleApiEmulator) -> None:
    _, refresh = api.oauth.issue_tokens()
    form = {"grant_type": "refresh_token", "refresh_token": refresh,
            "client_id": api.oauth.client_id, "client_secret": api.oauth.client_secret}
    granted = requests.post(api.url + "/token", data=form, timeout=10).json()
    assert granted["access_token"].startswith("ya29.") and granted["expires_in"] > 0
    api.oauth.revoke(refresh)
    revoked = requests.post(api.url + "/token", data=form, timeout=10)
    assert revoked.status_code == 400 and revoked.json()["error"] == "invalid_grant"


def test_fast_generated_json_equals_generic_rendering(api: PeopleApiEmulator) -> None:
    (name,) = api.store.generate_persons(1)
    fields = set(PERSON_FIELDS.split(","))
    fast = json.loads(api.store.render_json("connections", name, fields, False) or "")
    assert fast == api.store.render("connections", name, fields, False)
