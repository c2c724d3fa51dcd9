"""WebDAV/CardDAV XML: request bodies and multistatus parsing (ElementTree only).

Kept apart from HTTP so the parsing rules (href normalisation, per-propstat status, the
RFC 6578 truncation marker) can be read and tested on their own. Big answers (a whole address
book with its cards) are parsed incrementally with :class:`MultistatusStream`, so the first
page of contacts is ready before the last byte is parsed and memory stays bounded.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from urllib.parse import quote, unquote, urljoin, urlsplit

DAV = "DAV:"
CARDDAV = "urn:ietf:params:xml:ns:carddav"
#: Apple's CalendarServer namespace, home of getctag (a cheap "did anything change?" tag).
CALSERVER = "http://calendarserver.org/ns/"


def clark(namespace: str, name: str) -> str:
    """ElementTree's ``{namespace}name`` form."""
    return f"{{{namespace}}}{name}"


GETETAG = clark(DAV, "getetag")
RESOURCETYPE = clark(DAV, "resourcetype")
DISPLAYNAME = clark(DAV, "displayname")
SYNC_TOKEN = clark(DAV, "sync-token")
CURRENT_USER_PRINCIPAL = clark(DAV, "current-user-principal")
SUPPORTED_REPORT_SET = clark(DAV, "supported-report-set")
ADDRESSBOOK_HOME_SET = clark(CARDDAV, "addressbook-home-set")
ADDRESS_DATA = clark(CARDDAV, "address-data")
ADDRESSBOOK = clark(CARDDAV, "addressbook")
SYNC_COLLECTION = clark(DAV, "sync-collection")
VALID_SYNC_TOKEN = clark(DAV, "valid-sync-token")
GETCTAG = clark(CALSERVER, "getctag")
RESPONSE = clark(DAV, "response")

_PREFIXES = {DAV: "D", CARDDAV: "C", CALSERVER: "CS"}


def _tag(clark_name: str) -> str:
    namespace, _, local = clark_name[1:].partition("}")
    return f"{_PREFIXES[namespace]}:{local}"


def _envelope(root: str, inner: str) -> bytes:
    return (
        '<?xml version="1.0" encoding="utf-8"?>'
        f'<{root} xmlns:D="{DAV}" xmlns:C="{CARDDAV}" xmlns:CS="{CALSERVER}">{inner}</{root}>'
    ).encode()


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def propfind_body(props: list[str]) -> bytes:
    inner = "".join(f"<{_tag(p)}/>" for p in props)
    return _envelope("D:propfind", f"<D:prop>{inner}</D:prop>")


def sync_collection_body(token: str, *, with_data: bool = False) -> bytes:
    """RFC 6578 REPORT: changes since ``token`` ("" = everything).

    ``with_data`` also asks for each changed card's ``address-data`` (RFC 6578 section 3.2
    lets the client name any member property), so one request lists *and* fetches: no
    addressbook-multiget round trips, and the server reads each card once instead of twice.
    """
    token_xml = f"<D:sync-token>{_escape(token)}</D:sync-token>" if token else "<D:sync-token/>"
    data = "<C:address-data/>" if with_data else ""
    inner = f"{token_xml}<D:sync-level>1</D:sync-level><D:prop><D:getetag/>{data}</D:prop>"
    return _envelope("D:sync-collection", inner)


def multiget_body(hrefs: list[str]) -> bytes:
    """RFC 6352 addressbook-multiget for the given (decoded) paths."""
    href_xml = "".join(f"<D:href>{_escape(encode_href(h))}</D:href>" for h in hrefs)
    inner = f"<D:prop><D:getetag/><C:address-data/></D:prop>{href_xml}"
    return _envelope("C:addressbook-multiget", inner)


def normalize_href(base_url: str, href: str) -> str:
    """The decoded path of ``href`` resolved against ``base_url``.

    Servers differ in how they percent-encode the same path between responses; decoding gives
    one stable key, used as the contact's ``external_id``.
    """
    return unquote(urlsplit(urljoin(base_url, href.strip())).path)


def encode_href(path: str) -> str:
    return quote(path, safe="/@:+!$&'()*,;=~")


def same_collection(a: str, b: str) -> bool:
    return a.rstrip("/") == b.rstrip("/")


def _status_code(text: str | None) -> int | None:
    """``HTTP/1.1 404 Not Found`` -> 404."""
    if not text:
        return None
    parts = text.split()
    if len(parts) >= 2 and parts[1].isdigit():
        return int(parts[1])
    return None


@dataclass(slots=True)
class DavResponse:
    """One ``<D:response>``: its decoded href, response-level status and 2xx properties."""

    href: str
    status: int | None = None
    props: dict[str, ET.Element] = field(default_factory=dict)

    def text(self, name: str) -> str:
        element = self.props.get(name)
        return (element.text or "").strip() if element is not None else ""

    def hrefs_in(self, name: str) -> list[str]:
        """The ``<D:href>`` children of a property (principal, home set)."""
        element = self.props.get(name)
        if element is None:
            return []
        return [(h.text or "").strip() for h in element.iter(clark(DAV, "href")) if h.text]

    def has_resourcetype(self, name: str) -> bool:
        element = self.props.get(RESOURCETYPE)
        return element is not None and element.find(name) is not None


@dataclass(slots=True)
class Multistatus:
    responses: list[DavResponse]
    sync_token: str | None


def _response_from(node: ET.Element, base_url: str) -> DavResponse | None:
    """One ``<D:response>`` element as a :class:`DavResponse` (None without an href)."""
    href_node = node.find(clark(DAV, "href"))
    if href_node is None or not href_node.text:
        return None
    response = DavResponse(
        href=normalize_href(base_url, href_node.text),
        status=_status_code(node.findtext(clark(DAV, "status"))),
    )
    for propstat in node.iter(clark(DAV, "propstat")):
        code = _status_code(propstat.findtext(clark(DAV, "status")))
        prop = propstat.find(clark(DAV, "prop"))
        if prop is None or code is None or not 200 <= code < 300:
            continue
        for child in prop:
            response.props[child.tag] = child
    return response


def parse_multistatus(content: bytes, base_url: str) -> Multistatus:
    """Parse a 207 body; raises ``ET.ParseError`` on malformed XML."""
    root = ET.fromstring(content)
    responses: list[DavResponse] = []
    for node in root.iter(RESPONSE):
        response = _response_from(node, base_url)
        if response is not None:
            responses.append(response)
    token_node = root.find(SYNC_TOKEN)
    token = (token_node.text or "").strip() if token_node is not None else None
    return Multistatus(responses=responses, sync_token=token or None)


class MultistatusStream:
    """Parse a multistatus body as it arrives: feed bytes, get finished responses back.

    Only direct children of the root count (a ``sync-token`` *property* inside a response is
    not the report's token). Each finished response is detached from the tree, so memory
    holds one response at a time however big the address book is. Malformed XML raises
    ``ET.ParseError`` from :meth:`feed` or :meth:`close`.
    """

    def __init__(self, base_url: str) -> None:
        self._base_url = base_url
        self._parser = ET.XMLPullParser(events=("start", "end"))
        self._depth = 0
        self._root: ET.Element | None = None
        self.sync_token: str | None = None

    def feed(self, data: bytes) -> list[DavResponse]:
        self._parser.feed(data)
        return self._drain()

    def close(self) -> list[DavResponse]:
        self._parser.close()
        return self._drain()

    def _drain(self) -> list[DavResponse]:
        done: list[DavResponse] = []
        for event, element in self._parser.read_events():
            if event == "start":
                self._depth += 1
                if self._depth == 1:
                    self._root = element
                continue
            self._depth -= 1
            if self._depth != 1 or self._root is None:
                continue
            if element.tag == RESPONSE:
                response = _response_from(element, self._base_url)
                if response is not None:
                    done.append(response)
                self._root.remove(element)
            elif element.tag == SYNC_TOKEN:
                self.sync_token = (element.text or "").strip() or None
        return done


def has_precondition(content: bytes, name: str) -> bool:
    """True when an error body (``<D:error>``) names the precondition ``name``."""
    try:
        root = ET.fromstring(content)
    except ET.ParseError:
        return False
    return root.tag == name or root.find(f".//{name}") is not None


def supports_report(response: DavResponse, report: str) -> bool:
    element = response.props.get(SUPPORTED_REPORT_SET)
    return element is not None and element.find(f".//{report}") is not None
