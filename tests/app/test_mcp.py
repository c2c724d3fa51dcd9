"""``kith mcp``: the tool functions directly, and once through a real stdio MCP session."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import anyio
import pytest
from sqlalchemy import select

from app.commands.mcp_server import KithTools
from core.db.engine import open_database
from core.db.models import Handle, Party
from tests.sync.runtime_support import add_vcard_folder, vcard

ROOT = Path(__file__).resolve().parents[2]
TOOLS = {"contacts_sync_now", "contacts_sync_status", "contacts_source_list",
         "contacts_source_reconcile", "resolve_contact_by_channel"}


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    root = tmp_path / "cards"
    root.mkdir()
    (root / "a.vcf").write_text(vcard("u1", "Ada Lovelace", "ada@example.com",
                                      "+1 202 555 0101")
                                + vcard("u2", "Alan Turing", "alan@example.com"))
    return root


@pytest.fixture
def db(sqlite_migrated_url):
    database = open_database(sqlite_migrated_url)
    yield database
    database.dispose()


def test_tools_sync_status_list_resolve_and_reconcile(db, folder) -> None:
    account = add_vcard_folder(db, folder)
    tools = KithTools(db)
    [source] = tools.contacts_source_list("vcard")
    assert source["id"] == account and source["health"] == "never"
    assert tools.contacts_source_list("google") == []

    [outcome] = tools.contacts_sync_now("vcard", "auto")
    assert outcome["ok"] and outcome["mode"] == "full" and outcome["counts"]["added"] == 2
    [again] = tools.contacts_sync_now("", "incremental")
    assert again["ok"] and again["mode"] == "incremental"

    [status] = tools.contacts_sync_status("vcard")
    assert status["health"] == "ok" and status["cursor_age_s"] is not None
    assert status["last_counts"]["mode"] == "incremental"
    json.dumps(status)  # JSON-ready

    found = tools.resolve_contact_by_channel("email", "ADA@Example.com")
    assert found["found"] and found["display_name"] == "Ada Lovelace"
    by_phone = tools.resolve_contact_by_channel("phone", "+1 (202) 555-0101")
    assert by_phone["party_id"] == found["party_id"]
    assert tools.resolve_contact_by_channel("email", "nobody@example.com")["found"] is False

    report = tools.contacts_source_reconcile(found["party_id"])
    assert report["display_name"] == "Ada Lovelace" and report["reconciled"]
    assert [(r["provider"], r["external_id"], r["deleted"]) for r in report["records"]] \
        == [("vcard", "u1", False)]
    assert {(h["platform"], h["value"]) for h in report["handles"]} \
        == {("email", "ada@example.com"), ("phone", "+12025550101")}
    assert all(h["owned_by_this_contact"] for h in report["handles"])


def test_reconcile_repairs_a_stale_handle_owner(db, folder) -> None:
    add_vcard_folder(db, folder)
    tools = KithTools(db)
    tools.contacts_sync_now()
    with db.session() as s:
        ada = s.scalar(select(Party.id).where(Party.display_name == "Ada Lovelace"))
        handle = s.scalar(select(Handle).where(Handle.value == "ada@example.com"))
        handle.party_id = None  # as if an interrupted manual edit left it unresolved
        s.commit()
    report = tools.contacts_source_reconcile(ada)
    assert {h["value"]: h["owned_by_this_contact"] for h in report["handles"]}[
        "ada@example.com"]
    with db.session() as s:
        assert s.scalar(select(Handle.party_id).where(Handle.value == "ada@example.com")) == ada


def test_bad_arguments(db) -> None:
    tools = KithTools(db)
    with pytest.raises(LookupError):
        tools.contacts_source_reconcile(999)
    with pytest.raises(ValueError):
        tools.contacts_sync_now("", "sideways")
    assert tools.contacts_sync_now("carddav") == []


def test_stdio_session_with_a_real_mcp_client(db, folder, sqlite_migrated_url) -> None:
    from mcp import Client
    from mcp.client.stdio import StdioServerParameters

    add_vcard_folder(db, folder)
    KithTools(db).contacts_sync_now()
    params = StdioServerParameters(
        command=sys.executable, args=["-m", "app", "--database", sqlite_migrated_url, "mcp"],
        cwd=str(ROOT))

    async def session() -> tuple[set[str], dict, list]:
        async with Client(params, read_timeout_seconds=60) as client:
            listed = await client.list_tools()
            found = await client.call_tool("resolve_contact_by_channel",
                                           {"type": "email", "value": "alan@example.com"})
            status = await client.call_tool("contacts_sync_status", {"provider": "vcard"})
            return ({t.name for t in listed.tools}, _payload(found), _payload(status))

    names, found, status = anyio.run(session)
    assert names >= TOOLS
    assert found["found"] and found["display_name"] == "Alan Turing"
    statuses = status["result"] if isinstance(status, dict) else status
    assert statuses[0]["health"] == "ok" and statuses[0]["provider"] == "vcard"


def _payload(result) -> object:
    assert not result.is_error, result.content
    if result.structured_content is not None:
        return result.structured_content
    return json.loads(result.content[0].text)
