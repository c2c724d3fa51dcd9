"""Shared builders for the social-layer tests."""

from __future__ import annotations

from datetime import UTC, datetime

from core.db.models import Handle

T0 = datetime(2026, 3, 1, 12, 0, 0, tzinfo=UTC)


def add_handle(session, value: str, platform: str = "telegram") -> int:
    handle = Handle(platform=platform, value=value, display_value=value)
    session.add(handle)
    session.flush()
    return handle.id
