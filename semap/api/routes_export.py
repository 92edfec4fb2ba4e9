"""Downloads for district coordinators and GIS users: exactly what a filter selects, as GeoJSON (RFC 7946), CSV for
Excel or a GeoPackage."""
# No "from __future__ import annotations": FastAPI must see each layer's filter dependency, a closure variable.

from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response

from semap.api.caching import versioned
from semap.api.deps import get_store
from semap.api.errors import ERROR_RESPONSES
from semap.api.params import FILTERS
from semap.api.responses import attachment
from semap.features.downloads import export_name
from semap.features.filters import FeatureFilter
from semap.features.layers import LayerName
from semap.formats import MEDIA_TYPES, ExportFormat
from semap.store import Store

router = APIRouter(prefix="/api/v1/export", tags=["exports"], responses=ERROR_RESPONSES)


EXPORT_DOC: dict[int | str, dict[str, object]] = {
    200: {
        "description": "A download: GeoJSON (RFC 7946), CSV (UTF-8 with BOM, opens in Korean Excel) or a GeoPackage "
        "(one layer, EPSG:4326)",
        "content": {
            "application/geo+json": {"schema": {"type": "object"}},
            "text/csv": {"schema": {"type": "string"}},
            MEDIA_TYPES[ExportFormat.gpkg]: {"schema": {"type": "string", "format": "binary"}},
        },
    },
    304: {"description": "Not modified (If-None-Match matched the ETag)"},
}


def _export(layer: LayerName):
    async def handler(
        fmt: ExportFormat,
        request: Request,
        store: Annotated[Store, Depends(get_store)],
        flt: Annotated[FeatureFilter, Depends(FILTERS[layer])],
    ) -> Response:
        name = export_name(layer.value, flt, fmt)
        ascii_name = name.encode("ascii", "replace").decode().replace("?", "_")
        headers = {"Content-Disposition": attachment(name, ascii_name)}

        def render() -> bytes:
            # Imported here, in the thread pool: geopandas and pyogrio take a second to load, and loading them
            # on the event loop held up every request in flight (seen as a cold start's p99, issue 23).
            from semap.exports import feature_export

            return feature_export(store, layer.value, flt, fmt)[0]

        return await versioned(request, store, render, MEDIA_TYPES[fmt], headers)

    return handler


for _layer in LayerName:
    router.add_api_route(
        f"/{_layer.value}.{{fmt}}",
        _export(_layer),
        methods=["GET"],
        summary=f"Download the filtered {_layer.value} (GeoJSON, CSV or GeoPackage)",
        response_class=Response,
        responses=EXPORT_DOC,
    )
