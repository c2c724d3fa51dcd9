"""The window's actions, menu bar and their shortcuts.

Every command the window offers is a QAction made here, so its shortcut is shown in its menu,
in its tooltip ("Import… (Ctrl+I)") and in the keyboard shortcuts dialog, which lists the
menus themselves (ui.shortcuts_dialog). Standard keys come from QKeySequence.StandardKey so
they follow the desktop (Quit is Ctrl+Q on Linux, Cmd+Q on macOS).

Contact commands (New contact, Edit, Archive, Delete, Export selection) are made elsewhere
(ui.contact_actions) and slot in through :meth:`WindowActions.insert_contact_actions`: into
the Edit menu above Find, and into the toolbar after its import/export group.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QActionGroup, QKeySequence
from PySide6.QtWidgets import QMainWindow, QMenu, QStyle, QToolBar

#: The sections (key, title, View menu text); Ctrl+1..5 in this order.
SECTIONS = (("contacts", "Contacts"), ("handles", "Emails & phones"), ("review", "Review"),
            ("history", "History"), ("sources", "Sources"))

#: objectName of the separator above which contact actions are inserted (Edit menu, toolbar).
CONTACT_ACTIONS_END = "contactActionsEnd"

StandardKey = QKeySequence.StandardKey


#: What a standard key is where the platform theme names none: the offscreen and plain X11
#: themes (no GNOME/KDE) have no Quit key, which is why Ctrl+Q used to do nothing.
FALLBACKS = {StandardKey.Quit: "Ctrl+Q", StandardKey.Find: "Ctrl+F",
             StandardKey.HelpContents: "F1", StandardKey.Refresh: "F5"}


def standard_key(key: StandardKey) -> QKeySequence:
    """The platform's first binding of ``key``, or the usual one when it has none."""
    bindings = QKeySequence.keyBindings(key)
    return bindings[0] if bindings else QKeySequence(FALLBACKS.get(key, ""))


def shortcut_text(action: QAction) -> str:
    """The action's shortcuts as the desktop writes them ("Ctrl+Q"), "" when it has none."""
    keys = [k.toString(QKeySequence.SequenceFormat.NativeText) for k in action.shortcuts()]
    return ", ".join(k for k in keys if k)


def plain_text(action: QAction) -> str:
    """The action's text without its mnemonic ampersand ("&Import…" -> "Import…")."""
    return action.text().replace("&&", "\0").replace("&", "").replace("\0", "&")


def show_shortcut_in_tooltip(action: QAction) -> None:
    """Tooltip = what it does + its shortcut, so a toolbar button names its key."""
    tip = action.statusTip() or plain_text(action)
    keys = shortcut_text(action)
    action.setToolTip(f"{tip} ({keys})" if keys else tip)


class WindowActions:
    """The window's QActions; :meth:`build` puts them into menus and a toolbar."""

    def __init__(self, window: QMainWindow) -> None:
        self.window = window
        style = window.style()

        def make(text: str, key: QKeySequence | StandardKey | str | None = None,
                 tip: str = "", icon: QStyle.StandardPixmap | None = None,
                 name: str = "") -> QAction:
            action = QAction(text, window)
            if isinstance(key, StandardKey):
                action.setShortcut(standard_key(key))
            elif key is not None:
                action.setShortcut(QKeySequence(key))
            if tip:
                action.setStatusTip(tip)
            if icon is not None:
                action.setIcon(style.standardIcon(icon))
            action.setObjectName(name or "action_" + plain_text(action).split("…")[0]
                                 .lower().replace(" ", "_"))
            action.setIconText(plain_text(action).split(" ")[0].rstrip("…"))
            show_shortcut_in_tooltip(action)
            window.addAction(action)  # its shortcut works whatever has focus in the window
            return action

        sp = QStyle.StandardPixmap
        self.import_ = make("&Import…", "Ctrl+I", "Import contacts from a vCard or CSV file",
                            sp.SP_DialogOpenButton, "action_import")
        self.export = make("&Export all…", "Ctrl+Shift+E", "Export every contact to a vCard "
                           "file", sp.SP_DialogSaveButton, "action_export")
        self.add_vcard = make("vCard &file…", None, "Keep a vCard file in sync as a source")
        self.add_folder = make("F&older of vCards…", None, "Keep a folder of vCards in sync")
        self.add_carddav = make("&CardDAV account (Nextcloud, iCloud…)…", None,
                                "Nextcloud, iCloud, Fastmail and other CardDAV servers")
        self.add_google = make("&Google account…", None, "Your Google contacts")
        self.sync_all = make("&Sync all sources", StandardKey.Refresh,
                             "Fetch the latest changes from every source",
                             sp.SP_BrowserReload, "action_sync_all")
        self.sync_all.setIconText("Sync all")
        # "Export" beside a selected contact read as exporting that contact (the card's own
        # Export button does that): the toolbar says what this one saves.
        self.export.setIconText("Export all")
        self.quit = make("&Quit", StandardKey.Quit, "Close Kith", None, "action_quit")
        self.find = make("&Find…", StandardKey.Find, "Search names, emails and phones",
                         None, "action_find")
        self.shortcuts = make("&Keyboard shortcuts", StandardKey.HelpContents,
                              "Every key Kith understands", None, "action_shortcuts")
        self.about = make("&About Kith", None, "", None, "action_about")
        self.sections = QActionGroup(window)
        self.sections.setExclusive(True)
        self.section: dict[str, QAction] = {}
        for number, (key, title) in enumerate(SECTIONS, start=1):
            # "&&": a title's own "&" ("Emails & phones") is text, not a mnemonic.
            action = make(f"&{title.replace('&', '&&')}", f"Ctrl+{number}",
                          f"Show {title.lower()}", None, f"action_section_{key}")
            action.setCheckable(True)
            action.setData(key)
            self.sections.addAction(action)
            self.section[key] = action
        self.edit_menu: QMenu | None = None
        self.toolbar: QToolBar | None = None
        #: The action Enter (or a double click) on a contact triggers; set by the contacts code.
        self.edit_contact: QAction | None = None
        self.contact_actions: list[QAction] = []

    # -- menus and toolbar --------------------------------------------------------------------
    def build(self) -> None:
        bar = self.window.menuBar()
        file_menu = bar.addMenu("&File")
        file_menu.setObjectName("menu_file")
        file_menu.addAction(self.import_)
        file_menu.addAction(self.export)
        sources = file_menu.addMenu("&Add source")
        sources.setObjectName("menu_add_source")
        for action in (self.add_vcard, self.add_folder, self.add_carddav, self.add_google):
            sources.addAction(action)
        file_menu.addAction(self.sync_all)
        file_menu.addSeparator()
        file_menu.addAction(self.quit)

        edit = bar.addMenu("&Edit")
        edit.setObjectName("menu_edit")
        end = edit.addSeparator()
        end.setObjectName(CONTACT_ACTIONS_END)
        edit.addAction(self.find)
        self.edit_menu = edit

        view = bar.addMenu("&View")
        view.setObjectName("menu_view")
        for action in self.section.values():
            view.addAction(action)

        help_menu = bar.addMenu("&Help")
        help_menu.setObjectName("menu_help")
        help_menu.addAction(self.shortcuts)
        help_menu.addAction(self.about)

        toolbar = QToolBar("Main toolbar", self.window)
        toolbar.setObjectName("mainToolbar")
        toolbar.setMovable(False)
        toolbar.setFloatable(False)
        # Words beside the icons: a new user reads "Import" faster than guesses a folder icon.
        # What does not fit at 800 px goes to the toolbar's » menu, never clipped.
        toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        toolbar.addAction(self.import_)
        toolbar.addAction(self.export)
        end = toolbar.addSeparator()
        end.setObjectName(CONTACT_ACTIONS_END)
        toolbar.addAction(self.sync_all)
        self.window.addToolBar(toolbar)
        self.toolbar = toolbar

    def insert_contact_actions(self, actions: Sequence[QAction],
                               edit: QAction | None = None,
                               in_toolbar: Callable[[QAction], bool] | None = None) -> None:
        """Put contact commands into the Edit menu (above Find) and the toolbar.

        ``actions``: in menu order; a ``None``-text separator action is kept as a separator.
        ``edit``: the action Enter and a double click on a contact trigger.
        ``in_toolbar``: which of them also get a toolbar button (default: those with an icon).
        """
        assert self.edit_menu is not None and self.toolbar is not None, "build() first"
        menu_end = _marker(self.edit_menu.actions())
        tool_end = _marker(self.toolbar.actions())
        for action in actions:
            if action.parent() is None:
                action.setParent(self.window)
            if action not in self.window.actions():
                self.window.addAction(action)
            if not action.isSeparator():
                show_shortcut_in_tooltip(action)
            self.edit_menu.insertAction(menu_end, action)
            wanted = in_toolbar(action) if in_toolbar else not action.icon().isNull()
            if wanted and not action.isSeparator():
                self.toolbar.insertAction(tool_end, action)
            self.contact_actions.append(action)
        if edit is not None:
            self.edit_contact = edit


def _marker(actions: list[QAction]) -> QAction:
    for action in actions:
        if action.objectName() == CONTACT_ACTIONS_END:
            return action
    raise LookupError("the contact actions' insertion point is missing")
