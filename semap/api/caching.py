"""ETag and Cache-Control for tiles and exports; 304 when the client already has the bytes."""

from __future__ import annotations

import hashlib

from fastapi import Request
from fastapi.responses import Response

MAX_AGE_S = 300


def cached(request: Request, body: bytes, media_type: str, headers: dict[str, str] | None = None) -> Response:
    etag = '"' + hashlib.sha1(body).hexdigest() + '"'
    caching = {"ETag": etag, "Cache-Control": f"public, max-age={MAX_AGE_S}", **(headers or {})}
    candidates = {t.strip() for t in request.headers.get("if-none-match", "").split(",")}
    if etag in candidates or "*" in candidates:
        return Response(status_code=304, headers=caching)
    return Response(body, media_type=media_type, headers=caching)
