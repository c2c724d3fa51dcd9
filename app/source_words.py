"""What a source is and how it is doing, in the owner's words: shared by the Sources page
and ``kith status`` / ``kith sources list``, so both say "vCard file" and "not synced yet"
where the database says "vcard" and "never"."""

from __future__ import annotations

from core.sync.source_kinds import KINDS, kind_text

__all__ = ["HEALTH", "KINDS", "health_text", "kind_text"]

#: A source's health (core.sync.status) in words.
HEALTH = {"ok": "ok", "syncing": "syncing", "degraded": "degraded", "error": "error",
          "never": "not synced yet", "needs_confirmation": "needs confirmation",
          "interrupted": "interrupted"}


def health_text(health: str) -> str:
    """"not synced yet" for "never"; an unknown state with its underscores as spaces."""
    return HEALTH.get(health, health.replace("_", " "))
