"""Turning one CardDAV card (vCard text) into a ``ParsedContact``.

The full vCard parser lives in ``core.sync.providers.vcard`` and is written separately; the
CardDAV provider takes its parser as an injected callable so the two can evolve apart. The
default prefers that package's ``parse.parse_card(text) -> (contact, warnings)`` (or a
``parse_card_text`` function if one appears) and falls back to :func:`_minimal_parse`
(FN, N, EMAIL, TEL, ORG, TITLE, CATEGORIES, NOTE) so CardDAV sync works on its own.
"""

from __future__ import annotations

import importlib
import inspect
from collections.abc import Callable

import vobject

from core.ingest.parsed import ContactValue, Name, Organization, ParsedContact

#: The result of a card parser: the contact, optionally with non-fatal warnings.
ParseResult = ParsedContact | tuple[ParsedContact, list[str]]
#: (card text, href) -> ParseResult. Raise to reject the card (it becomes a "problem").
#: The provider overrides external_id (the href) and etag afterwards.
CardParser = Callable[[str, str], ParseResult]

_VCARD_MODULE = "core.sync.providers.vcard.parse"
#: Names tried in order in the vCard package's parse module.
_VCARD_FUNCTIONS = ("parse_card", "parse_card_text")


def _label(prop: object) -> str:
    """The vCard TYPE parameters minus the noise types, lower-cased and joined ("home,cell")."""
    params = getattr(prop, "params", {}) or {}
    types = [t.lower() for value in params.get("TYPE", []) for t in str(value).split(",")]
    kept = [t for t in types if t not in {"internet", "pref", "voice", "x400"}]
    return ",".join(kept)


def _is_pref(prop: object) -> bool:
    params = getattr(prop, "params", {}) or {}
    types = [str(t).lower() for value in params.get("TYPE", []) for t in str(value).split(",")]
    return "pref" in types or "PREF" in params


def _join(value: object) -> str:
    """vobject gives N components as str or list of str; flatten to one string."""
    if isinstance(value, list):
        return " ".join(str(v) for v in value).strip()
    return str(value or "").strip()


def _minimal_parse(text: str, href: str) -> ParsedContact:
    """A deliberately small vobject-based parse, enough to sync and match contacts."""
    card = vobject.readOne(text)
    contents = card.contents
    contact = ParsedContact(external_id=href, raw=text)
    if "fn" in contents:
        contact.name.full = str(card.fn.value).strip()
    if "n" in contents:
        n = card.n.value
        contact.name = Name(
            full=contact.name.full, given=_join(n.given), family=_join(n.family),
            middle=_join(n.additional), prefix=_join(n.prefix), suffix=_join(n.suffix),
        )
    for prop in contents.get("email", []):
        value = str(prop.value).strip()
        if value:
            contact.emails.append(ContactValue(value, _label(prop), _is_pref(prop)))
    for prop in contents.get("tel", []):
        value = str(prop.value).strip()
        if value:
            contact.phones.append(ContactValue(value, _label(prop), _is_pref(prop)))
    for prop in contents.get("org", []):
        parts = prop.value if isinstance(prop.value, list) else [str(prop.value)]
        parts = [str(p).strip() for p in parts]
        if any(parts):
            contact.organizations.append(
                Organization(name=parts[0], department=";".join(p for p in parts[1:] if p))
            )
    titles = [str(p.value).strip() for p in contents.get("title", [])]
    if titles and contact.organizations:
        contact.organizations[0].title = titles[0]
    for prop in contents.get("categories", []):
        values = prop.value if isinstance(prop.value, list) else [str(prop.value)]
        contact.groups.extend(str(v).strip() for v in values if str(v).strip())
    notes = [str(p.value).strip() for p in contents.get("note", [])]
    contact.notes = "\n".join(n for n in notes if n)
    return contact


def _adapt(function: Callable[..., ParseResult]) -> CardParser:
    """Accept both ``f(text, href)`` and ``f(text)`` shapes of the vCard package's parser."""
    try:
        positional = [
            p for p in inspect.signature(function).parameters.values()
            if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD, p.VAR_POSITIONAL)
        ]
    except (TypeError, ValueError):
        positional = []
    if len(positional) >= 2 or any(p.kind == p.VAR_POSITIONAL for p in positional):
        return function

    def single_argument(text: str, href: str) -> ParseResult:
        return function(text)

    return single_argument


def default_card_parser() -> CardParser:
    """The vCard package's parser when it exists, else :func:`_minimal_parse`."""
    try:
        module = importlib.import_module(_VCARD_MODULE)
    except ImportError:
        return _minimal_parse
    for name in _VCARD_FUNCTIONS:
        function = getattr(module, name, None)
        if callable(function):
            return _adapt(function)
    return _minimal_parse
