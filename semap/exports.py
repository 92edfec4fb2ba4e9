"""Exports in the formats GIS tools and spreadsheets open: GeoJSON (RFC 7946) and CSV (UTF-8 with BOM for Excel)."""

from __future__ import annotations

import io
from datetime import date

import orjson
import pandas as pd

from semap.features.filters import FeatureFilter, resolve_district
from semap.features.layers import LAYERS, LayerName
from semap.features.queries import all_features, table_rows
from semap.formats import ExportFormat, TableFormat, neutralize_formula, rows_to_csv
from semap.store.base import Store


def export_districts(store: Store, fmt: ExportFormat) -> bytes:
    if fmt is ExportFormat.geojson:
        return store.districts_geojson()
    return rows_to_csv(store.district_rows())


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


def export_name(layer_name: str, flt: FeatureFilter, fmt: ExportFormat) -> str:
    """A file name saying what and when: semap-resources-송파구-2026-11-21.geojson."""
    district = resolve_district(flt.district).name_ko if flt.district else ""
    return "-".join(p for p in ("semap", layer_name, district, date.today().isoformat()) if p) + f".{fmt.value}"


def feature_export(store: Store, layer_name: str, flt: FeatureFilter, fmt: ExportFormat) -> tuple[bytes, str]:
    """Exactly the features a filter selects, with its file name (``export_name``)."""
    layer = LAYERS[LayerName(layer_name)]
    name = export_name(layer.name, flt, fmt)
    if fmt is ExportFormat.geojson:
        return all_features(store, layer, flt), name
    return rows_to_csv(table_rows(store, layer, flt)), name
