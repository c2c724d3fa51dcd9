"""Service modules named by the GUI but imported by the worker that first runs one of them.

The services import SQLAlchemy, the models and the engine (most of start-up's time), and the
GUI thread only ever hands their functions to the task runner. So ui/ refers to a service
module through :func:`service`: ``contacts.rows`` is then a :class:`ServiceTask`, a callable
that imports ``app.services.contacts`` when a worker thread calls it. The window paints its
first page before any of that is imported (see app.first_look); a test pins that ui/ does not
import SQLAlchemy.
"""

from __future__ import annotations

import importlib
from typing import Any


class ServiceTask:
    """``module.name``, looked up when called (the module is imported on the calling thread
    the first time; later calls find it in ``sys.modules``)."""

    __slots__ = ("__name__", "_module")

    def __init__(self, module: str, name: str) -> None:
        self._module = module
        self.__name__ = name  # the task runner names tasks after their function

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        function = getattr(importlib.import_module(self._module), self.__name__)
        return function(*args, **kwargs)

    def __repr__(self) -> str:
        return f"<service task {self._module}.{self.__name__}>"


class ServiceModule:
    """A service module not imported yet: each attribute is a :class:`ServiceTask`. Only its
    functions can be reached this way; its types and constants live in light modules (for the
    contact list: app.services.list_query)."""

    __slots__ = ("_name", "_tasks")

    def __init__(self, name: str) -> None:
        self._name = name
        self._tasks: dict[str, ServiceTask] = {}

    def __getattr__(self, attr: str) -> ServiceTask:
        if attr.startswith("__"):
            raise AttributeError(attr)
        task = self._tasks.get(attr)
        if task is None:
            task = self._tasks[attr] = ServiceTask(self._name, attr)
        return task


def service(module: str) -> ServiceModule:
    """``service("app.services.contacts")``: that module's functions, imported when run."""
    return ServiceModule(module)
