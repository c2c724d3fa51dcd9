"""Times as people read them, shared by the window and the command line.

One rule for every place Kith shows a moment: the time alone today, "Yesterday 18:41" /
"Tomorrow 07:00" next to it, else the short date and the time, in the local time zone;
"never" when there is none. Never ISO text: the owner reads it, not a parser (``--json``
output keeps ISO 8601 for that).

The window writes the clock and the date with QLocale (``ui.widgets.when``); the command line
must not need Qt, so it writes them with the C library's formats for the user's ``LC_TIME``
(``LC_ALL`` / ``LC_TIME`` / ``LANG``), as ``date`` and ``ls`` do. Both go through
:func:`relative_when`, so the rule itself lives once, here. Pure stdlib: core and the CLI may
import this module.
"""

from __future__ import annotations

import locale
import re
from collections.abc import Callable
from datetime import UTC, date, datetime

#: Writes the clock ("18:41", "6:41 PM") or the day ("03.12.2026") of a local datetime.
Writer = Callable[[datetime], str]

_SECONDS = re.compile(r"[:.]%S")


def relative_when(value: datetime | None, now: datetime | None, clock: Writer,
                  day: Writer) -> str:
    """``value`` in local time by the shared rule; ``clock`` and ``day`` write the parts in
    the locale's own formats. A naive ``value`` is UTC, as the database stores it."""
    if value is None:
        return "never"
    local = to_local(value)
    today = to_local(now or datetime.now(UTC)).date()
    days = (local.date() - today).days
    if days == 0:
        return clock(local)
    if days in (-1, 1):
        return f"{'Yesterday' if days < 0 else 'Tomorrow'} {clock(local)}"
    return f"{day(local)} {clock(local)}"


def to_local(value: datetime) -> datetime:
    """``value`` in the local time zone; a naive one is UTC, as the database stores it."""
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone()


def use_the_users_time_locale() -> str:
    """Take the user's ``LC_TIME`` for the C library's date and time formats (Python starts in
    "C"); a locale that is not installed leaves "C". Returns the locale in use."""
    try:
        return locale.setlocale(locale.LC_TIME, "")
    except locale.Error:
        return locale.setlocale(locale.LC_TIME, "C")


def _c_locale() -> bool:
    name = locale.setlocale(locale.LC_TIME)  # query only
    return name.split(".")[0] in ("C", "POSIX")


def clock_format() -> str:
    """The locale's time format without seconds ("%H:%M", "%I:%M %p")."""
    fmt = locale.nl_langinfo(locale.T_FMT) or "%H:%M:%S"
    fmt = (fmt.replace("%r", locale.nl_langinfo(locale.T_FMT_AMPM) or "%I:%M:%S %p")
           .replace("%T", "%H:%M:%S").replace("%R", "%H:%M"))
    return _SECONDS.sub("", fmt)


def date_format() -> str:
    """The locale's short date format ("%d.%m.%Y" in German). The C locale's own is the
    ambiguous "%m/%d/%y"; with no locale chosen the day, the month's name and the year are
    written out instead ("3 Dec 2026"), which nobody misreads."""
    if _c_locale():
        return "%d %b %Y"
    return locale.nl_langinfo(locale.D_FMT) or "%x"


def write_clock(local: datetime) -> str:
    """The clock in the C library's locale; a 12-hour hour without its leading zero ("6:41
    PM", as desktop clocks write it)."""
    fmt = clock_format().replace("%I", str(local.hour % 12 or 12))
    return local.strftime(fmt).strip()


def write_day(local: datetime | date) -> str:
    """The short date in the C library's locale (no leading zero on the day where the
    format is the C locale's own "3 Dec 2026")."""
    fmt = date_format()
    if fmt == "%d %b %Y":
        fmt = fmt.replace("%d", str(local.day))
    return local.strftime(fmt)


def when(value: datetime | None, now: datetime | None = None) -> str:
    """A timestamp for the command line, by the shared rule in the user's ``LC_TIME``."""
    return relative_when(value, now, write_clock, write_day)
