"""An address's country as the owner reads it: "AT" -> "Österreich" for a German-speaking
owner, "Austria" for an English-speaking one; nothing for the owner's own country, as address
books leave the home country off; a country the source wrote out ("Germany", "Deutschland")
stays as written.

Names in the owner's language come from the table that ``phonenumbers`` (a dependency already)
ships for its geocoder: ISO 3166 code -> {ISO 639 language: name}. Only that one file is
loaded: importing ``phonenumbers.geodata`` as a package loads every geocoding table (~0.5 s);
the file alone takes ~10 ms, once, when the first address with a country code is shown. Where
the table lacks the language or the code, Qt's English name is used.
"""

from __future__ import annotations

import importlib.util
from functools import cache
from pathlib import Path

from PySide6.QtCore import QCollator, QLocale, Qt

from core.views.phone_display import owner_region


@cache
def _names() -> dict[str, dict[str, str]]:
    """phonenumbers' country-name table, or {} when it cannot be read (then English names)."""
    try:
        import phonenumbers

        path = Path(phonenumbers.__file__).parent / "geodata" / "locale.py"
        spec = importlib.util.spec_from_file_location("phonenumbers.geodata.locale", path)
        if spec is None or spec.loader is None:
            return {}
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        return dict(module.LOCALE_DATA)
    except (ImportError, OSError, AttributeError, SyntaxError):
        return {}


@cache
def _name(code: str, language: str) -> str:
    """The name of territory ``code`` in ``language`` ("" when neither table knows it)."""
    names = _names().get(code, {})
    name = names.get(language, "")
    if name.startswith("*"):  # the table's "same as in that language" reference
        name = names.get(name[1:], "")
    if name:
        return name
    territory = QLocale.codeToTerritory(code)
    if territory == QLocale.Country.AnyCountry:  # the code is not a territory
        return ""
    return QLocale.territoryToString(territory)


def _is_code(text: str) -> bool:
    """``text`` looks like an ISO country code (else it was written out: "Deutschland")."""
    return len(text) == 2 and text.isascii() and text.isalpha()


def _language(locale: QLocale | None) -> str:
    return QLocale.languageToCode((locale or QLocale()).language())


def country_name(value: str, home: str | None = None, locale: QLocale | None = None) -> str:
    """What the card shows for an address's country ``value`` (see the module docstring):
    :func:`country_label`, but nothing for the owner's own country. ``home`` is the owner's
    country code (default: the owner's region, settings else locale), ``locale`` the owner's
    locale (default: the application's)."""
    written = (value or "").strip()
    if _is_code(written) and written.upper() == (owner_region() if home is None
                                                  else home).upper():
        return ""
    return country_label(written, locale)


def country_label(value: str, locale: QLocale | None = None) -> str:
    """What the editor shows for a stored country ``value``: a known ISO code as its name in
    the owner's language (the owner's own country too: the editor shows everything), anything
    else as the source wrote it."""
    written = (value or "").strip()
    if not _is_code(written):
        return written  # written out by the source (or empty): shown as written
    return _name(written.upper(), _language(locale)) or written


def country_choices(locale: QLocale | None = None) -> list[tuple[str, str]]:
    """Every country phonenumbers' table knows as (name in the owner's language, ISO code),
    in the owner's alphabetical order ("Österreich" among the O's in German)."""
    locale = locale or QLocale()
    language = _language(locale)
    pairs = [(name, code) for code in _names()
             if _is_code(code) and (name := _name(code, language))]
    collator = QCollator(locale)
    collator.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
    return sorted(pairs, key=lambda pair: collator.sortKey(pair[0]))


def country_value(text: str, locale: QLocale | None = None) -> str:
    """What the editor stores for ``text`` the owner typed or picked: the ISO code of a
    country named in the owner's language or in English ("Österreich", "Austria" -> "AT"),
    a known code in capitals ("at" -> "AT"); anything else as written."""
    written = (text or "").strip()
    if not written:
        return ""
    language = _language(locale)
    wanted = written.casefold()
    for code in _names():
        if not _is_code(code):
            continue
        if wanted in (code.casefold(), _name(code, language).casefold(),
                      _name(code, "en").casefold()):
            return code
    return written
