"""Logging for the desktop app: a rotating file in the user's log directory.

Errors shown in the GUI are short and readable; the details (tracebacks) go here, one logger
per subsystem (``kith.tasks``, ``kith.ingest``, ``kith.sync``, ``kith.ui``...).
"""

from __future__ import annotations

import logging
import logging.handlers
from pathlib import Path

LOG_FORMAT = "%(asctime)s %(levelname)-7s %(name)s [%(threadName)s] %(message)s"


def log_dir() -> Path:
    from platformdirs import user_log_path

    return user_log_path("Kith", appauthor=False, ensure_exists=True)


def setup_logging(directory: Path | None = None, level: int = logging.INFO) -> Path:
    """Attach a rotating file handler (1 MB x 5) to the ``kith`` logger; returns the file."""
    target_dir = directory or log_dir()
    target_dir.mkdir(parents=True, exist_ok=True)
    path = target_dir / "kith.log"
    logger = logging.getLogger("kith")
    for existing in logger.handlers:
        if isinstance(existing, logging.FileHandler) and Path(existing.baseFilename) == path:
            return path
    handler = logging.handlers.RotatingFileHandler(
        path, maxBytes=1_000_000, backupCount=5, encoding="utf-8"
    )
    handler.setFormatter(logging.Formatter(LOG_FORMAT))
    logger.addHandler(handler)
    logger.setLevel(level)
    return path
