"""HTTP helpers shared by the CardDAV server fixtures (Radicale, Xandikos).

Each fixture's handle knows its own URLs (``book_url``/``book_path``), HTTP ``session`` and
``process``; what a test does to a CardDAV server over HTTP is the same on both.
"""

from __future__ import annotations

import subprocess
import time

import requests


class DavServerHelpers:
    """Mixin for a server handle with ``url``, ``session``, ``process``, ``book_url`` and
    ``book_path``."""

    session: requests.Session
    process: subprocess.Popen[bytes]
    #: Depth of the warm-up REPORT: the one each server answers with a full listing.
    warm_up_depth = "1"

    def book_path(self, book: str, user: str | None = None) -> str:
        raise NotImplementedError

    def book_url(self, book: str, user: str | None = None) -> str:
        raise NotImplementedError

    def card_href(self, book: str, name: str) -> str:
        """The href the server reports for card ``name`` (without .vcf) in ``book``."""
        return f"{self.book_path(book)}{name}.vcf"

    def create_addressbook(self, book: str, displayname: str | None = None) -> str:
        """MKCOL an address book (RFC 6352 extended MKCOL); returns its URL."""
        body = (
            '<?xml version="1.0" encoding="utf-8"?>'
            '<D:mkcol xmlns:D="DAV:" xmlns:C="urn:ietf:params:xml:ns:carddav">'
            "<D:set><D:prop><D:resourcetype><D:collection/><C:addressbook/></D:resourcetype>"
            f"<D:displayname>{displayname or book}</D:displayname>"
            "</D:prop></D:set></D:mkcol>"
        )
        url = self.book_url(book)
        response = self.session.request("MKCOL", url, data=body.encode(),
                                        headers={"Content-Type": "application/xml"})
        response.raise_for_status()
        return url

    def put_card(self, book: str, name: str, text: str) -> str:
        """PUT a card (create or replace); returns the new ETag."""
        response = self.session.put(f"{self.book_url(book)}{name}.vcf", data=text.encode(),
                                    headers={"Content-Type": "text/vcard; charset=utf-8"})
        response.raise_for_status()
        return response.headers.get("ETag", "")

    def delete_card(self, book: str, name: str) -> None:
        response = self.session.delete(f"{self.book_url(book)}{name}.vcf")
        response.raise_for_status()

    def warm_up(self, book: str) -> float:
        """One full sync-collection REPORT so the server builds its caches and indexes before
        a benchmark times the client (Radicale parses every card on its first listing);
        returns its seconds."""
        body = (b'<?xml version="1.0" encoding="utf-8"?><D:sync-collection xmlns:D="DAV:">'
                b"<D:sync-token/><D:sync-level>1</D:sync-level><D:prop><D:getetag/></D:prop>"
                b"</D:sync-collection>")
        started = time.monotonic()
        response = self.session.request(
            "REPORT", self.book_url(book), data=body,
            headers={"Depth": self.warm_up_depth, "Content-Type": "application/xml"})
        response.raise_for_status()
        return time.monotonic() - started

    def stop(self) -> None:
        """Terminate the process and wait; kill it if it does not exit promptly."""
        self.session.close()
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=5)
