"""Dialogs to add a source: a vCard file or folder, a CardDAV account, a Google account,
and to confirm removing one (keep or archive its contacts)."""

from __future__ import annotations

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
    QPushButton,
    QVBoxLayout,
    QWidget,
)


def pick_vcard_path(parent: QWidget | None, start_dir: str = "", folder: bool = False) -> str:
    if folder:
        return QFileDialog.getExistingDirectory(parent, "Choose a folder of vCards", start_dir)
    path, _ = QFileDialog.getOpenFileName(parent, "Choose a vCard file", start_dir,
                                          "vCard files (*.vcf *.vcard);;CSV files (*.csv);;"
                                          "All files (*)")
    return path


class CardDavDialog(QDialog):
    """URL, user name and password; the password is stored in the OS keyring only."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Add a CardDAV address book")
        self.url = QLineEdit(placeholderText="https://cloud.example.com/remote.php/dav/")
        self.user = QLineEdit()
        self.password = QLineEdit()
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        form = QFormLayout()
        form.addRow("Server address", self.url)
        form.addRow("User name", self.user)
        form.addRow("Password", self.password)
        note = QLabel("The password is kept in your system keyring, never in Kith's database.")
        note.setWordWrap(True)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                   | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self._accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(note)
        layout.addWidget(buttons)

    def _accept(self) -> None:
        if not self.url.text().strip().startswith(("https://", "http://")):
            QMessageBox.warning(self, "Kith", "The server address must start with https://")
            return
        self.accept()


class GoogleDialog(QDialog):
    """The OAuth client JSON (from the Google Cloud console) and the account's address."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
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
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                   | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(note)
        layout.addWidget(buttons)

    def _browse(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "OAuth client JSON", "", "JSON (*.json)")
        if path:
            self.client.setText(path)


class RemoveSourceDialog(QDialog):
    def __init__(self, label: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Remove source")
        text = QLabel(f"Remove the source “{label}”? By default its contacts stay in Kith "
                      "(their records are archived) and adding the source again restores it.")
        text.setWordWrap(True)
        self.drop = QCheckBox("Also remove the contacts only this source holds (contacts with "
                              "your edits or other sources stay)")
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                   | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(text)
        layout.addWidget(self.drop)
        layout.addWidget(buttons)
