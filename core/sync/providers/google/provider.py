"""GoogleProvider: the People API behind the provider contract (read-only).

Page chains: a full sync lists ``people/me/connections`` with ``requestSyncToken`` and, when
the account enables it (``settings["other_contacts"]``), then ``otherContacts``; the page token
handed to the runtime is a small JSON naming the active stream, Google's page token and the
sync tokens gathered so far, so a chain can resume in another process. The cursor stored
after the last page is JSON ``{"connections": token, "other": token}``.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import google_auth_httplib2
import httplib2
from google.oauth2.credentials import Credentials
from googleapiclient.discovery import build

from core.ingest.parsed import ParsedContact
from core.sync.contract import (
    AccountRef,
    ContactBatch,
    CursorExpiredError,
    Group,
    GroupBatch,
    ProviderError,
)
from core.sync.providers.google.auth import CredentialStore, refresh_credentials
from core.sync.providers.google.calls import (
    CallStats,
    QuotaGate,
    RetryPolicy,
    UnlimitedQuota,
    as_json,
    run_call,
)
from core.sync.providers.google.mapping import (
    group_from_json,
    person_to_contact,
    unknown_group_ids,
)

PERSON_FIELDS = ",".join((
    "names", "nicknames", "emailAddresses", "phoneNumbers", "addresses", "birthdays", "events",
    "organizations", "biographies", "urls", "memberships", "photos", "userDefined",
    "imClients", "sipAddresses", "metadata", "relations", "genders", "locales", "fileAses",
))
OTHER_READ_MASK = "names,emailAddresses,phoneNumbers,photos,metadata"
GROUP_FIELDS = "name,groupType,memberCount,metadata"
CONNECTIONS, OTHER = "connections", "other"


@dataclass(slots=True)
class _Session:
    """Per-account client state kept between pages (rebuilt when absent, e.g. new process)."""

    credentials: Credentials
    saved_token: str | None
    service: Any
    group_names: dict[str, str] | None = None
    #: Resource objects are built from the discovery document on every access (docstrings
    #: included), which costs milliseconds per call; build each once per session.
    resources: dict[str, Any] = field(default_factory=dict)

    def resource(self, name: str) -> Any:
        if name not in self.resources:
            if name == "connections":
                self.resources[name] = self.service.people().connections()
            else:
                self.resources[name] = getattr(self.service, name)()
        return self.resources[name]


@dataclass(slots=True)
class _ChainState:
    """Where a page chain stands; encoded as the contract's ``next_page_token``."""

    stream: str = CONNECTIONS
    token: str | None = None
    sync: dict[str, str] = field(default_factory=dict)

    def encode(self) -> str:
        return json.dumps({"stream": self.stream, "token": self.token, "sync": self.sync},
                          sort_keys=True)

    @classmethod
    def decode(cls, text: str | None) -> _ChainState:
        if not text:
            return cls()
        try:
            data = json.loads(text)
            return cls(str(data["stream"]), data.get("token"), dict(data.get("sync") or {}))
        except (ValueError, KeyError, TypeError) as exc:
            raise ProviderError("Unreadable Google page token; restart the sync") from exc


def decode_cursor(cursor: str) -> dict[str, str]:
    """Stream -> sync token; a bare (non-JSON) cursor is a connections token."""
    if not cursor.startswith("{"):
        return {CONNECTIONS: cursor}
    try:
        return {str(k): str(v) for k, v in json.loads(cursor).items() if v}
    except (ValueError, AttributeError) as exc:
        raise CursorExpiredError("Unreadable Google sync cursor: a full sync is needed") from exc


class GoogleProvider:
    """Reads one or more Google accounts through the People API.

    ``credentials`` loads/saves each account's tokens (keyed by ``AccountRef.account_id``);
    ``api_endpoint`` overrides ``https://people.googleapis.com/`` (tests: the emulator URL).
    An instance caches one HTTP client per account and is not meant for concurrent calls on
    the same account from several threads.
    """

    def __init__(
        self,
        credentials: CredentialStore,
        *,
        api_endpoint: str | None = None,
        page_size: int = 1000,
        quota: QuotaGate | None = None,
        retry: RetryPolicy | None = None,
        timeout: float = 60.0,
        http_factory: Callable[[], httplib2.Http] | None = None,
    ) -> None:
        if not 1 <= page_size <= 1000:
            raise ValueError("page_size must be between 1 and 1000 (People API limit)")
        self._store = credentials
        self._endpoint = api_endpoint.rstrip("/") + "/" if api_endpoint else None
        self._page_size = page_size
        self._quota: QuotaGate = quota or UnlimitedQuota()
        self._retry = retry or RetryPolicy()
        self._http_factory = http_factory or (lambda: httplib2.Http(timeout=timeout))
        self._sessions: dict[int, _Session] = {}
        self.stats = CallStats()

    def name(self) -> str:
        return "google"

    # -- plumbing ------------------------------------------------------------------------

    def _session(self, account: AccountRef) -> _Session:
        session = self._sessions.get(account.id)
        if session is None:
            creds = self._store.load(account.account_id)
            http = google_auth_httplib2.AuthorizedHttp(creds, http=self._http_factory())
            options = {"api_endpoint": self._endpoint} if self._endpoint else None
            service = build("people", "v1", http=http, static_discovery=True,
                            client_options=options)
            session = _Session(creds, creds.token, service)
            self._sessions[account.id] = session
        if not session.credentials.valid:
            try:
                run_call(lambda: refresh_credentials(session.credentials), quota=self._quota,
                         retry=self._retry, stats=self.stats, quota_cost=0,
                         what="token refresh")
            except ProviderError:
                self._sessions.pop(account.id, None)  # re-read the keyring after a reconnect
                raise
            self._persist(account, session)
        return session

    def _call(self, account: AccountRef, session: _Session, request: Callable[[], Any],
              what: str) -> dict[str, Any]:
        try:
            result = run_call(lambda: request().execute(), quota=self._quota, retry=self._retry,
                              stats=self.stats, what=what)
        except ProviderError:
            self._sessions.pop(account.id, None)  # start clean (fresh tokens) next time
            raise
        finally:
            self._persist(account, session)
        return as_json(result)

    def _persist(self, account: AccountRef, session: _Session) -> None:
        """Save tokens refreshed during the call (AuthorizedHttp refreshes on 401)."""
        if session.credentials.token and session.credentials.token != session.saved_token:
            self._store.save(account.account_id, session.credentials)
            session.saved_token = session.credentials.token

    def _groups(self, account: AccountRef, session: _Session) -> list[Group]:
        groups: list[Group] = []
        token: str | None = None
        while True:
            page = self._group_page(account, session, token)
            groups.extend(page.groups)
            token = page.next_page_token
            if not token:
                break
        session.group_names = {g.external_id: g.name for g in groups}
        return groups

    def _group_page(self, account: AccountRef, session: _Session, token: str | None
                    ) -> GroupBatch:
        groups_api = session.resource("contactGroups")
        body = self._call(account, session, lambda: groups_api.list(
            pageSize=1000, pageToken=token, groupFields=GROUP_FIELDS), "contactGroups.list")
        groups = [g for item in body.get("contactGroups") or []
                  if (g := group_from_json(item)) is not None]
        return GroupBatch(groups=groups, next_page_token=body.get("nextPageToken"))

    # -- contract ------------------------------------------------------------------------

    def validate_credentials(self, account: AccountRef) -> None:
        """One cheap call proves the tokens work and the API is enabled."""
        session = self._session(account)
        connections = session.resource("connections")
        self._call(account, session, lambda: connections.list(
            resourceName="people/me", personFields="metadata", pageSize=1),
            "connections.list")

    def list_groups(self, account: AccountRef, page_token: str | None) -> GroupBatch:
        session = self._session(account)
        return self._group_page(account, session, page_token)

    def full_sync(self, account: AccountRef, page_token: str | None) -> ContactBatch:
        return self._page(account, _ChainState.decode(page_token), cursor=None,
                          first=page_token is None)

    def incremental_sync(self, account: AccountRef, cursor: str, page_token: str | None
                         ) -> ContactBatch:
        tokens = decode_cursor(cursor)
        if CONNECTIONS not in tokens or (self._other_enabled(account) and OTHER not in tokens):
            raise CursorExpiredError("The Google cursor lacks a stream that is now enabled: "
                                     "a full sync is needed")
        return self._page(account, _ChainState.decode(page_token), cursor=tokens,
                          first=page_token is None)

    @staticmethod
    def _other_enabled(account: AccountRef) -> bool:
        return bool(account.settings.get("other_contacts"))

    def _page(self, account: AccountRef, state: _ChainState, cursor: dict[str, str] | None,
              first: bool) -> ContactBatch:
        session = self._session(account)
        batch = ContactBatch()
        if first or session.group_names is None:
            groups = self._groups(account, session)
            if first:
                batch.groups = groups
        body = self._list(account, session, state, cursor)
        key = "connections" if state.stream == CONNECTIONS else "otherContacts"
        persons = body.get(key) or []
        self._refresh_groups_if_needed(account, session, persons)
        for person in persons:
            contact, problems = person_to_contact(person, session.group_names or {})
            batch.contacts.append(contact)
            batch.problems.extend(problems)
        self._advance(account, state, body, batch, full=cursor is None)
        return batch

    def _list(self, account: AccountRef, session: _Session, state: _ChainState,
              cursor: dict[str, str] | None) -> dict[str, Any]:
        params: dict[str, Any] = {"pageSize": self._page_size, "requestSyncToken": True}
        if state.token:
            params["pageToken"] = state.token
        if cursor is not None:
            params["syncToken"] = cursor[state.stream]
        if state.stream == CONNECTIONS:
            api = session.resource("connections")
            return self._call(account, session, lambda: api.list(
                resourceName="people/me", personFields=PERSON_FIELDS, **params),
                "connections.list")
        other_api = session.resource("otherContacts")
        return self._call(account, session, lambda: other_api.list(
            readMask=OTHER_READ_MASK, **params), "otherContacts.list")

    def _refresh_groups_if_needed(self, account: AccountRef, session: _Session,
                                  persons: list[dict[str, Any]]) -> None:
        """A membership in a group we do not know means a group was created: re-read once."""
        names = session.group_names or {}
        if any(unknown_group_ids(p, names) for p in persons):
            self._groups(account, session)

    def _advance(self, account: AccountRef, state: _ChainState, body: dict[str, Any],
                 batch: ContactBatch, full: bool) -> None:
        """Fill the batch's chain fields: next page, next stream, or the final cursor."""
        next_token = body.get("nextPageToken")
        if next_token:
            following = _ChainState(state.stream, next_token, dict(state.sync))
        else:
            sync = dict(state.sync)
            if body.get("nextSyncToken"):
                sync[state.stream] = body["nextSyncToken"]
            else:
                batch.problems.append(f"Google sent no sync token for {state.stream}")
            if state.stream == CONNECTIONS and self._other_enabled(account):
                following = _ChainState(OTHER, None, sync)
            else:
                streams = [CONNECTIONS] + ([OTHER] if self._other_enabled(account) else [])
                if all(s in sync for s in streams):
                    batch.next_sync_cursor = json.dumps(sync, sort_keys=True)
                batch.complete_listing = full
                batch.checkpoint = {"stream": state.stream, "done": True}
                return
        batch.next_page_token = following.encode()
        batch.checkpoint = {"stream": following.stream}


def contacts_of(batches: list[ContactBatch]) -> list[ParsedContact]:
    """Flatten a page chain's contacts (a convenience for callers and tests)."""
    return [c for b in batches for c in b.contacts]
