"""Many ids from SQLite as one value: 16 hex digits per id, turned into an ``array('q')``.

Why: the sqlite3 module releases and re-takes the GIL around every row, so 100,000 rows meant
100,000 hand-offs with the GUI thread while it paints; one value is one hand-off, and turning
it into an array takes 2 ms (parsing decimal text took 24 ms, all of it holding the GIL).
"""

from __future__ import annotations

import sys
from array import array


def packed(expression: str) -> str:
    """The aggregate that packs ``expression`` (an integer column) row by row, in the order
    the rows reach it (SQLite feeds an ordered subquery to the aggregate in that order)."""
    return f"group_concat(printf('%016x', {expression}), '')"


def unpack(value: str | None) -> array:
    """The ids packed by :func:`packed`, in order."""
    ids = array("q", bytes.fromhex(value or ""))
    if sys.byteorder == "little":
        ids.byteswap()  # the hex digits are big-endian
    return ids
