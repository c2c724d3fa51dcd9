"""Where to keep a password when this computer has no system keyring.

Shown when a CardDAV or Google account is added (or synced) on a desktop without a Secret
Service / KWallet: instead of the keyring library's "No recommended backend was available",
the owner gets a choice in plain words: an encrypted file protected by a passphrase, or this
session only. Never plain text. Unlocking the file is slow on purpose (Argon2), so it runs as
a task with a busy bar; a wrong passphrase says so in the dialog."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QProgressBar,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from app.appcontext import AppContext

EXPLANATION = ("This computer has no system keyring (such as GNOME Keyring or KWallet), the "
               "usual safe place for passwords. Choose where Kith keeps the password of "
               "{what}. Kith never writes it in plain text, in its database or in a log.")


def unlock_file(_db: Any, passphrase: str, *, state: Any) -> None:
    """Task: open (or create) the encrypted passwords file and use it from now on."""
    from app import keyring_setup as setup

    state.progress(0.0, "Opening the passwords file…")
    setup.use_encrypted_file(passphrase, setup.default_secrets_file())


def keep_for_session(_db: Any, *, state: Any) -> None:
    """Task: keep passwords in memory until Kith closes."""
    from app import keyring_setup as setup

    setup.use_session_only()


class KeyringDialog(QDialog):
    def __init__(self, ctx: AppContext, what: str = "this account",
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        from app import keyring_setup as setup

        self.ctx = ctx
        self.setWindowTitle("Where should Kith keep the password?")
        self.setMinimumWidth(480)
        self.exists = setup.secrets_file_exists(setup.default_secrets_file())
        text = self.explanation = QLabel(EXPLANATION.format(what=what))
        text.setWordWrap(True)
        self.file_choice = QRadioButton("In an encrypted file, protected by a passphrase"
                                        if not self.exists else
                                        "In my encrypted passwords file (enter its passphrase)")
        self.file_choice.setObjectName("keyringFile")
        self.session_choice = QRadioButton("For this session only: forgotten when Kith closes")
        self.session_choice.setObjectName("keyringSession")
        self.file_choice.setChecked(True)
        file_note = QLabel("Kith asks for the passphrase once each time it needs the "
                           "password after starting. Without the passphrase nobody can read "
                           "the file, including you: keep it safe." if not self.exists else
                           "The file already holds passwords you saved earlier.")
        file_note.setWordWrap(True)
        session_note = QLabel("Nothing is saved; Kith asks for the password again next time "
                              "it starts, and syncs in between work as usual.")
        session_note.setWordWrap(True)
        for note in (file_note, session_note):  # under their choice
            note.setContentsMargins(24, 0, 0, 6)
        self.passphrase = QLineEdit()
        self.passphrase.setObjectName("keyringPassphrase")
        self.passphrase.setEchoMode(QLineEdit.EchoMode.Password)
        self.repeat = QLineEdit()
        self.repeat.setObjectName("keyringRepeat")
        self.repeat.setEchoMode(QLineEdit.EchoMode.Password)
        form = QFormLayout()
        form.setContentsMargins(24, 0, 0, 6)
        form.addRow("Passphrase", self.passphrase)
        if not self.exists:
            form.addRow("Repeat it", self.repeat)
        self.busy = QProgressBar()
        self.busy.setRange(0, 0)
        self.busy.setVisible(False)
        self.error = QLabel("")
        self.error.setObjectName("keyringError")
        self.error.setWordWrap(True)
        self.error.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                        | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.accepted.connect(self.choose)
        self.buttons.rejected.connect(self.reject)
        self.file_choice.toggled.connect(self._update)
        layout = QVBoxLayout(self)
        layout.addWidget(text)
        layout.addWidget(self.file_choice)
        layout.addWidget(file_note)
        layout.addLayout(form)
        layout.addWidget(self.session_choice)
        layout.addWidget(session_note)
        layout.addWidget(self.busy)
        layout.addWidget(self.error)
        layout.addWidget(self.buttons)
        self._update()

    def _update(self) -> None:
        on = self.file_choice.isChecked()
        self.passphrase.setEnabled(on)
        self.repeat.setEnabled(on)

    def choose(self) -> None:
        """Apply the choice; the dialog closes once the keyring is in place."""
        self.error.setText("")
        if self.session_choice.isChecked():
            self.ctx.read(keep_for_session, name="keep passwords for this session",
                          on_result=lambda _r: self.accept(), on_error=self._failed)
            return
        phrase = self.passphrase.text()
        if not phrase:
            self.error.setText("Enter a passphrase, or choose “For this session only”.")
            return
        if not self.exists and phrase != self.repeat.text():
            self.error.setText("The two passphrases differ: type the same one twice.")
            return
        self._busy(True)
        self.ctx.read(unlock_file, phrase, name="open the passwords file",
                      on_result=lambda _r: self.accept(), on_error=self._failed)

    def _busy(self, on: bool) -> None:
        self.busy.setVisible(on)
        self.buttons.setEnabled(not on)

    def _failed(self, exc: BaseException) -> None:
        from app import tasks

        self._busy(False)
        self.error.setText(tasks.readable_error(exc))
