"""Each side of a suggested pair lists its emails and numbers as the card and the list show
them: as the source wrote them ("+49 151 97219311"), not reformatted from the stored key
("+49 1519 7219311", another grouping of the same number in the next pane over)."""

from __future__ import annotations

from pathlib import Path

from app.services.review import suggestion_detail, suggestions
from core.db.engine import open_database
from core.ingest.engine import ingest_contacts
from core.match.suggest import refresh_suggestions
from core.views.party import party_detail
from tests.match.builders import account, person


def test_the_sides_show_numbers_as_written(tmp_path: Path) -> None:
    db = open_database(f"sqlite:///{tmp_path / 'kith.sqlite'}")
    try:
        with db.session() as session:
            for book, ext, phone, email in (("a", "1", "+49 151 97219311", "kai@example.org"),
                                            ("b", "2", "0170 1234567", "kai.o@example.net")):
                ingest_contacts(session, account(session, book), [
                    person(ext, "Kai", "Okonkwo", phones=(phone,), emails=(email,),
                           birthday=(1980, 3, 1), city="Berlin")])
            refresh_suggestions(session)
            session.commit()
        (pair,) = suggestions(db, state=None)
        detail = suggestion_detail(db, pair, state=None)
        with db.session() as session:
            card = {p: [h.shown or h.display_value or h.value
                        for h in party_detail(session, p).handles]
                    for p in (pair.party_a_id, pair.party_b_id)}
        sides = {pair.party_a_id: detail.left_lines, pair.party_b_id: detail.right_lines}
        for party, lines in sides.items():
            assert card[party] and all(value in lines for value in card[party]), (lines, card)
        written = next(lines for lines in sides.values() if "kai@example.org" in lines)
        assert "+49 151 97219311" in written and "+49 1519 7219311" not in written
    finally:
        db.dispose()
