"""vCard properties beyond names, handles and addresses: what real clients write that a
faithful address book must keep (issue 14).

ROLE, related people (RFC 6350 RELATED, Apple X-ABRELATEDNAMES, Evolution/Outlook X-SPOUSE,
X-MANAGER, X-ASSISTANT), GENDER (and X-GENDER / Outlook's X-WAB-GENDER), phonetic names, TZ,
GEO, LANG, file-as, and every IM property spelled ``X-<service>-IM`` or Outlook's
``X-MS-IMADDRESS``. Each reader sits next to the writer that produces what it reads back, so
``parse(write(c))`` gives ``c`` again. Anything else a card holds is kept verbatim
(:func:`extra_line`) and written back on export.
"""

from __future__ import annotations

import re

from core.ingest.facts import SEXES
from core.ingest.parsed import ParsedContact, Related
from core.sync.providers.vcard.values import escape, param_value, type_values, unescape

#: Properties whose value names a related person, with the relation they imply.
RELATION_PROPERTIES = {
    "X-SPOUSE": "spouse", "X-EVOLUTION-SPOUSE": "spouse", "X-MS-SPOUSE": "spouse",
    "X-KADDRESSBOOK-X-SPOUSENAME": "spouse",
    "X-MANAGER": "manager", "X-EVOLUTION-MANAGER": "manager", "X-MS-MANAGER": "manager",
    "X-KADDRESSBOOK-X-MANAGERSNAME": "manager",
    "X-ASSISTANT": "assistant", "X-EVOLUTION-ASSISTANT": "assistant",
    "X-MS-ASSISTANT": "assistant", "X-KADDRESSBOOK-X-ASSISTANTSNAME": "assistant",
    "X-CHILDREN": "child", "X-MS-CHILD": "child",
}
PHONETIC_PROPERTIES = {"X-PHONETIC-FIRST-NAME": "given", "X-PHONETIC-MIDDLE-NAME": "middle",
                       "X-PHONETIC-LAST-NAME": "family"}
FILE_AS_PROPERTIES = ("X-EVOLUTION-FILE-AS", "SORT-STRING")
#: Written back on every export as they are newer there: never kept as extras.
DROPPED_PROPERTIES = frozenset({"PRODID", "REV", "X-ABLABEL"})
#: IM properties named ``X-<SERVICE>-IM`` / ``X-<SERVICE>-IMADDRESS`` (Outlook: X-MS-IMADDRESS).
_IM_RE = re.compile(r"^X-([A-Z0-9]+)-IM(?:ADDRESS)?$")
_IM_PLATFORMS = {"ms": "im", "wab": "im"}
_WAB_GENDER = {"1": "F", "2": "M"}
_GEO_RE = re.compile(r"^\s*(?:geo:)?\s*([-+]?\d+(?:\.\d+)?)\s*[,;]\s*([-+]?\d+(?:\.\d+)?)")


def im_platform(name: str) -> str | None:
    """Platform for an ``X-<SERVICE>-IM`` property name, None when the name is not one."""
    match = _IM_RE.match(name)
    if match is None:
        return None
    service = match.group(1).lower()
    return _IM_PLATFORMS.get(service, service)


def related_from(name: str, value: str, params: dict[str, list[str]], singles: list[str],
                 label: str) -> Related | None:
    """A related person from RELATED, X-ABRELATEDNAMES or an X-SPOUSE-style property."""
    text = unescape(value).strip()
    if not text:
        return None
    if name in RELATION_PROPERTIES:
        return Related(name=text, relation=label or RELATION_PROPERTIES[name])
    types = [t for t in type_values(params, singles) if t != "pref"]
    relation = label or ",".join(types)
    if name == "RELATED":
        is_text = any(v.lower() == "text" for v in params.get("VALUE", []))
        if not is_text and re.match(r"^[a-z][a-z0-9+.-]*:\S+$", text, re.IGNORECASE):
            return Related(relation=relation, uri=text)
    return Related(name=text, relation=relation)


def format_related(related: Related, version: str) -> tuple[str, list[str], str, str]:
    """(property, parameters, value, X-ABLabel or "") for one related person.

    4.0 has RELATED with a TYPE from RFC 6350's list; a custom relation, and every relation in
    3.0, uses Apple's grouped X-ABRELATEDNAMES with X-ABLabel, which Apple and Google read.
    """
    if related.uri and not related.name:
        params = [f"TYPE={param_value(related.relation)}"] if related.relation else []
        return "RELATED", params, related.uri, ""
    if version == "4.0" and related.relation in RFC_RELATIONS:
        return "RELATED", ["VALUE=text", f"TYPE={related.relation}"], escape(related.name), ""
    return "X-ABRELATEDNAMES", [], escape(related.name), related.relation


#: RELATED TYPE values of RFC 6350 section 6.6.6.
RFC_RELATIONS = frozenset({
    "contact", "acquaintance", "friend", "met", "co-worker", "colleague", "co-resident",
    "neighbor", "child", "parent", "sibling", "spouse", "kin", "muse", "crush", "date",
    "sweetheart", "me", "agent", "emergency"})


def gender_from(name: str, value: str) -> str:
    """GENDER's ``sex;identity`` as written; X-GENDER "Male" and X-WAB-GENDER "2" -> "M"."""
    text = unescape(value).strip()
    if name == "X-WAB-GENDER":
        return _WAB_GENDER.get(text, "")
    if name == "GENDER":
        sex, _, identity = text.partition(";")
        sex = sex.strip().upper()
        return f"{sex};{identity.strip()}" if identity.strip() else sex
    head = text[:1].upper()
    if head in SEXES and text.lower() in (SEXES[head], head.lower()):
        return head
    return f";{text}" if text else ""


def geo_from(value: str) -> str:
    """GEO in 3.0 (``lat;lon``) or 4.0 (``geo:lat,lon``) form -> ``geo:lat,lon``."""
    match = _GEO_RE.match(unescape(value))
    if match is None:
        return unescape(value).strip()
    return f"geo:{match.group(1)},{match.group(2)}"


def format_geo(geo: str, version: str) -> str:
    """4.0 writes the ``geo:`` URI; 3.0 writes ``lat;lon``."""
    match = _GEO_RE.match(geo)
    if match is None:
        return geo
    if version == "4.0":
        return f"geo:{match.group(1)},{match.group(2)}"
    return f"{match.group(1)};{match.group(2)}"


def extra_line(name: str, group_label: str, params: dict[str, list[str]],
               singles: list[str], value: str) -> str:
    """A property Kith does not model, as one unfolded content line to write back verbatim.

    Groups are dropped (the writer numbers its own ``itemN``), an X-ABLabel of the group is
    kept as a parameter, encodings are gone (the value is decoded text), and line breaks in
    the value are escaped so the line stays one line.
    """
    parts = [name]
    for key, values in params.items():
        if key in ("ENCODING", "CHARSET") and not any(v.lower() in ("b", "base64")
                                                     for v in values):
            continue
        parts.append(f"{key}=" + ",".join(param_value(v) for v in values))
    parts.extend(s for s in singles if s.upper() not in ("QUOTED-PRINTABLE",))
    if group_label:
        parts.append(f"X-ABLABEL={param_value(group_label)}")
    text = value.replace("\r\n", "\n").replace("\r", "\n").replace("\n", "\\n")
    return ";".join(parts) + ":" + text


def apply_more(contact: ParsedContact, name: str, value: str, params: dict[str, list[str]],
               singles: list[str], label: str) -> bool:
    """Read one of the properties above into ``contact``; False when ``name`` is not one."""
    if name in ("RELATED", "X-ABRELATEDNAMES") or name in RELATION_PROPERTIES:
        related = related_from(name, value, params, singles, label)
        if related is not None:
            contact.related.append(related)
    elif name in ("GENDER", "X-GENDER", "X-WAB-GENDER"):
        contact.gender = contact.gender or gender_from(name, value)
    elif name in PHONETIC_PROPERTIES:
        setattr(contact.phonetic, PHONETIC_PROPERTIES[name], unescape(value).strip())
    elif name == "TZ":
        contact.time_zone = contact.time_zone or unescape(value).strip()
    elif name == "GEO":
        contact.geo = contact.geo or geo_from(value)
    elif name == "LANG":
        lang = unescape(value).strip()
        if lang and lang not in contact.languages:
            contact.languages.append(lang)
    elif name in FILE_AS_PROPERTIES:
        contact.file_as = contact.file_as or unescape(value).strip()
    else:
        return False
    return True
