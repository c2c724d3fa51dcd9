"""Adding and removing sources from the Sources page: a vCard file or folder (a CSV file goes
to the CSV import dialog), a CardDAV account, a Google account, each synced as soon as it is
added and named by its name from the start; and removing one after the owner confirms,
saying what became of its contacts.
A mixin of ui.sync_panel.SyncPanel, whose status line, list and sync it uses."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from app import settings as cfg
from app import tasks
from app.services.lazy import service
from ui import source_dialogs

if TYPE_CHECKING:
    from PySide6.QtWidgets import QLabel

    from app.appcontext import AppContext
    from app.tasks import TaskHandle

source_services = service("app.services.sources")


class SourceAdding:
    """The panel's add and remove commands (the panel provides what is declared here)."""

    ctx: AppContext
    status: QLabel
    rows: list[Any]
    source_dialog: Any

    if TYPE_CHECKING:  # SyncPanel's own
        def reload(self, then_sync: bool = False, then: Any = None) -> None: ...
        def sync(self, account_id: int, full: bool = False) -> TaskHandle | None: ...
        def selected_source(self) -> int | None: ...
        def _failed(self, exc: BaseException) -> None: ...

    def _added(self, account_id: int, sync: bool = True) -> None:
        """A source was added: show it, then sync it (named by its name from the start)."""
        self.reload(then=(lambda: self.sync(account_id)) if sync else None)

    def add_vcard_path(self, path: str, sync: bool = True) -> None:
        from pathlib import Path

        self.status.setText(f"Adding {Path(path).name}…")
        self.ctx.write(source_services.add_vcard_source, path, name="add vCard source",
                       changes={tasks.SOURCES}, on_result=lambda i: self._added(i, sync),
                       on_error=self._failed)

    def ask_vcard(self, folder: bool) -> None:
        start = self.ctx.settings.get(cfg.LAST_IMPORT_DIR)
        path = source_dialogs.pick_vcard_path(self, start, folder)
        if path:
            from pathlib import Path

            self.ctx.settings.set(cfg.LAST_IMPORT_DIR, str(Path(path).parent))
            if path.lower().endswith(".csv"):  # a CSV export: the CSV import dialog
                from ui.csv_import_dialog import import_csv_interactively

                import_csv_interactively(self, path, self.ctx)
                return
            self.add_vcard_path(path)

    def _open_source_dialog(self, dialog: Any, accepted: Any) -> None:
        """Open an account dialog (kept as ``source_dialog`` for tests); ``accepted(dialog)``
        adds what it checked."""
        self.source_dialog = dialog
        dialog.accepted.connect(lambda: accepted(dialog))
        dialog.open()

    def ask_carddav(self) -> None:
        """Ask for the account (the dialog checks it), then add and sync it."""
        self._open_source_dialog(source_dialogs.CardDavDialog(self.ctx, self), self.save_carddav)

    def save_carddav(self, dialog: Any) -> None:
        """Save the account the dialog checked, then sync it."""
        name = dialog.source_name()
        self.status.setText(f"Adding {name}…")
        several = len(dialog.books) > 1  # one source per address book, each named by it
        self.ctx.write(source_services.add_carddav_sources, dialog.url.text().strip(),
                       dialog.user.text().strip(), dialog.password.text(), check=False,
                       display_name="" if several else name, all_books=several,
                       trust_fingerprint=dialog.extra.get("trust_fingerprint"),
                       name=f"add {name}", changes={tasks.SOURCES},
                       on_result=self._added_many, on_error=self._failed)

    def _added_many(self, added: list[Any]) -> None:
        for source in added:
            self._added(source.account_id)

    def ask_google(self) -> None:
        self._open_source_dialog(source_dialogs.GoogleDialog(self.ctx, self), self._add_google)

    def _add_google(self, dialog: Any) -> None:
        email = dialog.email.text().strip()
        self.status.setText(f"Waiting for your consent for {email} in the browser…")
        self.ctx.write(source_services.add_google_source, dialog.client.text().strip(), email,
                       name=f"add {email}", changes={tasks.SOURCES}, on_result=self._added,
                       on_error=self._failed)

    def ask_remove(self) -> None:
        sid = self.selected_source()
        if sid is None:
            return
        label = next((s.label for s in self.rows if s.id == sid), str(sid))
        dialog = source_dialogs.RemoveSourceDialog(label, self)
        if dialog.exec():
            self.remove_source(sid, label, keep_contacts=not dialog.drop.isChecked())

    def remove_source(self, account_id: int, label: str, keep_contacts: bool) -> None:
        """Remove the source and say what became of its contacts: the page used to say
        nothing, and kept the last sync's message about the source that was gone."""
        self.status.setText(f"Removing {label}…")
        done = (f"Removed {label}. Its contacts stay in Kith, archived; adding the source "
                "again brings them back." if keep_contacts
                else f"Removed {label} and the contacts only it held.")
        self.ctx.write(source_services.remove_source, account_id, keep_contacts,
                       name="remove source", changes=tasks.ALL_TOPICS,
                       on_result=lambda _r: self.status.setText(done), on_error=self._failed)
