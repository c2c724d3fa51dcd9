"""At 800x600 a long pair in the review list was cut at its end, "↔ Johannq Zimmermann …",
hiding the chance: the one figure "Uncertain first" orders by. The list now elides in the
middle of a line, so each line keeps its end (the chance) in view."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QStyle, QStyleOptionViewItem

from core.ingest.engine import ingest_contacts
from core.match.suggest import refresh_suggestions
from tests.ui.helpers import contact
from tests.ui.test_review import queue
from ui.widgets import chance


def test_a_long_pair_keeps_its_chance_in_view(qtbot, ctx, people) -> None:  # noqa: ANN001
    with ctx.db.session() as session:  # Anna again, under a long double name
        ingest_contacts(session, people["acct:mail"], [contact(
            "anna-long", "Anna", "Müller-Lüdenscheidt-Featherstonehaugh",
            "anna.long@work.example", "", "Acme GmbH")])
        session.flush()
        refresh_suggestions(session)
        session.commit()
    view = queue(qtbot, ctx)
    with qtbot.waitSignal(view.loaded, timeout=5000):
        view.start()
    view.resize(560, 500)  # the pairs list about 180 px wide, as at 800x600
    rows = view.dups.list
    qtbot.waitUntil(lambda: rows.viewport().width() < 200, timeout=5000)
    row = next(r for r, s in enumerate(view.suggestions) if "Featherstonehaugh"
               in s.name_a + s.name_b)
    text = rows.item(row).text()
    figure = chance(view.suggestions[row].probability, short=True)
    # The second line, as the style paints it into the row's width with the list's mode.
    option = QStyleOptionViewItem()
    option.initFrom(rows)
    option.rect = rows.visualItemRect(rows.item(row))
    option.text = text
    option.features |= QStyleOptionViewItem.ViewItemFeature.HasDisplay
    room = rows.style().subElementRect(QStyle.SubElement.SE_ItemViewItemText, option,
                                       rows).width() - 8
    line = text.split("\n")[1]
    assert rows.fontMetrics().horizontalAdvance(line) > room  # too long: it is cut
    shown = rows.fontMetrics().elidedText(line, rows.textElideMode(), room)
    assert "…" in shown and shown.endswith(figure), shown
    assert rows.textElideMode() != Qt.TextElideMode.ElideRight
