"""Whether anyone but us committed to a SQLite database while we worked on it.

``feature_tail`` keeps a copy of what a big import wrote, batch by batch; the copy is only
as good as the assumption that nothing else changed the book meanwhile (the app's own
window, another ``kith`` command). SQLite's ``PRAGMA data_version`` answers exactly that for
one connection: its value changes when another connection commits, never for the
connection's own commits. ``OtherWriters`` looks on every connection the work uses; a
connection it first meets after the start could have missed a commit, so it counts as a
change too (safe: the copy is then simply not used). PostgreSQL, shared by design, always
counts as changed.
"""

from __future__ import annotations

from sqlalchemy.orm import Session


class OtherWriters:
    """Call ``look`` at the start and at every point the work must be sure of; ``seen``
    says whether anyone else committed since the first look."""

    def __init__(self) -> None:
        #: data_version by driver connection (held: an id could be reused by a new one).
        self._versions: dict[object, int] = {}
        self.seen = False

    def look(self, session: Session) -> None:
        connection = session.connection()
        if connection.dialect.name != "sqlite":
            self.seen = True
            return
        driver = connection.connection.dbapi_connection
        version = connection.exec_driver_sql("PRAGMA data_version").scalar()
        known = self._versions.get(driver)
        if (known is None and self._versions) or (known is not None and known != version):
            self.seen = True
        self._versions[driver] = version
