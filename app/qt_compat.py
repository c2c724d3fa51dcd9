"""Refuse PySide6 releases known to corrupt the interpreter, with a readable message.

PySide6 / shiboken6 6.12.0 returns several values without taking a reference: every Python
``SignalInstance.emit()`` lowers the refcount of ``True``, ``QApplication.processEvents()``
and ``QModelIndex.data()`` (returning None) lower the refcount of ``None``. After some
thousands of calls the interpreter aborts ("bool_dealloc" / "none_dealloc: deallocating
None"), i.e. Kith would crash at random minutes into a session. 6.11.3 is fine. Detected by
behaviour, not only by version, so a fixed 6.12.x build passes.
"""

from __future__ import annotations

import sys

BROKEN_VERSIONS = ("6.12.0",)


class BrokenQtError(RuntimeError):
    """This PySide6 build would crash Kith; the message says what to install instead."""


def _emit_leaks() -> bool:
    from PySide6.QtCore import QObject, Signal

    class _Probe(QObject):
        ping = Signal()

    probe = _Probe()
    before = sys.getrefcount(True) + sys.getrefcount(False)
    for _ in range(8):
        probe.ping.emit()
    return sys.getrefcount(True) + sys.getrefcount(False) < before


def check() -> None:
    """Raise :class:`BrokenQtError` for a PySide6 with the reference-count bug."""
    import PySide6

    version = getattr(PySide6, "__version__", "")
    if version in BROKEN_VERSIONS and _emit_leaks():
        raise BrokenQtError(
            f"PySide6 {version} has a reference-counting bug that crashes Kith after a few "
            "minutes. Install another version, e.g. pip install 'PySide6-Essentials==6.11.3'."
        )
