"""A coordinator uploads their district's shared-resource survey: a preview (what SeMap read, the rejects, the
difference with what is served), then, confirmed, the difference applied as ordinary edits."""

from __future__ import annotations

import base64
import binascii
import json
from dataclasses import dataclass
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Path, Query, Request
from fastapi.responses import HTMLResponse, Response
from starlette.datastructures import FormData, UploadFile

from semap.api.auth import signed_in
from semap.api.deps import get_store
from semap.api.html import html_response
from semap.curation import access, survey
from semap.curation.access import Session
from semap.curation.policy import Actor, require_district
from semap.curation.survey_read import Upload, safe_name
from semap.errors import Conflict, UnreadableUpload, UploadTooLarge
from semap.features.filters import resolve_district
from semap.geodata.districts import District
from semap.maps.survey_pages import Carried, survey_page
from semap.settings import AccessSettings, load
from semap.store import Store

router = APIRouter(tags=["editing"], include_in_schema=False)
Lang = Annotated[Literal["ko", "en"], Query()]
StoreDep = Annotated[Store, Depends(get_store)]
SessionDep = Annotated[Session, Depends(signed_in)]
DistrictName = Annotated[str, Path(max_length=100)]
MAPPING_COOKIE = "semap_survey_columns"  # the columns a coordinator mapped, read into the next upload too


def _max_bytes() -> int:
    return load(AccessSettings).upload_max_kb * 1024


async def _form(request: Request, session: Session) -> FormData:
    """The posted form (the file, or the file carried in the preview as base64), CSRF-checked; too large: 413
    before it is read."""
    limit = _max_bytes() * 4 // 3 + 64 * 1024  # base64 of the largest file, and the other fields
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit:
        raise UploadTooLarge(
            f"the upload is {int(declared) / 1024:,.0f} KiB; a survey may have {_max_bytes() / 1024:,.0f} KiB "
            "(SEMAP_UPLOAD_MAX_KB)"
        )
    form = await request.form(max_files=1, max_fields=80, max_part_size=limit)
    given = form.get("csrf")
    access.check_csrf(session.csrf, given if isinstance(given, str) else None)
    return form


async def _carried(request: Request, form: FormData) -> tuple[Upload, Carried]:
    file = form.get("file")
    mapping = {k.removeprefix("map-"): v for k, v in form.items() if k.startswith("map-") and isinstance(v, str) and v}
    remembered = _remembered(request)
    mapping = {**{k: v for k, v in remembered.items() if k not in mapping}, **mapping}
    if isinstance(file, UploadFile) and file.filename:
        data = await file.read(_max_bytes() + 1)
        name = safe_name(file.filename)
    else:
        name = safe_name(str(form.get("filename") or ""))
        try:
            data = base64.b64decode(str(form.get("payload") or ""), validate=True)
        except binascii.Error:
            raise UnreadableUpload("the carried file is damaged: choose the file again") from None
        if not data:
            raise UnreadableUpload("no file was chosen")
    upload = Upload(name, data[: _max_bytes() + 1])
    return upload, Carried(name, base64.b64encode(upload.data).decode(), mapping)


def _remembered(request: Request) -> dict[str, str]:
    raw = request.cookies.get(MAPPING_COOKIE, "")
    try:
        value = json.loads(base64.urlsafe_b64decode(raw.encode()).decode()) if raw else {}
    except (ValueError, binascii.Error):
        return {}
    return {str(k): str(v) for k, v in value.items()} if isinstance(value, dict) else {}


def _remember(response: Response, request: Request, carried: Carried) -> None:
    if carried.mapping and carried.mapping != _remembered(request):
        value = base64.urlsafe_b64encode(json.dumps(carried.mapping).encode()).decode()
        response.set_cookie(
            MAPPING_COOKIE, value[:3000], max_age=365 * 86400, path="/coordinator", httponly=True, samesite="strict"
        )


@dataclass(frozen=True)
class _Read:
    """A posted survey read and compared with what is served, for the preview and for applying it alike."""

    district: District
    actor: Actor
    form: FormData
    kb: int
    carried: Carried
    found: survey.SurveyDiff


async def _read(request: Request, store: Store, session: Session, name: str, lang: str) -> _Read | Response:
    """The upload read and diffed; an oversized or unreadable file answers its page (413, 400) instead."""
    district = resolve_district(name)
    actor = session.account.actor()
    require_district(actor, district.adm_code)
    form = await _form(request, session)
    kb = _max_bytes() // 1024
    try:
        upload, carried = await _carried(request, form)
        found = survey.diff(store, actor, district, upload, carried.mapping, _max_bytes())
    except (UploadTooLarge, UnreadableUpload) as exc:
        status = 413 if isinstance(exc, UploadTooLarge) else 400
        return html_response(survey_page(district, session.csrf, lang, error=str(exc), max_kb=kb), status)
    return _Read(district, actor, form, kb, carried, found)


@router.post("/coordinator/districts/{name}/survey", response_class=HTMLResponse)
async def preview(request: Request, store: StoreDep, session: SessionDep, name: DistrictName, lang: Lang = "ko"):
    read = await _read(request, store, session, name, lang)
    if isinstance(read, Response):
        return read
    response = html_response(survey_page(read.district, session.csrf, lang, read.found, read.carried, max_kb=read.kb))
    _remember(response, request, read.carried)
    return response


@router.post("/coordinator/districts/{name}/survey/apply", response_class=HTMLResponse)
async def apply(request: Request, store: StoreDep, session: SessionDep, name: DistrictName, lang: Lang = "ko"):
    read = await _read(request, store, session, name, lang)
    if isinstance(read, Response):
        return read
    digest, retire_gone = str(read.form.get("digest") or ""), read.form.get("retire_gone") == "1"
    try:
        done = survey.apply(store, read.actor, read.found, digest, retire_gone)
    except Conflict as exc:  # the served data moved since the preview: the new difference, to look at again
        page = survey_page(read.district, session.csrf, lang, read.found, read.carried, error=str(exc), max_kb=read.kb)
        return html_response(page, 409)
    return html_response(survey_page(read.district, session.csrf, lang, applied=done, max_kb=read.kb))
