"""Request dependencies: the store the app opened at startup."""

from __future__ import annotations

from fastapi import Request

from semap.store import Store


def get_store(request: Request) -> Store:
    return request.app.state.store
