"""Answers that change only with the data, cached per data version.

A build or an edit swaps in a new data version; until then a tile, an export, a page of features, a statistics
table or a page is the same bytes. So (data version, request URL) names a body: its strong ETag is derived from
that name, a conditional request is answered 304 before anything is computed, and bodies are kept in a bounded
LRU, so a repeated request costs no database round trip (on PostGIS the data version itself is re-read at most
once per ``SEMAP_DATA_VERSION_TTL_S``). Rendering runs in the thread pool; a hit never leaves the event loop.
"""

from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

from fastapi import Request
from fastapi.responses import Response
from starlette.concurrency import run_in_threadpool

from semap.store.base import Store

MAX_AGE_S = 300


@dataclass(frozen=True)
class Body:
    """A rendered body with headers that depend on it (a page's Content-Security-Policy with its script hashes)."""

    content: bytes
    headers: dict[str, str] = field(default_factory=dict)


class BodyCache:
    """Least recently used bodies, bounded by their total size; one body may take at most an eighth of it."""

    def __init__(self, max_bytes: int) -> None:
        self.max_bytes = max_bytes
        self.max_entry = max_bytes // 8
        self._bodies: OrderedDict[str, Body] = OrderedDict()
        self._size = 0
        self._lock = threading.Lock()
        self.hits = self.misses = 0

    def get(self, key: str) -> Body | None:
        with self._lock:
            body = self._bodies.get(key)
            if body is None:
                self.misses += 1
                return None
            self._bodies.move_to_end(key)
            self.hits += 1
            return body

    def put(self, key: str, body: Body) -> None:
        if len(body.content) > self.max_entry:
            return
        with self._lock:
            previous = self._bodies.pop(key, None)
            self._size -= len(previous.content) if previous is not None else 0
            self._bodies[key] = body
            self._size += len(body.content)
            while self._size > self.max_bytes:
                _, evicted = self._bodies.popitem(last=False)
                self._size -= len(evicted.content)

    @property
    def size(self) -> int:
        return self._size


def etag_for(salt: str, version: str, url: str) -> str:
    return '"' + hashlib.blake2b(f"{salt}\n{version}\n{url}".encode(), digest_size=16).hexdigest() + '"'


def _not_modified(request: Request, etag: str) -> bool:
    candidates = {t.strip().removeprefix("W/") for t in request.headers.get("if-none-match", "").split(",")}
    return etag in candidates or "*" in candidates


async def versioned(
    request: Request,
    store: Store,
    render: Callable[[], bytes | Body],
    media_type: str,
    headers: dict[str, str] | None = None,
    response_class: type[Response] = Response,
) -> Response:
    """The body ``render`` makes for this request and data version: 304 when the client has it, from the cache
    when this process made it, else rendered in the thread pool (and kept)."""
    state = request.app.state
    # The day too: freshness (entries unconfirmed for a year drawn faded) and download names follow the calendar.
    version = f"{store.data_version()}@{date.today().isoformat()}"
    url = str(request.url)
    etag = etag_for(state.etag_salt, version, url)
    caching = {"ETag": etag, "Cache-Control": f"public, max-age={MAX_AGE_S}", **(headers or {})}
    if _not_modified(request, etag):
        return Response(status_code=304, headers=caching)
    cache: BodyCache | None = state.body_cache
    key = f"{version}\n{url}"
    body = cache.get(key) if cache is not None else None
    if body is None:
        rendered = await run_in_threadpool(render)
        body = rendered if isinstance(rendered, Body) else Body(rendered)
        if cache is not None:
            cache.put(key, body)
    return response_class(body.content, media_type=media_type, headers={**caching, **body.headers})
