"""Plain reads without routing, for the first request of each answer per data version.

A vector tile without a query string is one statement; a page of features filtered by district and bounding box
at most (with limit, offset, properties: what the map and the lists ask) is two. ``CachedAnswers`` answers them
here, with the bytes and headers the routes would send, instead of going through routing, validation and
dependencies (most of such an answer's CPU): on PostGIS read on the event loop (asyncpg), on the embedded store
in the thread pool through the same queue as every other store read (``InProcessReader``). Anything else —
another filter, a repeated or malformed parameter, a tile outside the matrix, a store without a reader, a failing
read — goes to the routes, which answer it and its errors as they always have. The statements and the bodies are
the routes' own (semap.features).
"""

from __future__ import annotations

import logging
import re
from collections.abc import Sequence
from functools import partial
from typing import Any

import orjson
from fastapi import Request
from starlette.datastructures import State

from semap.api.admission import admission
from semap.api.ahead import MadeAhead
from semap.api.paging import page_links
from semap.api.responses import Body, GeoJSONResponse
from semap.errors import SemapError, StoreBusy
from semap.features.filters import FeatureFilter
from semap.features.layers import LAYERS
from semap.features.queries import page_body, page_query
from semap.features.records_ahead import RecordsAhead
from semap.features.tiles import MVT_MEDIA_TYPE, check_tile, mvt_statement
from semap.features.tiles_ahead import RenderedTiles
from semap.store.base import AsyncReader, Store

# ASCII digits only, as the routes' integer parameters (pydantic) take them: Python's \d and int() also accept
# Arabic-Indic or fullwidth digits, which made this path answer 200 where the routes answer 422.
PLAIN_TILE = re.compile(r"/tiles/(organizations|resources)/([0-9]{1,2})/([0-9]{1,7})/([0-9]{1,7})\.mvt")
PLAIN_PAGE = re.compile(r"/api/v1/(organizations|resources)")
PAGE_PARAMETERS = {"district", "bbox", "limit", "offset", "properties"}  # what the map and lists ask
COUNT = re.compile(r"[0-9]{1,8}")
MAX_OFFSET = 10_000_000  # as the route declares
MAX_PROPERTIES = 1000
NO_FILTER = FeatureFilter()
BY_NAME = {name.value: layer for name, layer in LAYERS.items()}
log = logging.getLogger(__name__)


class InProcessReader:
    """The embedded store's reads for this path: in the thread pool (DuckDB answers in-process and releases the
    GIL while it works), each in a slot of the app's queue in front of the store (semap.api.admission), so the
    queue bounds them and answers 503 as it does for the routes."""

    def __init__(self, state: State, store: Store) -> None:
        self._state = state
        self._store = store
        self.statements = 0

    async def open(self) -> None:
        return None

    async def close(self) -> None:
        return None

    async def fetch(self, sql: str, params: dict[str, Any]) -> list[tuple[Any, ...]]:
        rows = await admission(self._state, self._store).run(partial(self._store.fetch, sql, params))
        self.statements += 1
        return rows

    async def fetch_bytes(self, sql: str, params: dict[str, Any]) -> bytes | None:
        body = await admission(self._state, self._store).run(partial(self._store.fetch_bytes, sql, params))
        self.statements += 1
        return body

    async def fetch_each(self, statements: Sequence[tuple[str, dict[str, Any]]]) -> list[list[tuple[Any, ...]]]:
        """In one slot and one hop into the thread pool."""

        def each() -> list[list[tuple[Any, ...]]]:
            return [self._store.fetch(sql, params) for sql, params in statements]

        answers = await admission(self._state, self._store).run(each)
        self.statements += len(answers)
        return answers


async def plain_answer(request: Request, state: State, headers: dict[str, str]) -> Body | None:
    """The answer with ``headers`` (its caching headers), or None when a route should answer."""
    reader = getattr(state, "async_reader", None)
    if reader is None:
        return None
    try:
        if tile := PLAIN_TILE.fullmatch(request.scope["path"]):
            return await _tile(reader, state, request, tile, headers)
        if page := PLAIN_PAGE.fullmatch(request.scope["path"]):
            return await _page(reader, state, request, page, headers)
    except StoreBusy:
        raise  # the queue's refusal: asking the route would only queue again
    except SemapError:
        return None  # a bad parameter: the route says why, with its status
    except Exception as exc:  # the route reads it again and maps the store's error to its status
        log.warning("%s read on the event loop failed, answered by the route: %s", request.scope["path"], exc)
    return None


async def _tile(
    reader: AsyncReader, state: State, request: Request, found: re.Match[str], headers: dict[str, str]
) -> Body | None:
    if request.scope["query_string"]:
        return None
    layer, z, x, y = BY_NAME[found[1]], int(found[2]), int(found[3]), int(found[4])
    ahead: MadeAhead[RenderedTiles] | None = getattr(state, "tiles_ahead", None)
    tiles = ahead.get(state.store.data_version()) if ahead is not None else None
    if tiles is not None:
        check_tile(z, x, y)  # a tile outside the matrix is the route's 404, not an empty tile
        rendered = tiles.tile(layer.name, z, x, y)
        if rendered is not None:
            return Body.sent(rendered, MVT_MEDIA_TYPE, headers)
    body = await reader.fetch_bytes(*mvt_statement(state.store.dialect, layer, NO_FILTER, z, x, y))
    return Body.sent(body or b"", MVT_MEDIA_TYPE, headers)


async def _page(
    reader: AsyncReader, state: State, request: Request, found: re.Match[str], headers: dict[str, str]
) -> Body | None:
    pairs = request.query_params.multi_items()  # parsed as the route's parameters are
    given = dict(pairs)
    if len(given) != len(pairs) or not set(given) <= PAGE_PARAMETERS or "" in given.values():
        return None
    numbers = {name: given[name] for name in ("limit", "offset") if name in given}
    if not all(COUNT.fullmatch(value) for value in numbers.values()):
        return None
    limit, offset = int(numbers.get("limit", 100)), int(numbers.get("offset", 0))
    properties = given.get("properties")
    if offset > MAX_OFFSET or (properties is not None and len(properties) > MAX_PROPERTIES):
        return None
    flt = FeatureFilter.of(district=given.get("district"), bbox=given.get("bbox"))
    query = page_query(state.store.dialect, BY_NAME[found[1]], flt, limit, offset, properties)
    ahead: MadeAhead[RecordsAhead] | None = getattr(state, "records_ahead", None)
    records = ahead.get(state.store.data_version()) if ahead is not None else None
    if records is not None and query.layer.name in records.layers:
        rows, matched = records.page(query, flt, limit, offset)
    else:
        statements = [(query.rows_sql, query.rows_params), (query.count_sql, query.count_params)]
        rows, counted = await reader.fetch_each(statements)
        matched = int(counted[0][0])
    page = page_body(query, rows, matched)
    page["links"] = page_links(request.url, page, limit, offset)
    return Body.sent(orjson.dumps(page), GeoJSONResponse.media_type, headers)
