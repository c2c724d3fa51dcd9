"""A tiny real HTTP server on 127.0.0.1 whose answers a test scripts.

Used for behaviour Radicale cannot be made to show (503/429 storms, Digest auth, RFC 6578
truncation with 507): the client under test still speaks real HTTP over a real socket.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass
class Request:
    method: str
    path: str
    headers: dict[str, str]
    body: bytes


@dataclass
class Reply:
    status: int
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)


Script = Callable[[Request], Reply]


@dataclass
class ScriptedServer:
    url: str
    requests: list[Request]


def _handler_class(script: Script, seen: list[Request]) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def _serve(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            request = Request(self.command, self.path, dict(self.headers.items()),
                              self.rfile.read(length) if length else b"")
            seen.append(request)
            reply = script(request)
            self.send_response(reply.status)
            for name, value in reply.headers.items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(reply.body)))
            self.end_headers()
            self.wfile.write(reply.body)

        do_GET = do_PUT = do_DELETE = do_PROPFIND = do_REPORT = do_OPTIONS = _serve

        def log_message(self, format: str, *args: object) -> None:  # noqa: A002
            """Keep test output quiet."""

    return Handler


@contextlib.contextmanager
def run_scripted(script: Script) -> Iterator[ScriptedServer]:
    """Serve ``script`` on a free loopback port until the block exits."""
    seen: list[Request] = []
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler_class(script, seen))
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield ScriptedServer(url=f"http://127.0.0.1:{server.server_address[1]}/", requests=seen)
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
