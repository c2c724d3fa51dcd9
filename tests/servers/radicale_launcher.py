"""Run Radicale from a config file, optionally with its internal fsync switched off.

``python -m radicale`` refuses options starting with "_" in config files, and fsyncing every
cache file makes the first listing of 10,000 cards take minutes. This launcher applies the
internal ``[storage] _filesystem_fsync`` option the way Radicale's own tests do, then serves
exactly like ``radicale.__main__`` (SIGTERM/SIGINT shut it down cleanly).

Usage: ``python -P radicale_launcher.py CONFIG_FILE FSYNC(0|1)`` (``-P`` so this folder, which
holds ``radicale.py``, does not shadow the real package).
"""

from __future__ import annotations

import signal
import socket
import sys

from radicale import config, log, server


def main(argv: list[str]) -> None:
    config_path, fsync = argv[1], argv[2] == "1"
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
