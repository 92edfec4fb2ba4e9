"""Exports in the formats GIS tools and spreadsheets open: GeoJSON (RFC 7946), CSV (UTF-8 with BOM for Excel) and
GeoPackage (written by GDAL through pyogrio).

geopandas, pyogrio and shapely load with the first GeoPackage, not with this module: a server's first CSV or
statistics table then waits for none of them (a second and a half on a small machine, with a slot of the store's
queue held meanwhile: the cold start's tail in issue 23).
"""

from __future__ import annotations

import io
from typing import TYPE_CHECKING

import orjson
import pandas as pd

from semap.features.downloads import export_name
from semap.features.filters import FeatureFilter
from semap.features.layers import LAYERS, LayerName
from semap.features.queries import all_features, table_rows
from semap.formats import ExportFormat, TableFormat, neutralize_formula, rows_to_csv
from semap.store.base import Store

if TYPE_CHECKING:
    import geopandas as gpd

# GeoPackage 1.3: what GDAL 3.6 and the QGIS releases built on it open without a warning (pyogrio's own GDAL
# would write 1.4).
GPKG_OPTIONS = {"VERSION": "1.3"}


def export_districts(store: Store, fmt: ExportFormat) -> bytes:
    if fmt is ExportFormat.geojson:
        return store.districts_geojson()
    if fmt is ExportFormat.gpkg:
        import geopandas as gpd

        frame = gpd.read_file(io.BytesIO(store.districts_geojson()), engine="pyogrio")
        return geopackage(frame.set_crs("EPSG:4326", allow_override=True), "districts")
    return rows_to_csv(store.district_rows())


def geopackage(frame: gpd.GeoDataFrame, layer: str, geometry_type: str | None = None) -> bytes:
    """One layer of a GeoPackage file, as bytes (GDAL writes it in memory); ``geometry_type`` keeps the layer's
    type when no feature is selected."""
    import pyogrio

    buffer = io.BytesIO()
    pyogrio.write_dataframe(
        frame, buffer, driver="GPKG", layer=layer, geometry_type=geometry_type, dataset_options=GPKG_OPTIONS
    )
    return buffer.getvalue()


def features_frame(rows: list[dict[str, object]], columns: tuple[str, ...]) -> gpd.GeoDataFrame:
    """Export rows (public properties, lon, lat) as points in EPSG:4326, each column with a type GIS fields take:
    text stays text even where every value is empty, yes/no stays boolean with gaps, numbers stay numbers."""
    import geopandas as gpd
    import shapely

    table = pd.DataFrame(rows, columns=[*columns, "lon", "lat"])
    geometry = [
        shapely.Point(lon, lat) if pd.notna(lon) and pd.notna(lat) else None
        for lon, lat in zip(table.pop("lon"), table.pop("lat"), strict=True)
    ]
    for column in table.columns:
        values = table[column].dropna()
        if values.map(lambda v: isinstance(v, bool)).all() and len(values):
            table[column] = table[column].astype("boolean")
        elif not pd.api.types.is_numeric_dtype(table[column]):
            table[column] = table[column].astype("string")
    return gpd.GeoDataFrame(table, geometry=geometry, crs="EPSG:4326")


def table_bytes(table: pd.DataFrame, fmt: TableFormat) -> bytes:
    """A statistics table as CSV (UTF-8 with BOM), JSON (a list of row objects) or an XLSX workbook."""
    flat = table.reset_index()
    if fmt is TableFormat.json:
        return orjson.dumps(flat.to_dict(orient="records"), option=orjson.OPT_SERIALIZE_NUMPY)
    for column in flat.columns:
        if not pd.api.types.is_numeric_dtype(flat[column]):
            flat[column] = flat[column].map(neutralize_formula)
    if fmt is TableFormat.csv:
        # CRLF rows (RFC 4180): a CR or LF inside a cell is then always quoted.
        return flat.to_csv(index=False, lineterminator="\r\n").encode("utf-8-sig")
    buffer = io.BytesIO()
    flat.to_excel(buffer, index=False, sheet_name="semap")
    return buffer.getvalue()


def feature_export(store: Store, layer_name: str, flt: FeatureFilter, fmt: ExportFormat) -> tuple[bytes, str]:
    """Exactly the features a filter selects, with its file name (``export_name``)."""
    layer = LAYERS[LayerName(layer_name)]
    name = export_name(layer.name, flt, fmt)
    if fmt is ExportFormat.geojson:
        return all_features(store, layer, flt), name
    if fmt is ExportFormat.gpkg:
        return geopackage(features_frame(table_rows(store, layer, flt), layer.properties), layer.name, "Point"), name
    return rows_to_csv(table_rows(store, layer, flt)), name
