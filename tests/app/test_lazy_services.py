"""A service named through app.services.lazy is imported by the thread that first runs it."""

from __future__ import annotations

from app.services.lazy import service
from tests.subprocess_python import run_python


def test_a_service_task_imports_its_module_when_called() -> None:
    code = (
        "import sys, threading\n"
        "from app.services.lazy import service\n"
        "task = service('app.services.contacts').first_page\n"
        "print('app.services.contacts' in sys.modules, task.__name__)\n"
        "def run():\n"
        "    try:\n"
        "        task(None, None, state=None)  # no database: fails after the import\n"
        "    except AttributeError:\n"
        "        pass\n"
        "worker = threading.Thread(target=run)\n"
        "worker.start()\n"
        "worker.join()\n"
        "print('app.services.contacts' in sys.modules)\n"
    )
    assert run_python(code).split() == ["False", "first_page", "True"]


def test_calls_reach_the_current_function(monkeypatch) -> None:  # noqa: ANN001
    import app.services.review as review_module

    tasks = service("app.services.review")
    monkeypatch.setattr(review_module, "decisions", lambda db, *, state: ("patched", db))
    assert tasks.decisions("db", state=None) == ("patched", "db")
    assert tasks.decisions is tasks.decisions  # one task object per name
