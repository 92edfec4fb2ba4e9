"""Tables over HTTP: JSON rows, or a CSV/XLSX download with a file name that says what it is."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import TYPE_CHECKING

from fastapi import Request
from fastapi.responses import Response

from semap.api.caching import versioned
from semap.api.responses import attachment
from semap.formats import TableFormat
from semap.store.base import Store

if TYPE_CHECKING:
    import pandas as pd

MEDIA_TYPES = {
    TableFormat.json: "application/json",
    TableFormat.csv: "text/csv; charset=utf-8",
    TableFormat.xlsx: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def download_name(*parts: str, extension: str) -> str:
    stem = "-".join(["semap", *[p for p in parts if p], date.today().isoformat()])
    return f"{stem}.{extension}"


async def table_response(
    request: Request, store: Store, table: Callable[[], pd.DataFrame], fmt: TableFormat, *name_parts: str
) -> Response:
    """The table ``table()`` computes, as ``fmt``, once per data version (see semap.api.caching)."""
    headers = {}
    if fmt is not TableFormat.json:
        headers["Content-Disposition"] = attachment(download_name(*name_parts, extension=fmt.value))

    def render() -> bytes:
        from semap.exports import table_bytes  # pandas: loaded by the first table, in the thread pool (not the loop)

        return table_bytes(table(), fmt)

    return await versioned(request, store, render, MEDIA_TYPES[fmt], headers)


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
