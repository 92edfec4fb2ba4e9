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
from semap.settings import MapSettings, PublicationSettings

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


def about_data(lang: str, as_of: str | None, publication: PublicationSettings) -> dict[str, str] | None:
    """The data's date and licence as the map shows them; the default licence is named in the page's language."""
    if not as_of:
        return None
    licence = publication.data_licence
    if licence == PublicationSettings.model_fields["data_licence"].default:
        licence = translations(lang).gettext("KOGL Type 1 (attribution)")
    return {"as_of": as_of, "licence": licence, "licence_url": publication.data_licence_url}


PALETTE = {
    "types": ORG_TYPE_COLORS,
    "resources": RESOURCE_COLORS,
    "cluster": CLUSTER_COLOR,
    "clusterText": CLUSTER_TEXT,
    "outline": MARKER_OUTLINE,
    "unknown": UNKNOWN_COLOR,
}
NO_FADING = {"before": None, "legend": None, "note": None}


def map_config(lang: str, faded: dict[str, str | None] | None = None) -> dict[str, Any]:
    """What the map's script (semap-map.js) is told: its words, the vocabularies and colours, and which records are
    drawn faded (``fading_words``; None: none); the full map's and the embedded map's alike."""
    label = value_labels(lang)
    return {
        "lang": lang,
        "text": map_text(lang),
        "values": label,
        "types": list(ORG_TYPES),
        "resourceCategories": list(RESOURCE_COLORS),
        "palette": PALETTE,
        "fading": faded or NO_FADING,
        "districtNames": dict(district_names(lang)),  # Korean name -> the name to show
        "approximate": approximate_words(lang),  # match type -> where an approximate point is
    }


def main_page(
    lang: str,
    settings: MapSettings,
    jsonld: dict[str, Any] | None = None,
    fading: Fading | None = None,
    about: dict[str, str] | None = None,
    template: str = "main.html",
    **extra: Any,
) -> Page:
    """The map; ``jsonld``: the dataset's description for search engines (semap.maps.linked_data); ``fading``: which
    records are drawn faded (semap.maps.fading; None: none); ``about``: the data's date and licence (``about_data``);
    ``template`` and ``extra``: another page around the same map and script (semap.maps.embed_page)."""
    label = value_labels(lang)
    faded = fading_words(fading or Fading("", None, 0, 0), settings.stale_after_months, lang)
    config = map_config(lang, faded)
    return render_page(
        template,
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
        about=about,
        **extra,
    )
