"""'Is this your organization?': the organization page's request for an edit link, sent to the district's
coordinator queue (semap.curation.requests). A form that works without JavaScript; rate-limited per client; a
request from another site's page is refused before it gets here (semap.api.origins.SameSiteWrites)."""

from __future__ import annotations

import hashlib
from typing import Annotated, Literal
from urllib.parse import quote

from fastapi import APIRouter, Depends, Path, Query, Request
from fastapi.responses import HTMLResponse

from semap.api.auth import client_address, limit
from semap.api.deps import get_store
from semap.api.html import html_response
from semap.curation.edits import load_record
from semap.curation.requests import request_edit_link
from semap.errors import InvalidParameter
from semap.i18n import translations
from semap.maps.render import render_plain
from semap.settings import AccessSettings, load
from semap.store import Store

router = APIRouter(tags=["editing"], include_in_schema=False)
Lang = Annotated[Literal["ko", "en"], Query()]


@router.post("/organizations/{org_id}/edit-link-request", response_class=HTMLResponse)
async def edit_link_request(
    request: Request,
    store: Annotated[Store, Depends(get_store)],
    org_id: Annotated[str, Path(max_length=64)],
    lang: Lang = "ko",
) -> HTMLResponse:
    record = load_record(store, "organizations", org_id)  # 404 for an unknown organization, before counting
    limit(request, "edit link request", f"{load(AccessSettings).reports_per_hour}/hour")
    form = await request.form()
    email, note = (v if isinstance(v := form.get(k), str) else "" for k in ("email", "note"))
    quoted = quote(record["id"], safe="")
    context = {
        "lang": lang,
        "title": "SeMap",
        "name": record.get("name") or record["id"],
        "request_url": f"/organizations/{quoted}/edit-link-request?lang={lang}",
        "page_url": f"/organizations/{quoted}?lang={lang}",
        "back_url": f"/?lang={lang}&org={quoted}",
        "email": email,
        "note": note,
    }
    try:
        requester = "client:" + hashlib.sha256(client_address(request).encode()).hexdigest()[:12]  # no address kept
        request_edit_link(store, record["id"], email, note, requester)
    except InvalidParameter as exc:
        return html_response(render_plain("edit_request.html", **context, error=str(exc)), 422)
    notice = translations(lang).gettext(
        "Thank you. The district coordinator will check the request and send an edit link to the organization."
    )
    return html_response(render_plain("edit_request.html", **context, notice=notice))
