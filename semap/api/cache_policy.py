"""How long a browser may keep an answer without asking: the one place that decides it for every response.

An answer an edit can change (pages, API answers, tiles, exports; semap.api.caching sets them) is revalidated
on every use (``no-cache`` with its ETag: an unchanged answer costs a 304), so an approved edit is seen at once.
Only a URL that never changes keeps a lifetime: the vendored libraries, whose directory names their version.
Signed-in and edit-link pages (CSRF tokens, contacts), and any answer the route did not decide to a request with
a session (a record's history), are not stored at all. Whatever else a route did not decide is revalidated too.
"""

from __future__ import annotations

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from semap.api.auth import COOKIE

IMMUTABLE = b"public, max-age=31536000, immutable"
REVALIDATE = b"no-cache"
PRIVATE = b"private, no-store"
VERSIONED_PREFIXES = ("/static/vendor/",)  # leaflet-1.9.4/…: a new version is a new URL
PRIVATE_PREFIXES = ("/edit/", "/coordinator", "/admin", "/login", "/logout", "/report/")
SESSION = COOKIE.encode() + b"="


def policy(path: str, headers: list[tuple[bytes, bytes]]) -> bytes:
    if path.startswith(VERSIONED_PREFIXES):
        return IMMUTABLE
    if path.startswith(PRIVATE_PREFIXES) or any(name == b"cookie" and SESSION in value for name, value in headers):
        return PRIVATE
    return REVALIDATE


class CachePolicy:
    """Plain ASGI: adds Cache-Control to any answer whose route did not set one."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path = scope["path"]

        async def send_with_policy(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                if not any(name.lower() == b"cache-control" for name, _ in headers):
                    headers.append((b"cache-control", policy(path, scope["headers"])))
                    message["headers"] = headers
            await send(message)

        await self.app(scope, receive, send_with_policy)
