"""Every user setting, declared once with its type and default (Picard-style).

The declarations are plain Python; a storage backend (QSettings in the GUI, a dict in tests)
only needs ``value(key)`` / ``setValue(key, value)``. Reading converts to the declared type,
so a corrupted or foreign value falls back to the default instead of crashing a view.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Generic, Protocol, TypeVar

T = TypeVar("T")


class Backend(Protocol):
    def value(self, key: str, defaultValue: Any = None) -> Any: ...  # noqa: N803 - Qt name
    def setValue(self, key: str, value: Any) -> None: ...  # noqa: N802 - Qt name


@dataclass(frozen=True, slots=True)
class Setting(Generic[T]):
    key: str
    type: type
    default: T
    doc: str


#: The declarations. Add new settings here and nowhere else.
WINDOW_GEOMETRY = Setting("window/geometry", bytes, b"", "Main window geometry")
WINDOW_STATE = Setting("window/state", bytes, b"", "Main window dock/toolbar state")
SPLITTER_STATE = Setting("contacts/splitter", bytes, b"", "List/detail splitter sizes")
HEADER_STATE = Setting("contacts/header", bytes, b"", "Contact list column order")
HIDDEN_COLUMNS = Setting("contacts/hidden_columns", str, "",
                         "Contact list columns the owner hid (titles, comma-separated)")
COLUMN_WIDTHS = Setting("contacts/column_widths", str, "",
                        "Contact list column widths the owner set (Title=pixels, ...)")
LAST_VIEW = Setting("ui/last_view", str, "contacts", "The page shown at start-up")
LAST_PARTY = Setting("ui/last_contact", int, 0,
                     "The contact selected when Kith closed (0: none), selected again at start")
LAST_IMPORT_DIR = Setting("ui/last_import_dir", str, "", "Folder last used to pick a vCard")
SYNC_INTERVAL_MIN = Setting("sync/interval_minutes", int, 15, "Minutes between scheduled syncs")
SYNC_ON_STARTUP = Setting("sync/on_startup", bool, True, "Sync every source at start-up")
DEFAULT_REGION = Setting("ingest/default_region", str, "", "Region for phones without +")

ALL: tuple[Setting[Any], ...] = (
    WINDOW_GEOMETRY, WINDOW_STATE, SPLITTER_STATE, HEADER_STATE, HIDDEN_COLUMNS, COLUMN_WIDTHS,
    LAST_VIEW, LAST_PARTY, LAST_IMPORT_DIR,
    SYNC_INTERVAL_MIN, SYNC_ON_STARTUP, DEFAULT_REGION,
)


def _convert(setting: Setting[T], raw: Any) -> T:
    if raw is None:
        return setting.default
    try:
        if setting.type is bool:
            if isinstance(raw, str):
                return raw.strip().lower() in ("1", "true", "yes", "on")  # type: ignore[return-value]
            return bool(raw)  # type: ignore[return-value]
        if setting.type is bytes:
            return bytes(raw.data() if hasattr(raw, "data") else raw)  # type: ignore[return-value]
        return setting.type(raw)  # type: ignore[no-any-return]
    except (TypeError, ValueError):
        return setting.default


class Settings:
    """Typed access to a backend: ``settings.get(SYNC_INTERVAL_MIN)`` is an ``int``."""

    def __init__(self, backend: Backend) -> None:
        self._backend = backend

    def get(self, setting: Setting[T]) -> T:
        return _convert(setting, self._backend.value(setting.key, None))

    def set(self, setting: Setting[T], value: T) -> None:
        self._backend.setValue(setting.key, value)


class DictBackend:
    """An in-memory backend (tests, benchmarks)."""

    def __init__(self) -> None:
        self.data: dict[str, Any] = {}

    def value(self, key: str, defaultValue: Any = None) -> Any:  # noqa: N803
        return self.data.get(key, defaultValue)

    def setValue(self, key: str, value: Any) -> None:  # noqa: N802
        self.data[key] = value
