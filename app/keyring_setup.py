"""Where Kith keeps source passwords when the computer has no system keyring.

Passwords and tokens belong in the OS keyring (Secret Service, KWallet, macOS Keychain,
Windows Credential Locker). A desktop without one makes the ``keyring`` library fall back to
its "fail" backend ("No recommended backend was available"), and adding a CardDAV or Google
account would dead-end. The owner then chooses, in plain words, one of two places that are
never plain text and never a log line:

- an encrypted file protected by a passphrase (``keyrings.cryptfile``: Argon2 key derivation,
  AES-GCM per entry) in Kith's data folder; the passphrase is asked once per session;
- this session only: the password lives in memory and is forgotten when Kith closes.

The choice is installed as the process keyring (``keyring.set_keyring``), so every reader
(the CardDAV provider's password lookup, Google's token store) works unchanged. Syncs run in
spawned child processes, which start with the default keyring again: :func:`handoff` gives a
picklable description the child installs with :func:`install` before it reads a password.
"""

from __future__ import annotations

import os
import threading
from dataclasses import dataclass, field
from pathlib import Path

import keyring
from keyring.backend import KeyringBackend
from keyring.errors import PasswordDeleteError

#: The encrypted passwords file in Kith's data folder.
SECRETS_FILE = "kith-passwords.cfg"
#: The owner's choice, as the settings and the dialog name it.
FILE, SESSION = "file", "session"


class WrongPassphrase(ValueError):
    """The passphrase does not open the existing passwords file."""


class SessionKeyring(KeyringBackend):
    """Passwords held in this process's memory only, forgotten when Kith closes."""

    priority = 1  # type: ignore[assignment] - keyring declares this as a class property

    def __init__(self, entries: dict[tuple[str, str], str] | None = None) -> None:
        super().__init__()
        self._entries: dict[tuple[str, str], str] = dict(entries or {})
        self._lock = threading.Lock()

    def get_password(self, service: str, username: str) -> str | None:
        with self._lock:
            return self._entries.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        with self._lock:
            self._entries[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        with self._lock:
            if self._entries.pop((service, username), None) is None:
                raise PasswordDeleteError(username)

    def snapshot(self) -> dict[tuple[str, str], str]:
        with self._lock:
            return dict(self._entries)


@dataclass(slots=True)
class Handoff:
    """What a child process needs to read passwords the way this process does.

    The secrets are excluded from ``repr`` so an error report that prints arguments never
    shows them."""

    kind: str
    path: str = ""
    passphrase: str = field(default="", repr=False)
    entries: dict[tuple[str, str], str] = field(default_factory=dict, repr=False)


_lock = threading.Lock()
_choice: Handoff | None = None


def default_secrets_file() -> Path:
    """The encrypted passwords file in the user's data folder (beside the database)."""
    from platformdirs import user_data_path

    return user_data_path("Kith", appauthor=False, ensure_exists=True) / SECRETS_FILE


def system_keyring_available() -> bool:
    """True when the process keyring can keep secrets (an OS keyring, or a choice made)."""
    from keyring.backends import chainer, fail

    backend = keyring.get_keyring()
    if isinstance(backend, fail.Keyring):
        return False
    if isinstance(backend, chainer.ChainerBackend):
        return bool(backend.backends)
    return True


def choice() -> str:
    """FILE or SESSION when the owner chose a fallback in this session, else ""."""
    with _lock:
        return _choice.kind if _choice else ""


def needs_choice() -> bool:
    """No OS keyring and no fallback chosen yet: ask the owner before storing a password."""
    return not choice() and not system_keyring_available()


def secrets_file_exists(path: Path | None = None) -> bool:
    return (path or default_secrets_file()).exists()


def _cryptfile(path: Path, passphrase: str) -> KeyringBackend:
    from keyrings.cryptfile.cryptfile import CryptFileKeyring

    backend = CryptFileKeyring()
    backend.file_path = str(path)
    existed = path.exists()
    try:
        backend.keyring_key = passphrase  # unlocks (or creates) the file; checks the phrase
    except ValueError:
        raise WrongPassphrase("This passphrase does not open your Kith passwords file. "
                              "Check it and try again.") from None
    if not existed and path.exists():
        os.chmod(path, 0o600)
    return backend


def use_encrypted_file(passphrase: str, path: Path | None = None) -> None:
    """Keep passwords in the encrypted file (created with this passphrase if new).

    Slow on purpose (Argon2): run it off the GUI thread.
    """
    if not passphrase:
        raise ValueError("Choose a passphrase to protect the passwords file.")
    target = path or default_secrets_file()
    backend = _cryptfile(target, passphrase)
    global _choice
    with _lock:
        keyring.set_keyring(backend)
        _choice = Handoff(FILE, str(target), passphrase)


def use_session_only() -> None:
    """Keep passwords in memory until Kith closes."""
    global _choice
    with _lock:
        backend = SessionKeyring()
        keyring.set_keyring(backend)
        _choice = Handoff(SESSION)


def handoff() -> Handoff | None:
    """The current choice for a child process (None: the child uses the OS keyring)."""
    with _lock:
        if _choice is None:
            return None
        if _choice.kind == SESSION:
            backend = keyring.get_keyring()
            entries = backend.snapshot() if isinstance(backend, SessionKeyring) else {}
            return Handoff(SESSION, entries=entries)
        return Handoff(_choice.kind, _choice.path, _choice.passphrase)


def install(choice_: Handoff | None) -> None:
    """In a child process: read passwords from where the parent keeps them."""
    if choice_ is None:
        return
    if choice_.kind == SESSION:
        keyring.set_keyring(SessionKeyring(choice_.entries))
    elif choice_.kind == FILE:
        keyring.set_keyring(_cryptfile(Path(choice_.path), choice_.passphrase))


def forget_choice() -> None:
    """Back to the process default (tests, and "lock" in a later version)."""
    global _choice
    with _lock:
        _choice = None
