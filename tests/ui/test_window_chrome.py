"""Window chrome: menus with standard keys, shortcuts shown in menus, tooltips and the
shortcuts dialog, the contact actions' insertion point, the sidebar's live counts."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QLabel, QMenu, QToolButton
from sqlalchemy import select, text

from app import tasks
from core.db.models import Handle, PartyHandleLink
from core.views.handles import contested_handles
from ui.menus import SECTIONS, plain_text, shortcut_text, standard_key
from ui.shortcuts_dialog import ShortcutsDialog, collect

StandardKey = QKeySequence.StandardKey


def menu(window, name: str) -> QMenu:  # noqa: ANN001
    found = window.menuBar().findChild(QMenu, name)
    assert found is not None, name
    return found


def texts(m: QMenu) -> list[str]:
    return [plain_text(a) for a in m.actions() if not a.isSeparator()]


def every_action(window) -> list[QAction]:  # noqa: ANN001
    out: list[QAction] = []

    def walk(m: QMenu) -> None:
        for a in m.actions():
            if a.menu() is not None:
                walk(a.menu())
            elif not a.isSeparator():
                out.append(a)

    for top in window.menuBar().actions():
        walk(top.menu())
    return out


def test_menus_follow_desktop_conventions(window) -> None:  # noqa: ANN001
    assert [plain_text(a) for a in window.menuBar().actions()] == ["File", "Edit", "View", "Help"]
    assert texts(menu(window, "menu_file")) == ["Import…", "Export all…",
                                                "Export selected contact…", "Add source",
                                                "Sync all sources", "Quit"]
    ways = ["vCard file…", "Folder of vCards…", "CardDAV account (Nextcloud, iCloud…)…",
            "Google account…"]
    assert texts(menu(window, "menu_add_source")) == ways
    # The Sources page's "Add source" button offers the same four, in the same words.
    assert [a.text() for a in window.sync_panel.add_button.menu().actions()] == ways
    c = window.commands
    assert c.quit.shortcut() == standard_key(StandardKey.Quit)
    assert not c.quit.shortcut().isEmpty()  # the plain X11/offscreen themes have no Quit key
    assert c.find.shortcut() == QKeySequence(StandardKey.Find)
    assert "Find…" in texts(menu(window, "menu_edit"))
    assert texts(menu(window, "menu_view")) == [title for _, title in SECTIONS]
    assert [c.section[k].shortcut().toString() for k, _ in SECTIONS] == [
        f"Ctrl+{n}" for n in range(1, 6)]
    assert texts(menu(window, "menu_help")) == ["Keyboard shortcuts", "About Kith"]


def test_every_shortcut_is_in_its_tooltip_and_the_dialog(qtbot, window) -> None:  # noqa: ANN001
    with_keys = [a for a in every_action(window) if shortcut_text(a)]
    assert len(with_keys) >= 10
    listed = {(keys, what.split(":")[0]) for _, keys, what in collect(window)}
    for action in with_keys:
        assert shortcut_text(action) in action.toolTip(), action.text()
        assert (shortcut_text(action), plain_text(action).rstrip("…")) in listed, action.text()
    dialog = ShortcutsDialog(window)
    qtbot.addWidget(dialog)
    keys = [row[1] for row in dialog.rows()]
    for expected in ("Tab / Shift+Tab", "Home / End", "Enter", "M", "J / K",
                     shortcut_text(window.commands.quit)):
        assert expected in keys
    # The toolbar's buttons name their key too.
    button = window.commands.toolbar.widgetForAction(window.commands.sync_all)
    assert isinstance(button, QToolButton)
    assert shortcut_text(window.commands.sync_all) in button.toolTip()


def test_section_keys_and_view_menu_follow_the_sidebar(qtbot, window) -> None:  # noqa: ANN001
    qtbot.keyClick(window, Qt.Key.Key_3, Qt.KeyboardModifier.ControlModifier)
    assert window.pages.currentWidget() is window.review
    assert window.commands.section["review"].isChecked()
    window.nav.set_current("history")  # a click in the sidebar
    assert window.pages.currentWidget() is window.history
    assert window.commands.section["history"].isChecked()
    window.commands.section["sources"].trigger()
    assert window.nav.current_key() == "sources"


def test_find_focuses_the_search_from_any_section(qtbot, window) -> None:  # noqa: ANN001
    window.show_page("handles")
    window.activateWindow()
    qtbot.keySequence(window, QKeySequence(StandardKey.Find))
    assert window.pages.currentWidget() is window.contacts_page
    qtbot.waitUntil(lambda: window.contact_list.search.hasFocus(), timeout=2000)


def test_quit_key_closes_the_window(qtbot, window) -> None:  # noqa: ANN001
    assert window.isVisible()
    qtbot.keySequence(window, window.commands.quit.shortcut())
    qtbot.waitUntil(lambda: not window.isVisible(), timeout=5000)


def test_contact_actions_slot_into_edit_menu_and_toolbar(qtbot, window, people) -> None:  # noqa: ANN001
    """The window's own contact actions (ui.contact_actions) are in the Edit menu above Find
    and, those with an icon, in the toolbar before Sync; Enter on a contact edits it."""
    actions = window.contact_actions
    assert texts(menu(window, "menu_edit")) == ["New contact…", "Edit contact…", "Archive",
                                                "Restore", "Delete", "Find…"]
    toolbar = [a for a in window.commands.toolbar.actions() if not a.isSeparator()]
    assert toolbar.index(actions.new) < toolbar.index(window.commands.sync_all)
    assert actions.restore not in toolbar  # no icon: menu only
    assert shortcut_text(actions.new) in actions.new.toolTip()
    assert (shortcut_text(actions.edit), "Edit contact") in {(k, w.split(":")[0])
                                                             for _, k, w in collect(window)}
    edited: list[int] = []
    actions.open_editor = lambda draft, pid, _accepted: edited.append(pid)
    assert window.contact_list.select_party(people["chloe"])
    window.contact_list.table.setFocus()
    qtbot.keyClick(window.contact_list.table, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: edited == [people["chloe"]], timeout=5000)


def test_sidebar_counts_follow_the_data(qtbot, window, db, people) -> None:  # noqa: ANN001
    nav = window.nav
    qtbot.waitUntil(lambda: window.ctx.db is not None and not window.ctx.runner.busy(),
                    timeout=5000)
    assert nav.count_of("handles") == 0
    with db.session() as session:  # Anna's email also claimed by Chloé: contested
        handle = session.scalar(select(Handle.id).where(Handle.value == "anna@example.com"))
        session.add(PartyHandleLink(party_id=people["chloe"], handle_id=handle,
                                    confidence=0.5, source="manual"))
        session.commit()
        contested = len(contested_handles(session))  # what the Handles view lists
    assert contested == 1
    window.ctx.runner.changed.emit(frozenset({tasks.HANDLES}))
    qtbot.waitUntil(lambda: nav.count_of("handles") == 1, timeout=5000)
    assert "claimed by two or more" in nav.item(1).toolTip()
    assert nav.count_of("sources") == 0
    with db.engine.begin() as conn:
        conn.execute(text("UPDATE sync_state SET health = 'error', "
                          "last_error = 'server unreachable'"))
    window.ctx.runner.changed.emit(frozenset({tasks.SOURCES}))
    qtbot.waitUntil(lambda: nav.count_of("sources") == 2, timeout=5000)
    assert nav.item(4).toolTip() == "Sources (Ctrl+5): 2 need attention"
    with db.engine.begin() as conn:
        conn.execute(text("UPDATE sync_state SET health = 'ok'"))
    window.ctx.runner.changed.emit(frozenset({tasks.SOURCES}))
    qtbot.waitUntil(lambda: nav.count_of("sources") == 0, timeout=5000)
    assert nav.item(4).toolTip() == "Sources (Ctrl+5)"


def test_review_count_is_shown_in_the_sidebar(qtbot, window) -> None:  # noqa: ANN001
    window.review.countChanged.emit(7)
    assert window.nav.count_of("review") == 7
    assert "7" in window.nav.item(2).data(Qt.ItemDataRole.AccessibleTextRole)
    window.review.countChanged.emit(0)
    assert window.nav.count_of("review") == 0


def test_export_and_sync_all_wait_for_something_to_act_on(qtbot, ctx, tmp_path) -> None:  # noqa: ANN001
    from ui.main_window import MainWindow

    win = MainWindow(ctx)  # an empty database: the first-run page
    qtbot.addWidget(win)
    win.show()
    win.start(ctx.db, sync_on_start=False)
    qtbot.waitUntil(lambda: win.contacts_page.currentWidget() is win.empty, timeout=5000)
    assert not win.commands.export.isEnabled() and not win.commands.sync_all.isEnabled()
    assert win.commands.import_.isEnabled()
    from tests.ui.helpers import write_vcards
    from ui import import_flow

    import_flow.import_file(win, str(write_vcards(tmp_path / "few.vcf", 2)))
    qtbot.waitUntil(lambda: win.commands.export.isEnabled(), timeout=20_000)
    assert win.commands.sync_all.isEnabled()
    assert win.contacts_page.currentWidget() is win.splitter


def test_help_opens_the_shortcuts_dialog_and_about(qtbot, window, monkeypatch) -> None:  # noqa: ANN001
    from PySide6.QtWidgets import QMessageBox

    window.commands.shortcuts.trigger()
    dialog = window.findChild(ShortcutsDialog)
    assert dialog is not None
    qtbot.waitUntil(dialog.isVisible, timeout=2000)
    assert len(dialog.rows()) >= 20
    dialog.close()
    shown: list[str] = []
    monkeypatch.setattr(QMessageBox, "about",
                        staticmethod(lambda parent, title, body: shown.append(title + body)))
    window.commands.about.trigger()
    assert shown and "About Kith" in shown[0] and "undone" in shown[0]


def test_handles_are_called_emails_and_phones(window) -> None:  # noqa: ANN001
    """A new user does not know "Handles": the sidebar, the View menu and the card's section
    say "Emails & phones" (the "&" is text, not a menu mnemonic)."""
    row = [k for k, _ in SECTIONS].index("handles")
    assert window.nav.item(row).text() == "Emails & phones"
    assert plain_text(window.commands.section["handles"]) == "Emails & phones"
    assert "Emails & phones" in texts(menu(window, "menu_view"))
    sections = [label.text() for label in window.detail.findChildren(QLabel)
                if label.property("role") == "section"]
    assert "Emails & phones" in sections and "Handles" not in sections


def test_toolbar_export_says_it_exports_everyone(window, qtbot, people) -> None:  # noqa: ANN001
    """The toolbar's "Export" (every contact) sat beside the selected contact's card, whose
    own "Export" saves that one contact: the toolbar button says "Export all"."""
    from PySide6.QtWidgets import QToolButton

    toolbar = window.commands.toolbar
    button = toolbar.widgetForAction(window.commands.export)
    assert isinstance(button, QToolButton) and button.text() == "Export all"
    card = window.detail.findChild(QToolButton, "card_exportSelected")
    assert card is not None and card.text() != button.text()
