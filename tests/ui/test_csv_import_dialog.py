"""The CSV import dialog: preview, a field per column prefilled from the detected format,
the mapping remembered per file, the import itself; offscreen Qt, a real SQLite file."""

from __future__ import annotations

import shutil
from pathlib import Path

from PySide6.QtWidgets import QMessageBox
from sqlalchemy import select

from app.services.csv_import import preview
from core.db.models import Party
from core.tasks import TaskState
from ui.csv_import_dialog import CsvImportDialog, import_csv_interactively

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "csv"


def copy(tmp_path: Path, name: str) -> Path:
    target = tmp_path / name
    shutil.copyfile(FIXTURES / name, target)
    return target


def dialog_for(qtbot, db, path: Path) -> CsvImportDialog:  # noqa: ANN001
    dialog = CsvImportDialog(preview(db, str(path), state=TaskState()))
    qtbot.addWidget(dialog)
    dialog.show()
    return dialog


def row_of(dialog: CsvImportDialog, column: str) -> int:
    return dialog.preview.headers.index(column)


def test_fields_are_prefilled_from_the_detected_format(qtbot, db, tmp_path) -> None:
    dialog = dialog_for(qtbot, db, copy(tmp_path, "google_contacts.csv"))
    assert "Google Contacts CSV" in dialog.findChild(type(dialog.hint), "csvIntro").text()
    assert dialog.combos[row_of(dialog, "First Name")].currentText() == "First name"
    assert dialog.combos[row_of(dialog, "E-mail 1 - Value")].currentText() == "Email 1"
    assert dialog.combos[row_of(dialog, "E-mail 1 - Label")].currentText() == "Email 1 label"
    assert dialog.combos[row_of(dialog, "Relation 1 - Value")].currentText() == "Don't import"
    # examples come from the first rows, and the rows are previewed as read
    assert "ada@example.com" in dialog.columns.item(row_of(dialog, "E-mail 1 - Value"), 1).text()
    assert dialog.rows.rowCount() == 5
    assert dialog.rows.item(0, row_of(dialog, "First Name")).text() == "Ada"
    assert dialog.import_button.isEnabled() and not dialog.hint.isVisible()


def test_empty_columns_hide_until_asked_for(qtbot, db, tmp_path) -> None:
    dialog = dialog_for(qtbot, db, copy(tmp_path, "outlook_en_utf16.csv"))
    radio = row_of(dialog, "Radio Phone")  # mapped, but empty in every row
    gov = row_of(dialog, "Government ID Number")  # not mapped, empty
    assert dialog.columns.isRowHidden(gov) and not dialog.columns.isRowHidden(radio)
    dialog.show_empty.setChecked(True)
    assert not dialog.columns.isRowHidden(gov)


def test_import_needs_a_column_that_names_someone(qtbot, db, tmp_path) -> None:
    dialog = dialog_for(qtbot, db, copy(tmp_path, "members_tab.csv"))
    # a generic CSV: "Mail" and "Mobil" say what they hold, "Member" does not
    assert dialog.combos[row_of(dialog, "Mail")].currentText() == "Email"
    assert dialog.combos[row_of(dialog, "Mobil")].currentText() == "Mobile phone"
    assert dialog.combos[row_of(dialog, "Member")].currentText() == "Don't import"
    assert dialog.import_button.isEnabled()
    dialog.set_field("Mail", "skip")
    assert dialog.import_button.isEnabled()
    dialog.set_field("Mobil", "skip")
    assert not dialog.import_button.isEnabled() and dialog.hint.isVisible()
    dialog.set_field("Member", "name.full")
    assert dialog.import_button.isEnabled() and not dialog.hint.isVisible()
    assert dialog.rows.horizontalHeaderItem(0).text() == "Member\n(Full name)"
    assert dialog.mapping()["Member"] == "name.full"
    assert dialog.mapping()["Mail"] == "skip"


def test_the_whole_flow_imports_and_remembers_the_mapping(qtbot, ctx, db, tmp_path) -> None:
    path = copy(tmp_path, "members_tab.csv")
    flow = import_csv_interactively(None, str(path), ctx)
    with qtbot.waitSignal(flow.dialogShown, timeout=10_000) as shown:
        pass
    dialog: CsvImportDialog = shown.args[0]  # the flow deletes it when it ends
    assert not dialog.preview.remembered
    dialog.set_field("Member", "name.full")
    dialog.set_field("Mail", "email:work")
    dialog.set_field("Mobil", "phone:mobile")
    with qtbot.waitSignal(flow.finished, timeout=20_000) as done:
        dialog.import_button.click()
    summary = done.args[0]
    assert (summary.added, summary.skipped) == (2, 0)
    assert summary.unmapped == ["Club role", "Joined"]
    assert "2 added" in flow.message.text()
    assert flow.message.icon() == QMessageBox.Icon.Information
    flow.message.accept()
    with db.session() as s:
        assert sorted(s.scalars(select(Party.display_name))) == ["Barbara Liskov",
                                                                 "Frances Allen"]
    again = import_csv_interactively(None, str(path), ctx)
    with qtbot.waitSignal(again.dialogShown, timeout=10_000) as shown:
        pass
    second: CsvImportDialog = shown.args[0]
    assert second.preview.remembered
    assert second.combos[0].currentText() == "Full name"
    assert second.combos[1].currentText() == "Work email"
    assert second.import_button.isEnabled()
    second.reject()
    from shiboken6 import isValid

    qtbot.waitUntil(lambda: not isValid(second) and not isValid(dialog), timeout=5000)


def test_a_file_that_is_not_csv_says_why(qtbot, ctx, tmp_path) -> None:
    path = tmp_path / "empty.csv"
    path.write_text("", encoding="utf-8")
    flow = import_csv_interactively(None, str(path), ctx)
    with qtbot.waitSignal(flow.finished, timeout=10_000):
        pass
    assert "empty.csv: the file is empty" in flow.message.text()
    flow.message.accept()


def test_the_dialog_fits_800_by_600(qtbot, db, tmp_path) -> None:
    dialog = dialog_for(qtbot, db, copy(tmp_path, "outlook_de_cp1252.csv"))
    hint = dialog.minimumSizeHint()
    assert hint.width() <= 800 and hint.height() <= 600
    assert dialog.width() <= 800 and dialog.height() <= 600


def test_the_vcard_file_picker_sends_a_csv_file_to_this_dialog(qtbot, ctx, tmp_path,
                                                               monkeypatch) -> None:
    from PySide6.QtWidgets import QApplication

    from ui import source_dialogs
    from ui.sync_panel import SyncPanel

    path = copy(tmp_path, "linkedin_connections.csv")
    monkeypatch.setattr(source_dialogs, "pick_vcard_path", lambda *args: str(path))
    panel = SyncPanel(ctx)
    qtbot.addWidget(panel)
    panel.ask_vcard(folder=False)

    def shown() -> list[CsvImportDialog]:
        return [w for w in QApplication.topLevelWidgets()
                if isinstance(w, CsvImportDialog) and w.isVisible()]

    qtbot.waitUntil(lambda: bool(shown()), timeout=10_000)
    dialog = shown()[0]
    assert dialog.preview.format_title == "LinkedIn Connections CSV"
    dialog.reject()


def test_keep_up_to_date_makes_the_file_a_source(qtbot, ctx, db, tmp_path) -> None:
    from app.services.sources import sources

    path = copy(tmp_path, "yahoo_contacts.csv")
    flow = import_csv_interactively(None, str(path), ctx)
    with qtbot.waitSignal(flow.dialogShown, timeout=10_000) as shown:
        pass
    dialog: CsvImportDialog = shown.args[0]  # the flow deletes it when it ends
    assert not dialog.as_source.isChecked()  # a one-shot import unless asked
    dialog.as_source.setChecked(True)
    with qtbot.waitSignal(flow.finished, timeout=20_000) as done:
        dialog.import_button.click()
    assert done.args[0].added == 2
    flow.message.accept()
    listed = sources(db, state=TaskState())
    assert [(s.provider, s.settings.get("path")) for s in listed] == [
        ("csv", str(path.resolve()))]
