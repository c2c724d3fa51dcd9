"""Turning one CardDAV card (vCard text) into a ``ParsedContact``.

CardDAV serves vCards, so the provider uses the vCard source's parser (``vcard.parse``): one
definition of what a card means, whichever way it arrived. The parser is still injected as a
callable so tests can wrap it (count calls, slow it down).
"""

from __future__ import annotations

from collections.abc import Callable

from core.ingest.parsed import ParsedContact
from core.sync.providers.vcard.parse import parse_card

#: The result of a card parser: the contact, optionally with non-fatal warnings.
ParseResult = ParsedContact | tuple[ParsedContact, list[str]]
#: (card text, href) -> ParseResult. Raise to reject the card (it becomes a "problem").
#: The provider overrides external_id (the href) and etag afterwards.
CardParser = Callable[[str, str], ParseResult]


def parse_vcard(text: str, href: str) -> ParseResult:  # noqa: ARG001 - CardParser shape
    """The vCard source's parser in the :data:`CardParser` shape."""
    return parse_card(text)


def default_card_parser() -> CardParser:
    return parse_vcard
