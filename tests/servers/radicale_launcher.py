"""Run Radicale from a config file, optionally with its internal fsync switched off.

``python -m radicale`` refuses options starting with "_" in config files, and fsyncing every
cache file makes the first listing of 10,000 cards take minutes. This launcher applies the
internal ``[storage] _filesystem_fsync`` option the way Radicale's own tests do, then serves
exactly like ``radicale.__main__`` (SIGTERM/SIGINT shut it down cleanly).

It also picks the port race-free: Radicale's config refuses port 0, so the launcher binds
whatever host the config names to port 0 (the kernel picks a free port, so no race with
other test servers) and, once the socket listens, writes ``host port`` to PORT_FILE, which
the fixture waits for.

Usage: ``python -P radicale_launcher.py CONFIG_FILE FSYNC(0|1) PORT_FILE`` (``-P`` so this
folder, which holds ``radicale.py``, does not shadow the real package).
"""

from __future__ import annotations

import os
import signal
import socket
import socketserver
import sys

from radicale import config, log, server


def _bind_free_port_and_report(port_file: str) -> None:
    """Bind to port 0 and write the bound address atomically once the socket listens."""
    original_bind = socketserver.TCPServer.server_bind
    original = socketserver.TCPServer.server_activate

    def server_bind(self: socketserver.TCPServer) -> None:
        self.server_address = (self.server_address[0], 0, *self.server_address[2:])
        original_bind(self)

    def server_activate(self: socketserver.TCPServer) -> None:
        original(self)
        host, port = self.server_address[:2]
        temporary = port_file + ".tmp"
        with open(temporary, "w", encoding="utf-8") as handle:
            handle.write(f"{host} {port}\n")
        os.replace(temporary, port_file)

    socketserver.TCPServer.server_bind = server_bind  # type: ignore[method-assign]
    socketserver.TCPServer.server_activate = server_activate  # type: ignore[method-assign]


def main(argv: list[str]) -> None:
    config_path, fsync, port_file = argv[1], argv[2] == "1", argv[3]
    _bind_free_port_and_report(port_file)
    log.setup()
    configuration = config.load([(config_path, False)])
    configuration.update({"storage": {"_filesystem_fsync": str(fsync)}}, "test launcher",
                         privileged=True)
    log.set_level(configuration.get("logging", "level"),
                  configuration.get("logging", "backtrace_on_debug"))
    shutdown, shutdown_out = socket.socketpair()

    def stop(signal_number: int, frame: object) -> None:
        shutdown.close()

    for signal_number in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signal_number, stop)
    server.serve(configuration, shutdown_out)


if __name__ == "__main__":
    main(sys.argv)
