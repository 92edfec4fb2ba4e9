"""The main map (/): filters, search, layers, legend, choropleth, list view and downloads, in ko or en."""

from __future__ import annotations

from html import escape

import folium
import orjson

from semap.maps.labels import CATEGORY_COLORS, RESOURCE_COLORS, TEXT, VALUES_EN, VALUES_KO, district_names
from semap.maps.shell import STATIC, base_map
from semap.registry.model import INDUSTRIES, ORG_TYPES, SEMAP_CATEGORIES
from semap.settings import MapSettings


def _options(values: list[tuple[str, str]], all_label: str) -> str:
    options = [f'<option value="">{escape(all_label)}</option>']
    options += [f'<option value="{escape(v)}">{escape(label)}</option>' for v, label in values]
    return "".join(options)


def _header(lang: str) -> str:
    t = TEXT[lang]
    other = "en" if lang == "ko" else "ko"
    label = VALUES_EN if lang == "en" else VALUES_KO
    types = [(v, label.get(v, v)) for v in ORG_TYPES]
    industries = [(v, label.get(v, v)) for v in INDUSTRIES]
    categories = [(v, label.get(v, v)) for v in SEMAP_CATEGORIES]
    choropleths = [("", t["none"]), ("counts", t["counts"])] + [
        (f"lq:{v}", f"{t['lq']}: {label.get(v, v)}") for v in INDUSTRIES
    ]
    choropleth_options = "".join(f'<option value="{escape(v)}">{escape(n)}</option>' for v, n in choropleths)
    return f"""
<a class="skip" href="#semap-panel">{escape(t["skip"])}</a>
<header id="semap-header">
  <h1>{escape(t["title"])}</h1>
  <a class="lang" id="semap-lang" href="?lang={other}" lang="{other}">{escape(t["language"])}</a>
  <form id="semap-filters" role="search">
    <label>
      <span class="visually-hidden">{escape(t["search"])}</span>
      <input type="search" name="q" placeholder="{escape(t["search"])}" aria-label="{escape(t["search"])}">
    </label>
    <label>{escape(t["type"])} <select name="type">{_options(types, t["all"])}</select></label>
    <label>{escape(t["industry"])} <select name="industry">{_options(industries, t["all"])}</select></label>
    <label>{escape(t["category"])} <select name="category">{_options(categories, t["all"])}</select></label>
    <label>{escape(t["district"])} <select name="district">{_options(district_names(lang), t["all"])}</select></label>
    <label>{escape(t["choropleth"])} <select name="choropleth">{choropleth_options}</select></label>
    <button type="submit">{escape(t["search_button"])}</button>
    <button type="reset">{escape(t["reset"])}</button>
  </form>
</header>"""


def _panel(lang: str) -> str:
    t = TEXT[lang]
    label = VALUES_EN if lang == "en" else VALUES_KO
    legend = "".join(
        f'<li><span class="swatch" style="background:{c}"></span>{escape(label.get(k, k))}</li>'
        for k, c in CATEGORY_COLORS.items()
    )
    legend_resources = "".join(
        f'<li><span class="swatch" style="background:{c}"></span>{escape(label.get(k, k))}</li>'
        for k, c in RESOURCE_COLORS.items()
    )
    links = " ".join(
        f'<a id="download-{layer}-{fmt}" href="/api/v1/export/{layer}.{fmt}" download>'
        f"{escape(t[layer])} {fmt.upper()}</a>"
        for layer in ("organizations", "resources")
        for fmt in ("geojson", "csv")
    )
    return f"""
<aside id="semap-panel" aria-label="{escape(t["list"])}" tabindex="-1">
  <p id="semap-count" role="status" aria-live="polite">{escape(t["loading"])}</p>
  <p class="downloads"><strong>{escape(t["download"])}:</strong> {links}</p>
  <section class="legend" aria-label="{escape(t["legend"])}">
    <h2>{escape(t["legend"])}</h2>
    <ul>{legend}</ul>
    <h2>{escape(t["resources"])}</h2>
    <ul>{legend_resources}</ul>
    <div id="semap-choropleth-legend"></div>
  </section>
  <h2 id="semap-list-heading">{escape(t["list"])}</h2>
  <ol id="semap-results" aria-labelledby="semap-list-heading"></ol>
</aside>"""


def main_page(lang: str, settings: MapSettings) -> str:
    fmap = base_map(settings)
    root = fmap.get_root()
    root.header.add_child(folium.Element(f"<title>{escape(TEXT[lang]['title'])}</title>"))
    root.header.add_child(folium.Element('<meta name="viewport" content="width=device-width, initial-scale=1">'))
    root.header.add_child(folium.Element('<link rel="icon" href="data:,">'))
    root.html.add_child(folium.Element(_header(lang) + _panel(lang)))
    config = {
        "lang": lang,
        "text": TEXT[lang],
        "values": VALUES_EN if lang == "en" else VALUES_KO,
        "types": list(ORG_TYPES),
        "categoryColors": CATEGORY_COLORS,
        "resourceColors": RESOURCE_COLORS,
    }
    root.html.add_child(folium.Element(f'<script src="{STATIC}/semap-map.js"></script>'))
    # After the whole page: Folium writes the map's own script after the children added here.
    start = f"window.semapView = SeMap.init({fmap.get_name()}, {orjson.dumps(config).decode()});"
    root.script.add_child(folium.Element(f'document.addEventListener("DOMContentLoaded", function () {{ {start} }});'))
    html = root.render()
    return html.replace("<html>", f'<html lang="{lang}">', 1)
