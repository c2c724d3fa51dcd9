"""A scripted one-book CardDAV server for behaviour Radicale does not exhibit."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field

from tests.servers.scripted_http import Reply, Request

_MS = '<?xml version="1.0"?><D:multistatus xmlns:D="DAV:" ' \
      'xmlns:C="urn:ietf:params:xml:ns:carddav">{}</D:multistatus>'


def _card(name: str) -> str:
    return f"BEGIN:VCARD\r\nVERSION:3.0\r\nUID:{name}\r\nFN:{name.title()}\r\nEND:VCARD\r\n"


def _member(href: str, etag: str) -> str:
    return (f"<D:response><D:href>{href}</D:href><D:propstat><D:prop><D:getetag>{etag}"
            "</D:getetag></D:prop><D:status>HTTP/1.1 200 OK</D:status></D:propstat>"
            "</D:response>")


@dataclass
class FakeBook:
    """``/book/`` whose sync-collection answer is cut in two (507), optionally behind Digest.

    ``failures`` first requests get 503 (to test retries that end in success).
    """

    digest_password: str | None = None
    failures: int = 0
    #: False: refuse sync-collection (501) like servers without RFC 6578.
    sync_collection: bool = True
    served: int = 0
    nonce: str = "n0nce"
    auth_headers: list[str] = field(default_factory=list)
    #: What a Depth 1 PROPFIND lists (href -> ETag).
    members: dict[str, str] = field(default_factory=lambda: {
        "/book/a.vcf": '"ea"', "/book/b%20c.vcf": '"eb"'})
    #: The book's CS:getctag (None: not offered).
    ctag: str | None = None

    def __call__(self, request: Request) -> Reply:
        self.served += 1
        if self.served <= self.failures:
            return Reply(503, b"busy")
        if self.digest_password is not None and not self._authorized(request):
            challenge = f'Digest realm="fake", nonce="{self.nonce}", qop="auth", algorithm=MD5'
            return Reply(401, b"login", {"WWW-Authenticate": challenge})
        body = request.body.decode()
        if request.method == "PROPFIND":
            members = ""
            if request.headers.get("Depth") == "1":
                members = "".join(_member(h, e) for h, e in self.members.items())
            ctag = (f'<CS:getctag xmlns:CS="http://calendarserver.org/ns/">{self.ctag}'
                    "</CS:getctag>" if self.ctag and "getctag" in body else "")
            return self._xml(
                "<D:response><D:href>/book/</D:href><D:propstat><D:prop><D:resourcetype>"
                "<D:collection/><C:addressbook/></D:resourcetype><D:displayname>Fake"
                f"</D:displayname>{ctag}</D:prop>"
                "<D:status>HTTP/1.1 200 OK</D:status></D:propstat></D:response>" + members)
        if "sync-collection" in body and not self.sync_collection:
            return Reply(501, b"not implemented")
        if "sync-collection" in body:
            token = re.search(r"<D:sync-token>([^<]*)</D:sync-token>", body)
            if token is None:  # full listing, truncated after the first member
                return self._xml(_member("/book/a.vcf", '"ea"') + _member("/book/gone.vcf", '"eg"')
                                 + "<D:response><D:href>/book/</D:href><D:status>HTTP/1.1 507 "
                                 "Insufficient Storage</D:status></D:response>"
                                 "<D:sync-token>t1</D:sync-token>")
            if token.group(1) == "t1":
                return self._xml(_member("/book/b%20c.vcf", '"eb"')
                                 + "<D:response><D:href>/book/gone.vcf</D:href><D:status>"
                                 "HTTP/1.1 404 Not Found</D:status></D:response>"
                                 "<D:sync-token>t2</D:sync-token>")
            return Reply(409, b'<?xml version="1.0"?><D:error xmlns:D="DAV:">'
                              b"<D:valid-sync-token/></D:error>")
        if "addressbook-multiget" in body:
            parts = []
            for href in re.findall(r"<D:href>([^<]*)</D:href>", body):
                name = href.rsplit("/", 1)[-1].removesuffix(".vcf").replace("%20", " ")
                parts.append(
                    f"<D:response><D:href>{href}</D:href><D:propstat><D:prop><D:getetag>\"e\""
                    f"</D:getetag><C:address-data>{_card(name)}</C:address-data></D:prop>"
                    "<D:status>HTTP/1.1 200 OK</D:status></D:propstat></D:response>")
            return self._xml("".join(parts))
        return Reply(400, b"unexpected")

    @staticmethod
    def _xml(inner: str) -> Reply:
        return Reply(207, _MS.format(inner).encode(), {"Content-Type": "application/xml"})

    def _authorized(self, request: Request) -> bool:
        """Check an RFC 2617 Digest response (qop=auth, MD5) for user alice."""
        header = request.headers.get("Authorization", "")
        self.auth_headers.append(header)
        if not header.startswith("Digest "):
            return False
        fields = dict(re.findall(r'(\w+)="?([^",]*)"?', header[len("Digest "):]))
        md5 = lambda text: hashlib.md5(text.encode()).hexdigest()  # noqa: E731
        ha1 = md5(f"alice:fake:{self.digest_password}")
        ha2 = md5(f"{request.method}:{fields.get('uri', '')}")
        expected = md5(f"{ha1}:{self.nonce}:{fields.get('nc')}:{fields.get('cnonce')}:auth:{ha2}")
        return fields.get("username") == "alice" and fields.get("response") == expected
