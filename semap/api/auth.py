"""Who is asking: the coordinator's or admin's session cookie, an owner's edit link, and per-client rate limits."""

from __future__ import annotations

import time
from typing import Annotated

from fastapi import Depends, Request
from fastapi.responses import Response
from limits import parse
from limits.storage import MemoryStorage
from limits.strategies import MovingWindowRateLimiter

from semap.api.deps import get_store
from semap.curation import access
from semap.curation.access import Session
from semap.curation.policy import Actor
from semap.errors import NotSignedIn, RateLimited
from semap.settings import AccessSettings, load
from semap.store import Store

COOKIE = "semap_session"
DEVICE_COOKIE = "semap_device"  # a browser an account signed in with: it skips that account's login delay


def client_address(request: Request) -> str:
    """The one answer to "who is asking" for the per-address limits: the peer of the connection, or the address a
    trusted reverse proxy forwarded (``SEMAP_TRUSTED_PROXIES``, which `semap serve` hands to uvicorn: the
    X-Forwarded-For of anyone else never reaches the app)."""
    return request.client.host if request.client else "unknown"


def limit(request: Request, kind: str, rate: str) -> None:
    """Count one attempt of ``kind`` by this client; past ``rate`` (e.g. '10/minute') raise RateLimited (429).
    The counts belong to the app (one per process): with several workers each allows its share of ``rate``
    (at least one), so the server as a whole never allows more than ``rate``, whichever worker a client reaches."""
    limiter = getattr(request.app.state, "limiter", None)
    if limiter is None:
        limiter = request.app.state.limiter = MovingWindowRateLimiter(MemoryStorage())
    item, key = parse(rate), client_address(request)
    workers = getattr(request.app.state, "workers", 1)
    if workers > 1:
        item = type(item)(max(1, item.amount // workers), item.multiples, item.namespace)
    if not limiter.hit(item, kind, key):
        reset = limiter.get_window_stats(item, kind, key).reset_time
        raise RateLimited(
            f"too many {kind} attempts from this address; try again shortly", max(1, int(reset - time.time()))
        )


def optional_session(request: Request, store: Annotated[Store, Depends(get_store)]) -> Session | None:
    return access.session(store.overlay, request.cookies.get(COOKIE))


def signed_in(session: Annotated[Session | None, Depends(optional_session)]) -> Session:
    if session is None:
        raise NotSignedIn("sign in as a district coordinator or admin (/login)")
    return session


def session_actor(session: Annotated[Session, Depends(signed_in)]) -> Actor:
    return session.account.actor()


def secret(store: Store) -> str:
    return access.site_secret(store.overlay, load(AccessSettings).secret_key)


def owner_actor(store: Store, token: str) -> Actor:
    return access.owner(store.overlay, token[:500], secret(store))


def set_session_cookie(request: Request, response: Response, token: str, email: str) -> None:
    """The session, and the device cookie that lets this browser past the account's login delay next time."""
    for name, value, ttl in (
        (COOKIE, token, access.SESSION_TTL),
        (DEVICE_COOKIE, access.device_token(email, secret_of(request)), access.DEVICE_TTL),
    ):
        response.set_cookie(
            name,
            value,
            max_age=int(ttl.total_seconds()),
            httponly=True,
            samesite="lax",
            secure=request.url.scheme == "https",
            path="/",
        )


def known_device(request: Request, email: str) -> bool:
    return access.known_device(request.cookies.get(DEVICE_COOKIE), email, secret_of(request))


def secret_of(request: Request) -> str:
    return secret(request.app.state.store)


__all__ = [
    "COOKIE",
    "DEVICE_COOKIE",
    "client_address",
    "known_device",
    "limit",
    "optional_session",
    "owner_actor",
    "secret",
    "session_actor",
    "set_session_cookie",
    "signed_in",
]
