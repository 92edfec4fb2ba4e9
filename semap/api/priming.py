"""The most-asked answers, made for new data before they are served.

After another process swaps new data into the embedded store (a rebuild, a coordinator's edit through another
worker), every answer of the previous data version is worthless: the first second of the new one was spent making
each answer of a busy day's mix again, every request waiting behind them (p99 48 times p50 through a rebuild,
issue 23). So the server counts which public answers are asked for (URL and headers, never those of a signed-in
person), and while the store opens the new data in the background (``Store.before_serving``) it asks itself for the
most-asked ones, served from the new data in that context only; they are kept in the response cache under the new
data version, and the new data are served once they are made (or after ``BUDGET_S``).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from dataclasses import dataclass

from starlette.types import ASGIApp, Message, Scope

from semap.api.caching import PRIMING

log = logging.getLogger(__name__)

BUDGET_S = 10.0  # at most this long before new data are served, made or not
PRIVATE_HEADERS = frozenset({b"cookie", b"authorization"})
REPLAYED_HEADERS = frozenset({b"host", b"accept", b"accept-language", b"accept-encoding"})


@dataclass(frozen=True)
class AskedRequest:
    scheme: str
    server: tuple[str, int] | None
    path: str
    query_string: bytes
    headers: tuple[tuple[bytes, bytes], ...]


class AskedAnswers:
    """How often each public answer was asked for, for at most ``capacity`` answers: when full, every count is
    halved and those that reach nought are forgotten (the frequent stay, a sweep of one-off tiles does not).
    Used on the event loop only."""

    def __init__(self, capacity: int = 4096) -> None:
        self.capacity = capacity
        self._counts: dict[str, int] = {}
        self._requests: dict[str, AskedRequest] = {}

    def record(self, name: str, scope: Scope) -> None:
        if PRIMING.get():
            return
        count = self._counts.get(name)
        if count is not None:
            self._counts[name] = count + 1
            return
        headers = scope["headers"]
        if any(key in PRIVATE_HEADERS for key, _ in headers):
            return  # a signed-in person's page is theirs, never made for anyone else
        if len(self._counts) >= self.capacity:
            self._age()
        self._counts[name] = 1
        self._requests[name] = AskedRequest(
            scope["scheme"],
            scope.get("server"),
            scope["path"],
            scope["query_string"],
            tuple((key, value) for key, value in headers if key in REPLAYED_HEADERS),
        )

    def _age(self) -> None:
        for name, count in list(self._counts.items()):
            if count > 1:
                self._counts[name] = count // 2
            else:
                del self._counts[name], self._requests[name]

    def most_asked(self, n: int) -> list[AskedRequest]:
        names = sorted(self._counts, key=self._counts.__getitem__, reverse=True)[:n]
        return [self._requests[name] for name in names]


async def prime(app: ASGIApp, requests: list[AskedRequest], budget_s: float = BUDGET_S) -> int:
    """Ask ``app`` for each of ``requests`` (their answers are kept: ``PRIMING``) within ``budget_s``; how many
    were answered 200."""
    PRIMING.set(True)  # this task's context only
    loop = asyncio.get_running_loop()
    deadline = loop.time() + budget_s
    made = 0
    for asked in requests:
        if loop.time() >= deadline:
            break
        try:
            made += await _ask(app, asked) == 200
        except Exception:  # one answer that fails (a 500 re-raised past the handlers) leaves the others to make
            log.warning("making %s for new data failed", asked.path, exc_info=True)
    return made


async def _ask(app: ASGIApp, asked: AskedRequest) -> int:
    scope: Scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "GET",
        "scheme": asked.scheme,
        "path": asked.path,
        "raw_path": asked.path.encode(),
        "root_path": "",
        "query_string": asked.query_string,
        "headers": list(asked.headers),
        "client": ("127.0.0.1", 0),
        "server": asked.server,
    }
    status = 0

    async def receive() -> Message:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: Message) -> None:
        nonlocal status
        if message["type"] == "http.response.start":
            status = message["status"]

    await app(scope, receive, send)
    return status


def primer(app: ASGIApp, asked: AskedAnswers, most: int, loop: asyncio.AbstractEventLoop) -> Callable[[], None]:
    """The store's ``before_serving`` hook: from the store's thread, the ``most`` most-asked answers made on the
    server's event loop (the new data are served to this context only, which the loop's task inherits)."""

    async def most_asked_made() -> None:
        requests = asked.most_asked(most)  # read on the loop that writes it
        made = await prime(app, requests)
        log.info("made %d of the %d most-asked answers for the new data", made, len(requests))

    def before_serving() -> None:
        asyncio.run_coroutine_threadsafe(most_asked_made(), loop).result(timeout=2 * BUDGET_S)

    return before_serving
