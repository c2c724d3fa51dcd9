"""Dialogs to add a source: a vCard file or folder, a CardDAV account, a Google account,
and to confirm removing one (keep or archive its contacts)."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app import tasks
from app.appcontext import AppContext
from app.services.lazy import service

source_services = service("app.services.sources")
#: The account setting that pins a certificate the owner trusted (SHA-256 fingerprint).
TRUST_SETTING = "trust_fingerprint"


def pick_vcard_path(parent: QWidget | None, start_dir: str = "", folder: bool = False) -> str:
    if folder:
        return QFileDialog.getExistingDirectory(parent, "Choose a folder of vCards", start_dir)
    path, _ = QFileDialog.getOpenFileName(parent, "Choose a vCard file", start_dir,
                                          "vCard files (*.vcf *.vcard);;CSV files (*.csv);;"
                                          "All files (*)")
    return path


class _CheckedDialog(QDialog):
    """A dialog whose OK first checks what was entered (a task, with a busy bar and a clear
    error), then makes sure the password has a safe place to go, then closes."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.setMinimumWidth(480)
        #: The "where to keep the password" dialog, while it is open.
        self.keyring_dialog: Any = None
        self.busy = QProgressBar()
        self.busy.setObjectName("sourceCheckBusy")
        self.busy.setRange(0, 0)
        self.busy.setVisible(False)
        self.message = QLabel("")
        self.message.setObjectName("sourceCheckMessage")
        self.message.setWordWrap(True)
        self.message.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                        | QDialogButtonBox.StandardButton.Cancel)
        # The button says what it does ("OK" after a form of sign-in fields said nothing).
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Add account")
        self.buttons.accepted.connect(self.check)
        self.buttons.rejected.connect(self.reject)

    def check(self) -> None:  # pragma: no cover - each dialog has its own
        raise NotImplementedError

    def _busy(self, text: str) -> None:
        self.message.setText(text)
        self.busy.setVisible(bool(text))
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(not text)

    def _failed(self, text: str) -> None:
        self.busy.setVisible(False)
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(True)
        self.message.setText(text)

    def _keep_password_then_accept(self, what: str) -> None:
        """Without an OS keyring the owner picks a place for the password first."""
        from app import keyring_setup

        if not keyring_setup.needs_choice():
            self.accept()
            return
        from ui.keyring_dialog import KeyringDialog

        self._busy("")
        self.message.setText("This computer has no system keyring: choose where Kith keeps "
                             "the password.")
        dialog = KeyringDialog(self.ctx, what, self)
        self.keyring_dialog = dialog
        dialog.accepted.connect(self.accept)
        dialog.rejected.connect(lambda: self.message.setText(
            "The account is not added yet: Kith needs a place for the password. Press OK "
            "to choose one, or Cancel."))
        dialog.open()


class CardDavDialog(_CheckedDialog):
    """Name, server address, user name and password. OK checks the server and the sign-in
    before anything is saved; the password goes to the keyring only."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self.setWindowTitle("Add a CardDAV address book")
        self.name = QLineEdit(placeholderText="e.g. Work contacts")
        self.name.setObjectName("sourceName")
        self.url = QLineEdit(placeholderText="https://cloud.example.com/remote.php/dav/")
        self.url.setObjectName("sourceUrl")
        self.user = QLineEdit()
        self.user.setObjectName("sourceUser")
        self.password = QLineEdit()
        self.password.setObjectName("sourcePassword")
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        #: Settings the check found necessary (a trusted certificate fingerprint).
        self.extra: dict[str, Any] = {}
        #: Address books the check found (where the provider lists them).
        self.books: list[Any] = []
        #: The "trust this certificate?" question while it is open.
        self.trust_box: QMessageBox | None = None
        form = QFormLayout()
        form.addRow("Name", self.name)
        form.addRow("Server address", self.url)
        form.addRow("User name", self.user)
        form.addRow("Password", self.password)
        note = QLabel("Kith checks the server and your sign-in before adding the account. "
                      "The password is kept in your system keyring (where there is none, "
                      "in a place you choose), never in Kith's database.")
        note.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(note)
        layout.addWidget(self.busy)
        layout.addWidget(self.message)
        layout.addWidget(self.buttons)

    def source_name(self) -> str:
        """The name every message uses: the owner's, else "alice on cloud.example.com"."""
        from urllib.parse import urlsplit

        if self.name.text().strip():
            return self.name.text().strip()
        host = urlsplit(self.url.text().strip()).hostname or self.url.text().strip()
        user = self.user.text().strip()
        return f"{user} on {host}" if user else host

    def check(self) -> None:
        url = self.url.text().strip()
        if not url.startswith(("https://", "http://")):
            self._failed("The server address must start with https:// (or http://).")
            return
        if not self.user.text().strip():
            self._failed("Enter your user name on this server.")
            return
        self._busy(f"Checking {url} and your sign-in…")
        self.ctx.runner.submit(source_services.check_carddav, url, self.user.text().strip(),
                               self.password.text(), name="check CardDAV account",
                               trust_fingerprint=self.extra.get(TRUST_SETTING),
                               on_result=self._checked, on_error=self._check_failed)

    def _checked(self, books: Any) -> None:
        """The login works; ``books`` lists the address books where the provider says."""
        self.books = list(books or [])
        self._keep_password_then_accept(f"“{self.source_name()}”")

    def _check_failed(self, exc: BaseException) -> None:
        fingerprint = getattr(exc, "fingerprint", None)
        if fingerprint:
            self.ask_trust(str(fingerprint))
            return
        self._failed(check_error_text(exc, self.url.text().strip(),
                                      bool(self.password.text())))

    def ask_trust(self, fingerprint: str) -> None:
        """The server's certificate is not trusted (self-signed, private CA): show its
        SHA-256 fingerprint and let the owner trust it for this account, then check again
        with the fingerprint pinned (``trust_fingerprint``, kept in the source's settings)."""
        self._failed("")
        box = QMessageBox(QMessageBox.Icon.Warning, "Untrusted certificate",
                          "This server's certificate is not trusted: fingerprint "
                          f"{fingerprint}; trust it for this account?", parent=self)
        box.setInformativeText("Compare the fingerprint with the one your server's "
                               "administrator gives you. Trust it only if they match.")
        box.setStandardButtons(QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No)
        box.button(QMessageBox.StandardButton.Yes).setText("Trust it")
        box.button(QMessageBox.StandardButton.No).setText("Don't trust")
        box.setDefaultButton(QMessageBox.StandardButton.No)
        self.trust_box = box
        box.finished.connect(lambda answer: self._trust_answered(fingerprint, answer))
        box.open()

    def _trust_answered(self, fingerprint: str, answer: int) -> None:
        self.trust_box = None
        if answer == QMessageBox.StandardButton.Yes:
            self.extra[TRUST_SETTING] = fingerprint
            self.check()
        else:
            self._failed("Not added: the server's certificate is not trusted.")


def check_error_text(exc: BaseException, url: str, has_password: bool) -> str:
    """What went wrong when checking a CardDAV login, in the owner's words."""
    kind = {cls.__name__ for cls in type(exc).__mro__}
    if "CertificateError" in kind:
        return f"The certificate of {url} is not trusted: {exc}"
    if "AuthError" in kind:
        return ("The server refused the user name or password." if has_password else
                "The server asks for a password: enter the password for this account.")
    if "TransientError" in kind or isinstance(exc, OSError):
        return (f"Kith could not reach {url}. Check the address and your network "
                "connection, then try again.")
    if "DiscoveryError" in kind:
        return f"There is no address book at {url}: {exc}"
    return tasks.readable_error(exc)


class GoogleDialog(_CheckedDialog):
    """The OAuth client JSON (from the Google Cloud console) and the account's address.

    OK checks the file and the address, and makes sure the tokens have a safe place; the
    consent in the browser (run by the sync panel) then proves the account."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self.setWindowTitle("Add a Google account")
        self.client = QLineEdit(placeholderText="client_secret_….json")
        browse = QPushButton("Browse…")
        browse.clicked.connect(self._browse)
        row = QHBoxLayout()
        row.addWidget(self.client, 1)
        row.addWidget(browse)
        self.email = QLineEdit(placeholderText="you@gmail.com")
        form = QFormLayout()
        form.addRow("OAuth client file", row)
        form.addRow("Google account", self.email)
        note = QLabel("Kith opens your browser for Google's consent page; the tokens are kept "
                      "in your system keyring.")
        note.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(note)
        layout.addWidget(self.busy)
        layout.addWidget(self.message)
        layout.addWidget(self.buttons)

    def check(self) -> None:
        import json
        from pathlib import Path

        path = Path(self.client.text().strip()).expanduser()
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except OSError:
            self._failed(f"Kith cannot read the OAuth client file {path}.")
            return
        except ValueError:
            self._failed(f"{path.name} is not an OAuth client file (it is not JSON).")
            return
        if not isinstance(data, dict) or not ({"installed", "web"} & set(data)):
            self._failed(f"{path.name} is not an OAuth client file: download the JSON of a "
                         "“Desktop app” client from the Google Cloud console.")
            return
        if "@" not in self.email.text():
            self._failed("Enter the Google account's address (you@gmail.com).")
            return
        self._keep_password_then_accept(self.email.text().strip())

    def _browse(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "OAuth client JSON", "", "JSON (*.json)")
        if path:
            self.client.setText(path)


class RemoveSourceDialog(QDialog):
    """Remove a source, its contacts kept (archived) or dropped. The buttons say "Remove
    source" and "Cancel", and Enter cancels: a stray Enter after "Remove…" removed the
    source behind an "OK" that was the default."""

    def __init__(self, label: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Remove source")
        text = QLabel(f"Remove the source “{label}”? By default its contacts stay in Kith "
                      "(archived) and adding the source again brings them back.")
        text.setWordWrap(True)
        self.drop = QCheckBox("Also remove the contacts only this source holds (contacts with "
                              "your edits or other sources stay)")
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                   | QDialogButtonBox.StandardButton.Cancel)
        self.remove_button = buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.remove_button.setText("Remove source")
        self.remove_button.setAutoDefault(False)
        self.cancel_button = buttons.button(QDialogButtonBox.StandardButton.Cancel)
        self.cancel_button.setDefault(True)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(text)
        layout.addWidget(self.drop)
        layout.addWidget(buttons)
