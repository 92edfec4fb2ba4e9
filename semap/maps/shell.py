"""A Folium map whose Leaflet assets come from SeMap itself (vendored), so pages work on a closed network."""

from __future__ import annotations

from typing import TYPE_CHECKING

from semap.settings import MapSettings

if TYPE_CHECKING:
    import folium

STATIC = "/static"
VENDOR_JS = [
    ("leaflet", f"{STATIC}/vendor/leaflet-1.9.4/leaflet.js"),
    ("markercluster", f"{STATIC}/vendor/leaflet.markercluster-1.5.3/leaflet.markercluster.js"),
]
VENDOR_CSS = [
    ("leaflet_css", f"{STATIC}/vendor/leaflet-1.9.4/leaflet.css"),
    ("markercluster_css", f"{STATIC}/vendor/leaflet.markercluster-1.5.3/MarkerCluster.css"),
    ("markercluster_default_css", f"{STATIC}/vendor/leaflet.markercluster-1.5.3/MarkerCluster.Default.css"),
    ("semap_css", f"{STATIC}/semap.css"),
]
SEOUL_CENTER = (37.5565, 126.9780)


def base_map(settings: MapSettings, location=SEOUL_CENTER, zoom: int = 11) -> folium.Map:
    import folium  # with pandas behind it: loaded by the first page, not by a process serving tiles

    fmap = folium.Map(location=list(location), zoom_start=zoom, tiles=None, control_scale=True, prefer_canvas=True)
    # Folium's defaults pull Leaflet, jQuery and Bootstrap from CDNs; SeMap needs only Leaflet, served locally.
    fmap.default_js = VENDOR_JS
    fmap.default_css = VENDOR_CSS
    if settings.basemap_url:
        folium.TileLayer(
            settings.basemap_url, attr=settings.basemap_attribution, name="basemap", control=False, max_zoom=19
        ).add_to(fmap)
    return fmap
