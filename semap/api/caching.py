"""Answers that change only with the data, cached per data version.

A build or an edit swaps in a new data version; until then a tile, an export, a page of features, a statistics
table or a page is the same bytes. So (data version, request URL) names a body: its strong ETag is derived from
that name, a conditional request is answered 304 before anything is computed, and bodies asked for a second time
are kept in a bounded LRU, so a repeated request costs no database round trip (on PostGIS the data version itself
is re-read at most once per ``SEMAP_DATA_VERSION_TTL_S``). Rendering runs in the thread pool; a hit is answered by
``CachedAnswers`` on the event loop, before routing, and so is the first request of a plain tile or page
(semap.api.fast_reads).
"""

from __future__ import annotations

import gzip
import hashlib
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from contextvars import ContextVar
from dataclasses import replace
from datetime import date

from fastapi import Request
from fastapi.responses import Response
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import State
from starlette.types import ASGIApp, Receive, Scope, Send

from semap.api.admission import admission
from semap.api.errors import error_response
from semap.api.fast_reads import plain_answer
from semap.api.negotiation import cache_variant
from semap.api.responses import Body
from semap.errors import StoreBusy
from semap.store.base import Store

# Revalidated on every use: an approved edit is seen at once, and an unchanged answer costs a 304 (the ETag names
# the data version). No SeMap data URL carries the data version, so none may be kept without asking.
REVALIDATE = "no-cache"
THREAD_MINIMUM_SIZE = 256 * 1024  # bodies larger than this are compressed off the event loop
SEEN_KEYS = 2**16  # the doorkeeper's memory of answers asked for once (a few MB of ints at most)
COSTLY_S = 0.02  # an answer that took this long to make is kept the first time (a page, a table, an export)
# Set while a server makes its most-asked answers for new data (semap.api.priming): each is kept the first time.
PRIMING: ContextVar[bool] = ContextVar("semap_priming", default=False)


class BodyCache:
    """Least recently used bodies, bounded by their total size; one body may take at most an eighth of it.

    A body is kept the second time it is offered within the doorkeeper's memory, not the first: most tiles and
    pages of a map session are asked for once (keeping those cost 12 % of the throughput of distinct tiles,
    issue 27), and a sweep of them would evict the answers asked for again and again. The doorkeeper remembers
    only the keys' hashes, forgetting all of them at once when it holds ``SEEN_KEYS``."""

    def __init__(self, max_bytes: int, seen_keys: int = SEEN_KEYS) -> None:
        self.max_bytes = max_bytes
        self.max_entry = max_bytes // 8
        self._bodies: OrderedDict[str, Body] = OrderedDict()
        self._size = 0
        self._lock = threading.Lock()
        self._seen: set[int] = set()
        self._seen_keys = seen_keys
        self.hits = self.misses = self.passed = 0  # passed: offered once, not kept

    def get(self, key: str) -> Body | None:
        with self._lock:
            body = self._bodies.get(key)
            if body is None:
                self.misses += 1
                return None
            self._bodies.move_to_end(key)
            self.hits += 1
            return body

    def put(self, key: str, body: Body, costly: bool = False) -> None:
        """Offer ``body``; a ``costly`` one (it took ``COSTLY_S`` or more to make) is kept at once: making a page
        or a table twice cost more than its place, and a swap's first seconds were spent doing just that."""
        if body.size > self.max_entry:
            return
        with self._lock:
            if key not in self._bodies and not (costly or PRIMING.get()):  # kept only when offered before
                seen = hash(key)
                if seen not in self._seen:
                    if len(self._seen) >= self._seen_keys:
                        self._seen.clear()
                    self._seen.add(seen)
                    self.passed += 1
                    return
                self._seen.discard(seen)
            previous = self._bodies.pop(key, None)
            self._size -= previous.size if previous is not None else 0
            self._bodies[key] = body
            self._size += body.size
            while self._size > self.max_bytes:
                _, evicted = self._bodies.popitem(last=False)
                self._size -= evicted.size

    @property
    def size(self) -> int:
        return self._size


def answer_name(state: State, store: Store, request: Request) -> tuple[str, str]:
    """(cache key, strong ETag) of this request's answer: the data version, the day (freshness and download names
    follow the calendar), the URL, and — for the tag — what else a body depends on (``state.etag_salt``: the code
    and the settings pages are rendered with). The route that renders and the middleware that serves agree here."""
    scope = request.scope
    # Every part of the URL a body can name (the pages' links hold the host): what request.url is made of, in
    # a tenth of the time it takes to build.
    host = request.headers.get("host") or str(scope.get("server"))
    query = scope["query_string"].decode("latin-1")  # any bytes a client sends, as Starlette reads them
    url = f"{scope['scheme']}://{host}{scope.get('root_path', '')}{scope['path']}?{query}"
    variant = cache_variant(scope["path"], query, request.headers)
    key = f"{store.data_version()}@{date.today().isoformat()}\n{url}{variant}"
    return key, '"' + hashlib.blake2b(f"{state.etag_salt}\n{key}".encode(), digest_size=16).hexdigest() + '"'


def caching_headers(etag: str) -> dict[str, str]:
    return {"etag": etag, "cache-control": REVALIDATE}


def _not_modified(if_none_match: str, etag: str) -> bool:
    # The exact tag only, never "*": the middleware sees every GET, private pages included.
    return etag in {t.strip().removeprefix("W/") for t in if_none_match.split(",")}


async def versioned(
    request: Request,
    store: Store,
    render: Callable[[], bytes | Body],
    media_type: str,
    headers: dict[str, str] | None = None,
    response_class: type[Response] = Response,
) -> Response:
    """The body ``render`` makes for this request and data version, rendered in the thread pool and kept: the
    next request for it is answered by ``CachedAnswers`` before it reaches a route. Requests for it while it is
    being rendered share that rendering (semap.api.admission)."""
    state = request.app.state
    key, etag = answer_name(state, store, request)
    caching = {**caching_headers(etag), **(headers or {})}
    if _not_modified(request.headers.get("if-none-match", ""), etag):
        return Response(status_code=304, headers=caching)

    def timed() -> tuple[bytes | Body, float]:
        started = time.perf_counter()
        return render(), time.perf_counter() - started

    # Its turn in the store's queue, or 503.
    rendered, seconds = await admission(state, store).run(timed, key)
    body = rendered if isinstance(rendered, Body) else Body(rendered)
    response = response_class(body.content, media_type=media_type, headers={**caching, **body.headers})
    cache: BodyCache | None = state.body_cache
    if cache is not None:
        cache.put(key, Body(body.content, dict(response.headers.items())), costly=seconds >= COSTLY_S)
    return response


class CachedAnswers:
    """Plain ASGI, in front of routing and compression: a request whose answer for the current data version is
    cached (or which the client already holds: If-None-Match) is answered here, without routing, validation or
    dependencies — the cost that would otherwise be most of a cached tile's. A client that accepts gzip gets the
    body compressed once and kept beside it, not compressed again for every request."""

    def __init__(self, app: ASGIApp, minimum_size: int, compresslevel: int) -> None:
        self.app = app
        self.minimum_size = minimum_size  # as the compression middleware behind it: the same answer either way
        self.compresslevel = compresslevel

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        state = scope["app"].state if scope["type"] == "http" and scope["method"] == "GET" else None
        store = getattr(state, "store", None)
        cache: BodyCache | None = getattr(state, "body_cache", None)
        if state is None or store is None or (cache is None and getattr(state, "async_reader", None) is None):
            await self.app(scope, receive, send)
            return
        request = Request(scope)
        try:
            key, etag = answer_name(state, store, request)
        except Exception:  # not built, database down: the routes answer that with the right status
            await self.app(scope, receive, send)
            return
        asked = getattr(state, "asked_answers", None)
        if asked is not None:  # a revalidation too: after new data, its client needs the body
            asked.record(key.partition("\n")[2], scope)
        if _not_modified(request.headers.get("if-none-match", ""), etag):
            await _send(send, 304, caching_headers(etag), b"")
            return
        answer = kept = cache.get(key) if cache is not None else None
        if answer is None:
            try:
                answer = await plain_answer(request, state, caching_headers(etag))
            except StoreBusy as exc:  # 503 with Retry-After, as the route's queue answers
                await error_response(request, exc)(scope, receive, send)
                return
            if answer is None:
                await self.app(scope, receive, send)
                return
        if len(answer.content) < self.minimum_size:
            await _send(send, 200, answer.headers, answer.content)
        elif "gzip" not in request.headers.get("accept-encoding", ""):
            await _send(send, 200, {**answer.headers, "vary": _vary(answer.headers)}, answer.content)
        else:
            if answer.gzipped is None:
                answer = await self._compressed(answer)
            gzipped = answer.gzipped or b""
            coded = {"content-encoding": "gzip", "content-length": str(len(gzipped)), "vary": _vary(answer.headers)}
            await _send(send, 200, {**answer.headers, **coded}, gzipped)
        if cache is not None and answer is not kept:  # read on the event loop, or compressed just now
            cache.put(key, answer)

    async def _compressed(self, answer: Body) -> Body:
        def compress() -> bytes:
            return gzip.compress(answer.content, compresslevel=self.compresslevel, mtime=0)

        # A large body compresses in the thread pool, not on the event loop every other request waits on.
        gzipped = compress() if len(answer.content) < THREAD_MINIMUM_SIZE else await run_in_threadpool(compress)
        return replace(answer, gzipped=gzipped)


def _vary(headers: dict[str, str]) -> str:
    # A negotiated answer (OGC API: JSON or HTML) varies with Accept too, as the route sent it.
    return ", ".join(v for v in (headers.get("vary"), "Accept-Encoding") if v)


async def _send(send: Send, status: int, headers: dict[str, str], body: bytes) -> None:
    raw = [(k.lower().encode("latin-1"), v.encode("latin-1")) for k, v in headers.items()]
    await send({"type": "http.response.start", "status": status, "headers": raw})
    await send({"type": "http.response.body", "body": body})
