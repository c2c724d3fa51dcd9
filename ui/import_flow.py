"""File > Import… and File > Export all…: the one way a file comes in or goes out.

Import: a file dialog offers vCard (*.vcf *.vcard) and CSV (*.csv); :func:`import_file`
routes by the file's type. A vCard file goes through the existing vCard import (it becomes a
vCard source, synced at once, exactly as the sources panel and the first-run page do). A CSV
file goes to :data:`csv_importer`: the CSV import dialog (preview, a field per column, the
mapping remembered per file).

Export: every contact to a vCard file, on a worker (app.services.export), with the result in
the status bar.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtWidgets import QFileDialog

from app import settings as cfg
from app.services.lazy import service

if TYPE_CHECKING:
    from ui.main_window import MainWindow

exporting = service("app.services.export")

VCARD_SUFFIXES = frozenset({".vcf", ".vcard"})
CSV_SUFFIXES = frozenset({".csv"})
OPEN_FILTER = ("Contacts (*.vcf *.vcard *.csv);;vCard files (*.vcf *.vcard);;"
               "CSV files (*.csv)")
SAVE_FILTER = "vCard files (*.vcf)"
DEFAULT_EXPORT_NAME = "Kith contacts.vcf"

def _open_csv_dialog(window: MainWindow, path: str) -> object:
    """The CSV import dialog for ``path`` (imported on first use: not needed to paint)."""
    from ui.csv_import_dialog import import_csv_interactively

    return import_csv_interactively(window, path, window.ctx)


#: CSV import, ``csv_importer(window, path)``: returns the running import flow.
csv_importer: Callable[[MainWindow, str], object] = _open_csv_dialog


def _start_dir(window: MainWindow) -> str:
    return window.ctx.settings.get(cfg.LAST_IMPORT_DIR) or str(Path.home())


def ask_import(window: MainWindow) -> str | None:
    """Ask for a file and import it; returns what was chosen (None: cancelled)."""
    path, _ = QFileDialog.getOpenFileName(window, "Import contacts", _start_dir(window),
                                          OPEN_FILTER)
    if not path:
        return None
    import_file(window, path)
    return path


def import_file(window: MainWindow, path: str) -> str:
    """Import ``path`` by its type; returns "vcard", "csv" or "refused" (and says why)."""
    file = Path(path)
    suffix = file.suffix.lower()
    if not file.is_file():
        window.status.error(f"Cannot import {file.name}: the file does not exist.")
        return "refused"
    window.ctx.settings.set(cfg.LAST_IMPORT_DIR, str(file.parent))
    if suffix in VCARD_SUFFIXES:
        window.status.note(f"Importing {file.name}…")
        window.sync_panel.add_vcard_path(str(file))
        return "vcard"
    if suffix in CSV_SUFFIXES:
        csv_importer(window, str(file))
        return "csv"
    window.status.error(f"Cannot import {file.name}: choose a vCard (.vcf, .vcard) "
                        "or CSV (.csv) file.")
    return "refused"


def ask_export(window: MainWindow) -> str | None:
    """Ask where to save, then export every contact there; returns the path (None: cancelled)."""
    start = str(Path(_start_dir(window)) / DEFAULT_EXPORT_NAME)
    path, _ = QFileDialog.getSaveFileName(window, "Export all contacts", start, SAVE_FILTER)
    if not path:
        return None
    if not Path(path).suffix:
        path += ".vcf"
    export_to(window, path)
    return path


def export_to(window: MainWindow, path: str, party_ids: list[int] | None = None) -> None:
    """Export (every contact, or ``party_ids``) to ``path`` on a worker; the status bar says
    how many were written, or why not."""
    name = Path(path).name

    def done(count: int) -> None:
        noun = "contact" if count == 1 else "contacts"
        window.status.note(f"Exported {count:,} {noun} to {name}.")

    def failed(exc: BaseException) -> None:
        from app.tasks import readable_error

        window.status.error(f"Export to {name} failed: {readable_error(exc)}")

    handle = window.ctx.read(exporting.export_vcards, path, party_ids,
                             name=f"export to {name}", on_result=done, on_error=failed)
    window.status.track(handle, f"Exporting to {name}…")
