"""The download formats, apart from the code that writes them: the CLI's options name them without loading it."""

from __future__ import annotations

from enum import StrEnum


class ExportFormat(StrEnum):
    geojson = "geojson"
    csv = "csv"


class TableFormat(StrEnum):
    csv = "csv"
    json = "json"
    xlsx = "xlsx"
