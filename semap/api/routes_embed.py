"""The embeddable map (/embed): the one page other sites may frame, and only those in SEMAP_FRAME_ANCESTORS."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse, Response

from semap.api.caching import versioned
from semap.api.deps import get_store
from semap.api.html import page_body, problem_page, status_heading
from semap.api.responses import Body
from semap.api.routes_pages import HTML, PAGE_RESPONSES, Lang
from semap.errors import InvalidParameter, StoreNotBuilt
from semap.features.filters import MAX_TEXT
from semap.i18n import translations
from semap.maps.embed_page import embed_page, parse_view
from semap.store import Store

router = APIRouter(tags=["pages"], responses=PAGE_RESPONSES)
Text = Annotated[str | None, Query(max_length=MAX_TEXT)]


@router.get("/embed", response_class=HTMLResponse, summary="The map for other sites' pages (iframe), filters locked")
async def embed(
    request: Request,
    store: Annotated[Store, Depends(get_store)],
    lang: Lang = "ko",
    q: Text = None,
    type: Text = None,
    industry: Text = None,
    category: Text = None,
    district: Text = None,
    choropleth: Text = None,
    at: Annotated[str | None, Query(max_length=60, description="latitude,longitude,zoom")] = None,
) -> Response:
    """The main map's filter grammar (the same query parameters as ``/``), shown without header or filter bar."""
    given = {"q": q, "type": type, "industry": industry, "category": category, "district": district}
    try:
        view = parse_view({**{k: v for k, v in given.items() if v}, "choropleth": choropleth or "", "at": at or ""})
    except InvalidParameter as exc:
        return problem_page(lang, 422, status_heading(lang, 422), str(exc))

    def render() -> Body:
        store.district_rows()  # a store never built: say how to build it (below) rather than show an empty map
        return page_body(embed_page(view, lang, request.app.state.map_settings), request.app.state.frame_ancestors)

    try:
        return await versioned(request, store, render, HTML, response_class=HTMLResponse)
    except StoreNotBuilt as exc:
        return problem_page(lang, 503, translations(lang).gettext("No data yet"), str(exc))
