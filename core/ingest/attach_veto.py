"""May an identifier match attach a new record to a party by itself? The contradiction veto.

Automatic attachment is identifier-only (live link, primary email exact, E.164 phone exact),
and even then it is *held back* when the two sides contradict each other, because the people
an address book confuses most are family members who share identifiers:

- the given names are unrelated (not equal, not a nickname, an initial or a one-letter typo
  of each other): a shared landline, address, family email or birthday never outweighs that;
- the birth dates conflict beyond a one-digit typo (or two swapped neighbouring digits);
- the generation markers differ (Jr./Sr./II/III, also one side with a marker and one without);
- the number is labelled home/landline/fax on either side, or the source lists it on several
  of its cards: households share such numbers.

A held-back record starts its own party. The pair still shares the identifier, so the
duplicate finder pairs them and the owner sees it as a review suggestion when the evidence
says so; the reasons are kept as an ``attach_held`` activity event (plain words) naming both
parties; :func:`held_back_reasons` reads them back for a pair's review evidence.
:class:`AttachGuard` loads what the rules need for one ingest batch set-wise.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from core.db.base import utcnow
from core.db.models import ActivityEvent, Party, PartyHandleLink, RecordHandle, SourceRecord
from core.ingest.normalize import NormalizedHandle
from core.ingest.prepare import PreparedContact
from core.ingest.sqlutil import chunked, in_values, insert_many
from core.match.name_levels import names_swapped
from core.match.names import CompareName, clean, compare_name, formal_given, within_one_edit
from core.views.detail_lines import date_words

HandleKey = tuple[str, str]

#: Labels that say "a line of the home (or an office), not one person's own".
_SHARED_LABEL_RE = re.compile(r"\b(home|landline|fax|festnetz|maison|casa|house)\b",
                              re.IGNORECASE)
#: Generation markers, folded (as ``clean`` leaves them).
_MARKERS = {"jr": "Jr.", "junior": "Jr.", "sr": "Sr.", "senior": "Sr.", "ii": "II",
            "iii": "III", "iv": "IV"}


@dataclass(frozen=True, slots=True)
class Who:
    """What one side says about the person, as far as the veto looks."""

    given: str = ""  # folded first given token
    birthday: str = ""  # "YYYY-MM-DD" or "--MM-DD"
    marker: str = ""  # "Jr.", "Sr.", "II", ... or ""
    shown_given: str = ""  # as written, for the owner
    name: CompareName | None = None  # the comparison name (given and family), for a swap
    shown_name: str = ""  # the display name as written, for the owner


def who_of(fields: Mapping[str, Any]) -> Who:
    """``Who`` from a record's prepared fields or a party's columns (same names)."""
    given = fields.get("given_name", "") or ""
    display = fields.get("display_name", "") or ""
    name = compare_name(given, fields.get("family_name", "") or "", "", display)
    return Who(name.given, fields.get("birthday", "") or "",
               generation_marker(fields.get("name_suffix", "") or "", display),
               (given or display).split(" ")[0] if (given or display) else "", name, display)


def generation_marker(suffix: str, display: str = "") -> str:
    """The generation marker a name carries (in its suffix, else at the end of its display
    name), or ""."""
    for token in reversed(clean(suffix).split()):
        if token in _MARKERS:
            return _MARKERS[token]
    tokens = clean(display).split()
    if len(tokens) >= 2 and tokens[-1] in _MARKERS:  # "John Smith Jr."
        return _MARKERS[tokens[-1]]
    return ""


def given_names_related(a: str, b: str) -> bool:
    """Equal, a nickname, an initial or a one-letter typo of each other (or one missing)."""
    if not a or not b or a == b or formal_given(a) == formal_given(b):
        return True
    if (len(a) == 1 and b.startswith(a)) or (len(b) == 1 and a.startswith(b)):
        return True
    return within_one_edit(a, b) or within_one_edit(formal_given(a), formal_given(b))


def birthdays_conflict(a: str, b: str) -> bool:
    """Two known birth dates that differ beyond one wrong digit or one swap of neighbouring
    digits (a missing year compares month and day only)."""
    if not a or not b or a == b:
        return False
    da, db = _digits(a), _digits(b)
    if da is None or db is None:
        return a != b
    if len(da) != len(db):  # one without a year
        da, db = da[-4:], db[-4:]
    wrong = [i for i, (x, y) in enumerate(zip(da, db, strict=True)) if x != y]
    if len(wrong) <= 1:
        return False
    i = wrong[0]
    swapped = len(wrong) == 2 and wrong[1] == i + 1 and da[i] == db[i + 1] and da[i + 1] == db[i]
    return not swapped


def birthday_words(iso: str) -> str:
    """A stored birthday as the owner reads it ("12 July 1953", "1 March" without a year);
    text that is not such a date as it is."""
    digits = _digits(iso)
    if digits is None:
        return iso
    year, month, day = (None, *map(int, (digits[:2], digits[2:]))) if len(digits) == 4 else (
        int(digits[:4]), int(digits[4:6]), int(digits[6:]))
    return date_words(year, month, day) if 1 <= month <= 12 and 1 <= day <= 31 else iso


def _digits(iso: str) -> str | None:
    text = iso[2:] if iso.startswith("--") else iso
    digits = text.replace("-", "")
    return digits if digits.isdigit() and len(digits) in (4, 8) else None


def is_shared_label(label: str) -> bool:
    return bool(label and _SHARED_LABEL_RE.search(label))


def veto_reasons(record: Who, party: Who, handle: NormalizedHandle, labels: Iterable[str] = (),
                 *, held_by_several: bool = False) -> list[str]:
    """Why ``record`` must not join ``party`` by ``handle`` on its own (empty: it may)."""
    reasons: list[str] = []
    if handle.platform == "phone":
        shared = sorted({lab for lab in labels if is_shared_label(lab)})
        if shared:
            reasons.append(f"the number {handle.display_value} is labelled "
                           f"“{shared[0]}”: a home line is shared by a household")
        if held_by_several:
            reasons.append(f"the number {handle.display_value} is on several cards of one "
                           "address book")
    if not given_names_related(record.given, party.given):
        # The matcher's own test of a swap ("Kangg Eun-ji" / "Eun-ji Kang"): still held
        # back, but told as it is.
        if record.name and party.name and names_swapped(record.name, party.name):
            reasons.append(f"“{record.shown_name}” and “{party.shown_name}” have the first "
                           "and last names the other way round")
        else:
            reasons.append(f"the first names “{record.shown_given}” and "
                           f"“{party.shown_given}” are different names")
    if birthdays_conflict(record.birthday, party.birthday):
        reasons.append(f"the birthdays {birthday_words(record.birthday)} and "
                       f"{birthday_words(party.birthday)} differ")
    if record.marker != party.marker:
        a, b = record.marker or "no Jr./Sr.", party.marker or "no Jr./Sr."
        reasons.append(f"the names differ in generation ({a} vs {b})")
    return reasons


@dataclass(slots=True)
class Held:
    record_index: int  # into the batch's fresh records
    owner: int  # party id, or a placeholder (< 0) of a party new in this batch
    reasons: list[str]


@dataclass(slots=True)
class AttachGuard:
    """The veto for one ingest batch: party facts and number holders loaded set-wise once;
    new parties of the batch join as they are created."""

    parties: dict[int, Who]
    labels: dict[tuple[int, HandleKey], set[str]]
    several: set[HandleKey]
    held: list[Held] = field(default_factory=list)
    #: Parties new in this batch (placeholder -> the record that starts it). Their facts and
    #: labels are worked out only when a later record of the batch matches one: in a big
    #: import almost none is ever matched, and doing it for every new party cost the writer
    #: a tenth of its time.
    new_parties: dict[int, PreparedContact] = field(default_factory=dict)

    @classmethod
    def load(cls, session: Session, account_id: int, fresh: list[PreparedContact],
             changed: list[tuple[PreparedContact, Any]], handle_ids: dict[HandleKey, int],
             owners: Mapping[HandleKey, int]) -> AttachGuard:
        """``changed``: (prepared, stored row with ``.id``) of the batch's updated records."""
        parties = _party_facts(session, {o for o in owners.values() if o >= 0})
        keys_of = {hid: key for key, hid in handle_ids.items()}
        labels: dict[tuple[int, HandleKey], set[str]] = {}
        wanted = sorted({handle_ids[k] for k in owners if k in handle_ids})
        for chunk in chunked(wanted, 500):
            for pid, hid, label in session.execute(
                    select(PartyHandleLink.party_id, PartyHandleLink.handle_id,
                           PartyHandleLink.label)
                    .where(in_values(session, PartyHandleLink.handle_id, chunk))):
                labels.setdefault((pid, keys_of[hid]), set()).add(label or "")
        batch = fresh + [p for p, _row in changed]
        holders: Counter[HandleKey] = Counter(
            (h.platform, h.value) for p in batch for h in p.match_handles if h.platform == "phone")
        phones = sorted(handle_ids[k] for k in holders if k in handle_ids)
        skip = {row.id for _p, row in changed}
        for chunk in chunked(phones, 500):
            for hid, rid in session.execute(
                    select(RecordHandle.handle_id, RecordHandle.source_record_id)
                    .join(SourceRecord, SourceRecord.id == RecordHandle.source_record_id)
                    .where(in_values(session, RecordHandle.handle_id, chunk),
                           # coalesce: not "account_id = ?", which SQLite's planner (before
                           # ANALYZE, i.e. during a first big import) drove the join from,
                           # probing every record of the account for the 500 numbers: 10 s
                           # a batch at 100,000 cards. Now it goes number -> records.
                           func.coalesce(SourceRecord.account_id, 0) == account_id,
                           SourceRecord.deleted_at.is_(None))):
                if rid not in skip:
                    holders[keys_of[hid]] += 1
        return cls(parties, labels, {k for k, n in holders.items() if n >= 2})

    def add_party(self, placeholder: int, prepared: PreparedContact) -> None:
        """A party this batch creates from ``prepared`` (its handles carry their labels)."""
        self.new_parties[placeholder] = prepared

    def _who(self, owner: int) -> Who:
        found = self.parties.get(owner)
        if found is None:
            starter = self.new_parties.get(owner)
            found = who_of(starter.fields) if starter is not None else Who()
            self.parties[owner] = found
        return found

    def _labels(self, owner: int, key: HandleKey) -> set[str]:
        starter = self.new_parties.get(owner)
        if starter is not None:
            return {u.label for u in starter.handles if (u.handle.platform, u.handle.value) == key}
        return self.labels.get((owner, key), set())

    def holds_back(self, index: int, prepared: PreparedContact, handle: NormalizedHandle,
                   owner: int) -> bool:
        """True when the record must not attach to ``owner`` by ``handle`` (remembered)."""
        key = (handle.platform, handle.value)
        own = [u.label for u in prepared.handles if (u.handle.platform, u.handle.value) == key]
        reasons = veto_reasons(who_of(prepared.fields), self._who(owner), handle,
                               own + sorted(self._labels(owner, key)),
                               held_by_several=key in self.several)
        if reasons:
            same = next((h for h in self.held if (h.record_index, h.owner) == (index, owner)),
                        None)
            if same is None:
                self.held.append(Held(index, owner, reasons))
            else:
                same.reasons.extend(r for r in reasons if r not in same.reasons)
        return bool(reasons)

    def record(self, session: Session, account_id: int, party_of: list[int],
               new_ids: list[int]) -> None:
        """One ``attach_held`` event per held-back match, naming both parties."""
        now = utcnow()
        insert_many(session, ActivityEvent, [
            {"kind": "attach_held", "party_id": party_of[h.record_index],
             "source_record_id": None, "account_id": account_id,
             "message": ("Not joined automatically: " + "; ".join(h.reasons))[:1000],
             "payload": {"other_party_id": other, "reasons": h.reasons},
             "created_at": now}
            for h in self.held
            if (other := new_ids[-h.owner - 1] if h.owner < 0 else h.owner)
            != party_of[h.record_index]
        ])


def _party_facts(session: Session, party_ids: set[int]) -> dict[int, Who]:
    found: dict[int, Who] = {}
    for chunk in chunked(sorted(party_ids), 500):
        for pid, given, family, display, birthday, suffix in session.execute(
                select(Party.id, Party.given_name, Party.family_name, Party.display_name,
                       Party.birthday, Party.name_suffix)
                .where(in_values(session, Party.id, chunk))):
            found[pid] = who_of({"given_name": given, "family_name": family,
                                 "display_name": display, "birthday": birthday,
                                 "name_suffix": suffix})
    return found


def held_back_reasons(session: Session, party_a: int, party_b: int) -> list[str]:
    """Why an identifier match between these two parties was held back (plain words, for the
    evidence of their review suggestion); empty when it never was."""
    reasons: list[str] = []
    for party_id, payload in session.execute(
            select(ActivityEvent.party_id, ActivityEvent.payload)
            .where(ActivityEvent.kind == "attach_held",
                   ActivityEvent.party_id.in_((party_a, party_b)))
            .order_by(ActivityEvent.id)):
        if {party_id, (payload or {}).get("other_party_id")} == {party_a, party_b}:
            reasons.extend(r for r in payload.get("reasons", []) if r not in reasons)
    return reasons
