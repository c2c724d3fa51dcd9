"""Value-level vCard rules shared by the parser and the writer.

Both directions live in one module on purpose: the export must produce exactly what the parser
reads back (round-trip equality of ``ParsedContact.canonical()``), so each encode sits next to
its decode.
"""

from __future__ import annotations

import base64
import binascii
import re
from collections.abc import Iterable
from typing import Any
from urllib.parse import unquote_to_bytes

from core.ingest.parsed import DateValue, Photo

# --------------------------------------------------------------------------- text escaping


def unescape(text: str) -> str:
    """Undo vCard text escaping (``\\n``, ``\\,``, ``\\;``, ``\\\\``; also the common ``\\:`` and
    ``\\"``, which Outlook and Lotus Notes write and common readers unescape).

    Unknown escapes keep their backslash, so Windows paths in a NOTE survive.
    """
    if "\\" not in text:
        return text
    out: list[str] = []
    i = 0
    while i < len(text):
        ch = text[i]
        if ch == "\\" and i + 1 < len(text):
            nxt = text[i + 1]
            if nxt in "nN":
                out.append("\n")
            elif nxt in ",;:\\\"":
                out.append(nxt)
            else:
                out.append(ch + nxt)
            i += 2
            continue
        out.append(ch)
        i += 1
    return "".join(out)


def split_escaped(text: str, sep: str) -> list[str]:
    """Split on ``sep`` where it is not backslash-escaped; parts stay escaped."""
    if "\\" not in text:
        return text.split(sep)
    parts: list[str] = []
    start = 0
    i = 0
    while i < len(text):
        ch = text[i]
        if ch == "\\":
            i += 2
            continue
        if ch == sep:
            parts.append(text[start:i])
            start = i + 1
        i += 1
    parts.append(text[start:])
    return parts


def escape(text: str) -> str:
    """Escape a text value for output (RFC 6350 3.4)."""
    return (
        text.replace("\\", "\\\\").replace(",", "\\,").replace(";", "\\;")
        .replace("\r\n", "\n").replace("\r", "\n").replace("\n", "\\n")
    )


def text_list(value: str) -> list[str]:
    """A comma-separated multi-value (NICKNAME, CATEGORIES): unescaped, stripped, no blanks."""
    return [v for v in (unescape(p).strip() for p in split_escaped(value, ",")) if v]


def components(value: str, count: int) -> list[str]:
    """A ``;``-structured value (N, ADR, ORG) padded to ``count`` unescaped parts.

    Unescaped commas inside a component are kept literally: sloppy exporters write
    ``Main St, Apt 5`` unescaped and that is what the person typed.
    """
    parts = [unescape(p).strip() for p in split_escaped(value, ";")]
    if len(parts) < count:
        parts += [""] * (count - len(parts))
    return parts


# --------------------------------------------------------------------------- parameters

#: TYPE values that are flags, not a label a person would choose.
NON_LABEL_TYPES = frozenset({"pref", "voice", "internet", "x400", "dom", "intl", "postal",
                             "parcel", "x-internet"})
#: Labels the writer may express as TYPE values because the parser reads them back verbatim.
WRITABLE_TYPES = frozenset({"home", "work", "mobile", "fax", "pager", "text", "video",
                            "textphone", "main", "other", "car", "isdn", "msg", "bbs", "modem",
                            "pcs", "iphone"})
_TYPE_TO_LABEL = {"cell": "mobile"}
_LABEL_TO_TYPE = {"mobile": "cell"}
_APPLE_LABEL_RE = re.compile(r"^_\$!<(.*)>!\$_$")
_APPLE_LABELS = {"homefax": "home,fax", "workfax": "work,fax", "otherfax": "other,fax"}


def type_values(params: dict[str, list[str]], singletons: Iterable[str]) -> list[str]:
    """All TYPE values, lower-cased: ``TYPE=a,b``, repeated TYPE and 2.1 bare parameters."""
    if not singletons and "TYPE" not in params:
        return []
    values: list[str] = []
    for raw in list(params.get("TYPE", [])) + list(singletons):
        for part in raw.split(","):
            part = part.strip().strip('"').lower()
            if part and part not in values:
                values.append(part)
    return values


def label_from_types(types: list[str]) -> str:
    """The label a TYPE list expresses, e.g. ``["cell", "voice", "pref"]`` -> ``"mobile"``."""
    parts: list[str] = []
    for t in types:
        if t in NON_LABEL_TYPES or t.startswith("x-") or t in {"base64", "b"}:
            continue
        label = _TYPE_TO_LABEL.get(t, t)
        if label not in parts:
            parts.append(label)
    return ",".join(parts)


def label_from_ablabel(value: str) -> str:
    """Apple's X-ABLabel: ``_$!<Work>!$_`` -> ``work``; a custom label stays as typed."""
    text = unescape(value).strip()
    match = _APPLE_LABEL_RE.match(text)
    if match:
        key = match.group(1).strip().lower()
        return _APPLE_LABELS.get(key, key)
    return text


def label_as_types(label: str) -> list[str] | None:
    """TYPE values for ``label`` when every part is a known type; None means use X-ABLabel."""
    if not label:
        return []
    parts = label.split(",")
    if all(p in WRITABLE_TYPES for p in parts) and len(set(parts)) == len(parts):
        return [_LABEL_TO_TYPE.get(p, p) for p in parts]
    return None


def is_preferred(params: dict[str, list[str]], types: list[str]) -> bool:
    """TYPE=pref (3.0), bare PREF (2.1) or PREF=1 (4.0)."""
    if "pref" in types:
        return True
    return any(v.strip() == "1" for v in params.get("PREF", []))


def param_value(value: str) -> str:
    """Quote a parameter value when it contains ``,;:`` (double quotes are not representable)."""
    value = value.replace('"', "'")
    return f'"{value}"' if any(c in value for c in ",;:") else value


# --------------------------------------------------------------------------- dates

_FULL_DATE_RE = re.compile(r"^(\d{4})-?(\d{2})-?(\d{2})$")
_NO_YEAR_RE = re.compile(r"^--(\d{2})-?(\d{2})$")


def parse_date(value: str, params: dict[str, list[str]], label: str = "") -> DateValue | None:
    """BDAY/ANNIVERSARY forms: ``1985-04-15``, ``19850415``, ``--0415``, ``--04-15``, a date-time,
    and Apple's ``X-APPLE-OMIT-YEAR=1604`` placeholder year. Text dates give None."""
    if any(v.lower() == "text" for v in params.get("VALUE", [])):
        return None
    text = value.strip().split("T", 1)[0].strip()
    year: int | None
    match = _NO_YEAR_RE.match(text)
    if match:
        year, month, day = None, int(match.group(1)), int(match.group(2))
    else:
        match = _FULL_DATE_RE.match(text)
        if not match:
            return None
        year, month, day = int(match.group(1)), int(match.group(2)), int(match.group(3))
        omit = params.get("X-APPLE-OMIT-YEAR", [])
        if year == 0 or (omit and omit[0].strip() == f"{year:04d}"):
            year = None
    if not (1 <= month <= 12 and 1 <= day <= 31):
        return None
    return DateValue(month=month, day=day, year=year, label=label)


def format_date(date: DateValue, version: str) -> tuple[str, list[str]]:
    """Value and extra parameters for a date: 4.0 ``--MMDD``; 3.0 Apple's 1604 placeholder."""
    if date.year:
        return f"{date.year:04d}-{date.month:02d}-{date.day:02d}", []
    if version == "4.0":
        return f"--{date.month:02d}{date.day:02d}", []
    return f"1604-{date.month:02d}-{date.day:02d}", ["X-APPLE-OMIT-YEAR=1604"]


# --------------------------------------------------------------------------- photos


def _mime_from_type(value: str) -> str:
    value = value.strip().strip('"').lower()
    if not value:
        return ""
    return value if "/" in value else f"image/{value}"


def _b64(text: str) -> bytes:
    """Lenient base64, as other readers are: whitespace and stray characters ignored, missing
    padding added, and one character too many (a length of 4n+1) dropped."""
    cleaned = _NOT_BASE64_RE.sub("", text.split("=", 1)[0])
    if len(cleaned) % 4 == 1:
        cleaned = cleaned[:-1]
    cleaned += "=" * (-len(cleaned) % 4)
    return base64.b64decode(cleaned, validate=False)


_NOT_BASE64_RE = re.compile(r"[^A-Za-z0-9+/]")


def parse_photo(value: str, params: dict[str, list[str]], singletons: list[str]) -> Photo:
    """PHOTO as inline base64 (``ENCODING=b``/``BASE64``), ``data:`` URI or a plain URL.

    Raises ValueError when inline data is not valid base64 (the caller reports it).
    """
    value = value.strip()
    upper_singles = [s.upper() for s in singletons]
    encodings = [e.lower() for e in params.get("ENCODING", [])]
    if value.lower().startswith("data:"):
        header, _, payload = value[5:].partition(",")
        bits = header.split(";")
        mime = bits[0].strip().lower()
        try:
            if any(b.strip().lower() == "base64" for b in bits[1:]):
                return Photo(data=_b64(payload), mime_type=mime)
            return Photo(data=unquote_to_bytes(payload), mime_type=mime)
        except (binascii.Error, ValueError) as exc:
            raise ValueError(f"photo data: URI is not valid base64 ({exc})") from exc
    types = [t for t in params.get("TYPE", []) if t]
    types += [s for s in upper_singles if s not in {"BASE64", "B", "VALUE", "URI", "URL"}]
    mime = _mime_from_type(params.get("MEDIATYPE", [""])[0] or (types[0] if types else ""))
    if "b" in encodings or "base64" in encodings or "BASE64" in upper_singles:
        try:
            return Photo(data=_b64(value), mime_type=mime)
        except (binascii.Error, ValueError) as exc:
            raise ValueError(f"photo is not valid base64 ({exc})") from exc
    return Photo(uri=unescape(value), mime_type=mime)


def format_photo(photo: Photo, version: str) -> tuple[list[str], str] | None:
    """Parameters and value for a PHOTO line (4.0 ``data:`` URI, 3.0 ``ENCODING=b``)."""
    mime = photo.mime_type.lower()
    if photo.data is not None:
        payload = base64.b64encode(photo.data).decode("ascii")
        if version == "4.0":
            return [], f"data:{mime};base64,{payload}"
        params = ["ENCODING=b"]
        if mime:
            params.append("TYPE=" + param_value(mime[6:].upper() if mime.startswith("image/")
                                                and "/" not in mime[6:] else mime))
        return params, payload
    if photo.uri:
        if version == "4.0":
            return ([f"MEDIATYPE={param_value(mime)}"] if mime else []), photo.uri
        params = ["VALUE=uri"]
        if mime:
            params.append("TYPE=" + param_value(mime[6:].upper() if mime.startswith("image/")
                                                and "/" not in mime[6:] else mime))
        return params, photo.uri
    return None


def first(params: dict[str, Any], key: str) -> str:
    """The first value of a parameter, or ''."""
    values = params.get(key) or [""]
    return str(values[0])
