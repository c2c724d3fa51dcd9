"""Initials avatars: a coloured disc with one or two letters, cached per (initials, size)."""

from __future__ import annotations

import zlib

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QColor, QFont, QPainter, QPixmap

_PALETTE = ["#5B8DEF", "#E0675F", "#4CAF7A", "#D9A13B", "#9B6BD6", "#3FA7B5", "#D0668F",
            "#7A8B99"]
#: Pixmaps kept at most (a 22 px avatar is ~2 KB: a few MB at worst).
CACHE_LIMIT = 4000
_cache: dict[tuple[str, int, int], QPixmap] = {}


def _colour_index(name: str) -> int:
    return zlib.crc32(name.encode("utf-8")) % len(_PALETTE)


def colour_for(name: str) -> QColor:
    """A stable colour per name (crc32, not hash(): the same across runs)."""
    return QColor(_PALETTE[_colour_index(name)])


def initials_pixmap(initials: str, key: str, size: int = 24) -> QPixmap:
    """The avatar for ``key`` (a name). Cached per (initials, colour, size), not per name:
    scrolling 100,000 contacts then reuses a few thousand pixmaps instead of painting one per
    row."""
    colour = _colour_index(key)
    cache_key = (initials, colour, size)
    cached = _cache.get(cache_key)
    if cached is not None:
        return cached
    pix = QPixmap(size, size)
    pix.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pix)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(QColor(_PALETTE[colour]))
    painter.drawEllipse(QRectF(0, 0, size, size))
    font = QFont()
    font.setPixelSize(max(8, int(size * 0.42)))
    font.setBold(True)
    painter.setFont(font)
    painter.setPen(QColor("white"))
    painter.drawText(QRectF(0, 0, size, size), Qt.AlignmentFlag.AlignCenter, initials)
    painter.end()
    if len(_cache) > CACHE_LIMIT:
        _cache.clear()
    _cache[cache_key] = pix
    return pix


def photo_pixmap(data: bytes, size: int) -> QPixmap | None:
    """A round-cropped photo, or None when the bytes are not an image Qt can read."""
    source = QPixmap()
    if not source.loadFromData(data):
        return None
    source = source.scaled(size, size, Qt.AspectRatioMode.KeepAspectRatioByExpanding,
                           Qt.TransformationMode.SmoothTransformation)
    pix = QPixmap(size, size)
    pix.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pix)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setBrush(source)
    painter.setPen(Qt.PenStyle.NoPen)
    painter.drawEllipse(0, 0, size, size)
    painter.end()
    return pix
