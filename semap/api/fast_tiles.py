"""Plain vector tiles read on the event loop, for the first request of each tile per data version.

``/tiles/{layer}/{z}/{x}/{y}.mvt`` without a query string is one statement: on a store with an asyncio reader
(PostGIS) ``CachedAnswers`` answers it here, with the headers and bytes the route would send, instead of going
through routing, validation, dependencies and the thread pool (three quarters of such a tile's CPU). Anything
else — a filter, a tile outside the matrix, a store without a reader, a failing read — goes to the route, which
answers it and its errors as it always has.
"""

from __future__ import annotations

import logging
import re

from fastapi.responses import Response
from starlette.datastructures import State
from starlette.types import Scope

from semap.errors import SemapError
from semap.features.filters import FeatureFilter
from semap.features.layers import LAYERS, LayerName
from semap.features.tiles import MVT_MEDIA_TYPE, mvt_sql, tile_params

PLAIN_TILE = re.compile(r"/tiles/(organizations|resources)/(\d{1,2})/(\d{1,7})/(\d{1,7})\.mvt")
log = logging.getLogger(__name__)


async def plain_tile(scope: Scope, state: State, headers: dict[str, str]) -> Response | None:
    """The tile's response with ``headers`` (its caching headers), or None when the route should answer."""
    reader = getattr(state, "async_reader", None)
    found = PLAIN_TILE.fullmatch(scope["path"])
    if reader is None or found is None or scope["query_string"]:
        return None
    layer = LAYERS[LayerName(found[1])]
    try:
        box = tile_params(int(found[2]), int(found[3]), int(found[4]))
    except SemapError:
        return None  # no such tile: the route says why
    sql, params = mvt_sql(state.store.dialect, layer, FeatureFilter())
    try:
        body = await reader.fetch_bytes(sql, {**params, **box})
    except Exception as exc:  # the route reads it again and maps the store's error to its status
        log.warning("tile %s read on the event loop failed, answered by the route: %s", scope["path"], exc)
        return None
    return Response(body or b"", media_type=MVT_MEDIA_TYPE, headers=headers)
