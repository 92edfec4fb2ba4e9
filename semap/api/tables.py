"""Tables over HTTP: JSON rows, or a CSV/XLSX download with a file name that says what it is."""

from __future__ import annotations

from datetime import date

import pandas as pd
from fastapi.responses import Response

from semap.api.responses import attachment
from semap.exports import TableFormat, table_bytes

MEDIA_TYPES = {
    TableFormat.json: "application/json",
    TableFormat.csv: "text/csv; charset=utf-8",
    TableFormat.xlsx: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def download_name(*parts: str, extension: str) -> str:
    stem = "-".join(["semap", *[p for p in parts if p], date.today().isoformat()])
    return f"{stem}.{extension}"


def table_response(table: pd.DataFrame, fmt: TableFormat, *name_parts: str) -> Response:
    headers = {}
    if fmt is not TableFormat.json:
        headers["Content-Disposition"] = attachment(download_name(*name_parts, extension=fmt.value))
    return Response(table_bytes(table, fmt), media_type=MEDIA_TYPES[fmt], headers=headers)


TABLE_DOC: dict[int | str, dict[str, object]] = {
    200: {
        "description": "The table: JSON rows, or a CSV (UTF-8 with BOM) or XLSX download",
        "content": {
            MEDIA_TYPES[TableFormat.json]: {"schema": {"type": "array", "items": {"type": "object"}}},
            "text/csv": {"schema": {"type": "string"}},
            MEDIA_TYPES[TableFormat.xlsx]: {"schema": {"type": "string", "format": "binary"}},
        },
    }
}
