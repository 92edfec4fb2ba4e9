"""Pages for organizations (their edit link) and for anyone (report a problem). Forms work without JavaScript."""

from __future__ import annotations

import hashlib
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Path, Query, Request
from fastapi.responses import HTMLResponse

from semap.api.auth import client_address, limit, owner_actor
from semap.api.deps import get_store
from semap.api.html import html_response
from semap.curation import edits
from semap.curation.fields import LOCATION, OWNER_FORM
from semap.curation.policy import Actor
from semap.errors import InvalidParameter
from semap.i18n import translations
from semap.maps.edit_pages import owner_page, report_page
from semap.maps.form_labels import field_labels
from semap.settings import AccessSettings, load
from semap.store import Store

router = APIRouter(tags=["editing"], include_in_schema=False)
Lang = Annotated[Literal["ko", "en"], Query()]
Token = Annotated[str, Path(max_length=500)]


async def form_values(request: Request, names: tuple[str, ...]) -> dict[str, str | None]:
    form = await request.form()
    values: dict[str, str | None] = {}
    for name in names:
        value = form.get(name)
        if isinstance(value, str) and not (name == LOCATION and not value.strip()):
            values[name] = value
    return values


@router.get("/edit/{token}", response_class=HTMLResponse)
def owner_edit(store: Annotated[Store, Depends(get_store)], token: Token, lang: Lang = "ko") -> HTMLResponse:
    return html_response(owner_page(store, owner_actor(store, token), token, lang))


def readable(exc: InvalidParameter, lang: str) -> str:
    """A refusal naming the field by its label on the form ("Website: …"), not by its name in the store."""
    label = field_labels(lang).get(exc.parameter)
    return f"{label}: {str(exc).removeprefix(exc.parameter + ': ')}" if label else str(exc)


def _outcome(result: edits.ChangeResult, lang: str) -> str:
    t, labels = translations(lang), field_labels(lang)
    notice = t.gettext("Saved.") if result.applied or not result.proposed else ""
    if result.proposed:
        fields = ", ".join(labels.get(e.field or "", e.field or "") for e in result.proposed)
        notice += " " + t.gettext("Sent for review: {fields}").format(fields=fields)
    return notice.strip()


@router.post("/edit/{token}", response_class=HTMLResponse)
async def owner_save(
    request: Request, store: Annotated[Store, Depends(get_store)], token: Token, lang: Lang = "ko"
) -> HTMLResponse:
    actor = owner_actor(store, token)
    assert actor.org_id
    return await _save(request, store, actor, token, lang, "organizations", actor.org_id)


async def _save(
    request: Request, store: Store, actor: Actor, token: str, lang: str, layer: str, record_id: str
) -> HTMLResponse:
    """The owner's form, applied; the page again with what happened (or why not, 422)."""
    values = await form_values(request, OWNER_FORM[layer])
    try:
        result = edits.change(store, actor, layer, record_id, values, "edited by the organization")
    except InvalidParameter as exc:
        return html_response(owner_page(store, actor, token, lang, error=readable(exc, lang)), 422)
    return html_response(owner_page(store, actor, token, lang, notice=_outcome(result, lang)))


@router.post("/edit/{token}/confirm", response_class=HTMLResponse)
def owner_confirm(store: Annotated[Store, Depends(get_store)], token: Token, lang: Lang = "ko") -> HTMLResponse:
    actor = owner_actor(store, token)
    assert actor.org_id
    edits.confirm(store, actor, "organizations", actor.org_id)
    return html_response(owner_page(store, actor, token, lang, notice=translations(lang).gettext("Saved.")))


@router.post("/edit/{token}/resources/{resource_id}", response_class=HTMLResponse)
async def owner_resource_save(
    request: Request,
    store: Annotated[Store, Depends(get_store)],
    token: Token,
    resource_id: Annotated[str, Path(max_length=64)],
    lang: Lang = "ko",
) -> HTMLResponse:
    return await _save(request, store, owner_actor(store, token), token, lang, "resources", resource_id)


ReportLayer = Annotated[Literal["organizations", "resources"], Path()]


@router.get("/report/{layer}/{record_id}", response_class=HTMLResponse)
def report_form(
    store: Annotated[Store, Depends(get_store)],
    layer: ReportLayer,
    record_id: Annotated[str, Path(max_length=64)],
    lang: Lang = "ko",
) -> HTMLResponse:
    record = edits.load_record(store, layer, record_id)
    return html_response(report_page(record, layer, lang))


@router.post("/report/{layer}/{record_id}", response_class=HTMLResponse)
async def report_send(
    request: Request,
    store: Annotated[Store, Depends(get_store)],
    layer: ReportLayer,
    record_id: Annotated[str, Path(max_length=64)],
    lang: Lang = "ko",
) -> HTMLResponse:
    record = edits.load_record(store, layer, record_id)
    limit(request, "report", f"{load(AccessSettings).reports_per_hour}/hour")
    message = (await request.form()).get("message")
    try:
        reporter = "client:" + hashlib.sha256(client_address(request).encode()).hexdigest()[:12]  # no address kept
        edits.report_problem(store, layer, record_id, message if isinstance(message, str) else "", reporter)
    except InvalidParameter as exc:
        return html_response(report_page(record, layer, lang, error=str(exc)), 422)
    return html_response(
        report_page(
            record,
            layer,
            lang,
            notice=translations(lang).gettext("Thank you. The district coordinator will look at it."),
        )
    )
