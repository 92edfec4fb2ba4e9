"""/docs (Swagger UI) and /redoc (ReDoc) from assets vendored in the package, so they work offline."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import HTMLResponse

from semap.maps.render import render_plain

router = APIRouter(include_in_schema=False)
DOCS_CSP = (
    "default-src 'self'; script-src 'self'; worker-src 'self' blob:; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; font-src 'self' data:; object-src 'none'; base-uri 'self'"
)


def docs_page(kind: str, title: str, openapi_url: str = "/openapi.json") -> HTMLResponse:
    page = render_plain("docs.html", lang="en", title=title, kind=kind, openapi_url=openapi_url)
    return HTMLResponse(page.html, headers={"Content-Security-Policy": DOCS_CSP})


@router.get("/docs")
def swagger_ui() -> HTMLResponse:
    return docs_page("swagger", "SeMap API — Swagger UI")


@router.get("/redoc")
def redoc() -> HTMLResponse:
    return docs_page("redoc", "SeMap API — ReDoc")
