"""The main map (/): filters, search, layers, legend, choropleth, list view and downloads, in ko or en."""

from __future__ import annotations

from typing import Any

from semap.i18n import translations
from semap.maps.fading import Fading, fading_words
from semap.maps.labels import district_names, map_text, value_labels
from semap.maps.palette import (
    CLUSTER_COLOR,
    CLUSTER_TEXT,
    MARKER_OUTLINE,
    ORG_TYPE_COLORS,
    RESOURCE_COLORS,
    UNKNOWN_COLOR,
)
from semap.maps.precision import approximate_words
from semap.maps.render import Page, render_page
from semap.registry.model import INDUSTRIES, ORG_TYPES, SEMAP_CATEGORIES
from semap.settings import MapSettings

DOWNLOADS = [(layer, fmt) for layer in ("organizations", "resources") for fmt in ("geojson", "csv", "gpkg")]


def _selects(lang: str) -> list[tuple[str, str, list[tuple[str, str]]]]:
    t, label = translations(lang), value_labels(lang)
    every = [("", t.gettext("All"))]
    choropleths = [
        ("", t.gettext("None")),
        ("counts", t.gettext("Number of organizations")),
        ("hotspots", t.gettext("Hot spots by dong (Gi*)")),
    ] + [(f"lq:{v}", t.gettext("LQ: {industry}").format(industry=label.get(v, v))) for v in INDUSTRIES]
    return [
        ("type", t.gettext("Type"), every + [(v, label.get(v, v)) for v in ORG_TYPES]),
        ("industry", t.gettext("Industry"), every + [(v, label.get(v, v)) for v in INDUSTRIES]),
        ("category", t.gettext("Category"), every + [(v, label.get(v, v)) for v in SEMAP_CATEGORIES]),
        ("district", t.gettext("District"), every + district_names(lang)),
        ("choropleth", t.gettext("Choropleth"), choropleths),
    ]


PALETTE = {
    "types": ORG_TYPE_COLORS,
    "resources": RESOURCE_COLORS,
    "cluster": CLUSTER_COLOR,
    "clusterText": CLUSTER_TEXT,
    "outline": MARKER_OUTLINE,
    "unknown": UNKNOWN_COLOR,
}


def main_page(
    lang: str, settings: MapSettings, jsonld: dict[str, Any] | None = None, fading: Fading | None = None
) -> Page:
    """The map; ``jsonld``: the dataset's description for search engines (semap.maps.linked_data); ``fading``: which
    records are drawn faded (semap.maps.fading; None: none)."""
    label = value_labels(lang)
    faded = fading_words(fading or Fading("", None, 0, 0), settings.stale_after_months, lang)
    config = {
        "lang": lang,
        "text": map_text(lang),
        "values": label,
        "types": list(ORG_TYPES),
        "resourceCategories": list(RESOURCE_COLORS),
        "palette": PALETTE,
        "fading": faded,
        "districtNames": dict(district_names(lang)),  # Korean name -> the name to show
        "approximate": approximate_words(lang),  # match type -> where an approximate point is
    }
    return render_page(
        "main.html",
        settings,
        lang=lang,
        title=translations(lang).gettext("SeMap — Seoul social economy map"),
        other_lang="en" if lang == "ko" else "ko",
        selects=_selects(lang),
        downloads=DOWNLOADS,
        legend=[(label.get(k, k), c) for k, c in ORG_TYPE_COLORS.items()],
        legend_resources=[(label.get(k, k), c) for k, c in RESOURCE_COLORS.items()],
        legend_faded=faded["legend"],
        palette=PALETTE,
        data={"config": config},
        jsonld=jsonld,
    )
