"""The main map (/): filters, search, layers, legend, choropleth, list view and downloads, in ko or en."""

from __future__ import annotations

from semap.maps.labels import CATEGORY_COLORS, RESOURCE_COLORS, TEXT, VALUES_EN, VALUES_KO, district_names
from semap.maps.render import Page, render_page
from semap.registry.model import INDUSTRIES, ORG_TYPES, SEMAP_CATEGORIES
from semap.settings import MapSettings

DOWNLOADS = [(layer, fmt) for layer in ("organizations", "resources") for fmt in ("geojson", "csv")]


def _selects(lang: str) -> list[tuple[str, str, list[tuple[str, str]]]]:
    t = TEXT[lang]
    label = VALUES_EN if lang == "en" else VALUES_KO
    every = [("", t["all"])]
    choropleths = [("", t["none"]), ("counts", t["counts"]), ("hotspots", t["hotspots"])] + [
        (f"lq:{v}", f"{t['lq']}: {label.get(v, v)}") for v in INDUSTRIES
    ]
    return [
        ("type", t["type"], every + [(v, label.get(v, v)) for v in ORG_TYPES]),
        ("industry", t["industry"], every + [(v, label.get(v, v)) for v in INDUSTRIES]),
        ("category", t["category"], every + [(v, label.get(v, v)) for v in SEMAP_CATEGORIES]),
        ("district", t["district"], every + district_names(lang)),
        ("choropleth", t["choropleth"], choropleths),
    ]


def main_page(lang: str, settings: MapSettings) -> Page:
    label = VALUES_EN if lang == "en" else VALUES_KO
    config = {
        "lang": lang,
        "text": TEXT[lang],
        "values": label,
        "types": list(ORG_TYPES),
        "categoryColors": CATEGORY_COLORS,
        "resourceColors": RESOURCE_COLORS,
        "districtNames": dict(district_names(lang)),  # Korean name -> the name to show
    }
    return render_page(
        "main.html",
        settings,
        lang=lang,
        title=TEXT[lang]["title"],
        t=TEXT[lang],
        other_lang="en" if lang == "ko" else "ko",
        selects=_selects(lang),
        downloads=DOWNLOADS,
        legend=[(label.get(k, k), c) for k, c in CATEGORY_COLORS.items()],
        legend_resources=[(label.get(k, k), c) for k, c in RESOURCE_COLORS.items()],
        data={"config": config},
    )
