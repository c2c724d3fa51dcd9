"""The command line in a chosen locale: glibc locales compiled once per session into a
temporary ``LOCPATH`` (the machine need not have them installed), then ``LC_ALL`` for a test."""

from __future__ import annotations

import locale
import shutil
import subprocess
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from app.cli import main

SOURCES = Path("/usr/share/i18n/locales")


@pytest.fixture(scope="session")
def locale_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A directory for compiled locales; skips where glibc's ``localedef`` is missing."""
    if shutil.which("localedef") is None or not (SOURCES / "de_DE").exists():
        pytest.skip("needs glibc's localedef and its locale sources")
    return tmp_path_factory.mktemp("locales")


@pytest.fixture
def time_locale(locale_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[
        Callable[[str], None]]:
    """``use("de_DE")`` makes that the user's locale (``LC_ALL``) for the rest of the test;
    the process's ``LC_TIME`` is put back afterwards."""
    before = locale.setlocale(locale.LC_TIME)

    def use(name: str) -> None:
        target = locale_path / f"{name}.UTF-8"
        if not target.exists():
            subprocess.run(["localedef", "-i", name, "-f", "UTF-8", str(target)], check=True,
                           capture_output=True)
        monkeypatch.setenv("LOCPATH", str(locale_path))
        monkeypatch.setenv("LC_ALL", f"{name}.UTF-8")

    yield use
    locale.setlocale(locale.LC_TIME, before)


@pytest.fixture
def kith(sqlite_migrated_url: str, capsys: pytest.CaptureFixture[str]) -> Callable[
        ..., tuple[int, str, str]]:
    """Run ``kith --database URL ...`` in-process; returns (exit code, stdout, stderr)."""
    def run(*argv: str) -> tuple[int, str, str]:
        code = main(["--database", sqlite_migrated_url, *argv])
        out, err = capsys.readouterr()
        return code, out, err
    return run
