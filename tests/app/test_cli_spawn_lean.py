"""The parser processes of a ``kith import`` start without the database stack.

multiprocessing's spawn re-runs the parent's main script in every child; the ``kith`` console
script imports ``app.cli``, so whatever ``app.cli`` imports at module level every parser
process imports too (alembic and SQLAlchemy cost each one ~0.3 CPU-s for nothing).
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from tests.subprocess_python import ROOT

#: Like the ``kith`` console script: ``app.cli`` at module level, ``main()`` only when run.
_SCRIPT = '''
import sys
from app.cli import main

HEAVY = ("alembic", "sqlalchemy", "core.db.migrate")


def heavy_modules(_: object) -> list[str]:
    return [name for name in HEAVY if name in sys.modules]


if __name__ == "__main__":
    from core.sync.providers.vcard.reader import SpawnPool, parse_chunk_packed

    card = "\\r\\n".join(["BEGIN:VCARD", "VERSION:3.0", "FN:Ann Lee", "TEL:+49 151 3018681",
                         "END:VCARD", ""])
    holder = SpawnPool(1)
    try:
        pool = holder.get()
        packed = pool.submit(parse_chunk_packed, [card], [1], [1], "x.vcf", "DE", True).result()
        assert packed, "the parser process parsed nothing"
        print(",".join(pool.submit(heavy_modules, None).result()) or "none")
    finally:
        holder.close()
'''


def test_a_spawned_parser_process_does_not_import_the_database_stack(tmp_path: Path) -> None:
    script = tmp_path / "kith_like.py"
    script.write_text(_SCRIPT, encoding="utf-8")
    result = subprocess.run([sys.executable, str(script)], cwd=ROOT, capture_output=True,
                            text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["none"]
