"""Which origins are this site's, where a redirect may go, and which browsers may change anything.

- A redirect goes to a path of this site only: ``same_site_path`` decides every target taken from a request (the
  login's ``next=``, a form's Referer). ``//evil.example/x`` and ``/\\evil.example`` are other sites to a
  browser, and a Referer naming this host can still carry such a path.
- A state-changing request (POST and the like) from another site is refused before its form is read, whatever
  token it carries (OWASP's CSRF defence in depth, next to the token in every form): ``Sec-Fetch-Site`` where
  the browser sends it (all current ones), else ``Origin``, else ``Referer``; a request with none of them (a
  script, curl) is left to the token.

This site's origins: the one the request was addressed to (its scheme and Host, as a trusted proxy forwards
them: SEMAP_TRUSTED_PROXIES) and SEMAP_PUBLIC_URL's.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from starlette.requests import Request
from starlette.types import ASGIApp, Receive, Scope, Send

from semap.api.errors import error_response
from semap.errors import Forbidden

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
ALLOWED_FETCH_SITES = frozenset({"same-origin", "none"})  # "none": the person typed or bookmarked it


def origin_of(url: str) -> str | None:
    """scheme://host[:port] of an absolute http(s) URL, lower-cased; None for anything else."""
    try:
        parts = urlsplit(url.strip())
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
        return None
    return f"{parts.scheme.lower()}://{parts.netloc.lower()}"


def site_origins(request: Request, public_url: str) -> set[str]:
    host = request.headers.get("host", "").lower()
    own = {f"{request.url.scheme}://{host}"} if host else set()
    public = origin_of(public_url)
    return own | ({public} if public else set())


def same_site_path(target: str | None, request: Request, public_url: str, fallback: str) -> str:
    """``target`` as a path (and query) of this site, or ``fallback``: a relative path beginning with one slash,
    or an absolute URL of one of this site's origins; never a host of its own, a backslash or a control
    character (browsers drop tabs and line breaks from URLs, which can turn ``/\\t/evil`` into ``//evil``)."""
    if not target or any(c == "\\" or ord(c) < 0x21 or ord(c) == 0x7F for c in target):
        return fallback
    if not target.startswith("/"):
        if origin_of(target) not in site_origins(request, public_url):
            return fallback
        parts = urlsplit(target)
        target = parts.path + (f"?{parts.query}" if parts.query else "")
    if not target.startswith("/") or target.startswith("//"):
        return fallback
    return target


def cross_site(request: Request, public_url: str) -> str | None:
    """Why this request comes from another site, or None when it does not (or cannot be told)."""
    fetch_site = request.headers.get("sec-fetch-site")
    if fetch_site is not None:
        return None if fetch_site in ALLOWED_FETCH_SITES else f"Sec-Fetch-Site: {fetch_site}"
    for header in ("origin", "referer"):
        value = request.headers.get(header)
        if value is not None:
            if origin_of(value) in site_origins(request, public_url):
                return None
            return f"{header.capitalize()}: {value[:100]}"
    return None


class SameSiteWrites:
    """Refuses a state-changing request another site's page sent (403, as the error handler words it)."""

    def __init__(self, app: ASGIApp, public_url: str) -> None:
        self.app = app
        self.public_url = public_url

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["method"] not in SAFE_METHODS:
            request = Request(scope)
            reason = cross_site(request, self.public_url)
            if reason is not None:
                refusal = Forbidden(f"a change sent from another site is refused ({reason}): use SeMap's own page")
                await error_response(request, refusal)(scope, receive, send)
                return
        await self.app(scope, receive, send)
