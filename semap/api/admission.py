"""How much work the store takes at once: a bounded queue in front of it.

Every answer computed from the store (what ``versioned`` renders: lists, tiles, exports, statistics, pages, and the
print) runs in one of ``slots`` places; the requests beyond wait their turn on the event loop (holding no thread)
and, past ``timeout_s``, are answered 503 with Retry-After instead of waiting seconds behind a crowd. Thirty-two
clients at once used to start thirty-two DuckDB queries, each on every core, and all of them finished late (p99
2.4 s, 6.3 s while a rebuild was swapped in). Requests for the same answer while it is being computed wait for that
computation instead of starting their own (the first requests after a build or an edit all ask the same few URLs).
"""

from __future__ import annotations

import asyncio
import math
from collections.abc import Callable
from typing import Any, TypeVar

from starlette.concurrency import run_in_threadpool
from starlette.datastructures import State

from semap.errors import StoreBusy
from semap.settings import StoreSettings
from semap.store import Store

T = TypeVar("T")


class Admission:
    def __init__(self, slots: int, timeout_s: float) -> None:
        self.slots = slots
        self.timeout_s = timeout_s
        self.refused = 0  # requests answered 503
        self._loop: asyncio.AbstractEventLoop | None = None
        self._semaphore = asyncio.Semaphore(slots)
        self._flights: dict[str, asyncio.Future[Any]] = {}

    def _bound_to_this_loop(self) -> None:
        # An app can be served by more than one event loop in its life (test clients); each gets its own queue.
        loop = asyncio.get_running_loop()
        if loop is not self._loop:
            self._loop, self._semaphore, self._flights = loop, asyncio.Semaphore(self.slots), {}

    async def run(self, work: Callable[[], T], key: str | None = None) -> T:
        """``work()`` in the thread pool once a slot is free; the one already running for ``key`` if there is.
        The computation is a task of its own: a client that goes away does not cancel it for the others."""
        self._bound_to_this_loop()
        if key is None:
            return await self._in_a_slot(work)
        flight = self._flights.get(key)
        if flight is None:
            flight = self._flights[key] = asyncio.ensure_future(self._in_a_slot(work))
            flight.add_done_callback(lambda done: self._landed(key, done))
        result: T = await asyncio.shield(flight)
        return result

    def _landed(self, key: str, flight: asyncio.Future[Any]) -> None:
        if self._flights.get(key) is flight:
            del self._flights[key]
        if not flight.cancelled():
            flight.exception()  # retrieved here: every client that asked for it may have gone

    async def _in_a_slot(self, work: Callable[[], T]) -> T:
        try:
            await asyncio.wait_for(self._semaphore.acquire(), self.timeout_s)
        except TimeoutError:
            self.refused += 1
            raise StoreBusy(
                f"the server is answering {self.slots} requests from the store and this one waited "
                f"{self.timeout_s:g} s for its turn; try again shortly",
                retry_after_s=max(1, math.ceil(self.timeout_s / 2)),
            ) from None
        try:
            return await run_in_threadpool(work)
        finally:
            self._semaphore.release()


def admission(state: State, store: Store) -> Admission:
    """The app's queue in front of its store, made on first use (the store may open only at startup)."""
    found: Admission | None = getattr(state, "admission", None)
    if found is None:
        settings = getattr(state, "store_settings", None) or StoreSettings()
        found = state.admission = Admission(settings.work_at_once or store.capacity, settings.queue_timeout_s)
    return found
