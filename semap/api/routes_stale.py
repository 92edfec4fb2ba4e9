"""The coordinator's stale entries in bulk: remind the owners of the picked entries, or archive them, each after
a confirmation page that lists exactly what will happen."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Path, Query, Request
from fastapi.responses import HTMLResponse

from semap.api.auth import secret, signed_in
from semap.api.deps import get_store
from semap.api.html import html_response
from semap.curation import access, review
from semap.curation.access import Session
from semap.curation.freshness import Reminder, StaleEntry, reminders, stale
from semap.curation.mail import send
from semap.curation.policy import Actor, require_district
from semap.errors import InvalidParameter, MailNotSent
from semap.features.filters import resolve_district
from semap.geodata.districts import District
from semap.i18n import translations
from semap.maps.edit_pages import coordinator_page, stale_confirm_page
from semap.settings import AccessSettings, MapSettings, load
from semap.store import Store

router = APIRouter(tags=["editing"], include_in_schema=False)
MAX_PICKS = 5000


@router.post("/coordinator/districts/{name}/stale", response_class=HTMLResponse)
async def stale_in_bulk(
    request: Request,
    store: Annotated[Store, Depends(get_store)],
    session: Annotated[Session, Depends(signed_in)],
    name: Annotated[str, Path(max_length=100)],
    lang: Annotated[Literal["ko", "en"], Query()] = "ko",
) -> HTMLResponse:
    form = await request.form()
    access.check_csrf(session.csrf, str(form.get("csrf") or ""))
    district, actor = resolve_district(name), session.account.actor()
    require_district(actor, district.adm_code)
    action = str(form.get("action") or "")
    t = translations(lang)
    if action not in ("remind", "archive"):
        raise InvalidParameter("action", "remind or archive")
    by_key = {f"{s.layer}/{s.id}": s for s in stale(store, [district.adm_code])}
    picked = [by_key[str(p)] for p in form.getlist("pick")[:MAX_PICKS] if str(p) in by_key]
    if not picked:
        error = t.gettext("Pick at least one entry first.")
        return html_response(coordinator_page(store, actor, district, session.csrf, lang, error=error), 422)
    if form.get("confirmed") != "yes":
        return html_response(stale_confirm_page(actor, district, session.csrf, lang, action, picked))
    if action == "archive":
        archived = [s for s in picked if s.archivable]
        for entry in archived:
            review.archive(store, actor, entry.layer, entry.id, "archived in bulk: not confirmed")
        notice = t.gettext("Archived: %(count)s") % {"count": len(archived)}
        return html_response(coordinator_page(store, actor, district, session.csrf, lang, notice=notice))
    return _remind(store, actor, district, session.csrf, lang, picked)


def _remind(
    store: Store, actor: Actor, district: District, csrf: str, lang: str, picked: list[StaleEntry]
) -> HTMLResponse:
    """New edit links for the picked organizations, mailed where they have an address and SMTP is set up; the
    rest listed to hand over. Links whose mail failed are revoked, as `semap access reminders` does."""
    settings, t = load(AccessSettings), translations(lang)
    made = reminders(
        store, actor, settings, secret(store), load(MapSettings).public_url, [district.adm_code], {s.id for s in picked}
    )
    mailed = [r for r in made if r.mail is not None] if settings.smtp_host else []
    error, unsent = "", set()
    try:
        if mailed:
            send(settings, [r.mail for r in mailed if r.mail is not None])
    except MailNotSent as exc:
        unsent = {r.grant_id for r in mailed[exc.sent :]}
        for grant_id in unsent:
            access.revoke(store, actor, grant_id, reason="the reminder could not be sent")
        error = str(exc)
    shown: list[Reminder] = [r for r in made if r.grant_id not in unsent]
    notice = t.gettext("Reminders e-mailed: %(sent)s of %(count)s") % {
        "sent": len(mailed) - len(unsent),
        "count": len(made),
    }
    page = coordinator_page(store, actor, district, csrf, lang, notice=notice, error=error, reminded=shown)
    return html_response(page)
