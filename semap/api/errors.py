"""The one place where SeMap errors become HTTP statuses."""

from __future__ import annotations

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse

from semap.errors import (
    ConfigError,
    GeocoderError,
    InvalidParameter,
    NotFound,
    SemapError,
    StoreNotBuilt,
    StoreUnavailable,
)

STATUS_BY_ERROR: dict[type[SemapError], int] = {
    InvalidParameter: 422,
    NotFound: 404,
    StoreNotBuilt: 503,
    StoreUnavailable: 503,
    ConfigError: 500,
    GeocoderError: 502,
}


def status_for(exc: SemapError) -> int:
    for cls in type(exc).__mro__:
        if cls in STATUS_BY_ERROR:
            return STATUS_BY_ERROR[cls]  # type: ignore[index]
    return 500


def install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(SemapError)
    async def _semap_error(_: Request, exc: SemapError) -> JSONResponse:
        body: dict[str, object] = {"error": type(exc).__name__, "detail": str(exc)}
        if isinstance(exc, InvalidParameter):
            body["parameter"] = exc.parameter
        return JSONResponse(body, status_code=status_for(exc))
