"""District coordinators' pages: sign in, the district's queue, stale entries, resources, edit links, history."""

from __future__ import annotations

from typing import Annotated, Literal
from urllib.parse import quote

from fastapi import APIRouter, Depends, Path, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from semap.api.auth import (
    COOKIE,
    known_device,
    limit,
    optional_session,
    secret,
    session_actor,
    set_session_cookie,
    signed_in,
)
from semap.api.deps import get_store
from semap.api.html import html_response
from semap.api.origins import same_site_path
from semap.api.responses import attachment
from semap.api.routes_owner import form_values, readable
from semap.curation import access, edits, review
from semap.curation.access import Session
from semap.curation.fields import COORDINATOR_FORM
from semap.curation.policy import Actor, require_district
from semap.errors import InvalidParameter, NotFound, NotSignedIn, RateLimited
from semap.features.filters import resolve_district
from semap.formats import rows_to_csv
from semap.geodata.districts import by_adm_code, load_crosswalk
from semap.i18n import translations
from semap.maps.edit_pages import coordinator_page, login_page, record_admin_page
from semap.settings import AccessSettings, MapSettings, load
from semap.store import Store

router = APIRouter(tags=["editing"], include_in_schema=False)
Lang = Annotated[Literal["ko", "en"], Query()]
StoreDep = Annotated[Store, Depends(get_store)]
SessionDep = Annotated[Session, Depends(signed_in)]
ActorDep = Annotated[Actor, Depends(session_actor)]
LayerPath = Annotated[Literal["organizations", "resources"], Path()]
IdPath = Annotated[str, Path(max_length=64)]


async def checked_form(request: Request, session: Session) -> dict[str, str]:
    """The posted form, after its CSRF token matched the session's."""
    form = await request.form()
    values = {k: v for k, v in form.items() if isinstance(v, str)}
    access.check_csrf(session.csrf, values.get("csrf"))
    return values


def _back(request: Request, fallback: str = "/coordinator") -> RedirectResponse:
    """Back to the page the form was on (its Referer), when that is a page of this site."""
    target = same_site_path(request.headers.get("referer"), request, load(MapSettings).public_url, fallback)
    return RedirectResponse(target, status_code=303)


def with_lang(path: str, lang: str) -> str:
    """``path`` in ``lang``: where signing in leads keeps the language it was asked in (Korean is the default)."""
    if lang == "ko" or "lang=" in path:
        return path
    return f"{path}{'&' if '?' in path else '?'}lang={lang}"


@router.get("/login", response_class=HTMLResponse)
def login_form(lang: Lang = "ko", next: Annotated[str, Query(max_length=300)] = "/coordinator") -> HTMLResponse:
    return html_response(login_page(lang, with_lang(next, lang)))


@router.post("/login", response_class=Response)
async def login(request: Request, store: StoreDep, lang: Lang = "ko") -> Response:
    form = await request.form()
    email, password, next_url = (str(form.get(k) or "") for k in ("email", "password", "next"))
    try:
        limit(request, "login", f"{load(AccessSettings).login_attempts_per_minute}/minute")
        token, _ = access.login(store.overlay, email, password[:1000], known_device(request, email))
    except NotSignedIn as exc:
        return html_response(login_page(lang, next_url, error=str(exc)), 401)
    except RateLimited as exc:
        page = html_response(login_page(lang, next_url, error=str(exc)), 429)
        page.headers["Retry-After"] = str(exc.retry_after_s)
        return page
    response = RedirectResponse(
        same_site_path(next_url, request, load(MapSettings).public_url, "/coordinator"), status_code=303
    )
    set_session_cookie(request, response, token, email)
    return response


@router.post("/logout", response_class=Response)
async def logout(request: Request, store: StoreDep, session: SessionDep, lang: Lang = "ko") -> Response:
    await checked_form(request, session)
    access.logout(store.overlay, request.cookies.get(COOKIE))
    response = RedirectResponse(f"/login?lang={lang}", status_code=303)
    response.delete_cookie(COOKIE, path="/")
    return response


@router.get("/coordinator", response_class=Response)
def coordinator_home(session: Annotated[Session | None, Depends(optional_session)], lang: Lang = "ko") -> Response:
    if session is None:
        return RedirectResponse(f"/login?lang={lang}&next={quote(with_lang('/coordinator', lang))}", status_code=303)
    codes = sorted(session.account.districts) or [load_crosswalk()[0].adm_code]
    district = quote(by_adm_code(codes[0]).name_ko)
    return RedirectResponse(with_lang(f"/coordinator/districts/{district}", lang), status_code=303)


@router.get("/coordinator/districts/{name}", response_class=HTMLResponse)
def dashboard(
    store: StoreDep, session: SessionDep, name: Annotated[str, Path(max_length=100)], lang: Lang = "ko"
) -> HTMLResponse:
    district = resolve_district(name)
    actor = session.account.actor()
    require_district(actor, district.adm_code)
    return html_response(coordinator_page(store, actor, district, session.csrf, lang))


@router.post("/coordinator/districts/{name}/resources", response_class=HTMLResponse)
async def create_resource(
    request: Request,
    store: StoreDep,
    session: SessionDep,
    name: Annotated[str, Path(max_length=100)],
    lang: Lang = "ko",
) -> Response:
    form = await checked_form(request, session)
    district = resolve_district(name)
    actor = session.account.actor()
    values: dict[str, str | None] = {k: form[k] for k in COORDINATOR_FORM["resources"] if form.get(k)}
    try:
        new_id = edits.create_resource(store, actor, district.adm_code, values)
    except InvalidParameter as exc:
        return html_response(
            coordinator_page(store, actor, district, session.csrf, lang, error=readable(exc, lang)), 422
        )
    return RedirectResponse(f"/coordinator/records/resources/{new_id}?lang={lang}", status_code=303)


@router.get("/coordinator/districts/{name}/resources.csv", response_class=Response)
def resources_with_contacts(store: StoreDep, actor: ActorDep, name: Annotated[str, Path(max_length=100)]) -> Response:
    district = resolve_district(name)
    require_district(actor, district.adm_code)
    columns = (
        "id",
        "name",
        "category",
        "status",
        "owner_name",
        "fee",
        "eligibility",
        "availability",
        "contact",
        "booking_url",
        "address_raw",
        "verified_at",
    )
    rows = store.fetch(
        f"SELECT {', '.join(columns)} FROM resources WHERE district_adm_code = :d ORDER BY id", {"d": district.adm_code}
    )
    body = rows_to_csv([dict(zip(columns, r, strict=True)) for r in rows])
    filename = f"semap-{district.name_ko}-resources-contacts.csv"
    return Response(
        body,
        media_type="text/csv; charset=utf-8",
        headers={
            "Content-Disposition": attachment(filename, "resources.csv"),
            "Cache-Control": "private, no-store",
        },
    )


@router.get("/coordinator/records/{layer}/{record_id}", response_class=HTMLResponse)
def record_form(
    store: StoreDep, session: SessionDep, layer: LayerPath, record_id: IdPath, lang: Lang = "ko"
) -> HTMLResponse:
    record = edits.load_record(store, layer, record_id)
    require_district(session.account.actor(), record.get("district_adm_code"))
    return html_response(record_admin_page(store, session.account.actor(), layer, record_id, session.csrf, lang))


@router.post("/coordinator/records/{layer}/{record_id}", response_class=HTMLResponse)
async def record_save(
    request: Request, store: StoreDep, session: SessionDep, layer: LayerPath, record_id: IdPath, lang: Lang = "ko"
) -> HTMLResponse:
    await checked_form(request, session)
    values = await form_values(request, COORDINATOR_FORM[layer])
    try:
        edits.change(store, session.account.actor(), layer, record_id, values, "edited by the coordinator")
    except InvalidParameter as exc:
        return html_response(
            record_admin_page(
                store, session.account.actor(), layer, record_id, session.csrf, lang, error=readable(exc, lang)
            ),
            422,
        )
    return html_response(
        record_admin_page(
            store,
            session.account.actor(),
            layer,
            record_id,
            session.csrf,
            lang,
            notice=translations(lang).gettext("Saved."),
        )
    )


@router.post("/coordinator/records/{layer}/{record_id}/archive", response_class=Response)
async def archive(
    request: Request, store: StoreDep, session: SessionDep, layer: LayerPath, record_id: IdPath
) -> Response:
    await checked_form(request, session)
    review.archive(store, session.account.actor(), layer, record_id)
    return _back(request)


@router.post("/coordinator/events/{event_id}/{action}", response_class=Response)
async def answer(
    request: Request,
    store: StoreDep,
    session: SessionDep,
    event_id: IdPath,
    action: Annotated[Literal["approve", "reject", "resolve", "revert"], Path()],
) -> Response:
    await checked_form(request, session)
    operation = {
        "approve": review.approve,
        "reject": review.reject,
        "resolve": review.resolve,
        "revert": review.revert,
    }[action]
    operation(store, session.account.actor(), event_id)
    return _back(request)


@router.post("/coordinator/conflicts/{layer}/{record_id}/{field}", response_class=Response)
async def settle(
    request: Request,
    store: StoreDep,
    session: SessionDep,
    layer: LayerPath,
    record_id: IdPath,
    field: Annotated[str, Path(max_length=40)],
) -> Response:
    form = await checked_form(request, session)
    review.settle(store, session.account.actor(), layer, record_id, field, form.get("keep") == "edit")
    return _back(request)


@router.post("/coordinator/invite", response_class=HTMLResponse)
async def invite(request: Request, store: StoreDep, session: SessionDep, lang: Lang = "ko") -> HTMLResponse:
    form = await checked_form(request, session)
    actor = session.account.actor()
    org_id = form.get("org_id", "")[:64]
    found = store.fetch("SELECT district_adm_code FROM organizations WHERE id = :id", {"id": org_id})
    if not found:
        raise NotFound(f"no organization has the id {org_id!r}")
    district = by_adm_code(found[0][0])
    try:
        _, token = access.invite(store, actor, org_id, form.get("email"), secret(store))
    except InvalidParameter as exc:  # e.g. not an e-mail address: the page again, saying so
        return html_response(coordinator_page(store, actor, district, session.csrf, lang, error=str(exc)), 422)
    link = f"{load(MapSettings).public_url.rstrip('/')}/edit/{token}"
    return html_response(coordinator_page(store, actor, district, session.csrf, lang, new_link=link))


@router.post("/coordinator/grants/{grant_id}/revoke", response_class=Response)
async def revoke(request: Request, store: StoreDep, session: SessionDep, grant_id: IdPath) -> Response:
    await checked_form(request, session)
    access.revoke(store, session.account.actor(), grant_id)
    return _back(request)
