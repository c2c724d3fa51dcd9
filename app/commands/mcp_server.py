"""``kith mcp``: the address book as a Model Context Protocol server on stdio.

Tools (all read-only towards the sources; only ``contacts_sync_now`` writes, through the one
sync runtime, so it obeys the same lease, cursor and delete-policy rules as the GUI):

- ``contacts_sync_now(provider, mode)``: sync every source of ``provider`` ("" = all) now;
  ``mode`` is "auto" (schedule rules), "full" or "incremental" (falls back to full when there
  is no usable cursor). Returns one outcome per source.
- ``contacts_sync_status(provider)``: health, last success/error, cursor age, next run.
- ``contacts_source_list(provider)``: the connected sources.
- ``contacts_held_deletes(source_id, decision)``: "apply" or "keep" the removals the
  mass-delete guard held for a source (its status says "this sync would remove N contacts").
- ``contacts_source_reconcile(contact_id)``: re-derive one contact: recompute who owns each of
  its handles from the links (the same resolution the ingest uses) and report the source
  records it is built from and its handles. Useful after manual edits or when an agent wants
  to explain "why is this number on this person".
- ``resolve_contact_by_channel(type, value)``: reverse lookup (email, phone, telegram, ...).

Secured handles (credentials) never appear in any answer. Nothing is printed to stdout except
the protocol itself.
"""

from __future__ import annotations

import argparse
from typing import Any

from core.db.engine import Database

SERVER_NAME = "kith"


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("mcp", help="serve the address book to AI agents (MCP over stdio)")
    p.set_defaults(handler=cmd_mcp)


def cmd_mcp(args: argparse.Namespace) -> int:
    from app.context import database

    build_server(database(args)).run("stdio")
    return 0


class KithTools:
    """The tool implementations as plain methods (tests call them directly)."""

    def __init__(self, db: Database, overrides: dict | None = None) -> None:
        self.db = db
        self.overrides = overrides

    def contacts_sync_now(self, provider: str = "", mode: str = "auto") -> list[dict[str, Any]]:
        from core.sync.registry import provider_for
        from core.sync.runtime import SyncAlreadyRunningError, account_ref, run_sync
        from core.sync.status import source_statuses

        if mode not in ("auto", "full", "incremental"):
            raise ValueError("mode must be 'auto', 'full' or 'incremental'")
        from core.db.models import SourceAccount

        with self.db.session() as s:
            refs = [account_ref(a) for st in source_statuses(s, provider=provider or None)
                    if (a := s.get(SourceAccount, st.id)) is not None]
        outcomes: list[dict[str, Any]] = []
        for ref in refs:
            source = provider_for(ref, self.overrides, db=self.db)
            try:
                result = run_sync(self.db, ref.id, source, mode=mode)
            except SyncAlreadyRunningError:
                outcomes.append({"source_id": ref.id, "provider": ref.provider, "ok": False,
                                 "health": "syncing",
                                 "error": "a sync of this source is already running"})
                continue
            finally:
                close = getattr(source, "close", None)
                if callable(close):
                    close()
            outcomes.append({"source_id": ref.id, "provider": ref.provider, "ok": result.ok,
                             "mode": result.mode, "health": result.health,
                             "counts": result.counts, "error": result.error,
                             "problems": result.problems[:20],
                             "held_deletes": result.held_deletes})
        return outcomes

    def contacts_sync_status(self, provider: str = "") -> list[dict[str, Any]]:
        from core.sync.status import source_statuses

        with self.db.session() as s:
            return [st.as_json() for st in source_statuses(s, provider=provider or None)]

    def contacts_source_list(self, provider: str = "") -> list[dict[str, Any]]:
        from core.sync.status import source_statuses

        with self.db.session() as s:
            return [{"id": st.id, "provider": st.provider, "account": st.account,
                     "display_name": st.display_name, "delete_policy": st.delete_policy,
                     "health": st.health, "live_records": st.live_records,
                     "addressbook": st.addressbook, "held_deletes": st.held_deletes}
                    for st in source_statuses(s, provider=provider or None)]

    def contacts_held_deletes(self, source_id: int, decision: str) -> dict[str, Any]:
        """Answer a sync whose removals the mass-delete guard held: "apply" or "keep"."""
        from core.ingest.deletes import apply_held_deletes, keep_held_deletes

        if decision not in ("apply", "keep"):
            return {"ok": False, "error": 'decision must be "apply" or "keep"'}
        try:
            with self.db.session() as s:
                if decision == "apply":
                    count = apply_held_deletes(s, int(source_id)).deleted
                else:
                    count = keep_held_deletes(s, int(source_id))
                s.commit()
        except LookupError as exc:
            return {"ok": False, "source_id": source_id, "error": str(exc)}
        return {"ok": True, "source_id": source_id, "decision": decision, "count": count}

    def contacts_source_reconcile(self, contact_id: int) -> dict[str, Any]:
        from core.sync.reconcile import reconcile_contact

        with self.db.session() as s:
            report = reconcile_contact(s, int(contact_id))
            s.commit()
        return report

    def resolve_contact_by_channel(self, type: str, value: str,  # noqa: A002 - tool schema
                                   region: str = "") -> dict[str, Any]:
        from dataclasses import asdict

        from core.identity.lookup import resolve_contact_by_channel

        with self.db.session() as s:
            found = resolve_contact_by_channel(s, type, value, region=region)
        if found is None:
            return {"found": False, "type": type, "value": value}
        return {"found": True} | asdict(found)


def build_server(db: Database, overrides: dict | None = None) -> Any:
    """An ``MCPServer`` whose tools are :class:`KithTools` methods bound to ``db``."""
    from mcp.server.mcpserver import MCPServer

    tools = KithTools(db, overrides)
    server = MCPServer(SERVER_NAME, instructions=(
        "Kith is the owner's address book. Use resolve_contact_by_channel to find who is "
        "behind an email address or phone number, contacts_sync_status to see whether the "
        "sources are current, and contacts_sync_now to refresh them."))

    @server.tool()
    def contacts_sync_now(provider: str = "", mode: str = "auto") -> list[dict[str, Any]]:
        """Sync sources now. provider: "vcard", "google", "carddav" or "" for all; mode:
        "auto", "full" or "incremental"."""
        return tools.contacts_sync_now(provider, mode)

    @server.tool()
    def contacts_sync_status(provider: str = "") -> list[dict[str, Any]]:
        """Sync health per source: health, last_success, last_error, cursor_age_s, next_run,
        next_forced_full, last_counts."""
        return tools.contacts_sync_status(provider)

    @server.tool()
    def contacts_source_list(provider: str = "") -> list[dict[str, Any]]:
        """The connected contact sources (optionally of one provider)."""
        return tools.contacts_source_list(provider)

    @server.tool()
    def contacts_held_deletes(source_id: int, decision: str) -> dict[str, Any]:
        """A sync that would remove many contacts of a source is held (see held_deletes and
        held_notice in contacts_sync_status). decision "apply" removes them, "keep" keeps
        them. Ask the owner first: this is their decision."""
        return tools.contacts_held_deletes(source_id, decision)

    @server.tool()
    def contacts_source_reconcile(contact_id: int) -> dict[str, Any]:
        """Re-derive one contact's handle ownership and report its source records and
        handles."""
        return tools.contacts_source_reconcile(contact_id)

    @server.tool()
    def resolve_contact_by_channel(type: str, value: str,  # noqa: A002 - tool schema
                                   region: str = "") -> dict[str, Any]:
        """Who is behind a channel value. type: email, phone, telegram, url, ...; region: a
        default country code for phone numbers without a +prefix."""
        return tools.resolve_contact_by_channel(type, value, region)

    return server
