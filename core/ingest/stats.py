"""Counts one ingest run reports (and the sync runtime stores as last_counts)."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(slots=True)
class IngestStats:
    added: int = 0
    updated: int = 0
    unchanged: int = 0
    skipped: int = 0
    deleted: int = 0
    conflicts: int = 0
    errors: list[str] = field(default_factory=list)
    touched_party_ids: set[int] = field(default_factory=set)
    seen_external_ids: set[str] = field(default_factory=set)

    def merge(self, other: IngestStats) -> None:
        for name in ("added", "updated", "unchanged", "skipped", "deleted", "conflicts"):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        self.errors.extend(other.errors)
        self.touched_party_ids |= other.touched_party_ids
        self.seen_external_ids |= other.seen_external_ids

    def settle_unchanged(self, live_records: int) -> None:
        """Count as unchanged every record the source still holds that this run neither
        added nor updated, also those the provider did not send again (an incremental run
        of an unchanged file sends nothing: its 3 cards are "3 unchanged", not "0")."""
        untouched = live_records - self.added - self.updated
        if untouched > self.unchanged:
            self.unchanged = untouched

    def as_dict(self) -> dict[str, int]:
        return {
            "added": self.added, "updated": self.updated, "unchanged": self.unchanged,
            "skipped": self.skipped, "deleted": self.deleted, "conflicts": self.conflicts,
            "errors": len(self.errors),
        }
