"""Adding a CardDAV account: the dialog checks the server and the sign-in before anything is
saved (an empty or wrong password is refused with a clear message), and on a computer without
a system keyring (keyring's fail backend) the owner chooses an encrypted passwords file or this
session only; the password is then never in plain text, the database or a log, and the sync
(which runs in a child process) reads it from the chosen place."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from pathlib import Path

import keyring
import pytest
from keyring.backends import fail
from sqlalchemy import func, select

from app import keyring_setup
from core.db.models import SourceAccount
from tests.emulators.memory_keyring import use_keyring
from tests.servers.radicale import AUTH_PASSWORD, radicale_auth_server  # noqa: F401
from ui.sync_panel import SyncPanel

CARD = ("BEGIN:VCARD\r\nVERSION:3.0\r\nUID:dav-ada\r\nFN:Ada Lovelace\r\n"
        "N:Lovelace;Ada;;;\r\nEMAIL:ada@example.com\r\nEND:VCARD\r\n")


@pytest.fixture
def no_os_keyring(tmp_path: Path, monkeypatch) -> Iterator[Path]:  # noqa: ANN001
    """No keyring backend at all ("No recommended backend was available"); the passwords
    file goes to a temporary folder. Yields the file's path."""
    path = tmp_path / "secrets" / keyring_setup.SECRETS_FILE
    path.parent.mkdir()
    monkeypatch.setattr(keyring_setup, "default_secrets_file", lambda: path)
    keyring_setup.forget_choice()
    with use_keyring(fail.Keyring()):
        yield path
    keyring_setup.forget_choice()


@pytest.fixture
def server(radicale_auth_server):  # noqa: ANN001, ANN201, F811
    radicale_auth_server.create_addressbook("contacts")
    radicale_auth_server.put_card("contacts", "ada", CARD)
    return radicale_auth_server


def open_dialog(qtbot, ctx, server, password: str):  # noqa: ANN001, ANN201
    panel = SyncPanel(ctx)
    qtbot.addWidget(panel)
    panel.show()
    panel.start(sync_now=False)
    panel.ask_carddav()
    dialog = panel.source_dialog
    dialog.name.setText("Work contacts")
    dialog.url.setText(server.book_url("contacts"))
    dialog.user.setText(server.user)
    dialog.password.setText(password)
    return panel, dialog


def sources(db) -> int:  # noqa: ANN001
    with db.session() as session:
        return session.scalar(select(func.count()).select_from(SourceAccount))


def press_ok(qtbot, dialog) -> None:  # noqa: ANN001
    dialog.check()
    qtbot.waitUntil(lambda: not dialog.busy.isVisible(), timeout=30_000)


def test_empty_or_wrong_password_is_refused_before_saving(
        qtbot, ctx, server, no_os_keyring) -> None:  # noqa: ANN001
    panel, dialog = open_dialog(qtbot, ctx, server, "")
    press_ok(qtbot, dialog)
    assert dialog.isVisible() and dialog.keyring_dialog is None
    assert "asks for a password" in dialog.message.text()
    dialog.password.setText("not-the-password")
    press_ok(qtbot, dialog)
    assert "refused the user name or password" in dialog.message.text()
    dialog.url.setText("http://127.0.0.1:9/dav/")
    press_ok(qtbot, dialog)
    assert "could not reach" in dialog.message.text()
    dialog.url.setText("ftp://example.com/")
    press_ok(qtbot, dialog)
    assert "must start with https://" in dialog.message.text()
    assert sources(ctx.db) == 0  # nothing was saved unchecked
    assert dialog.keyring_dialog is None  # and no password was kept anywhere
    dialog.reject()


def test_no_keyring_offers_an_encrypted_file_and_the_sync_reads_it(
        qtbot, ctx, server, no_os_keyring, caplog) -> None:  # noqa: ANN001
    caplog.set_level(logging.DEBUG)
    assert not keyring_setup.system_keyring_available()
    panel, dialog = open_dialog(qtbot, ctx, server, AUTH_PASSWORD)
    press_ok(qtbot, dialog)
    qtbot.waitUntil(lambda: dialog.keyring_dialog is not None, timeout=10_000)
    choice = dialog.keyring_dialog
    assert "no system keyring" in dialog.message.text()
    assert "“Work contacts”" in choice.explanation.text()
    assert choice.file_choice.isChecked() and choice.repeat.isEnabled()
    choice.passphrase.setText("correct horse battery")
    choice.repeat.setText("correct horse")
    choice.choose()
    assert "differ" in choice.error.text()
    choice.repeat.setText("correct horse battery")
    texts: list[str] = []
    ctx.runner.began.connect(lambda _h: texts.append(panel.status.text()))
    with qtbot.waitSignal(panel.syncFinished, timeout=90_000) as blocker:
        choice.choose()
    assert blocker.args[1] is not None and blocker.args[1]["added"] == 1
    assert panel.status.text() == "Work contacts: 1 added."
    assert any(t.startswith("Syncing Work contacts") for t in texts)
    assert keyring_setup.choice() == keyring_setup.FILE
    # Encrypted, not plain text; not in the database; not in a log line.
    assert no_os_keyring.exists() and AUTH_PASSWORD.encode() not in no_os_keyring.read_bytes()
    assert oct(no_os_keyring.stat().st_mode & 0o777) == "0o600"
    assert AUTH_PASSWORD.encode() not in Path(ctx.db.url.split("///", 1)[1]).read_bytes()
    assert AUTH_PASSWORD not in caplog.text
    with ctx.db.session() as session:
        account = session.scalar(select(SourceAccount))
        assert account.display_name == "Work contacts"


def test_wrong_passphrase_for_an_existing_file_is_said_plainly(
        qtbot, ctx, server, no_os_keyring) -> None:  # noqa: ANN001
    keyring_setup.use_encrypted_file("the right one", no_os_keyring)
    keyring_setup.forget_choice()
    keyring.set_keyring(fail.Keyring())
    panel, dialog = open_dialog(qtbot, ctx, server, AUTH_PASSWORD)
    press_ok(qtbot, dialog)
    qtbot.waitUntil(lambda: dialog.keyring_dialog is not None, timeout=10_000)
    choice = dialog.keyring_dialog
    assert choice.exists and "enter its passphrase" in choice.file_choice.text()
    choice.passphrase.setText("a wrong one")
    choice.choose()
    qtbot.waitUntil(lambda: bool(choice.error.text()), timeout=30_000)
    assert "does not open your Kith passwords file" in choice.error.text()
    assert sources(ctx.db) == 0
    choice.reject()
    assert "not added yet" in dialog.message.text()
    dialog.reject()


def test_session_only_keeps_the_password_in_memory(qtbot, ctx, server, no_os_keyring) -> None:  # noqa: ANN001
    panel, dialog = open_dialog(qtbot, ctx, server, AUTH_PASSWORD)
    press_ok(qtbot, dialog)
    qtbot.waitUntil(lambda: dialog.keyring_dialog is not None, timeout=10_000)
    dialog.keyring_dialog.session_choice.setChecked(True)
    with qtbot.waitSignal(panel.syncFinished, timeout=90_000) as blocker:
        dialog.keyring_dialog.choose()
    assert blocker.args[1]["added"] == 1
    assert keyring_setup.choice() == keyring_setup.SESSION
    assert not no_os_keyring.exists()  # nothing written anywhere
    backend = keyring.get_keyring()
    assert isinstance(backend, keyring_setup.SessionKeyring)
    assert AUTH_PASSWORD in backend.snapshot().values()  # in this process's memory only


def test_google_dialog_checks_the_client_file(qtbot, ctx, tmp_path) -> None:  # noqa: ANN001
    from ui.source_dialogs import GoogleDialog

    dialog = GoogleDialog(ctx)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.client.setText(str(tmp_path / "missing.json"))
    dialog.email.setText("me@gmail.com")
    dialog.check()
    assert "cannot read the OAuth client file" in dialog.message.text()
    wrong = tmp_path / "wrong.json"
    wrong.write_text('{"type": "service_account"}')
    dialog.client.setText(str(wrong))
    dialog.check()
    assert "is not an OAuth client file" in dialog.message.text()
    assert dialog.isVisible()


def test_after_a_restart_the_sync_asks_for_the_passphrase_first(
        qtbot, ctx, server, no_os_keyring) -> None:  # noqa: ANN001
    panel, dialog = open_dialog(qtbot, ctx, server, AUTH_PASSWORD)
    press_ok(qtbot, dialog)
    qtbot.waitUntil(lambda: dialog.keyring_dialog is not None, timeout=10_000)
    dialog.keyring_dialog.passphrase.setText("open sesame")
    dialog.keyring_dialog.repeat.setText("open sesame")
    with qtbot.waitSignal(panel.syncFinished, timeout=90_000) as blocker:
        dialog.keyring_dialog.choose()
    account_id = blocker.args[0]
    # Kith restarts: no OS keyring again, the choice is not made yet, the file is there.
    keyring_setup.forget_choice()
    keyring.set_keyring(fail.Keyring())
    panel.select_source(account_id)
    qtbot.waitUntil(panel.sync_button.isEnabled, timeout=5000)
    panel.sync_button.click()
    unlock = panel.keyring_dialog
    assert unlock.isVisible() and unlock.exists and not panel.running
    assert panel.status.text().startswith("Work contacts: waiting for the passphrase")
    unlock.reject()
    assert "not synced" in panel.status.text()
    panel.sync_button.click()
    unlock = panel.keyring_dialog
    unlock.passphrase.setText("open sesame")
    with qtbot.waitSignal(panel.syncFinished, timeout=90_000) as blocker:
        unlock.choose()
    assert blocker.args[1] is not None
    assert panel.status.text() == "Work contacts: 1 unchanged."


def test_remove_source_says_what_it_does_and_enter_cancels(qtbot) -> None:  # noqa: ANN001
    """"OK" was the default: a stray Enter removed the source. The button says "Remove
    source" and Enter (or Escape) keeps the source; the add dialogs say "Add account"."""
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QDialog, QDialogButtonBox, QPushButton

    from ui.source_dialogs import CardDavDialog, RemoveSourceDialog

    dialog = RemoveSourceDialog("Work")
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    texts = {b.text() for b in dialog.findChildren(QPushButton)}
    assert "Remove source" in texts and "OK" not in texts
    assert dialog.cancel_button.isDefault() and not dialog.remove_button.isDefault()
    qtbot.keyClick(dialog, Qt.Key.Key_Return)
    assert dialog.result() == QDialog.DialogCode.Rejected and not dialog.isVisible()
    dialog.show()
    dialog.remove_button.click()
    assert dialog.result() == QDialog.DialogCode.Accepted
    add = CardDavDialog(None)
    qtbot.addWidget(add)
    assert add.buttons.button(QDialogButtonBox.StandardButton.Ok).text() == "Add account"
