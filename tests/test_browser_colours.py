"""Colours that mean something, in headless Chromium on the synthetic demo: the legend and the layer control give
each type its own colour (circles) and each resource category its own (diamonds), the markers are drawn in those
shapes, groups of markers are a neutral grey whose numbers do not overlap at the city view, fading appears only
where it tells records apart and the legend says what it means, and the choropleth's classes read 25–50, 51–75 …"""

from __future__ import annotations

import itertools
import math
import re
from collections.abc import Iterator

import pytest
from coloraide import Color
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select

from semap.maps.palette import CLUSTER_COLOR, ORG_TYPE_COLORS, RESOURCE_COLORS
from semap.store import Store, open_store
from tests.browser import chrome, console_errors, screenshot, serving_without_basemap, wait_for
from tests.conftest import built_settings_for

READY = "var s = window.semapState; return s && s.mode === 'markers' && s;"
CITY = "37.5665,126.9780,11"


@pytest.fixture(scope="module")
def store(request: pytest.FixtureRequest) -> Iterator[Store]:
    store = open_store(built_settings_for("duckdb", request))
    yield store
    store.close()


@pytest.fixture(scope="module")
def base_url(store: Store) -> Iterator[str]:
    with serving_without_basemap(store) as url:
        yield url


@pytest.fixture
def browser():
    driver = chrome(1366, 768)
    yield driver
    driver.quit()


def _rgb(css: str) -> str:
    r, g, b = (int(x) for x in re.findall(r"\d+", css)[:3])
    return f"#{r:02x}{g:02x}{b:02x}"


def _swatches(driver, selector: str) -> list[dict]:
    return driver.execute_script(
        "return Array.from(document.querySelectorAll(arguments[0])).map(function (s) {"
        "  var c = getComputedStyle(s); return {color: c.backgroundColor, round: parseFloat(c.borderTopLeftRadius) >="
        "  parseFloat(c.width) / 2,"
        "  transform: c.transform, label: s.parentElement.textContent.trim()}; });",
        selector,
    )


def _distinct(colours: list[str]) -> float:
    return min(Color(a).delta_e(b, method="2000") for a, b in itertools.combinations(colours, 2))


def test_legend_and_layer_control_show_one_colour_and_shape_per_type(browser, base_url: str) -> None:
    browser.get(base_url + "/?lang=en")
    wait_for(browser, READY)
    types = _swatches(browser, ".legend-types .swatch")
    resources = _swatches(browser, ".legend-resources .swatch")
    assert [s["label"] for s in types][:3] == ["Social enterprise", "Cooperative", "Village enterprise"]
    assert [_rgb(s["color"]) for s in types] == list(ORG_TYPE_COLORS.values())
    assert [_rgb(s["color"]) for s in resources] == list(RESOURCE_COLORS.values())
    assert _distinct([_rgb(s["color"]) for s in types + resources]) >= 10  # CIEDE2000, all thirteen together
    assert all(s["round"] and s["transform"] == "none" for s in types)  # circles
    assert all(s["transform"] != "none" for s in resources)  # diamonds: squares turned on a corner
    # The layer control: the same colour and shape per entry, not one dark dot for every type.
    browser.find_element(By.CSS_SELECTOR, ".leaflet-control-layers").click()
    control = _swatches(browser, ".leaflet-control-layers-overlays .swatch")
    assert len(control) == len(ORG_TYPE_COLORS) + len(RESOURCE_COLORS)
    assert [_rgb(s["color"]) for s in control] == [*ORG_TYPE_COLORS.values(), *RESOURCE_COLORS.values()]
    assert {s["transform"] != "none" for s in control if "Shared resources" in s["label"]} == {True}
    assert {s["transform"] == "none" for s in control if "organizations" in s["label"]} == {True}
    screenshot(browser, "colours-layer-control")
    assert console_errors(browser) == []


# Paints one marker of the layer alone (the others and the boundaries taken off the map) at zoom 18, enlarged to a
# radius of 30 px, and reads the canvas at two points: (1.15 r, 0)
# lies inside a diamond of half-diagonal 1.25 r but outside a circle of radius r; (0.665 r, 0.665 r), 0.94 r out on
# the diagonal, inside the circle but outside the diamond.
PROBE = """
var view = window.semapView, map = view.map, layer = arguments[0], done = arguments[arguments.length - 1];
var mine = Object.values(view.groups[layer]);
var id = Object.keys(view.markersById).filter(function (id) {
  var entry = view.markersById[id];
  return mine.indexOf(entry.group) >= 0 && !view.approximate(entry.marker.feature.properties);
})[0];
var marker = view.markersById[id].marker;
view.keepList = true;
view.clusters.clearLayers();
if (view.boundaries) map.removeLayer(view.boundaries);
map.setView(marker.getLatLng(), 18, { animate: false });
marker.addTo(map).setRadius(30);
setTimeout(function () {
  var r = marker._radius, p = marker._point, renderer = marker._renderer, ratio = window.devicePixelRatio || 1;
  function painted(dx, dy) {
    var x = Math.round((p.x + dx - renderer._bounds.min.x) * ratio);
    var y = Math.round((p.y + dy - renderer._bounds.min.y) * ratio);
    return renderer._ctx.getImageData(x, y, 1, 1).data[3] > 0;
  }
  done({ diamondOnly: painted(1.15 * r, 0), circleOnly: painted(0.665 * r, 0.665 * r), centre: painted(0, 0),
         diamond: marker instanceof window.SeMapStyle.DiamondMarker });
}, 500);
"""


@pytest.mark.parametrize(("layer", "diamond"), [("resources", True), ("organizations", False)])
def test_resources_are_diamonds_and_organizations_circles_on_the_map(
    browser, base_url: str, layer: str, diamond: bool
) -> None:
    browser.get(base_url + "/?at=37.5665,126.9780,13")
    wait_for(browser, READY)
    browser.set_script_timeout(20)
    drawn = browser.execute_async_script(PROBE, layer)
    assert drawn == {"diamondOnly": diamond, "circleOnly": not diamond, "centre": True, "diamond": diamond}


def test_groups_are_neutral_and_their_numbers_do_not_overlap_at_the_city_view(browser, base_url: str) -> None:
    browser.get(f"{base_url}/?at={CITY}")
    wait_for(browser, READY)
    # Drawn and settled: MarkerCluster adds its groups in chunks; none is fading in or out.
    wait_for(browser, SETTLED, timeout=30)
    clusters = browser.execute_script(
        "return Array.from(document.querySelectorAll('.semap-cluster')).map(function (c) {"
        "  var r = c.getBoundingClientRect(), s = c.querySelector('span');"
        "  return {x: r.left, y: r.top, w: r.width, h: r.height, color: getComputedStyle(c).backgroundColor,"
        "          text: s.textContent, fits: s.scrollWidth <= c.clientWidth}; });"
    )
    assert {_rgb(c["color"]) for c in clusters} == {CLUSTER_COLOR}
    legend = [*ORG_TYPE_COLORS.values(), *RESOURCE_COLORS.values()]
    assert min(Color(CLUSTER_COLOR).delta_e(c, method="2000") for c in legend) >= 15  # no legend colour reused
    assert all(c["fits"] and c["text"].isdigit() for c in clusters)

    def apart(a: dict, b: dict) -> bool:  # round bubbles: centres at least the two radii apart
        centre = lambda c: (c["x"] + c["w"] / 2, c["y"] + c["h"] / 2)  # noqa: E731
        return math.dist(centre(a), centre(b)) >= (a["w"] + b["w"]) / 2

    overlapping = [(a["text"], b["text"]) for a, b in itertools.combinations(clusters, 2) if not apart(a, b)]
    assert overlapping == []
    screenshot(browser, "colours-city-view")


SETTLED = """
var now = Array.from(document.querySelectorAll('.semap-cluster')).map(function (c) {
  return c.style.transform + getComputedStyle(c).opacity; }).join('|');
var same = now === window.__clusters && document.querySelectorAll('.semap-cluster').length > 10;
window.__clusters = now; return same && !document.querySelector('.leaflet-cluster-anim');
"""
FADED = (
    "var v = window.semapView; return Object.keys(v.markersById).filter(function (id) {"
    "  return v.markersById[id].marker.options.className.indexOf('semap-stale') >= 0; }).length;"
)


def test_on_the_demo_nothing_is_faded_because_every_entry_is_as_recent_as_the_data(browser, base_url: str) -> None:
    browser.get(f"{base_url}/?lang=en&at={CITY}")
    state = wait_for(browser, READY)
    assert state["shown"] == 1871 + 555
    assert browser.execute_script(FADED) == 0
    assert browser.find_elements(By.CSS_SELECTOR, ".faded-legend") == []


def test_fading_marks_what_was_not_confirmed_before_the_data_date_and_the_legend_says_so(store: Store) -> None:
    """Three months before the demo's data date (2013-12-31) the survey's resources of June to September fall out:
    550 of the 2426 records are faded, and the legend says what fading means."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("SEMAP_STALE_AFTER_MONTHS", "3")
        with serving_without_basemap(store) as url:
            driver = chrome(1366, 768)
            try:
                driver.get(f"{url}/?lang=en&at={CITY}")
                wait_for(driver, READY)
                assert driver.execute_script(FADED) == 550
                legend = driver.find_element(By.CSS_SELECTOR, ".faded-legend").text
                assert legend == "Faded: not confirmed since 2013-09-30, 3 months before the data date (2013-12-31)"
                opacity = driver.execute_script(
                    "return getComputedStyle(document.querySelector('.faded-legend .swatch')).opacity"
                )
                assert float(opacity) < 0.5
            finally:
                driver.quit()


def test_choropleth_classes_read_as_round_numbers_and_do_not_overlap(browser, base_url: str) -> None:
    browser.get(f"{base_url}/?lang=en")
    wait_for(browser, READY)
    Select(browser.find_element(By.NAME, "choropleth")).select_by_value("counts")
    wait_for(browser, "return window.semapState.choropleth === 25")
    items = browser.execute_script(
        "return Array.from(document.querySelectorAll('#semap-choropleth-legend li')).map(function (li) {"
        "  var r = li.getBoundingClientRect(); return {text: li.textContent, x: r.left, y: r.top, w: r.width,"
        "  h: r.height, fits: li.scrollWidth <= li.clientWidth + 1}; });"
    )
    assert [i["text"] for i in items] == ["25–50", "51–75", "76–100", "101–125", "126–145"]
    assert all(i["fits"] for i in items)
    assert all(b["y"] >= a["y"] + a["h"] - 0.5 for a, b in itertools.pairwise(items))  # one per line, apart
    screenshot(browser, "colours-choropleth")
    assert console_errors(browser) == []
