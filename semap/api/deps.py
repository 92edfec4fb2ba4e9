"""Request dependencies: the store the app opened at startup."""

from __future__ import annotations

from fastapi import Request

from semap.store import Store


async def get_store(request: Request) -> Store:
    # async: a dependency this small should not cost a hop to the thread pool
    return request.app.state.store
