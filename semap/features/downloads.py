"""What a download of features is called; light (no pandas), so a server names one before it loads the exporters."""

from __future__ import annotations

from datetime import date

from semap.features.filters import FeatureFilter, resolve_district
from semap.formats import ExportFormat


def export_name(layer_name: str, flt: FeatureFilter, fmt: ExportFormat) -> str:
    """A file name saying what and when: semap-resources-송파구-2026-11-21.geojson."""
    district = resolve_district(flt.district).name_ko if flt.district else ""
    return "-".join(p for p in ("semap", layer_name, district, date.today().isoformat()) if p) + f".{fmt.value}"
