"""The embedded map (/embed): the main map's view and filters, read from the same query parameters, locked — no
header, no filter bar — with a line saying what it shows and a link opening the same view in SeMap itself.

Districts and the center put it on their homepages in an iframe (SEMAP_FRAME_ANCESTORS lists who may).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import urlencode

from semap.errors import InvalidParameter
from semap.features.filters import FeatureFilter, resolve_district, where_clause
from semap.features.layers import ORGANIZATIONS
from semap.i18n import translations
from semap.maps.labels import district_label, value_label
from semap.maps.main_page import main_page
from semap.maps.render import Page
from semap.registry.model import INDUSTRIES
from semap.settings import MapSettings

# The main map's filters (semap-map.js FILTERS), in the order its URL writes them.
MAP_FILTERS = ("q", "type", "industry", "category", "district")
CHOROPLETHS = ("counts", "hotspots", *(f"lq:{v}" for v in INDUSTRIES))
MAX_ZOOM = 19
# For the OpenAPI document: what ``at`` accepts (latitude in [-90, 90], longitude in [-180, 180], zoom 0–19).
AT_PATTERN = r"^-?(90(\.0+)?|[0-8]?[0-9](\.[0-9]+)?),-?(180(\.0+)?|(1[0-7][0-9]|[0-9]{1,2})(\.[0-9]+)?),([0-9]|1[0-9])$"


@dataclass(frozen=True)
class MapView:
    """What a map URL shows: its filters, its choropleth and where it looks (lat, lon, zoom), all optional."""

    filters: dict[str, str]
    choropleth: str = ""
    at: tuple[float, float, int] | None = None

    def query(self, lang: str) -> str:
        """The view as the map's URL writes it (lang first, then the filters, the choropleth, the view)."""
        params = {"lang": lang, **self.filters}
        if self.choropleth:
            params["choropleth"] = self.choropleth
        if self.at:
            params["at"] = f"{self.at[0]:.5f},{self.at[1]:.5f},{self.at[2]}"
        return urlencode(params)


def parse_view(params: Mapping[str, str]) -> MapView:
    """A map URL's view, checked with the filter grammar the API uses (InvalidParameter names what is wrong)."""
    filters = {name: params[name].strip() for name in MAP_FILTERS if (params.get(name) or "").strip()}
    where_clause(FeatureFilter.of(**filters), ORGANIZATIONS, "")  # validates every value; the SQL is not used
    choropleth = (params.get("choropleth") or "").strip()
    if choropleth and choropleth not in CHOROPLETHS:
        raise InvalidParameter("choropleth", f"one of: {', '.join(CHOROPLETHS)}")
    return MapView(filters, choropleth, _at(params.get("at")))


def _at(value: str | None) -> tuple[float, float, int] | None:
    if not value:
        return None
    parts = value.split(",")
    try:
        lat, lon, zoom = float(parts[0]), float(parts[1]), int(parts[2])
    except (ValueError, IndexError):
        raise InvalidParameter("at", "latitude,longitude,zoom, e.g. 37.51456,127.10595,14") from None
    if len(parts) != 3 or not (-90 <= lat <= 90 and -180 <= lon <= 180 and 0 <= zoom <= MAX_ZOOM):
        raise InvalidParameter("at", f"latitude in [-90, 90], longitude in [-180, 180], zoom 0 to {MAX_ZOOM}")
    return lat, lon, zoom


def view_caption(view: MapView, lang: str) -> str:
    """What the locked filters show, in words: "Cooperative · Songpa-gu", or everything."""
    t = translations(lang)
    words = []
    for name in ("type", "industry", "category"):
        if name in view.filters:
            words.append(value_label(view.filters[name], lang))
    if "district" in view.filters:
        words.append(district_label(resolve_district(view.filters["district"]), lang))
    if "q" in view.filters:
        words.append(t.gettext("“{text}”").format(text=view.filters["q"]))
    return " · ".join(words) or t.gettext("All organizations and shared resources")


def embed_page(view: MapView, lang: str, settings: MapSettings) -> Page:
    """The main map's page (its script and its words) in the embedded map's template."""
    district = resolve_district(view.filters["district"]) if "district" in view.filters else None
    return main_page(
        lang,
        settings,
        template="embed.html",
        caption=view_caption(view, lang),
        open_url="/?" + view.query(lang),
        district_ko=district.name_ko if district else "",  # the map opens on it when the URL names no place (at)
    )
