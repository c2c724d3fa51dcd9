"""What every view needs: the open database, the task runner and the settings.

Views call :meth:`AppContext.read` / :meth:`AppContext.write` with a service function; the
context passes the database in, so ui/ never holds a session or imports SQLAlchemy.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from app.settings import Settings
from app.tasks import TaskHandle, TaskRunner

if TYPE_CHECKING:  # the engine imports SQLAlchemy: not on the GUI's start-up path
    from core.db.engine import Database


@dataclass(slots=True)
class AppContext:
    runner: TaskRunner
    settings: Settings
    db: Database | None = None

    def read(self, fn: Callable[..., Any], *args: Any, **options: Any) -> TaskHandle:
        """Run a read service ``fn(db, *args, state=...)`` beside other reads."""
        return self.runner.submit(fn, self.db, *args, **options)

    def write(self, fn: Callable[..., Any], *args: Any, changes: Iterable[str] = (),
              **options: Any) -> TaskHandle:
        """Run a write service on the single writer thread; announce ``changes`` after."""
        return self.runner.submit(fn, self.db, *args, write=True, changes=changes, **options)
