"""Tables and lists that read without sideways scrolling (ui.columns): every column in view,
the room shared by content, a value cut short shown whole in its tooltip."""

from __future__ import annotations

from PySide6.QtWidgets import QListWidget, QVBoxLayout, QWidget

from tests.ui.layout_check import check_cells, check_sideways, find_clipped, tooltip_of
from ui.columns import fit_columns, fit_list, share
from ui.widgets import item, plain_table

LONG = "Katherine Müller-Lüdenscheidt von Hohenzollern-Sigmaringen"


def test_share_gives_the_rest_to_the_stretch_column() -> None:
    assert share(300, {0: 50, 1: 100, 2: 60}, {0: 40, 1: 40, 2: 40}, 1) == \
        {0: 50, 1: 190, 2: 60}


def test_share_narrows_the_widest_columns_first_never_below_their_titles() -> None:
    widths = share(300, {0: 50, 1: 400, 2: 200}, {0: 40, 1: 45, 2: 60}, 1)
    assert sum(widths.values()) == 300
    assert widths[0] == 50  # narrow enough already: untouched
    assert widths[1] == widths[2] == 125
    # Too narrow for the titles: each column keeps its title's width.
    assert share(100, {0: 50, 1: 400}, {0: 40, 1: 90}, 1) == {0: 40, 1: 90}


def shown(qtbot, widget: QWidget, width: int = 320) -> QWidget:  # noqa: ANN001
    box = QWidget()
    QVBoxLayout(box).addWidget(widget)
    qtbot.addWidget(box)
    box.resize(width, 240)
    box.show()
    qtbot.waitExposed(box)
    return box


def filled_table() -> object:
    table = plain_table(["Type", "Value", "Owner"])
    table.setRowCount(2)
    for r, (kind, value, owner) in enumerate((("Email", "info@" + "x" * 60 + ".example",
                                              "Anna"), ("Phone", "+49 30 2297980", LONG))):
        for c, text in enumerate((kind, value, owner)):
            table.setItem(r, c, item(text))
    return table


def test_a_table_too_wide_scrolls_sideways_and_the_checker_says_so(qtbot) -> None:  # noqa: ANN001
    table = filled_table()
    table.resizeColumnsToContents()  # what the views did before
    box = shown(qtbot, table)  # noqa: F841 - keeps the table alive
    found = check_sideways(table)
    assert found and "Owner" in found[0].text


def test_fitted_columns_stay_in_view_and_cut_values_show_whole_in_a_tooltip(
        qtbot) -> None:  # noqa: ANN001
    table = filled_table()
    box = shown(qtbot, table)
    fit_columns(table, stretch=1)
    qtbot.waitUntil(lambda: table.horizontalScrollBar().maximum() == 0)  # laid out later
    assert check_sideways(table) == []
    header = table.horizontalHeader()
    assert header.length() == table.viewport().width()
    assert header.sectionSize(0) >= header.sectionSizeFromContents(0).width()  # "Email"
    owner = table.model().index(1, 2)
    assert tooltip_of(table, owner) == LONG  # elided, so the tooltip shows it whole
    assert tooltip_of(table, table.model().index(0, 0)) == ""  # fits: no tooltip
    assert find_clipped(box) == []
    # Wider window: the columns follow, the stretch column takes the room.
    box.resize(1400, 240)
    qtbot.waitUntil(lambda: header.length() == table.viewport().width())
    assert header.sectionSize(2) >= table.sizeHintForColumn(2)
    assert tooltip_of(table, owner) == ""


def test_a_cut_value_without_a_tooltip_is_found(qtbot) -> None:  # noqa: ANN001
    from PySide6.QtWidgets import QStyledItemDelegate

    table = filled_table()
    box = shown(qtbot, table)  # noqa: F841 - keeps the table alive
    fit_columns(table, stretch=1)
    table.setItemDelegate(QStyledItemDelegate(table))  # Qt's own: no tooltip when elided
    assert LONG in [c.text for c in check_cells(table)]


def test_a_list_elides_long_rows_instead_of_scrolling_sideways(qtbot) -> None:  # noqa: ANN001
    rows = QListWidget()
    rows.addItems(["Anna", LONG])
    box = shown(qtbot, rows, 200)
    assert check_sideways(rows) and check_cells(rows)  # Qt's default: cut off to the right
    fit_list(rows)
    qtbot.waitUntil(lambda: rows.horizontalScrollBar().maximum() == 0)
    assert check_sideways(rows) == []
    assert tooltip_of(rows, rows.model().index(1, 0)) == LONG
    assert find_clipped(box) == []


def test_share_narrows_a_kept_column_last() -> None:
    """The Emails & phones list cut the phone number itself ("+49 30 22…") at 800x600 to
    keep the owner's name: a kept column stays whole while the others can give."""
    natural, titles = {0: 44, 1: 134, 2: 64, 3: 109}, {0: 36, 1: 42, 2: 64, 3: 48}
    assert share(285, natural, titles, 3)[1] < 134  # without: the number is cut
    widths = share(285, natural, titles, 3, keep=(1,))
    assert widths[1] == 134 and sum(widths.values()) == 285
    assert widths[3] >= titles[3] and widths[2] == 64
    # When even that cannot fit, the kept column is narrowed like the others.
    assert sum(share(200, natural, titles, 3, keep=(1,)).values()) == 200


def test_a_kept_column_too_wide_for_the_room_still_goes_last() -> None:
    """One long email made the Value column "too wide to keep", and then it was narrowed
    like the others: every phone number in it read "+49 150 474…" at 800x600 beside a
    whole owner's name. The others now give down to their titles first."""
    natural, titles = {1: 210, 2: 64, 3: 109}, {1: 42, 2: 64, 3: 48}
    widths = share(270, natural, titles, 3, keep=(1,))
    assert widths == {1: 270 - 64 - 48, 2: 64, 3: 48}
    assert widths[1] > 134  # a phone number's width: whole
    # Narrower than every title: the titles are all there is.
    assert share(150, natural, titles, 3, keep=(1,)) == titles


def test_a_kept_column_shows_whole_in_a_narrow_table(qtbot) -> None:  # noqa: ANN001
    table = plain_table(["Type", "Value", "Owner"])
    table.setRowCount(1)
    for c, text in enumerate(("Phone", "+49 30 2297980", LONG)):
        table.setItem(0, c, item(text))
    box = shown(qtbot, table, 260)  # noqa: F841 - keeps the table alive
    fit_columns(table, stretch=2, keep=(1,))
    value = table.model().index(0, 1)
    qtbot.waitUntil(lambda: table.horizontalHeader().length() == table.viewport().width())
    assert table.columnWidth(1) >= table.sizeHintForColumn(1)
    assert tooltip_of(table, value) == ""  # whole, so no tooltip
    assert tooltip_of(table, table.model().index(0, 2)) == LONG  # the name elides instead


def test_an_optional_column_hides_while_the_others_do_not_fit(qtbot) -> None:  # noqa: ANN001
    """The lists' Type column ("Phone") was cut to "Ph…" once the number was kept whole:
    an optional column is hidden while the table is too narrow, shown again when it is
    wide enough."""
    table = plain_table(["Type", "Value", "Owner"])
    table.setRowCount(1)
    for c, text in enumerate(("Phone", "+49 30 2297980", "Katherine Müller")):
        table.setItem(0, c, item(text))
    box = shown(qtbot, table, 220)
    fit_columns(table, stretch=2, keep=(1,), optional=(0,))
    header = table.horizontalHeader()
    qtbot.waitUntil(lambda: header.isSectionHidden(0))
    qtbot.waitUntil(lambda: table.horizontalScrollBar().maximum() == 0)  # laid out later
    assert table.columnWidth(1) >= table.sizeHintForColumn(1)
    assert check_sideways(table) == []
    box.resize(900, 240)
    qtbot.waitUntil(lambda: not header.isSectionHidden(0))
    assert tooltip_of(table, table.model().index(0, 0)) == ""  # "Phone" whole
