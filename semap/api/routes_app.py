"""The installable app: the web app manifest and the service worker, from the site root (its scope is the site)."""

from __future__ import annotations

import orjson
from fastapi import APIRouter, Request
from fastapi.responses import Response

from semap.api.routes_pages import Lang
from semap.maps.web_app import manifest, service_worker, service_worker_csp

router = APIRouter(tags=["pages"])
MANIFEST_MAX_AGE_S = 3600


@router.get(
    "/manifest.webmanifest",
    summary="The map's web app manifest (name, icons, start page) in the language asked",
    response_class=Response,
    responses={200: {"content": {"application/manifest+json": {"schema": {"type": "object"}}}}},
)
def web_app_manifest(request: Request, lang: Lang = "ko") -> Response:
    headers = {"Cache-Control": f"public, max-age={MANIFEST_MAX_AGE_S}"}
    return Response(orjson.dumps(manifest(lang)), media_type="application/manifest+json", headers=headers)


@router.get("/sw.js", include_in_schema=False)
def service_worker_script(request: Request) -> Response:
    state = request.app.state
    headers = {
        # Always asked again (browsers also check at least daily): a new build is found on the next visit.
        "Cache-Control": "no-cache",
        "Content-Security-Policy": service_worker_csp(state.map_settings),
    }
    body = service_worker(state.map_settings, state.web_app_build)
    return Response(body, media_type="text/javascript; charset=utf-8", headers=headers)
