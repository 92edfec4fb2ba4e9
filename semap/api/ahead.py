"""What a server makes ahead for the data version it serves: the embedded store's vector tiles
(semap.features.tiles_ahead) and the records its pages are cut from (semap.features.records_ahead).

Each is made in the background when first needed for a data version (so a server of pages only never spends the
CPU or memory on tiles), answering through the store meanwhile; and, once it was needed, before serving new data
another process swapped in (``Store.before_serving``), so a rebuild or an edit does not send a map back to answers
made one by one. One data version's is held at a time: made anew for the next.

A server's shutdown waits for the making (``close``, semap.store.background): the store is closed after.
"""

from __future__ import annotations

import logging
import threading
from collections import deque
from collections.abc import Callable
from typing import Generic, Protocol, TypeVar

from semap.store.background import Background
from semap.store.base import Store

log = logging.getLogger(__name__)
REMEMBERED = 8  # data versions already made or tried: a failing one is not retried for every request


class Summarized(Protocol):
    def summary(self) -> dict[str, object]: ...


Made = TypeVar("Made", bound=Summarized)


class MadeAhead(Generic[Made]):
    def __init__(self, store: Store, make: Callable[[Store], Made], what: str) -> None:
        self._store = store
        self._make = make
        self._what = what
        self._lock = threading.Lock()
        self._made: tuple[str, Made] | None = None
        self._started: deque[str] = deque(maxlen=REMEMBERED)
        self._making = Background(f"semap-{what}")

    def get(self, version: str) -> Made | None:
        """What was made for ``version``, or None: not made (yet). The first call for a data version starts it."""
        made = self._made
        if made is not None and made[0] == version:
            return made[1]
        with self._lock:
            if version in self._started:
                return None
            self._started.append(version)
        self._making.start(self._run, version)
        return None

    def before_serving(self) -> None:
        """In the store's hook for new data (served to this thread only): theirs, if this server needed it before."""
        if self._made is None:
            return
        version = self._store.data_version()
        with self._lock:
            self._started.append(version)
        self._run(version)

    def close(self) -> None:
        """Wait for what is being made (a second or so): the server is stopping and its store closes next."""
        self._making.join()

    def summary(self) -> dict[str, object] | None:
        made = self._made
        return None if made is None else {"data_version": made[0], **made[1].summary()}

    def _run(self, version: str) -> None:
        try:
            made = self._make(self._store)
            served = self._store.data_version()
        except Exception:  # answered through the store, as without this
            log.warning("making the %s of data version %s ahead failed", self._what, version, exc_info=True)
            return
        if served != version:  # new data came in meanwhile: their first request starts theirs
            return
        with self._lock:
            self._made = (version, made)
        log.info("made the %s of data version %s ahead: %s", self._what, version, made.summary())
