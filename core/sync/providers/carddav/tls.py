"""TLS trust per CardDAV account: a CA file, or a pinned certificate fingerprint.

Self-hosted servers often use a self-signed certificate. Verification is never switched off
globally: an account either trusts an extra CA file (``ca_cert`` setting, used instead of
the system store for that account only) or pins the SHA-256 fingerprint of the server's own
certificate (``trust_fingerprint``): then exactly that certificate is accepted, whoever
signed it, and any other one is refused. A certificate problem becomes
:class:`~core.sync.contract.CertificateError` carrying the fingerprint the server presented,
so the owner (or the GUI's "trust it?" prompt) can decide.
"""

from __future__ import annotations

import hashlib
import re
import socket
import ssl
from urllib.parse import urlsplit

import requests
from requests.adapters import HTTPAdapter

from core.sync.contract import CertificateError

_HEX = re.compile(r"^[0-9A-F]{64}$")


def normalize_fingerprint(value: str) -> str:
    """``AB:CD:...`` (64 hex digits in pairs) from any common spelling; ValueError if not
    a SHA-256 fingerprint."""
    digits = re.sub(r"[\s:\-]", "", value.strip()).upper()
    if digits.startswith("SHA256"):
        digits = digits[len("SHA256"):].lstrip("=")
    if not _HEX.match(digits):
        raise ValueError(f"{value!r} is not a SHA-256 certificate fingerprint (64 hex digits, "
                         "e.g. AB:CD:...)")
    return ":".join(digits[i:i + 2] for i in range(0, 64, 2))


def fingerprint_of(der: bytes) -> str:
    return normalize_fingerprint(hashlib.sha256(der).hexdigest())


class PinnedAdapter(HTTPAdapter):
    """HTTPS that accepts exactly one certificate, by SHA-256 fingerprint (urllib3's
    ``assert_fingerprint``); the CA chain and host name are not what is trusted then."""

    def __init__(self, fingerprint: str) -> None:
        self._fingerprint = normalize_fingerprint(fingerprint).replace(":", "").lower()
        super().__init__()

    def init_poolmanager(self, connections: int, maxsize: int, block: bool = False,
                         **pool_kwargs: object) -> None:
        pool_kwargs["assert_fingerprint"] = self._fingerprint
        super().init_poolmanager(connections, maxsize, block, **pool_kwargs)


def presented_fingerprint(url: str, timeout: float = 10.0) -> str | None:
    """The SHA-256 fingerprint of the certificate the server at ``url`` presents, read
    without trusting it (only to show it to the owner); None if it cannot be read."""
    parts = urlsplit(url)
    if parts.scheme != "https" or not parts.hostname:
        return None
    try:
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
        context.check_hostname = False
        context.verify_mode = ssl.CERT_NONE
        with socket.create_connection((parts.hostname, parts.port or 443), timeout) as raw, \
                context.wrap_socket(raw, server_hostname=parts.hostname) as tls:
            der = tls.getpeercert(binary_form=True)
    except (OSError, ssl.SSLError, ValueError):
        return None
    return fingerprint_of(der) if der else None


def _reason(exc: BaseException) -> str:
    text = str(exc)
    match = re.search(r"certificate verify failed: ([^(]+?)\s*\(_ssl", text)
    if match:
        return match.group(1).strip()
    if "fingerprints did not match" in text.lower():
        return "not the trusted certificate"
    return "the certificate could not be verified"


def certificate_error(exc: requests.exceptions.SSLError, url: str, where: str, *,
                      pinned: str | None, ca_cert: str | None,
                      source_id: int | None) -> CertificateError:
    """The owner-facing error for a refused certificate (``where`` is the redacted URL)."""
    found = presented_fingerprint(url)
    edit = f"kith sources edit {source_id}" if source_id else "kith sources add ..."
    if pinned:
        message = (f"The certificate of the CardDAV server at {where} is not the one this "
                   f"account trusts (SHA-256 {pinned}); the server now presents "
                   f"{found or 'a certificate Kith could not read'}. If you replaced the "
                   f"certificate yourself, trust the new one with `{edit} --trust-fingerprint "
                   f"{found or 'SHA256'}`; otherwise someone may be intercepting the "
                   "connection. Kith does not sync this source until then.")
    else:
        via = f" with the CA file {ca_cert}" if ca_cert else ""
        shown = (f"Its SHA-256 fingerprint is {found}. If that is your server's certificate, "
                 f"trust it for this account with `{edit} --trust-fingerprint {found}` (or "
                 "give the CA file that signed it with `--ca-cert FILE`)"
                 if found else
                 f"Give the CA file that signed it with `{edit} --ca-cert FILE`")
        message = (f"The certificate of the CardDAV server at {where} is not trusted"
                   f"{via} ({_reason(exc)}). {shown}. Kith does not sync this source until "
                   "then.")
    return CertificateError(message, url=where, fingerprint=found, pinned=pinned)
