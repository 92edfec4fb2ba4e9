"""Health and metadata."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends

from semap.api.deps import get_store
from semap.api.errors import ERROR_RESPONSES
from semap.store import Store

router = APIRouter(responses=ERROR_RESPONSES)


@router.get("/healthz", tags=["meta"], summary="Liveness and store status")
def healthz(store: Annotated[Store, Depends(get_store)]) -> dict[str, object]:
    return {"status": "ok", "backend": store.backend, "districts": store.count("districts")}


@router.get("/api/v1/meta", tags=["meta"], summary="Data vintage and record counts")
def meta(store: Annotated[Store, Depends(get_store)]) -> dict[str, object]:
    counts = {
        table: int(store.fetch(f"SELECT count(*) FROM {table}")[0][0])
        for table in ("districts", "dongs", "organizations", "resources")
    }
    return {"backend": store.backend, "counts": counts, "meta": store.meta()}
