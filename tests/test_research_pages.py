"""What people see of hot spots and change: the map's hot-spot layer and the district page's sentences and chart,
in Chromium at phone and desktop size, in Korean and English (the demo and its SYNTHETIC changed copy)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from html import unescape
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from selenium.webdriver.common.by import By

from semap.api.app import create_app
from semap.demo.release import write_changed_demo
from semap.i18n import translations
from semap.maps.labels import map_text
from semap.pipeline.build import build
from semap.settings import GeodataSettings
from semap.stats.change_tables import change_table
from semap.stats.hotspot_tables import hotspots_table
from semap.stats.kinds import ChangeBy, HotspotBy, Measure
from semap.store import Store
from tests.browser import chrome, console_errors, live_server, screenshot, wait_for
from tests.living import writable_store

TITLE = "Where organizations cluster, dong by dong (hot spots)"
NO_HOT_DONGS = "No dong of this district is a clear hot or cold spot compared with all of Seoul."


@pytest.fixture(scope="module")
def two_releases(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory, mirror: Path):
    tmp = tmp_path_factory.mktemp("research-pages")
    # More changes than test_change's, so the chart has flows of 3 or more to draw (1–2 are withheld as "S").
    write_changed_demo(tmp / "registry-2014", "2014-12-31", added=60, removed=40, moved=30)
    with writable_store("duckdb", request, tmp) as (store, _):
        build(
            store,
            GeodataSettings(
                geodata_mirror=mirror, data_dir=tmp / "data", registries=tmp / "registry-2014" / "registries.toml"
            ),
        )
        yield store


@pytest.fixture(scope="module")
def base_url(two_releases) -> Iterator[str]:
    store = two_releases
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("SEMAP_BASEMAP_URL", "")
        with live_server(create_app(store)) as url:
            yield url


def _text(html: str) -> str:
    return unescape(re.sub(r"<[^>]+>", " ", html))


def _most_moved_to(store: Store) -> str:
    table = change_table(store, "2013-12-31", "2014-12-31", ChangeBy.all)
    return str(table.sort_values(["moved_in", "entered"], ascending=False)["district_ko"].iloc[0])


@pytest.mark.parametrize("lang", ["ko", "en"])
def test_every_district_page_names_exactly_its_significant_dongs(two_releases, lang: str) -> None:
    store = two_releases
    t = translations(lang)
    table = hotspots_table(store, Measure.density, HotspotBy.all, "")
    client = TestClient(create_app(store))
    named = 0
    for district, rows in table.groupby("district_ko"):
        page = _text(client.get(f"/districts/{district}", params={"lang": lang}).text)
        section = page[page.index(t.gettext(TITLE)) : page.index(t.gettext("See them on the map"))]
        significant = rows[rows["class"] != 0]
        for row in rows.itertuples(index=False):
            name = row.dong_en if lang == "en" else row.dong_ko
            assert (f"{name} (" in section) == (row.kostat_code in set(significant["kostat_code"])), (district, name)
        named += len(significant)
        if significant.empty:
            assert t.gettext(NO_HOT_DONGS) in section
        assert "Benjamini–Hochberg" in section and "9,999" in section and "2013" in section  # rule, correction, vintage
    assert named == int((table["class"] != 0).sum()) > 0


def test_the_change_section_shows_only_when_two_releases_exist(two_releases, built_store: Store) -> None:
    store = two_releases
    arrived = _most_moved_to(store)
    page = _text(TestClient(create_app(store)).get(f"/districts/{arrived}").text)
    assert "등록부 사이의 변화: 2013-12-31 → 2014-12-31" in page and "다른 구에서 옮겨 옴" in page
    one_release = TestClient(create_app(built_store)).get(f"/districts/{arrived}").text
    assert "등록부 사이의 변화" not in one_release and translations("ko").gettext(TITLE) in one_release


@pytest.mark.parametrize(("width", "height", "phone"), [(1366, 768, False), (390, 844, True)])
@pytest.mark.parametrize("lang", ["ko", "en"])
def test_the_district_page_and_the_map_layer_in_a_browser(
    two_releases, base_url: str, lang: str, width: int, height: int, phone: bool
) -> None:
    store = two_releases
    t, words = translations(lang), map_text(lang)
    table = hotspots_table(store, Measure.density, HotspotBy.all, "")
    hot = table[table["class"] != 0].iloc[0]
    browser = chrome(width, height, phone=phone)
    try:
        browser.get(f"{base_url}/districts/{hot['district_ko']}?lang={lang}")
        section = browser.find_element(By.ID, "hotspots").find_element(By.XPATH, "..")
        browser.execute_script("arguments[0].scrollIntoView()", section)
        name = hot["dong_en"] if lang == "en" else hot["dong_ko"]
        assert name in section.text and section.is_displayed()
        screenshot(browser, f"district-hotspots-{lang}-{width}")
        browser.get(f"{base_url}/districts/{_most_moved_to(store)}?lang={lang}")
        change = browser.find_element(By.ID, "change").find_element(By.XPATH, "..")
        browser.execute_script("arguments[0].scrollIntoView()", change)
        assert t.gettext("moved in from another district") in change.text and "2014-12-31" in change.text
        widths = browser.execute_script(
            "return Array.from(document.querySelectorAll('.change-bars .bar'))"
            ".map(function (b) { return b.getBoundingClientRect().width; })"
        )
        assert len(widths) == 4 and max(widths) > 20  # the flows are drawn on their own scale
        screenshot(browser, f"district-change-{lang}-{width}")
        assert console_errors(browser) == []

        # The map: the hot-spot layer from the choropleth menu, every dong drawn, the legend saying the rule.
        browser.get(f"{base_url}/?lang={lang}&choropleth=hotspots")
        assert wait_for(browser, "return window.semapState && window.semapState.choropleth") == 423
        legend = wait_for(browser, "var l = document.getElementById('semap-choropleth-legend'); return l.textContent;")
        assert words["hotspots"] in legend and words["class_3"] in legend
        assert "Benjamini–Hochberg" in legend and "2013" in legend
        tooltips = browser.execute_script(
            "var out = {}; window.semapView.choroplethLayer.eachLayer(function (g) { g.eachLayer(function (l) {"
            "  out[l.feature.properties.kostat_code] = l.getTooltip().getContent(); }); }); return out;"
        )
        assert words[f"class_{hot['class']}"] in tooltips[hot["kostat_code"]] and name in tooltips[hot["kostat_code"]]
        screenshot(browser, f"map-hotspots-{lang}-{width}")
        assert console_errors(browser) == []
    finally:
        browser.quit()
