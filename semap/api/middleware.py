"""ASGI middleware at the edge: security headers on every response, HEAD wherever GET exists, no unreadable bytes in.

Plain ASGI (not BaseHTTPMiddleware): they run on every request, tiles included, and must cost next to nothing.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import unquote_to_bytes

import orjson
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from semap.api.negotiation import invalid_parameter_status

DEFAULT_CSP = "default-src 'none'; frame-ancestors {ancestors}"


class SecurityHeaders:
    """nosniff, a referrer policy, and a Content-Security-Policy unless the route set its own (pages do)."""

    def __init__(self, app: ASGIApp, frame_ancestors: str) -> None:
        self.app = app
        self.fixed = [
            (b"x-content-type-options", b"nosniff"),
            (b"referrer-policy", b"strict-origin-when-cross-origin"),
        ]
        self.default_csp = DEFAULT_CSP.format(ancestors=frame_ancestors).encode()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                # Not on a 304: its headers update the kept response's (RFC 9111 §4.3.4), and the default policy
                # would replace a page's own, breaking the page the browser (or its service worker) shows again.
                if message["status"] != 304 and not any(name == b"content-security-policy" for name, _ in headers):
                    headers.append((b"content-security-policy", self.default_csp))
                message["headers"] = headers + self.fixed
            await send(message)

        await self.app(scope, receive, send_with_headers)


class HeadAsGet:
    """HEAD answers what GET would, without the body (RFC 9110 §9.3.2)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] != "HEAD":
            await self.app(scope, receive, send)
            return

        async def send_headers_only(message: Message) -> None:
            if message["type"] == "http.response.body":
                if message.get("more_body", False):
                    return
                message = {"type": "http.response.body", "body": b"", "more_body": False}
            await send(message)

        await self.app({**scope, "method": "GET"}, receive, send_headers_only)


class RejectUnreadable:
    """A NUL byte, or bytes that are not UTF-8, in the path or query are never a valid SeMap value (and Starlette
    cannot even build such a request's URL): 422 before any route or store sees them."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            raw = scope.get("raw_path") or scope["path"].encode()
            query = scope.get("query_string", b"")
            status = invalid_parameter_status(scope["path"])
            if b"\x00" in unquote_to_bytes(raw) or b"\x00" in unquote_to_bytes(query):
                await _error(send, status, "InvalidParameter", "the request contains a NUL byte (%00)")
                return
            if not (_utf8(raw) and _utf8(query)):
                await _error(send, status, "InvalidParameter", "the request's path or query is not UTF-8")
                return
        await self.app(scope, receive, send)


def _utf8(raw: bytes) -> bool:
    try:
        raw.decode()
    except UnicodeDecodeError:
        return False
    return True


async def _error(send: Send, status: int, error: str, detail: str) -> None:
    body = orjson.dumps({"error": error, "detail": detail, "parameter": None})
    headers: list[Any] = [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})
