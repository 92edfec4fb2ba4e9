"""The download formats, and the CSV writer every download shares; apart from the code that needs pandas, so the
CLI's options and the coordinators' contact export name them without loading it."""

from __future__ import annotations

import csv
import io
from enum import StrEnum


class ExportFormat(StrEnum):
    geojson = "geojson"
    csv = "csv"
    gpkg = "gpkg"  # GeoPackage, the file QGIS and ArcGIS open as a layer


MEDIA_TYPES = {
    ExportFormat.geojson: "application/geo+json",
    ExportFormat.csv: "text/csv; charset=utf-8",
    ExportFormat.gpkg: "application/geopackage+sqlite3",
}


class TableFormat(StrEnum):
    csv = "csv"
    json = "json"
    xlsx = "xlsx"


# OWASP CSV injection: a cell starting with one of these is a formula to Excel and LibreOffice.
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def neutralize_formula(value: object) -> object:
    """Text that a spreadsheet would run as a formula gets a leading apostrophe; numbers stay numbers."""
    if isinstance(value, str) and value.startswith(FORMULA_TRIGGERS):
        return "'" + value
    return value


def rows_to_csv(rows: list[dict[str, object]]) -> bytes:
    buffer = io.StringIO()
    if rows:
        writer = csv.DictWriter(buffer, fieldnames=list(rows[0]), lineterminator="\r\n")
        writer.writeheader()
        writer.writerows({k: neutralize_formula(v) for k, v in row.items()} for row in rows)
    # The BOM makes Korean Excel read UTF-8 instead of CP949.
    return buffer.getvalue().encode("utf-8-sig")
