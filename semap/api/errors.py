"""The one place where errors become HTTP statuses, with one body shape for every 4xx/5xx SeMap answers."""

from __future__ import annotations

from urllib.parse import quote

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, RedirectResponse, Response
from pydantic import BaseModel
from starlette.exceptions import HTTPException as StarletteHTTPException

from semap.api.html import problem_page, status_heading
from semap.api.negotiation import invalid_parameter_status
from semap.errors import (
    BuildInProgress,
    ConfigError,
    Conflict,
    Forbidden,
    GeocoderError,
    InternalError,
    InvalidParameter,
    MailNotSent,
    NotFound,
    NotSignedIn,
    RateLimited,
    SemapError,
    StoreNotBuilt,
    StoreUnavailable,
    UnreadableUpload,
    UploadTooLarge,
)
from semap.i18n import language

# Pages people use with a browser (forms): errors there answer a page in their language, not JSON.
EDITING_PAGES = ("/edit/", "/coordinator", "/admin", "/login", "/logout", "/report/")

STATUS_BY_ERROR: dict[type[SemapError], int] = {
    InvalidParameter: 422,
    Forbidden: 403,
    RateLimited: 429,
    Conflict: 409,
    BuildInProgress: 409,
    NotFound: 404,
    StoreNotBuilt: 503,
    StoreUnavailable: 503,
    ConfigError: 500,
    GeocoderError: 502,
    MailNotSent: 502,
    UploadTooLarge: 413,
    UnreadableUpload: 400,
}


class ErrorBody(BaseModel):
    error: str
    detail: str
    parameter: str | None = None


# Content given explicitly (not as a model) so routes answering GeoJSON still document errors as JSON.
_ERROR_CONTENT = {"application/json": {"schema": ErrorBody.model_json_schema()}}
ERROR_RESPONSES: dict[int | str, dict[str, object]] = {
    404: {"content": _ERROR_CONTENT, "description": "No such object"},
    422: {"content": _ERROR_CONTENT, "description": "A parameter is malformed or out of range; the detail says what"},
    503: {"content": _ERROR_CONTENT, "description": "The store is not built or not reachable"},
}


def status_for(exc: SemapError) -> int:
    for cls in type(exc).__mro__:
        if cls in STATUS_BY_ERROR:
            return STATUS_BY_ERROR[cls]
    return 500


def _for_path(request: Request, status: int) -> int:
    return invalid_parameter_status(request.url.path) if status == 422 else status


def _body(error: str, detail: str, parameter: str | None, status: int) -> JSONResponse:
    return JSONResponse(ErrorBody(error=error, detail=detail, parameter=parameter).model_dump(), status_code=status)


def error_response(request: Request, exc: SemapError) -> Response:
    """SeMap's error as the answer: a page in the person's language on the editing pages, else the one JSON shape;
    Retry-After wherever the error says when to come back (429, 503)."""
    status = _for_path(request, status_for(exc))
    response: Response
    if request.url.path.startswith(EDITING_PAGES):  # people at a browser: a page, or the way to sign in
        lang = language(request.query_params.get("lang", "ko"))
        if isinstance(exc, NotSignedIn) and request.method in ("GET", "HEAD"):
            here = request.url.path + (f"?{request.url.query}" if request.url.query else "")  # its language too
            return RedirectResponse(f"/login?lang={lang}&next={quote(here)}", status_code=303)
        response = problem_page(lang, status, status_heading(lang, status), str(exc))
    else:
        parameter = exc.parameter if isinstance(exc, InvalidParameter) else None
        response = _body(type(exc).__name__, str(exc), parameter, status)
    retry_after = getattr(exc, "retry_after_s", None)
    if retry_after is not None:
        response.headers["Retry-After"] = str(retry_after)
    return response


def install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(SemapError)
    async def _semap_error(request: Request, exc: SemapError) -> Response:
        return error_response(request, exc)

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, exc: Exception) -> Response:
        # A bug, not an input: answered in the one shape (no traceback); Starlette re-raises it for the server's log.
        return error_response(request, InternalError(f"{type(exc).__name__}: the server logged it"))

    @app.exception_handler(StarletteHTTPException)
    async def _http_error(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        # Unknown routes and methods, answered by the router itself: the same body shape as everything else.
        names = {404: "NotFound", 405: "MethodNotAllowed"}
        detail = {
            404: f"no such route: {request.url.path} (see /docs)",
            405: f"{request.method} is not allowed on {request.url.path}",
        }.get(exc.status_code, str(exc.detail))
        response = _body(names.get(exc.status_code, "HTTPError"), detail, None, exc.status_code)
        if exc.headers:
            response.headers.update(exc.headers)
        return response

    @app.exception_handler(RequestValidationError)
    async def _validation_error(request: Request, exc: RequestValidationError) -> JSONResponse:
        first = exc.errors()[0] if exc.errors() else {}
        location = [str(part) for part in first.get("loc", ()) if part not in ("query", "path", "body")]
        parameter = location[-1] if location else None
        detail = f"{parameter}: {first.get('msg', 'invalid value')}" if parameter else str(first.get("msg", exc))
        return _body("InvalidParameter", detail, parameter, _for_path(request, 422))
