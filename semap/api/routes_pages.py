"""HTML pages for citizens and coordinators, and the static assets they use (vendored, no CDN)."""

from __future__ import annotations

from importlib import resources
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Path, Query, Request
from fastapi.responses import HTMLResponse, Response

from semap.api.admission import admission
from semap.api.caching import versioned
from semap.api.deps import get_store
from semap.api.errors import ERROR_RESPONSES
from semap.api.html import page_body, problem_page
from semap.api.responses import Body, attachment
from semap.errors import InvalidParameter, NotFound, StoreNotBuilt
from semap.features.filters import TEXT_PATTERN, resolve_district
from semap.features.layers import LayerName
from semap.geodata.districts import load_crosswalk
from semap.i18n import translations
from semap.maps.fading import fading
from semap.maps.labels import district_label
from semap.maps.linked_data import dataset_jsonld
from semap.maps.main_page import about_data, main_page
from semap.settings import MapSettings, PublicationSettings, load
from semap.store import Store

STATIC_DIR = resources.files("semap") / "web" / "static"
_HTML = {"text/html": {"schema": {"type": "string"}}}
PAGE_RESPONSES: dict[int | str, dict[str, object]] = {
    404: {"content": _HTML, "description": "No such district or organization: a page saying so, in the language"},
    422: ERROR_RESPONSES[422],
    503: {"content": _HTML, "description": "The store is not built: a page saying how to build it"},
}
router = APIRouter(tags=["pages"], responses=PAGE_RESPONSES)
Lang = Annotated[Literal["ko", "en"], Query(description="ko (default) or en")]


def _problem_page(lang: str, status: int, heading: str, message: str) -> HTMLResponse:
    return problem_page(lang, status, heading, message)


def _no_district(lang: str, name: str) -> HTMLResponse:
    t = translations(lang)
    examples = ", ".join(district_label(d, lang) for d in load_crosswalk()[:3])
    message = t.gettext("No Seoul district is called “{name}” (try e.g. {examples}).")
    return _problem_page(lang, 404, t.gettext("No such district"), message.format(name=name, examples=examples))


HTML = "text/html; charset=utf-8"


@router.get("/", response_class=HTMLResponse, summary="The citizen map")
async def index(request: Request, store: Annotated[Store, Depends(get_store)], lang: Lang = "ko") -> Response:
    def render() -> Body:
        store.district_rows()  # the map of a store never built would be empty: say how to build it instead
        settings = request.app.state.map_settings
        meta, publication = store.meta(), load(PublicationSettings)
        dataset = dataset_jsonld(meta, settings.public_url, publication)
        about = about_data(lang, meta.get("registries_as_of"), publication)
        faded = fading(store, settings.stale_after_months)
        return page_body(main_page(lang, settings, dataset, faded, about))

    try:
        return await versioned(request, store, render, HTML, response_class=HTMLResponse)
    except StoreNotBuilt as exc:
        return _problem_page(lang, 503, translations(lang).gettext("No data yet"), str(exc))


@router.get("/districts/{name}", response_class=HTMLResponse, summary="A district: map, counts, LQ row, resources")
async def district(
    request: Request,
    store: Annotated[Store, Depends(get_store)],
    name: Annotated[str, Path(max_length=100)],
    lang: Lang = "ko",
    page: Annotated[int, Query(ge=1, le=10_000, description="the resources table's page (50 rows each)")] = 1,
    q: Annotated[
        str,
        Query(
            max_length=100,
            description="words the resources table's rows must contain",
            json_schema_extra={"pattern": TEXT_PATTERN},
        ),
    ] = "",
    sort: Annotated[
        str,
        Query(
            max_length=20,
            description="the resources table's column: name, category, owner_name, dong, "
            "address; -name for the other way",
        ),
    ] = "name",
) -> Response:
    def render() -> Body:
        from semap.maps.detail_pages import district_page  # pandas and scipy: loaded by the first district page

        settings = request.app.state.map_settings
        return page_body(district_page(store, name, lang, settings, page, q, sort))

    try:
        return await versioned(request, store, render, HTML, response_class=HTMLResponse)
    except InvalidParameter:
        return _no_district(lang, name)


@router.get(
    "/districts/{name}/print.pdf",
    summary="A district's print-ready map (vector PDF, A4 or A3)",
    response_class=Response,
    responses={200: {"content": {"application/pdf": {"schema": {"type": "string", "format": "binary"}}}}},
)
async def district_print_pdf(
    request: Request,
    store: Annotated[Store, Depends(get_store)],
    name: Annotated[str, Path(max_length=100)],
    layer: LayerName = LayerName.resources,
    size: Literal["A4", "A3"] = "A4",
    lang: Lang = "ko",
) -> Response:
    try:
        district = resolve_district(name)
    except InvalidParameter:
        return _no_district(lang, name)
    public_url = load(MapSettings).public_url

    def render() -> bytes:
        # matplotlib and shapely: loaded by the first print, in the thread pool (on the loop it held up every request)
        from semap.maps.print_map import district_print

        return district_print(store, district, layer, size, lang, public_url)

    pdf = await admission(request.app.state, store).run(render)
    filename = f"semap-{district.name_ko}-{layer.value}-{size}.pdf"
    disposition = attachment(filename, f"semap-{district.adm_code}.pdf")
    return Response(pdf, media_type="application/pdf", headers={"Content-Disposition": disposition})


@router.get("/organizations/{org_id}", response_class=HTMLResponse, summary="An organization's page")
async def organization(
    request: Request,
    store: Annotated[Store, Depends(get_store)],
    org_id: Annotated[str, Path(max_length=64)],
    lang: Lang = "ko",
) -> Response:
    def render() -> Body:
        from semap.maps.detail_pages import organization_page

        return page_body(organization_page(store, org_id, lang, request.app.state.map_settings))

    try:
        return await versioned(request, store, render, HTML, response_class=HTMLResponse)
    except NotFound:
        t = translations(lang)
        message = t.gettext("No organization has the id “{id}”.").format(id=org_id)
        return _problem_page(lang, 404, t.gettext("No such organization"), message)


@router.get("/favicon.ico", include_in_schema=False)
def favicon(_: Request) -> Response:
    icon = (STATIC_DIR / "favicon.ico").read_bytes()
    return Response(icon, media_type="image/x-icon", headers={"Cache-Control": "public, max-age=86400"})
