"""The contact card's text and the detail pane's column fitting (ui.contact_detail).

The card is one rich-text label: sections (Phone, Email, Web, Address, Dates, then every
``PartyDetail.extra_lines`` section, Labels, Notes) with a line per value and its sources in
grey. A section with nothing in it is left out. Dates are written in the locale's words
("16 June", "16 June 1990" in English), never as ISO text ("--06-16"). An address's country
code is named in the owner's language and left off for the owner's own country
(ui.country_names).
"""

from __future__ import annotations

import html
import re
from typing import Any

from PySide6.QtCore import QDate, QLocale
from PySide6.QtGui import QColor, QGuiApplication
from PySide6.QtWidgets import QHeaderView, QTableWidget

from ui.colours import muted_text
from ui.country_names import country_name
from ui.field_labels import platform_name
from ui.widgets import date_pattern

PROVIDERS = {"vcard": "vCard", "carddav": "CardDAV", "google": "Google"}
PHONE_LABELS = {"cell": "Mobile", "mobile": "Mobile", "work": "Work", "home": "Home",
                "fax": "Fax", "main": "Main", "pager": "Pager", "voice": "Phone"}
#: Widest share of the pane a column other than the value's may take before it elides.
MAX_SHARE = 0.26


def source_label(source: str) -> str:
    """"vcard:phone.vcf" (or the draft's "vcard: phone.vcf") -> "vCard phone.vcf"; the owner's own
    values say so."""
    if source in ("", "local", "✎ local edit"):
        return "your edit" if source else ""
    provider, _, account = source.partition(":")
    if provider == "local":
        return "you, on this computer"  # the card reads "(you, on this computer)"
    return f"{PROVIDERS.get(provider, provider)} {account.strip()}".strip()


def locale_date(value: str | None = None, *, month: int = 0, day: int = 0,
                year: int | None = None) -> str:
    """A date in the locale's words; ``value`` may be ISO ("1990-06-16") or year-less
    ("--06-16"). Text that is not a date is returned as it is."""
    if value:
        match = re.fullmatch(r"(\d{4}|-)-(\d{2})-(\d{2})", value.strip())
        if match is None:
            return value
        year = None if match.group(1) == "-" else int(match.group(1))
        month, day = int(match.group(2)), int(match.group(3))
    date = QDate(year or 2000, month, day)  # 2000: a leap year, so 29 February exists
    if not date.isValid():
        return value or f"{day}.{month}."
    return QLocale().toString(date, date_pattern(year=bool(year)))


def _row(label: str, value: str, sources: list[str], *, muted: str, rich: bool = False) -> str:
    """One value: "Mobile: 030 1234567 (vCard phone.vcf)". Plain paragraphs, not an HTML
    table: Qt lays a rich-text table out several times per paint (5x the pane's cost)."""
    origin = ", ".join(dict.fromkeys(source_label(s) for s in sources if s))
    shown = value if rich else html.escape(value).replace("\n", "<br>")
    tail = f" <span style='color:{muted}'><i>({html.escape(origin)})</i></span>" if origin else ""
    head = f"<span style='color:{muted}'>{html.escape(label)}:</span> " if label else ""
    return f"{head}{shown}{tail}<br>"


def _address(a: dict[str, Any]) -> str:
    """The address's lines; its country named in the owner's language, left off when home."""
    city = " ".join(x for x in (a.get("postal_code", ""), a.get("locality", "")) if x)
    parts = [a.get("street", ""), a.get("extended", ""), a.get("po_box", ""), city,
             a.get("region", ""), country_name(a.get("country", ""))]
    return "\n".join(p.strip() for p in parts if p and p.strip())


def card_html(d: Any, muted: QColor | None = None) -> str:
    """The card for a PartyDetail (see the module docstring). Labels and origins are in
    ``muted``, by default the application palette's readable grey (ui.colours.muted_text):
    the card's widget passes its own palette's, so the card reads in a dark theme too."""
    sections: dict[str, list[str]] = {}
    grey = (muted or muted_text(QGuiApplication.palette())).name()

    def add(section: str, label: str, value: str, sources: list[str], **kw: Any) -> None:
        if value.strip():
            sections.setdefault(section, []).append(_row(label, value, sources, muted=grey,
                                                         **kw))

    for h in d.handles:
        if h.dismissed:
            continue
        if h.platform == "phone":
            add("Phone", PHONE_LABELS.get(h.label.casefold(), h.label.title() or "Phone"),
                h.shown or h.display_value or h.value, h.sources)
        elif h.platform == "email":
            add("Email", h.label.title() or "Email", h.display_value or h.value, h.sources)
        elif not h.is_secured:
            add("Online", platform_name(h.platform), h.shown or h.display_value or h.value,
                h.sources)
    for u in _merged(d.urls, lambda u: (u["label"], u["url"])):
        url = html.escape(u[0][1])
        add("Web", u[0][0].title() or "Web", f"<a href='{url}'>{url}</a>", u[1], rich=True)
    for a in _merged(d.addresses, lambda a: (a["label"], _address(a))):
        add("Address", a[0][0].title() or "Address", a[0][1], a[1])
    for x in _merged(d.dates, lambda x: (x["kind"], x["label"], x.get("month"), x.get("day"),
                                         x.get("year"), x["date"])):
        kind, label, month, day, year, iso = x[0]
        shown = (locale_date(month=month, day=day, year=year) if month
                 else locale_date(iso))
        add("Dates", label or kind.title(), shown, x[1])
    for line in getattr(d, "extra_lines", []):
        add(line.section, line.label, line.value, list(line.sources))
    if d.labels:
        add("Labels", "", ", ".join(d.labels), [])
    add("Notes", "Notes", d.notes or "", [])
    parts = [f"<b>{html.escape(title)}</b><br>{''.join(rows)}"
             for title, rows in sections.items()]
    return "<br>".join(parts)


def _merged(values: list[dict[str, Any]], key: Any) -> list[tuple[Any, list[str]]]:
    """The same value from several sources once, naming every source."""
    found: dict[Any, list[str]] = {}
    for value in values:
        found.setdefault(key(value), []).append(value.get("source", ""))
    return list(found.items())


def fit_columns(table: QTableWidget, width: int, *, stretch: int,
                buttons: tuple[int, ...], shares: dict[int, float] | None = None) -> None:
    """Columns that fill ``width`` exactly: button columns as wide as their buttons, the
    others as their contents up to MAX_SHARE of the width (or their own share in
    ``shares``), ``stretch`` gets the rest; text that does not fit is elided (its tooltip
    has it whole). No sideways scrolling."""
    header = table.horizontalHeader()
    header.setStretchLastSection(False)
    count = table.columnCount()
    for col in range(count):
        header.setSectionResizeMode(col, QHeaderView.ResizeMode.Interactive)
    width = max(width - 4, 120)
    wanted: dict[int, int] = {}
    natural: dict[int, int] = {}  # text columns' contents, where their share cuts them
    buttons = tuple(c for c in buttons if any(table.cellWidget(r, c) is not None
                                              for r in range(table.rowCount())))
    for col in range(count):
        if table.isColumnHidden(col):
            continue
        if col in buttons:
            widest = max((w.sizeHint().width() for r in range(table.rowCount())
                          if (w := table.cellWidget(r, col)) is not None), default=0)
            wanted[col] = max(widest + 6, header.sectionSizeHint(col))
        elif col != stretch:
            title = header.sectionSizeHint(col)  # a column is never narrower than its title
            contents = max(table.sizeHintForColumn(col), title)
            share = (shares or {}).get(col, MAX_SHARE)
            wanted[col] = max(min(contents + 8, int(width * share)), title)
            natural[col] = contents + 8
    rest = width - sum(wanted.values())
    # Room the stretch column's values do not need goes to columns cut at their share
    # first (a wide pane showed "vCard phone-ex…" beside a half-empty Value column).
    spare = rest - (table.sizeHintForColumn(stretch) + 8)
    for col in sorted(natural, key=lambda c: natural[c] - wanted[c]):
        if spare <= 0:
            break
        more = min(spare, natural[col] - wanted[col])
        if more > 0:
            wanted[col] += more
            spare -= more
            rest -= more
    if rest < 60:  # too narrow: the text columns give way (to their titles), never buttons
        texts = [c for c in wanted if c not in buttons]
        cut = (60 - rest + len(texts) - 1) // max(len(texts), 1)
        for col in texts:
            wanted[col] = max(header.sectionSizeHint(col), wanted[col] - cut)
        rest = width - sum(wanted.values())
    wanted[stretch] = max(rest, 40)
    for col, size in wanted.items():
        table.setColumnWidth(col, size)
    table.horizontalScrollBar().setValue(0)


def handle_state(h: Any) -> str:
    """What the owner decided about an address or number ("" while nothing is: the
    confidence beside it says how sure Kith is). Whose it is has its own column: "State:
    owner" beside an empty Owner column read as a contradiction."""
    states = ["dismissed" if h.dismissed else "confirmed" if h.confirmed else ""]
    if h.is_shared:
        states.append("shared")
    return ", ".join(s for s in states if s)


def belongs_to(h: Any, party_id: int) -> str:
    """Whose address or number it is (the Owner column): this contact, someone else by
    name, or nobody yet."""
    if h.resolved_owner is None:
        return "nobody yet"
    if h.resolved_owner == party_id:
        return "this contact"
    return h.resolved_owner_name or "another contact"
