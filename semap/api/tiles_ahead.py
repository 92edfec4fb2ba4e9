"""The server's tiles rendered ahead (semap.features.tiles_ahead), for the data version it serves.

A server renders them in the background when first asked for a plain tile of a data version (so a server of
pages and data only never spends the CPU or memory), answering on demand meanwhile; and, once it serves tiles,
before serving new data another process swapped in (``Store.before_serving``), so a rebuild or an edit does not
send a map back to tiles made one by one. One data version's tiles are held at a time: rendered anew for the next.
"""

from __future__ import annotations

import logging
import threading
from collections import deque

from semap.features.tiles_ahead import RenderedTiles, render_tiles
from semap.store.base import Store

log = logging.getLogger(__name__)
REMEMBERED = 8  # data versions already rendered or tried: a failing render is not retried for every tile


class TilesAhead:
    def __init__(self, store: Store, zooms: range, budget_bytes: int) -> None:
        self._store = store
        self._zooms = zooms
        self._budget_bytes = budget_bytes
        self._lock = threading.Lock()
        self._rendered: tuple[str, RenderedTiles] | None = None
        self._started: deque[str] = deque(maxlen=REMEMBERED)

    def tile(self, version: str, layer: str, z: int, x: int, y: int) -> bytes | None:
        """The rendered tile of ``version`` (b"" when it has no feature), or None: not rendered (yet), so made on
        demand. The first call for a data version starts rendering its tiles."""
        rendered = self._rendered
        if rendered is not None and rendered[0] == version:
            return rendered[1].tile(layer, z, x, y)
        with self._lock:
            if version in self._started:
                return None
            self._started.append(version)
        threading.Thread(target=self._render, args=(version,), name="semap-tiles-ahead", daemon=True).start()
        return None

    def before_serving(self) -> None:
        """In the store's hook for new data (served to this thread only): their tiles, if this server serves
        tiles at all (it rendered some before)."""
        if self._rendered is None:
            return
        version = self._store.data_version()
        with self._lock:
            self._started.append(version)
        self._render(version)

    def summary(self) -> dict[str, object] | None:
        rendered = self._rendered
        return None if rendered is None else {"data_version": rendered[0], **rendered[1].summary()}

    def _render(self, version: str) -> None:
        try:
            tiles = render_tiles(self._store, self._zooms, self._budget_bytes)
            served = self._store.data_version()
        except Exception:  # tiles are then made on demand, as without this
            log.warning("rendering the tiles of data version %s ahead failed", version, exc_info=True)
            return
        if served != version:  # new data came in meanwhile: its first tile starts their rendering
            return
        with self._lock:
            self._rendered = (version, tiles)
        log.info("rendered %d tiles of data version %s ahead (%d bytes)", len(tiles.tiles), version, tiles.size)
