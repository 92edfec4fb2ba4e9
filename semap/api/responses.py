"""Response classes for bytes the store already serialized."""

from __future__ import annotations

from fastapi.responses import Response


class GeoJSONResponse(Response):
    media_type = "application/geo+json"
