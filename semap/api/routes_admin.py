"""The center's admin page (coordinators' accounts) and the change history as JSON."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Path, Query, Request
from fastapi.responses import HTMLResponse, Response

from semap.api.auth import session_actor, signed_in
from semap.api.deps import get_store
from semap.api.errors import ERROR_RESPONSES
from semap.api.html import html_response
from semap.api.routes_coordinator import checked_form
from semap.curation import access, events
from semap.curation.access import Session
from semap.curation.edits import load_record
from semap.curation.policy import Actor, require_admin, require_district
from semap.errors import InvalidParameter
from semap.features.filters import resolve_district
from semap.features.layers import LayerName
from semap.i18n import translations
from semap.maps.edit_pages import admin_page
from semap.store import Store

router = APIRouter()
Lang = Annotated[Literal["ko", "en"], Query()]
StoreDep = Annotated[Store, Depends(get_store)]
SessionDep = Annotated[Session, Depends(signed_in)]


@router.get("/admin", response_class=HTMLResponse, include_in_schema=False)
def admin(store: StoreDep, session: SessionDep, lang: Lang = "ko") -> HTMLResponse:
    require_admin(session.account.actor())
    return html_response(admin_page(store, session.account.actor(), session.csrf, lang))


@router.post("/admin/accounts", response_class=HTMLResponse, include_in_schema=False)
async def add_account(request: Request, store: StoreDep, session: SessionDep, lang: Lang = "ko") -> HTMLResponse:
    await checked_form(request, session)
    form = await request.form()
    actor = session.account.actor()
    require_admin(actor)
    try:
        districts = [resolve_district(str(d)) for d in form.getlist("district")]
        access.add_account(
            store,
            actor,
            str(form.get("email") or ""),
            str(form.get("role") or ""),
            districts,
            str(form.get("password") or ""),
        )
    except InvalidParameter as exc:
        return html_response(admin_page(store, session.account.actor(), session.csrf, lang, error=str(exc)), 422)
    return html_response(
        admin_page(store, session.account.actor(), session.csrf, lang, notice=translations(lang).gettext("Saved."))
    )


@router.post("/admin/accounts/deactivate", response_class=Response, include_in_schema=False)
async def deactivate(request: Request, store: StoreDep, session: SessionDep, lang: Lang = "ko") -> HTMLResponse:
    form = await checked_form(request, session)
    access.deactivate(store, session.account.actor(), form.get("email", ""))
    return html_response(
        admin_page(store, session.account.actor(), session.csrf, lang, notice=translations(lang).gettext("Saved."))
    )


@router.get(
    "/api/v1/{layer}/{record_id}/history",
    tags=["editing"],
    summary="Every change of one record, oldest first (district coordinators and admins; session cookie)",
    responses={**ERROR_RESPONSES, 403: ERROR_RESPONSES[404] | {"description": "Not signed in, or another district's"}},
)
def history(
    store: StoreDep,
    actor: Annotated[Actor, Depends(session_actor)],
    layer: LayerName,
    record_id: Annotated[str, Path(max_length=64)],
) -> dict[str, Any]:
    record = load_record(store, layer.value, record_id)
    require_district(actor, record.get("district_adm_code"))
    changes = events.history(store.overlay, layer.value, record["id"])
    return {"layer": layer.value, "id": record["id"], "events": [e.as_dict() for e in changes]}
