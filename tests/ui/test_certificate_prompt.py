"""Adding a CardDAV account on a server with a self-signed certificate: the dialog shows the
certificate's SHA-256 fingerprint and asks whether to trust it for this account; trusting
checks again with the fingerprint pinned, saves it with the source, and the sync reads the
book. Declining adds nothing.

Needs the CardDAV work's TLS fixtures (a real Xandikos over HTTPS): skipped where they are
not part of the build."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

pytest.importorskip("tests.servers.xandikos")
pytest.importorskip("tests.servers.tls_cert")

from core.db.models import SourceAccount  # noqa: E402
from tests.emulators.memory_keyring import MemoryKeyring, memory_keyring  # noqa: E402
from tests.servers.radicale import make_vcard  # noqa: E402
from tests.servers.xandikos import xandikos_tls_server  # noqa: E402, F401
from ui.sync_panel import SyncPanel  # noqa: E402


@pytest.fixture
def keyring_backend() -> MemoryKeyring:
    yield from memory_keyring()


@pytest.fixture
def tls_book(xandikos_tls_server):  # noqa: ANN001, ANN201, F811
    xandikos_tls_server.create_addressbook("family", "Family")
    xandikos_tls_server.put_card("family", "ann", make_vcard(1))
    return xandikos_tls_server


def dialog_for(qtbot, ctx, server):  # noqa: ANN001, ANN201
    panel = SyncPanel(ctx)
    qtbot.addWidget(panel)
    panel.show()
    panel.start(sync_now=False)
    panel.ask_carddav()
    dialog = panel.source_dialog
    dialog.name.setText("Family")
    dialog.url.setText(server.url)
    dialog.user.setText("alice")
    dialog.password.setText("any")
    return panel, dialog


def answer(qtbot, dialog, text: str) -> None:  # noqa: ANN001
    qtbot.waitUntil(lambda: dialog.trust_box is not None and dialog.trust_box.isVisible(),
                    timeout=30_000)
    box = dialog.trust_box
    assert dialog.url.text() and box.text().startswith(
        "This server's certificate is not trusted: fingerprint ")
    next(b for b in box.buttons() if b.text() == text).click()


def test_trusting_the_fingerprint_adds_and_syncs(qtbot, ctx, tls_book, keyring_backend) -> None:  # noqa: ANN001
    panel, dialog = dialog_for(qtbot, ctx, tls_book)
    dialog.check()
    qtbot.waitUntil(lambda: dialog.trust_box is not None, timeout=30_000)
    assert tls_book.tls.fingerprint in dialog.trust_box.text()
    assert "trust it for this account?" in dialog.trust_box.text()
    with qtbot.waitSignal(panel.syncFinished, timeout=90_000) as blocker:
        answer(qtbot, dialog, "Trust it")
    assert blocker.args[1]["added"] == 1
    assert panel.status.text() == "Family: 1 added."
    with ctx.db.session() as session:
        account = session.scalar(select(SourceAccount))
        assert account.settings["trust_fingerprint"].replace(":", "").lower() == \
            tls_book.tls.fingerprint.replace(":", "").lower()


def test_declining_adds_nothing(qtbot, ctx, tls_book, keyring_backend) -> None:  # noqa: ANN001
    panel, dialog = dialog_for(qtbot, ctx, tls_book)
    dialog.check()
    answer(qtbot, dialog, "Don't trust")
    assert dialog.message.text() == "Not added: the server's certificate is not trusted."
    assert dialog.isVisible()
    with ctx.db.session() as session:
        assert session.scalar(select(func.count()).select_from(SourceAccount)) == 0
    dialog.reject()
