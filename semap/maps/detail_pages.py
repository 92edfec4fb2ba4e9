"""A district's page (map, counts, LQ row, shared resources with exports) and an organization's page."""

from __future__ import annotations

from html import escape
from urllib.parse import quote

import folium
import orjson
import pandas as pd

from semap.features.filters import FeatureFilter, resolve_district
from semap.features.layers import ORGANIZATIONS, RESOURCES
from semap.features.queries import one, table_rows
from semap.maps.labels import TEXT, value_label
from semap.maps.shell import base_map
from semap.settings import MapSettings
from semap.stats.tables import CountBy, Level, LqBy, counts_table, lq_table
from semap.store.base import Store

MARKERS_SCRIPT = """
document.addEventListener("DOMContentLoaded", function () {
  var map = %(map)s, layers = %(layers)s;
  if (!isFinite(map.getMaxZoom())) map.setMaxZoom(19);
  layers.forEach(function (spec) {
    fetch(spec.url).then(function (r) { return r.json(); }).then(function (data) {
      var layer = L.geoJSON(data, spec.polygon ? {style: {color: "#1d3557", weight: 2, fillOpacity: 0.05}} : {
        pointToLayer: function (f, latlng) {
          return L.circleMarker(latlng, {radius: 6, color: "#fff", weight: 1, fillOpacity: 0.9, fillColor: spec.color});
        },
        onEachFeature: function (f, l) { l.bindTooltip(f.properties.name); }
      }).addTo(map);
      if (spec.fit) map.fitBounds(layer.getBounds());
      window.semapDetailLoaded = (window.semapDetailLoaded || 0) + 1;
    });
  });
});
"""


def _page(title: str, lang: str, fmap: folium.Map, body_html: str, layers: list[dict]) -> str:
    root = fmap.get_root()
    root.header.add_child(folium.Element(f"<title>{escape(title)}</title>"))
    root.header.add_child(folium.Element('<meta name="viewport" content="width=device-width, initial-scale=1">'))
    root.header.add_child(folium.Element('<link rel="icon" href="data:,">'))
    root.html.add_child(folium.Element(f'<main class="page">{body_html}<div class="small-map">'))
    script = MARKERS_SCRIPT % {"map": fmap.get_name(), "layers": orjson.dumps(layers).decode()}
    root.script.add_child(folium.Element(script))
    html = root.render()
    # The map div follows the body text; close the wrappers after it.
    html = html.replace("</body>", "</div></main></body>", 1)
    return html.replace("<html>", f'<html lang="{lang}">', 1)


def _table(frame: pd.DataFrame, lang: str) -> str:
    head = "".join(f"<th scope='col'>{escape(value_label(str(c), lang))}</th>" for c in frame.columns)
    rows = "".join(
        "<tr>" + "".join(f"<td>{escape(str(v))}</td>" for v in row) + "</tr>" for row in frame.itertuples(index=False)
    )
    return f"<table><thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table>"


def district_page(store: Store, name: str, lang: str, settings: MapSettings) -> str:
    t = TEXT[lang]
    district = resolve_district(name)
    label = district.name_en if lang == "en" else district.name_ko
    by_type = counts_table(store, CountBy.type, Level.district)
    by_industry = counts_table(store, CountBy.industry, Level.district)
    row = lambda table: table.loc[[district.name_ko]] if district.name_ko in table.index else table.iloc[0:0]  # noqa: E731
    lq = lq_table(store, LqBy.industry, Level.district)
    lq = lq[lq["district_ko"] == district.name_ko][["industry", "n_ij", "lq", "ci_low", "ci_high", "q_value"]]
    lq = lq.assign(industry=lq["industry"].map(lambda v: value_label(v, lang))).round(3)
    resources = pd.DataFrame(table_rows(store, RESOURCES, FeatureFilter.of(district=district.adm_code)))
    resource_table = (
        _table(resources[["name", "category", "owner_name", "fee", "availability"]], lang)
        if len(resources)
        else "<p>–</p>"
    )
    query = f"district={quote(district.name_ko)}"
    exports = " ".join(
        f'<a href="/api/v1/export/{layer}.{fmt}?{query}" download>{escape(t[layer])} {fmt.upper()}</a>'
        for layer in ("resources", "organizations")
        for fmt in ("geojson", "csv")
    )
    body = f"""
<p><a href="/?lang={lang}&amp;{query}">{escape(t["back"])}</a></p>
<h1>{escape(label)}</h1>
<h2>{escape(t["counts_by_type"])}</h2>{_table(row(by_type).reset_index(drop=True), lang)}
<h2>{escape(t["counts_by_industry"])}</h2>{_table(row(by_industry).reset_index(drop=True), lang)}
<h2>{escape(t["lq_row"])}</h2>{_table(lq, lang)}
<h2>{escape(t["shared_resources"])} ({len(resources)})</h2>
<p class="downloads"><strong>{escape(t["export"])}:</strong> {exports}</p>
{resource_table}
<h2>{escape(t["map"])}</h2>"""
    layers = [
        {"url": "/api/v1/districts?simplify=0.0001", "polygon": True, "fit": False},
        {"url": f"/api/v1/organizations?{query}&limit=1000", "color": "#1d3557", "fit": False},
        {"url": f"/api/v1/resources?{query}&limit=1000", "color": "#00838f", "fit": False},
    ]
    fmap = base_map(settings, zoom=13)
    fmap.location = _district_center(store, district.adm_code)
    return _page(f"SeMap — {label}", lang, fmap, body, layers)


def _district_center(store: Store, adm_code: str) -> list[float]:
    lon, lat = store.fetch(
        "SELECT ST_X(ST_PointOnSurface(geom)), ST_Y(ST_PointOnSurface(geom)) FROM districts WHERE adm_code = :c",
        {"c": adm_code},
    )[0]
    return [float(lat), float(lon)]


def organization_page(store: Store, org_id: str, lang: str, settings: MapSettings) -> str:
    t = TEXT[lang]
    feature = orjson.loads(one(store, ORGANIZATIONS, org_id))
    p = feature["properties"]
    designations = ", ".join(
        f"{value_label(d['type'], lang)}/{value_label(d['subtype'], lang)}" for d in p["designations"]
    )
    website = (
        f'<a href="{escape(p["website"])}" rel="noopener">{escape(p["website"])}</a>'
        if p.get("website", "") and p["website"].startswith(("http://", "https://"))
        else ""
    )
    fields = [
        (t["type"], escape(value_label(p["type"], lang))),
        (t["designations"], escape(designations)),
        (t["industry"], escape(value_label(p["industry"], lang))),
        (t["category"], escape(value_label(p["category"], lang))),
        (t["address"], escape(p["address_raw"] or "")),
        (t["district"], escape(p.get("district_ko") or "")),
        (t["website"], website),
        (t["status"], escape(value_label(p["status"], lang))),
        (t["verified"], escape(p.get("verified_at") or "")),
    ]
    rows = "".join(f"<dt>{escape(k)}</dt><dd>{v}</dd>" for k, v in fields if v)
    body = f"""
<p><a href="/?lang={lang}">{escape(t["back"])}</a></p>
<h1>{escape(p["name"])}</h1>
<dl class="semap-popup">{rows}</dl>
<p>{escape(p.get("description") or "")}</p>
<h2>{escape(t["location"])}</h2>"""
    fmap = base_map(settings, zoom=16)
    if feature["geometry"]:
        lon, lat = feature["geometry"]["coordinates"]
        fmap.location = [lat, lon]
    layers = [{"url": f"/api/v1/organizations/{quote(org_id)}", "color": "#d62828", "fit": False}]
    return _page(f"SeMap — {p['name']}", lang, fmap, body, layers)
