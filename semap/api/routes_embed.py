"""The embeddable map (/embed): the one page other sites may frame, and only those in SEMAP_FRAME_ANCESTORS."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse, Response

from semap.api.caching import versioned
from semap.api.deps import get_store
from semap.api.errors import ERROR_RESPONSES
from semap.api.html import page_body, problem_page, status_heading
from semap.api.params import _one_of, _text
from semap.api.responses import Body
from semap.api.routes_pages import HTML, PAGE_RESPONSES, Lang
from semap.errors import InvalidParameter, StoreNotBuilt
from semap.geodata.districts import spellings
from semap.i18n import translations
from semap.maps.embed_page import AT_PATTERN, CHOROPLETHS, embed_page, parse_view
from semap.registry.model import INDUSTRIES, ORG_TYPES, SEMAP_CATEGORIES
from semap.store import Store

_HTML = {"text/html": {"schema": {"type": "string"}}}
EMBED_RESPONSES: dict[int | str, dict[str, object]] = {
    **PAGE_RESPONSES,
    422: {
        "content": {**_HTML, **ERROR_RESPONSES[422]["content"]},  # type: ignore[dict-item]
        "description": "A filter or the view is malformed: a page saying which (a malformed language: JSON)",
    },
}
router = APIRouter(tags=["pages"], responses=EMBED_RESPONSES)


@router.get("/embed", response_class=HTMLResponse, summary="The map for other sites' pages (iframe), filters locked")
async def embed(
    request: Request,
    store: Annotated[Store, Depends(get_store)],
    lang: Lang = "ko",
    q: Annotated[str | None, _text("text in name, description or address")] = None,
    type: Annotated[str | None, _one_of("organization type", ORG_TYPES)] = None,
    industry: Annotated[str | None, _one_of("research industry", INDUSTRIES)] = None,
    category: Annotated[str | None, _one_of("SeMap legend category", SEMAP_CATEGORIES)] = None,
    district: Annotated[str | None, _one_of("name or code, as the API's district filter", spellings())] = None,
    choropleth: Annotated[str | None, _one_of("the districts coloured by a measure", CHOROPLETHS)] = None,
    at: Annotated[
        str | None,
        Query(description="latitude,longitude,zoom", json_schema_extra={"pattern": AT_PATTERN}, max_length=60),
    ] = None,
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
