"""The contract every contact provider implements.

A provider only *reads* a source and returns neutral ``ParsedContact`` batches; it never
writes to the database. The sync runtime drives the page chain, commits the cursor only after
the last page, and hands each batch to the one ingest write path.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Protocol

from core.ingest.parsed import ParsedContact
from core.ingest.prepare import PreparedContact


class ProviderError(Exception):
    """Base class for provider failures. Messages must never contain secrets."""


class TransientError(ProviderError):
    """Network trouble, HTTP 429 or 5xx: worth retrying with backoff."""

    def __init__(self, message: str, retry_after: float | None = None) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class AuthError(ProviderError):
    """Credentials missing, revoked or rejected: retrying will not help; the owner must act."""


class CertificateError(AuthError):
    """The server's TLS certificate is not trusted (self-signed, expired, wrong host, or not
    the pinned one): the owner must decide, so it waits like a login problem and is never
    retried as an outage.

    ``fingerprint`` is the SHA-256 of the certificate the server presented (``AB:CD:...``,
    None when it could not be read), for a "trust this certificate?" prompt; ``url`` is the
    address (without credentials) it was presented at; ``pinned`` the fingerprint the
    account trusted, when the failure is a pin mismatch.
    """

    def __init__(self, message: str, *, url: str = "", fingerprint: str | None = None,
                 pinned: str | None = None) -> None:
        super().__init__(message)
        self.url = url
        self.fingerprint = fingerprint
        self.pinned = pinned


class CursorExpiredError(ProviderError):
    """The incremental cursor (sync token) is no longer valid: drop it and run a full sync."""


@dataclass(slots=True)
class Group:
    """A contact group / label as the source names it."""

    external_id: str
    name: str
    member_count: int | None = None


@dataclass(slots=True)
class ContactBatch:
    """One page of a full or incremental listing.

    ``next_page_token`` is set while more pages follow; ``next_sync_cursor`` is set on the last
    page only (the cursor to store once the whole chain succeeded). ``complete_listing`` marks a
    full listing whose union of pages is the entire source (so absent ids were deleted).
    ``checkpoint`` is provider-private state carried between pages (e.g. which stream is active).
    """

    contacts: list[ParsedContact] = field(default_factory=list)
    groups: list[Group] = field(default_factory=list)
    next_page_token: str | None = None
    next_sync_cursor: str | None = None
    checkpoint: dict[str, Any] | None = None
    complete_listing: bool = False
    #: Non-fatal problems (a malformed card...) with where they happened.
    problems: list[str] = field(default_factory=list)
    #: Some of ``contacts`` already prepared for the write path (each ``.contact`` is the same
    #: object as in ``contacts``), e.g. in worker processes for the account's
    #: ``AccountRef.region``: the writer then only writes.
    prepared: list[PreparedContact] = field(default_factory=list)

    def for_ingest(self) -> list[ParsedContact | PreparedContact]:
        """``contacts`` in order, each replaced by its prepared form where there is one."""
        if not self.prepared:
            return list(self.contacts)
        ready = {id(p.contact): p for p in self.prepared}
        return [ready.get(id(c), c) for c in self.contacts]


@dataclass(slots=True)
class GroupBatch:
    groups: list[Group] = field(default_factory=list)
    next_page_token: str | None = None


@dataclass(slots=True)
class AccountRef:
    """What a provider needs to know about the account it reads (plain data, no ORM)."""

    id: int
    provider: str
    account_id: str
    settings: dict[str, Any] = field(default_factory=dict)
    #: The account's default phone region (what the ingest normalises with).
    region: str = ""


class ContactProvider(Protocol):
    """A readable contact source."""

    def name(self) -> str:
        """Short provider name: "vcard", "google", "carddav"."""

    def validate_credentials(self, account: AccountRef) -> None:
        """Raise :class:`AuthError` with an actionable message if the account cannot be read."""

    def full_sync(self, account: AccountRef, page_token: str | None) -> ContactBatch:
        """One page of the complete listing; ``page_token`` None starts the chain."""

    def incremental_sync(
        self, account: AccountRef, cursor: str, page_token: str | None
    ) -> ContactBatch:
        """One page of changes since ``cursor``; raise :class:`CursorExpiredError` if stale."""

    def list_groups(self, account: AccountRef, page_token: str | None) -> GroupBatch:
        """One page of the source's groups/labels."""
