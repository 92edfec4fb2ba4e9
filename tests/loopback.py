"""Real servers on loopback for tests that talk to the outside: an HTTP server (geocoders, juso.go.kr downloads) and
a TCP forwarder that starts late (a database that does not accept connections yet)."""

from __future__ import annotations

import http.server
import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from typing import Any


@contextmanager
def serving(handler: Any) -> Iterator[str]:
    """Serve ``handler`` (a BaseHTTPRequestHandler class or factory) on 127.0.0.1; yields the base URL."""
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


@contextmanager
def late_forwarder(target: tuple[str, int], opens: threading.Event) -> Iterator[int]:
    """A port on 127.0.0.1 where nothing listens (connections are refused) until ``opens`` is set; from then on every
    connection is forwarded to ``target``: a database that is still starting, as docker compose can meet it. The test
    sets ``opens`` once it has seen a refusal, whatever the machine's speed. Yields the port."""
    port = _free_port()
    stop = threading.Event()

    def serve() -> None:
        while not opens.wait(0.1):
            if stop.is_set():
                return
        with socket.create_server(("127.0.0.1", port)) as listener:
            listener.settimeout(0.2)
            while not stop.is_set():
                try:
                    client, _ = listener.accept()
                except TimeoutError:
                    continue
                upstream = socket.create_connection(target)
                for source, sink in ((client, upstream), (upstream, client)):
                    threading.Thread(target=_pipe, args=(source, sink), daemon=True).start()

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    try:
        yield port
    finally:
        stop.set()
        thread.join(timeout=5)


def _pipe(source: socket.socket, sink: socket.socket) -> None:
    with suppress(OSError):
        while data := source.recv(65536):
            sink.sendall(data)
    with suppress(OSError):
        sink.shutdown(socket.SHUT_WR)  # the other direction finishes on its own


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]
