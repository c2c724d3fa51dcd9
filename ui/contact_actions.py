"""The address-book actions on contacts, as QActions for menus, the toolbar, the contact card
and the list's context menu: New contact, Edit, Archive, Restore, Delete, Export.

Each action is enabled only when it can act on the selected contact (Restore only for an
archived one, Delete only for one Kith alone holds: a source would bring it back, so such a
contact is archived instead; the disabled Delete's tooltip says so), and only while the
Contacts section shows that contact: from Sources or History, Ctrl+Shift+A or Del used to
archive or delete a contact the owner could not see. Archive and Delete are
decisions the owner can undo in History. Where to plug them in:

- the Edit menu: ``actions.edit_menu_actions()`` (New contact, Edit, Archive, Restore,
  Delete) through ``MainWindow.install_contact_actions`` (ui.menus), which also puts the
  ones with an icon (``toolbar_actions()``: New, Edit, Archive, Delete) into the toolbar;
- the File menu: ``actions.file_menu_actions()`` (Export selected contact…, after the
  window's own "Export all…");
- :func:`install` does all that for a main window and wires the contact list and card
  (selection, context menu, buttons on the card, status messages).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtGui import QAction, QIcon, QKeySequence
from PySide6.QtWidgets import QFileDialog, QMenu, QStyle, QWidget

from app import tasks
from app.appcontext import AppContext
from app.services.lazy import service
from ui.action_errors import action_error

if TYPE_CHECKING:
    from app.services.contacts import ContactBundle
    from core.views.contact_draft import ContactDraft

contacts = service("app.services.contacts")
#: What the undoable actions' messages add.
UNDO_HINT = "Undo it in History."


def _action(parent: QObject, text: str, name: str, tip: str,
            key: QKeySequence | QKeySequence.StandardKey | str | None = None) -> QAction:
    action = QAction(text, parent)
    action.setObjectName(name)
    action.setStatusTip(tip)
    if key is not None:
        action.setShortcut(QKeySequence(key))
        action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
        tip = f"{tip} ({action.shortcut().toString(QKeySequence.SequenceFormat.NativeText)})"
    action.setToolTip(tip)  # the shortcut shown where the action is a button
    return action


class ContactActions(QObject):
    """The actions, their enabled state, and what they run (through app.services.contacts)."""

    #: A plain sentence for the status bar (an action finished or failed).
    message = Signal(str)
    #: A contact was created or saved (party id): the list selects it.
    saved = Signal(int)
    #: A write finished (tests wait for it): the action's object name.
    done = Signal(str)

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.window = parent
        self.party_id: int | None = None
        self.bundle: ContactBundle | None = None
        #: The Contacts section is the one shown (the selected contact is in view).
        self.in_view = True
        self.new = _action(self, "&New contact…", "newContact", "Add a contact kept by Kith",
                           QKeySequence.StandardKey.New)
        self.edit = _action(self, "&Edit contact…", "editContact",
                            "Edit every field of the selected contact", "Ctrl+E")
        self.archive = _action(self, "&Archive", "archiveContact",
                               "Hide the contact from the list; nothing is deleted", "Ctrl+Shift+A")
        self.restore = _action(self, "&Restore", "restoreContact",
                               "Bring the archived contact back to the list")
        self.delete = _action(self, "&Delete", "deleteContact",
                              "Delete a contact only Kith holds", QKeySequence.StandardKey.Delete)
        self.export_selected = _action(self, "Export &selected contact…", "exportSelected",
                                       "Save the selected contact as a vCard file")
        for action, short in ((self.new, "New"), (self.edit, "Edit"),
                              (self.archive, "Archive"), (self.restore, "Restore"),
                              (self.delete, "Delete"), (self.export_selected, "Export")):
            action.setIconText(short)  # toolbar and card buttons: short words
        style = parent.style() if parent is not None else None
        if style is not None:  # an icon puts it into the toolbar too (ui.menus)
            pixmap = QStyle.StandardPixmap
            for action, theme, fallback in (
                    (self.new, "contact-new", pixmap.SP_FileIcon),
                    (self.edit, "document-edit", pixmap.SP_FileDialogDetailedView),
                    (self.archive, "archive-insert", pixmap.SP_DirClosedIcon),
                    (self.delete, "edit-delete", pixmap.SP_TrashIcon)):
                action.setIcon(QIcon.fromTheme(theme, style.standardIcon(fallback)))
        self.new.triggered.connect(self.create_contact)
        self.edit.triggered.connect(self.edit_contact)
        self.archive.triggered.connect(self.archive_contact)
        self.restore.triggered.connect(self.restore_contact)
        self.delete.triggered.connect(self.delete_contact)
        self.export_selected.triggered.connect(self.ask_export)
        #: Opens the editor (a function of the draft, the party id or None, and a callback
        #: taking the edited draft); ui.contact_editor's by default, tests may drive it.
        self.open_editor: Callable[..., Any] = self._open_editor
        #: Asks where to save an export (returns "" when the owner cancels).
        self.ask_path: Callable[[str], str] = self._ask_path
        self.refresh_state()

    # -- menus -------------------------------------------------------------------------------
    def edit_menu_actions(self) -> list[QAction]:
        return [self.new, self.edit, self.archive, self.restore, self.delete]

    def file_menu_actions(self) -> list[QAction]:
        """Beside the window's own "Export all…" (ui.menus)."""
        return [self.export_selected]

    def toolbar_actions(self) -> list[QAction]:
        """The ones with an icon: ui.menus puts those into the toolbar too."""
        return [a for a in self.edit_menu_actions() if not a.icon().isNull()]

    def all_actions(self) -> list[QAction]:
        return [*self.edit_menu_actions(), *self.file_menu_actions()]

    # -- selection ---------------------------------------------------------------------------
    def set_party(self, party_id: int | None) -> None:
        """The list selected another contact (or none, -1): its card is on its way."""
        party_id = party_id if party_id is not None and party_id >= 0 else None
        if party_id != self.party_id:
            self.party_id, self.bundle = party_id, None
        self.refresh_state()

    def set_bundle(self, bundle: ContactBundle | None) -> None:
        """The card of the selected contact arrived: what it is decides Archive/Delete."""
        if bundle is not None:  # the card shows the selected contact
            self.party_id, self.bundle = bundle.detail.id, bundle
        self.refresh_state()

    def set_in_view(self, shown: bool) -> None:
        """The Contacts section was shown (True) or another one (False): the commands on the
        selected contact act only where the owner sees it."""
        self.in_view = shown
        self.refresh_state()

    def refresh_state(self) -> None:
        """Enable the actions that can act now (the database is open, what is selected and
        whether it is in view)."""
        ready = self.ctx.db is not None
        selected = ready and self.in_view and self.party_id is not None
        known = self.bundle if selected else None
        d = known.detail if known is not None else None
        contact = d is not None and d.role == "contact" and d.merged_into_id is None
        self.new.setEnabled(ready)
        self.edit.setEnabled(selected and (d is None or d.merged_into_id is None))
        self.archive.setEnabled(contact and not d.archived)
        self.restore.setEnabled(contact and d.archived)
        reason = (known.cannot_delete if known is not None
                  else "Select a contact first" if self.in_view else "Show Contacts first")
        self.delete.setEnabled(contact and not reason)
        keys = self.delete.shortcut().toString(QKeySequence.SequenceFormat.NativeText)
        self.delete.setToolTip(f"Delete this contact; Undo in History ({keys})" if not reason
                               else f"Cannot delete: {reason} ({keys})")
        self.export_selected.setEnabled(selected)

    # -- running -----------------------------------------------------------------------------
    def _write(self, fn: Any, *args: Any, name: str, done: Callable[[Any], str]) -> None:
        action = self.sender().objectName() if isinstance(self.sender(), QAction) else name

        def finished(result: Any) -> None:
            self.message.emit(done(result))
            self.done.emit(action)

        def failed(exc: BaseException) -> None:
            self.message.emit(f"Could not {name}: {action_error(exc)}")
            self.done.emit(action)

        self.ctx.write(fn, *args, name=name, changes={tasks.PARTIES, tasks.HANDLES,
                                                      tasks.REVIEW},
                       on_result=finished, on_error=failed)

    def _name(self) -> str:
        return self.bundle.detail.display_name if self.bundle is not None else "the contact"

    def create_contact(self) -> None:
        from core.views.contact_draft import ContactDraft

        self.open_editor(ContactDraft(), None, self._create)

    def _create(self, draft: ContactDraft) -> None:
        name = draft.shown_name()

        def created(pid: int) -> str:
            self.saved.emit(pid)
            return f"Added {name}."

        self._write(contacts.create, draft, name="add the contact", done=created)

    def edit_contact(self) -> None:
        pid = self.party_id
        if pid is None:
            return
        self.ctx.read(contacts.draft, pid, name="contact for editing",
                      on_result=lambda draft: self.open_editor(
                          draft, pid, lambda edited: self._save(pid, edited)),
                      on_error=lambda exc: self.message.emit(
                          f"Could not open the contact: {action_error(exc)}"))

    def _save(self, pid: int, draft: ContactDraft) -> None:
        name = draft.shown_name()

        def saved(_pid: int) -> str:
            self.saved.emit(pid)
            return f"Saved {name}."

        self._write(contacts.save, pid, draft, name="save the contact", done=saved)

    def archive_contact(self) -> None:
        if self.party_id is not None and self.archive.isEnabled():
            name = self._name()
            self._write(contacts.archive, self.party_id, name="archive the contact",
                        done=lambda _d: f"Archived {name}: it is under “Archived”. {UNDO_HINT}")

    def restore_contact(self) -> None:
        if self.party_id is not None and self.restore.isEnabled():
            name = self._name()
            self._write(contacts.restore, self.party_id, name="restore the contact",
                        done=lambda _r: f"Restored {name}.")

    def delete_contact(self) -> None:
        if self.party_id is not None and self.delete.isEnabled():
            name = self._name()
            self._write(contacts.delete, self.party_id, name="delete the contact",
                        done=lambda _d: f"Deleted {name}. {UNDO_HINT}")

    def ask_export(self) -> None:
        if self.party_id is None:
            return
        path = self.ask_path(f"{self._name() or 'contact'}.vcf")
        if path:
            self.export_to(path)

    def export_to(self, path: str) -> None:
        """The selected contact to a vCard file at ``path``."""
        if self.party_id is None:
            return

        def exported(count: int) -> None:
            noun = "contact" if count == 1 else "contacts"
            self.message.emit(f"Exported {count:,} {noun} to {path}.")
            self.done.emit("exportSelected")

        def failed(exc: BaseException) -> None:
            self.message.emit(f"Could not export: {tasks.readable_error(exc)}")
            self.done.emit("exportSelected")

        self.ctx.read(contacts.export_vcard, path, [self.party_id], name="export vCard",
                      on_result=exported, on_error=failed)

    # -- dialogs -----------------------------------------------------------------------------
    def _ask_path(self, suggested: str) -> str:
        path, _filter = QFileDialog.getSaveFileName(
            self.window, "Export to a vCard file", suggested, "vCard files (*.vcf)")
        return path

    def _open_editor(self, draft: ContactDraft, party_id: int | None,
                     accepted: Callable[[ContactDraft], None]) -> Any:
        from ui.contact_editor import ContactEditor

        editor = ContactEditor(draft, new=party_id is None, parent=self.window)
        editor.accepted_draft.connect(accepted)
        editor.open()
        self.editor = editor  # tests reach the open dialog here
        return editor


def install(window: Any) -> ContactActions:
    """Wire the actions to a main window: its Edit menu and toolbar (``install_contact_actions``
    of ui.main_window, with Enter and a double click on a contact as Edit), its File menu
    (Export selected, after "Export all…"), the list's context menu, the card's buttons, the
    status bar. The window keeps them as ``window.contact_actions``."""
    actions = ContactActions(window.ctx, window)
    panel, detail = window.contact_list, window.detail
    panel.partySelected.connect(actions.set_party)
    # The list's current row at once (partySelected may wait for typing to pause).
    panel.table.selectionModel().currentRowChanged.connect(
        lambda *_: actions.set_party(panel.selected_party()))
    detail.loaded.connect(lambda _pid: actions.set_bundle(detail.bundle))
    wanted: list[int] = []  # a saved contact to select once the list shows it

    def select_saved(pid: int) -> None:
        wanted[:] = [] if panel.select_party(pid) else [pid]
        if wanted:
            detail.show_party(pid)

    def list_updated() -> None:
        actions.refresh_state()  # the database opened, or the list changed
        if wanted and panel.select_party(wanted[0]):
            wanted.clear()

    actions.saved.connect(select_saved)
    window.nav.sectionChanged.connect(lambda key: actions.set_in_view(key == "contacts"))
    actions.set_in_view(window.nav.current_key() == "contacts")
    # A new contact is added where the owner sees it appear: the Contacts section.
    actions.new.triggered.connect(lambda: window.show_page("contacts"))
    panel.listUpdated.connect(lambda _count: list_updated())
    actions.message.connect(window.status.note)
    window.install_contact_actions(actions.edit_menu_actions(), edit=actions.edit)
    file_menu = window.menuBar().findChild(QMenu, "menu_file")
    if file_menu is not None:
        after = file_menu.actions()
        export_all = window.commands.export
        following = after[after.index(export_all) + 1] if export_all in after[:-1] else None
        for action in actions.file_menu_actions():
            file_menu.insertAction(following, action)
            window.addAction(action)
    panel.table.setContextMenuPolicy(Qt.ContextMenuPolicy.ActionsContextMenu)
    for action in [actions.edit, actions.archive, actions.restore, actions.delete,
                   actions.export_selected]:
        panel.table.addAction(action)
    panel.table.doubleClicked.connect(lambda _index: actions.edit.trigger())
    detail.set_actions(actions)
    window.contact_actions = actions
    return actions
