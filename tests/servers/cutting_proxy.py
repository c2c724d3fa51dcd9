"""A loopback TCP proxy that can cut the server's answer off mid-way (a broken connection).

Sits in front of a real server (Radicale, Xandikos): bytes flow unchanged both ways until
``cut_after(n)`` is called; from then on each connection is closed after it has carried
``n`` more bytes from the server, as when a connection breaks in the middle of an answer.
"""

from __future__ import annotations

import contextlib
import socket
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from urllib.parse import urlsplit


@dataclass
class CuttingProxy:
    url: str
    limit: int | None = None
    epoch: int = 0
    cuts: int = 0
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def cut_after(self, limit: int | None) -> None:
        """Cut every connection after ``limit`` more server bytes (None: never)."""
        with self._lock:
            self.limit = limit
            self.epoch += 1


def _pipe_up(client: socket.socket, upstream: socket.socket) -> None:
    try:
        while data := client.recv(65536):
            upstream.sendall(data)
    except OSError:
        pass
    finally:
        with contextlib.suppress(OSError):
            upstream.shutdown(socket.SHUT_WR)


def _pipe_down(proxy: CuttingProxy, upstream: socket.socket, client: socket.socket) -> None:
    epoch, sent = -1, 0
    try:
        while data := upstream.recv(65536):
            with proxy._lock:
                limit, current = proxy.limit, proxy.epoch
            if current != epoch:
                epoch, sent = current, 0
            if limit is not None and sent + len(data) > limit:
                client.sendall(data[:max(0, limit - sent)])
                proxy.cuts += 1
                break
            client.sendall(data)
            sent += len(data)
    except OSError:
        pass
    finally:
        for sock in (client, upstream):
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)
            sock.close()


@contextlib.contextmanager
def run_cutting_proxy(target_url: str) -> Iterator[CuttingProxy]:
    """Proxy 127.0.0.1:<free port> -> the host and port of ``target_url`` (same path)."""
    target = urlsplit(target_url)
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.bind(("127.0.0.1", 0))
    listener.listen(16)
    port = listener.getsockname()[1]
    proxy = CuttingProxy(f"{target.scheme}://127.0.0.1:{port}/")
    stopping = threading.Event()

    def serve() -> None:
        while not stopping.is_set():
            try:
                client, _ = listener.accept()
            except OSError:
                return
            upstream = socket.create_connection((target.hostname, target.port), timeout=30)
            threading.Thread(target=_pipe_up, args=(client, upstream), daemon=True).start()
            threading.Thread(target=_pipe_down, args=(proxy, upstream, client),
                             daemon=True).start()

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    try:
        yield proxy
    finally:
        stopping.set()
        listener.close()
        thread.join(timeout=5)
