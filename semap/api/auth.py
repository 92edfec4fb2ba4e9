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


def client(request: Request) -> str:
    return request.client.host if request.client else "unknown"


def limit(request: Request, kind: str, rate: str) -> None:
    """Count one attempt of ``kind`` by this client; past ``rate`` (e.g. '10/minute') raise RateLimited (429).
    The counts belong to the app (one per process; several workers each count their own)."""
    limiter = getattr(request.app.state, "limiter", None)
    if limiter is None:
        limiter = request.app.state.limiter = MovingWindowRateLimiter(MemoryStorage())
    item, key = parse(rate), client(request)
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


def set_session_cookie(request: Request, response: Response, token: str) -> None:
    response.set_cookie(
        COOKIE,
        token,
        max_age=int(access.SESSION_TTL.total_seconds()),
        httponly=True,
        samesite="lax",
        secure=request.url.scheme == "https",
        path="/",
    )


__all__ = [
    "COOKIE",
    "client",
    "limit",
    "optional_session",
    "owner_actor",
    "secret",
    "session_actor",
    "set_session_cookie",
    "signed_in",
]
