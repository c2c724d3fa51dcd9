"""Run ``xandikos serve`` on a port the kernel picks, and report it.

Xandikos takes ``--port`` and has no "0 means any free port" that reports back, so a fixed
or guessed port would race with other test servers on a shared machine. This launcher binds
aiohttp's site to port 0 and, once it listens, writes ``host port`` to PORT_FILE (atomically)
for the fixture to read. Everything else is ``xandikos serve ARGS`` unchanged.

Usage: ``python -P xandikos_launcher.py PORT_FILE XANDIKOS_SERVE_ARGS...``
"""

from __future__ import annotations

import asyncio
import os
import sys

from aiohttp import web


def _report_port(port_file: str) -> None:
    original = web.TCPSite

    class ReportingSite(original):  # type: ignore[misc, valid-type]
        def __init__(self, runner, host=None, port=None, **kwargs) -> None:  # noqa: ANN001
            super().__init__(runner, host, 0, **kwargs)

        async def start(self) -> None:
            await super().start()
            server = self._server
            assert server is not None
            host, port = server.sockets[0].getsockname()[:2]
            temporary = port_file + ".tmp"
            with open(temporary, "w", encoding="utf-8") as handle:
                handle.write(f"{host} {port}\n")
            os.replace(temporary, port_file)

    web.TCPSite = ReportingSite  # type: ignore[misc]


def main(argv: list[str]) -> int:
    port_file, args = argv[1], argv[2:]
    _report_port(port_file)
    from xandikos.__main__ import main as xandikos_main

    return asyncio.run(xandikos_main(["serve", *args])) or 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
