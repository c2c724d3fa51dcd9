"""The incremental multistatus parser gives the same answer as the whole-body parser."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest

from core.sync.providers.carddav import dav_xml as dx

_BODY = (
    b'<?xml version="1.0" encoding="utf-8"?>'
    b'<D:multistatus xmlns:D="DAV:" xmlns:C="urn:ietf:params:xml:ns:carddav">'
    b"<D:response><D:href>/book/a%20b.vcf</D:href><D:propstat><D:prop>"
    b'<D:getetag>"e1"</D:getetag><C:address-data>BEGIN:VCARD\r\nFN:A &amp; B\r\n'
    b"END:VCARD\r\n</C:address-data><D:sync-token>not-the-report-token</D:sync-token>"
    b"</D:prop><D:status>HTTP/1.1 200 OK</D:status></D:propstat></D:response>"
    b"<D:response><D:href>/book/gone.vcf</D:href><D:status>HTTP/1.1 404 Not Found"
    b"</D:status></D:response>"
    b"<D:sync-token>http://example.org/sync/2</D:sync-token></D:multistatus>"
)


@pytest.mark.parametrize("chunk", [1, 7, 64, len(_BODY)])
def test_stream_matches_whole_body_parse(chunk: int) -> None:
    stream = dx.MultistatusStream("http://h/book/")
    got: list[dx.DavResponse] = []
    for start in range(0, len(_BODY), chunk):
        got.extend(stream.feed(_BODY[start:start + chunk]))
    got.extend(stream.close())
    whole = dx.parse_multistatus(_BODY, "http://h/book/")

    assert [(r.href, r.status, r.text(dx.GETETAG)) for r in got] == [
        (r.href, r.status, r.text(dx.GETETAG)) for r in whole.responses] == [
        ("/book/a b.vcf", None, '"e1"'), ("/book/gone.vcf", 404, "")]
    # XML turns CRLF into LF (line-end normalisation), as the whole-body parser does.
    assert got[0].props[dx.ADDRESS_DATA].text == "BEGIN:VCARD\nFN:A & B\nEND:VCARD\n"
    # Only the report's own token counts, not a property of the same name in a response.
    assert stream.sync_token == whole.sync_token == "http://example.org/sync/2"


def test_stream_rejects_malformed_xml() -> None:
    stream = dx.MultistatusStream("http://h/")
    with pytest.raises(ET.ParseError):
        stream.feed(b"<D:multistatus xmlns:D='DAV:'><D:response></D:multistatus>")
        stream.close()
