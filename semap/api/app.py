"""The FastAPI application factory."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager

import httpx
from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware
from fastapi.middleware.gzip import GZipMiddleware
from fastapi.staticfiles import StaticFiles
from fastapi.telemetry import TelemetryConfig
from starlette.concurrency import run_in_threadpool

import semap
from semap.api import (
    ogc_features,
    ogc_openapi,
    ogc_tiles,
    routes_admin,
    routes_app,
    routes_boundaries,
    routes_change,
    routes_coordinator,
    routes_docs,
    routes_embed,
    routes_export,
    routes_features,
    routes_hotspots,
    routes_meta,
    routes_owner,
    routes_pages,
    routes_requests,
    routes_search,
    routes_stale,
    routes_stats,
    routes_survey,
    routes_tiles,
)
from semap.api.ahead import MadeAhead
from semap.api.cache_policy import CachePolicy
from semap.api.caching import BodyCache, CachedAnswers
from semap.api.errors import install_error_handlers
from semap.api.fast_reads import InProcessReader
from semap.api.middleware import HeadAsGet, RejectUnreadable, SecurityHeaders
from semap.api.origins import SameSiteWrites
from semap.api.priming import AskedAnswers, primer
from semap.features.records_ahead import RecordsAhead, read_records
from semap.features.tiles_ahead import RenderedTiles, render_tiles
from semap.maps.warm import warm_pages
from semap.maps.web_app import build_id
from semap.settings import ApiSettings, MapSettings, PublicationSettings, StoreSettings, load
from semap.store import Store, open_store
from semap.store.base import AsyncReader

log = logging.getLogger(__name__)
GZIP_MINIMUM_SIZE, GZIP_LEVEL = 1024, 5
# FastAPI looks for an OpenTelemetry provider on every request unless each kind of record is switched off.
TELEMETRY_OFF: TelemetryConfig = {"tracing": False, "metrics": False, "logs": False, "operation_spans": False}


async def _opened_reader(app: FastAPI, store: Store) -> AsyncReader | None:
    """The reader of plain tiles and pages (semap.api.fast_reads), opened: PostGIS's on the event loop, the
    embedded store's in the thread pool. Without it the routes answer every request, so a reader that cannot
    connect is logged, not a server that will not start."""
    reader = store.async_reader()
    if reader is None:
        return InProcessReader(app.state, store)
    try:
        await reader.open()
    except Exception as exc:  # each driver raises its own kind
        log.warning("the event-loop reader could not open (%s); the routes answer every request", exc)
        return None
    return reader


async def _route_once(app: FastAPI) -> None:
    """FastAPI builds a router's routes on the first request that reaches it (a third of a second for SeMap's):
    one request that no route answers reaches them all, before the server says it is ready."""
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://localhost") as client:
        await client.get("/.well-known/semap-warm-up")


def _tiles_ahead(store: Store, api_settings: ApiSettings) -> MadeAhead[RenderedTiles] | None:
    if not api_settings.tiles_ahead_mb or store.dialect.mvt_by_tile is None:
        return None
    low, high = api_settings.tiles_ahead_zooms
    zooms, budget = range(low, high + 1), api_settings.tiles_ahead_mb * 2**20
    return MadeAhead(store, lambda store: render_tiles(store, zooms, budget), "tiles")


def _records_ahead(
    store: Store, api_settings: ApiSettings, reader: AsyncReader | None
) -> MadeAhead[RecordsAhead] | None:
    # Only where pages are read in-process (DuckDB: 3-4 ms each); PostGIS reads one on the event loop in a fraction.
    if not api_settings.records_ahead or not isinstance(reader, InProcessReader):
        return None
    most = api_settings.records_ahead
    return MadeAhead(store, lambda store: read_records(store, most), "records")


def _before_serving(app: FastAPI, api_settings: ApiSettings) -> Callable[[], None] | None:
    """What the server does with new data another process swapped in, before serving them: their tiles first
    (the most-asked answers may be tiles), then the most-asked answers."""
    hooks: list[Callable[[], None]] = []
    for ahead in (app.state.tiles_ahead, app.state.records_ahead):
        if ahead is not None:
            hooks.append(ahead.before_serving)
    if app.state.body_cache is not None and api_settings.prime_answers:
        most = api_settings.prime_answers
        hooks.append(primer(app, app.state.asked_answers, most, asyncio.get_running_loop()))
    if not hooks:
        return None

    def before_serving() -> None:
        for hook in hooks:
            hook()

    return before_serving


def create_app(store: Store | None = None, api_settings: ApiSettings | None = None) -> FastAPI:
    """Build the app. Without ``store`` it opens the configured store on startup and closes it on shutdown."""
    api_settings = api_settings or load(ApiSettings)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        owned = store is None
        app.state.store = store if store is not None else open_store(load(StoreSettings))
        reader = await _opened_reader(app, app.state.store)
        # Before the server says it is ready: the first page asked for then imports nothing (semap.maps.warm).
        if api_settings.warm_pages:
            await run_in_threadpool(warm_pages, app.state.store, app.state.map_settings)
        await _route_once(app)
        app.state.async_reader = reader
        app.state.tiles_ahead = _tiles_ahead(app.state.store, api_settings)
        app.state.records_ahead = _records_ahead(app.state.store, api_settings, reader)
        app.state.store.before_serving = _before_serving(app, api_settings)
        try:
            yield
        finally:
            app.state.store.before_serving = None
            for ahead in (app.state.tiles_ahead, app.state.records_ahead):
                if ahead is not None:
                    await run_in_threadpool(ahead.close)
            app.state.async_reader = app.state.tiles_ahead = app.state.records_ahead = None
            if reader is not None:
                await reader.close()
            if owned:
                app.state.store.close()

    app = FastAPI(
        title="SeMap API",
        version=semap.__version__,
        description="Seoul's social-economy organizations and shared resources, as GeoJSON and tables.",
        lifespan=lifespan,
        docs_url=None,
        redoc_url=None,
        telemetry=None if api_settings.telemetry else TELEMETRY_OFF,
    )
    if store is not None:
        app.state.store = store  # ready without a lifespan run (ASGI clients that skip it, e.g. fuzzers)
    map_settings = load(MapSettings)
    app.state.map_settings = map_settings
    app.state.frame_ancestors = api_settings.frame_ancestors  # the sites that may frame /embed
    app.state.web_app_build = build_id()  # names the service worker and its caches (semap.maps.web_app)
    app.state.store_settings = load(StoreSettings)  # the queue in front of the store (semap.api.admission)
    app.state.workers = api_settings.workers  # the per-address limits are shared out among the processes
    app.state.body_cache = BodyCache(api_settings.response_cache_mb * 2**20) if api_settings.response_cache_mb else None
    app.state.asked_answers = AskedAnswers()  # the most asked are made for new data before they are served
    # What a body depends on besides the data and the URL: the code and the settings pages are rendered with.
    publication = load(PublicationSettings).model_dump_json()
    app.state.etag_salt = (
        f"{semap.__version__}|{api_settings.model_dump_json()}|{map_settings.model_dump_json()}|{publication}"
    )
    install_error_handlers(app)
    # Level 5, not Starlette's 9: a third of the CPU for a body a few percent larger.
    app.add_middleware(GZipMiddleware, minimum_size=GZIP_MINIMUM_SIZE, compresslevel=GZIP_LEVEL)
    # Outside compression: it keeps each cached body's compressed form and answers with it.
    app.add_middleware(CachedAnswers, minimum_size=GZIP_MINIMUM_SIZE, compresslevel=GZIP_LEVEL)
    if api_settings.cors_origins:
        app.add_middleware(CORSMiddleware, allow_origins=api_settings.cors_origins, allow_methods=["GET", "HEAD"])
    app.add_middleware(SameSiteWrites, public_url=map_settings.public_url)
    # The last added is the outermost: security headers go on every answer, the refusals included.
    app.add_middleware(RejectUnreadable)
    app.add_middleware(CachePolicy)  # what no route decided: revalidate (semap.api.cache_policy)
    app.add_middleware(HeadAsGet)
    app.add_middleware(SecurityHeaders)
    app.include_router(routes_meta.router)
    app.include_router(routes_boundaries.router)
    app.include_router(routes_stats.router)
    app.include_router(routes_hotspots.router)
    app.include_router(routes_change.router)
    app.include_router(routes_admin.router)  # /api/v1/{layer}/{id}/history before the features' routes
    app.include_router(routes_search.router)  # /api/v1/{layer}/search and /near before /{layer}/{id}
    app.include_router(routes_features.router)
    app.include_router(routes_tiles.router)
    app.include_router(routes_export.router)
    app.include_router(routes_pages.router)
    app.include_router(routes_embed.router)
    app.include_router(routes_app.router)
    app.include_router(routes_docs.router)
    app.include_router(routes_owner.router)
    app.include_router(routes_requests.router)
    app.include_router(routes_coordinator.router)
    app.include_router(routes_stale.router)
    app.include_router(routes_survey.router)
    app.include_router(ogc_features.router)  # OGC API – Features and Tiles under /ogc, for GIS clients
    app.include_router(ogc_tiles.router)
    app.include_router(ogc_openapi.router)
    app.mount("/static", StaticFiles(directory=str(routes_pages.STATIC_DIR)), name="static")
    return app
