"""HTML pages for citizens and coordinators, and the static assets they use (vendored, no CDN)."""

from __future__ import annotations

from pathlib import Path as FilePath
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Path, Query
from fastapi.responses import HTMLResponse

from semap.api.deps import get_store
from semap.api.errors import ERROR_RESPONSES
from semap.maps.detail_pages import district_page, organization_page
from semap.maps.main_page import main_page
from semap.settings import MapSettings, load
from semap.store import Store

STATIC_DIR = FilePath(__file__).resolve().parent.parent / "web" / "static"
router = APIRouter(tags=["pages"], responses=ERROR_RESPONSES)
Lang = Annotated[Literal["ko", "en"], Query(description="ko (default) or en")]


@router.get("/", response_class=HTMLResponse, summary="The citizen map")
def index(store: Annotated[Store, Depends(get_store)], lang: Lang = "ko") -> HTMLResponse:
    store.districts_geojson(simplify=0.01)  # a clear 503 before serving a map of an empty store
    return HTMLResponse(main_page(lang, load(MapSettings)))


@router.get("/districts/{name}", response_class=HTMLResponse, summary="A district: map, counts, LQ row, resources")
def district(
    store: Annotated[Store, Depends(get_store)], name: Annotated[str, Path(max_length=100)], lang: Lang = "ko"
) -> HTMLResponse:
    return HTMLResponse(district_page(store, name, lang, load(MapSettings)))


@router.get("/organizations/{org_id}", response_class=HTMLResponse, summary="An organization's page")
def organization(
    store: Annotated[Store, Depends(get_store)], org_id: Annotated[str, Path(max_length=64)], lang: Lang = "ko"
) -> HTMLResponse:
    return HTMLResponse(organization_page(store, org_id, lang, load(MapSettings)))
