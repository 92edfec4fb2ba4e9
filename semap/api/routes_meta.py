"""Health and metadata."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import JSONResponse

from semap.api.deps import get_store
from semap.api.errors import ERROR_RESPONSES
from semap.errors import StoreNotBuilt
from semap.store import Store

router = APIRouter(responses=ERROR_RESPONSES)


@router.get(
    "/healthz",
    tags=["meta"],
    summary="Liveness and store status (503 with status 'not built' before the first `semap build`)",
)
def healthz(request: Request, store: Annotated[Store, Depends(get_store)]) -> JSONResponse:
    try:
        districts = store.count("districts")
    except StoreNotBuilt as exc:
        districts, hint = 0, str(exc)
    else:
        hint = "run `semap build`" if districts == 0 else ""
    if districts == 0:
        return JSONResponse({"status": "not built", "backend": store.backend, "detail": hint}, status_code=503)
    health: dict[str, object] = {"status": "ok", "backend": store.backend, "districts": districts}
    for made in ("tiles_ahead", "records_ahead"):  # what is made ahead for the served data yet (semap.api.ahead)
        ahead = getattr(request.app.state, made, None)
        if ahead is not None:
            health[made] = ahead.summary()
    return JSONResponse(health)


@router.get("/api/v1/meta", tags=["meta"], summary="Data vintage and record counts")
def meta(store: Annotated[Store, Depends(get_store)]) -> dict[str, object]:
    counts = {
        table: int(store.fetch(f"SELECT count(*) FROM {table}")[0][0])
        for table in ("districts", "dongs", "organizations", "resources")
    }
    return {"backend": store.backend, "counts": counts, "meta": store.meta()}
