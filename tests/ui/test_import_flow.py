"""File > Import… routes by type through ui.import_flow (vCard through the real import, CSV to
the CSV importer when there is one, anything else refused with a reason); File > Export all…
writes every contact to a vCard file on a worker."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtWidgets import QFileDialog

from core.sync.providers.vcard import parse_text
from tests.ui.helpers import write_vcards
from ui import import_flow


def test_a_vcard_file_is_imported_and_becomes_a_source(qtbot, window, tmp_path) -> None:  # noqa: ANN001
    path = write_vcards(tmp_path / "phone backup.vcf", 3, prefix="imp")
    assert import_flow.import_file(window, str(path)) == "vcard"
    model = window.contact_list.model
    qtbot.waitUntil(lambda: model.rowCount() == 6 + 3, timeout=20_000)
    qtbot.waitUntil(lambda: any(s.label.endswith("phone backup.vcf")
                                for s in window.sync_panel.rows), timeout=5000)
    assert window.ctx.settings.get(import_flow.cfg.LAST_IMPORT_DIR) == str(tmp_path)


def test_csv_opens_the_csv_import_dialog(qtbot, window, tmp_path, monkeypatch) -> None:  # noqa: ANN001
    path = tmp_path / "people.csv"
    path.write_text("Name,Email\nAda,ada@example.com\n", encoding="utf-8")
    flows: list = []
    real = import_flow.csv_importer
    monkeypatch.setattr(import_flow, "csv_importer",
                        lambda parent, p: flows.append(real(parent, p)))
    assert import_flow.import_file(window, str(path)) == "csv"
    with qtbot.waitSignal(flows[0].dialogShown, timeout=10_000) as shown:
        pass
    dialog = shown.args[0]
    assert dialog.isVisible() and dialog.import_button.isEnabled()  # Name and Email mapped
    dialog.reject()


@pytest.mark.parametrize("name", ["notes.txt", "missing.vcf"])
def test_other_files_are_refused_with_a_reason(window, tmp_path, name) -> None:  # noqa: ANN001
    path = tmp_path / name
    if name != "missing.vcf":
        path.write_text("hello", encoding="utf-8")
    assert import_flow.import_file(window, str(path)) == "refused"
    assert window.task_label.text().startswith(f"Cannot import {name}")


def test_the_import_dialog_offers_vcard_and_csv(window, tmp_path, monkeypatch) -> None:  # noqa: ANN001
    asked: list[str] = []

    def fake_open(parent, title, start, filters):  # noqa: ANN001, ANN202
        asked.append(filters)
        return "", ""

    monkeypatch.setattr(QFileDialog, "getOpenFileName", staticmethod(fake_open))
    window.commands.import_.trigger()
    assert asked and "*.vcf" in asked[0] and "*.vcard" in asked[0] and "*.csv" in asked[0]


def test_export_all_writes_every_contact(qtbot, window, tmp_path, monkeypatch) -> None:  # noqa: ANN001
    target = tmp_path / "out"
    monkeypatch.setattr(QFileDialog, "getSaveFileName",
                        staticmethod(lambda *a: (str(target), "")))
    window.commands.export.trigger()
    written = Path(str(target) + ".vcf")
    qtbot.waitUntil(lambda: "Exported" in window.task_label.text(), timeout=10_000)
    cards, problems = parse_text(written.read_text(encoding="utf-8"))
    assert problems == []
    names = sorted(c.name.full for c in cards)
    assert "Anna Müller" in names and "Chloé Dubois" in names
    assert window.task_label.text() == f"Exported {len(cards)} contacts to out.vcf."
    assert not list(tmp_path.glob(".*partial"))


def test_export_failure_is_said(qtbot, window, tmp_path) -> None:  # noqa: ANN001
    import_flow.export_to(window, str(tmp_path / "no such folder" / "x.vcf"))
    qtbot.waitUntil(lambda: "failed" in window.task_label.text(), timeout=10_000)
    assert window.task_label.text().startswith("Export to x.vcf failed:")


def test_the_first_run_button_imports_vcard_or_csv(qtbot, window, tmp_path,  # noqa: ANN001
                                                   monkeypatch) -> None:
    """The first-run page's import button goes through the same import as File > Import…,
    which takes a CSV file too: it says so."""
    path = tmp_path / "people.csv"
    path.write_text("Name,Email\nAda,ada@example.com\n", encoding="utf-8")
    asked: list[str] = []

    def pick(_parent, _title, _start, file_filter):  # noqa: ANN001, ANN202
        asked.append(file_filter)
        return str(path), ""

    routed: list[str] = []
    monkeypatch.setattr(QFileDialog, "getOpenFileName", staticmethod(pick))
    monkeypatch.setattr(import_flow, "csv_importer", lambda _w, p: routed.append(p))
    button = window.empty.buttons["vcard"]
    assert button.text() == "Import a vCard or CSV file…"
    button.click()
    assert asked and "*.csv" in asked[0] and "*.vcf" in asked[0]
    assert routed == [str(path)]
