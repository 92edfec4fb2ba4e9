"""Locations told as precisely as they are, in headless Chromium: an approximate record (a legal-dong centre) is
drawn as a dashed ring, its popup and its page say how approximate it is, and its directions search its address;
a record pinned at its building is a solid dot with directions to the point. Korean and English, phone and desktop.

The store is what a new user builds (test_new_user_build: the real Busan rows, synthetic Seoul rows at real
addresses, no address database), with one record pinned by hand.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote

import pytest
from selenium.webdriver.common.by import By

from semap.i18n import translations
from semap.maps.labels import map_text
from semap.pipeline.build import build
from semap.pipeline.pins import set_pin
from semap.settings import GeodataSettings, StoreSettings
from semap.store import Store, open_store
from tests.browser import chrome, console_errors, screenshot, serving_without_basemap, wait_for
from tests.test_new_user_build import _write_registries

READY = "var s = window.semapState; return s && s.mode === 'markers' && s;"
CITY_HALL = (126.9779692, 37.5665350)  # 세종 공방 is pinned here by hand: a building-precise record
APPROXIMATE = "자하문 마을카페"  # 서울특별시 종로구 자하문로 94: Korea Post's 청운동, placed at its centre (502 m)
NOTE = {
    "ko": "위치는 대략적입니다 (법정동 중심, 약 500 m)",
    "en": "Approximate location (legal-dong centre, about 500 m)",
}
SIZES = {"phone": (390, 844), "desktop": (1366, 768)}
DRAWN_APPROXIMATE = (  # layers of the page's map drawn dashed: an approximate record's ring and its area
    "var map = window[window.SeMapCommon.pageData().map], n = 0;"
    "map.eachLayer(function (l) { if (l.options && l.options.dashArray) n += 1; }); return n;"
)


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory, mirror: Path) -> Iterator[Store]:
    folder = tmp_path_factory.mktemp("precision")
    store = open_store(StoreSettings(database_url=None, data_dir=folder))
    geodata = GeodataSettings(geodata_mirror=mirror, data_dir=folder, registries=_write_registries(folder))
    build(store, geodata)
    pinned = store.fetch("SELECT id FROM organizations WHERE name = '세종 공방'")[0][0]
    set_pin(store, pinned, *CITY_HALL, note="surveyed at the door")
    build(store, geodata)
    yield store
    store.close()


@pytest.fixture(scope="module")
def base_url(store: Store) -> Iterator[str]:
    with serving_without_basemap(store) as url:
        yield url


def _ids(store: Store) -> dict[str, str]:
    return {name: id_ for id_, name in store.fetch("SELECT id, name FROM organizations")}


def _marker(browser, record_id: str) -> dict:
    """How the record's marker is drawn (the map draws on a canvas: the options it draws with), once drawn."""
    return wait_for(
        browser,
        f"var m = window.semapView.markersById[{json.dumps(record_id)}].marker;"
        "return m._map && {dash: m.options.dashArray, cls: m.options.className, fill: m.options.fillOpacity};",
    )


def _open_from_list(browser, record_id: str, name: str) -> str:
    browser.find_element(By.CSS_SELECTOR, f'#semap-results button[data-id="{record_id}"]').click()
    wait_for(
        browser,
        "var h = document.querySelector('.leaflet-popup-content h3');"
        f"return h && h.textContent === {json.dumps(name)};",
    )
    return browser.find_element(By.CSS_SELECTOR, ".leaflet-popup-content").get_attribute("innerHTML")


def _links(browser, selector: str) -> dict[str, str]:
    return {a.text: a.get_attribute("href") for a in browser.find_elements(By.CSS_SELECTOR, selector)}


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("lang", ["ko", "en"])
def test_an_approximate_record_is_drawn_labelled_and_routed_by_its_address(
    store: Store, base_url: str, lang: str, size: str
) -> None:
    g, ids = translations(lang).gettext, _ids(store)
    t = {
        **map_text(lang),
        "legend_precise": g("At the building (found by its entrance or lot number)"),
        "legend_approximate": g(
            "Approximate (a dong or district centre, or the road): tap to see the area; directions search the address"
        ),
    }
    address = "서울특별시 종로구 자하문로 94"
    by_address = {
        t["kakao_search"]: f"https://map.kakao.com/link/search/{quote(address, safe='')}",
        t["naver_search"]: f"https://map.naver.com/p/search/{quote(address, safe='')}",
    }
    width, height = SIZES[size]
    browser = chrome(width, height, phone=size == "phone")
    try:
        browser.get(f"{base_url}/?lang={lang}&at=37.5780,126.9740,14")
        wait_for(browser, READY)
        # Drawn differently: a dashed ring for the approximate record, a solid dot for the pinned one
        approximate, pinned = _marker(browser, ids[APPROXIMATE]), _marker(browser, ids["세종 공방"])
        assert (approximate["dash"], approximate["cls"], approximate["fill"]) == ("4 3", "semap-approx", 0.3)
        assert (pinned["dash"], pinned["cls"], pinned["fill"]) == (None, "", 0.9)
        legend = browser.find_element(By.CSS_SELECTOR, ".precision-legend").get_attribute("textContent")
        assert t["legend_precise"] in legend and t["legend_approximate"] in legend
        item = browser.find_element(By.CSS_SELECTOR, f'#semap-results button[data-id="{ids[APPROXIMATE]}"]')
        assert t["approx_short"] in item.find_element(By.XPATH, "..").text  # the list says so too
        screenshot(browser, f"precision-map-{lang}-{size}")

        popup = _open_from_list(browser, ids[APPROXIMATE], APPROXIMATE)
        assert NOTE[lang] in popup
        assert _links(browser, ".leaflet-popup-content .semap-links a[target]") == by_address
        assert wait_for(browser, "return window.semapState.area") == 502  # the area it lies in is drawn
        wait_for(browser, "return getComputedStyle(document.querySelector('.leaflet-popup')).opacity === '1'")
        screenshot(browser, f"precision-popup-{lang}-{size}")

        popup = _open_from_list(browser, ids["세종 공방"], "세종 공방")
        assert t["precision"] not in popup
        lon, lat = CITY_HALL
        assert _links(browser, ".leaflet-popup-content .semap-links a[target]")[t["kakao"]] == (
            f"https://map.kakao.com/link/to/{quote('세종 공방', safe='')},{lat},{lon}"
        )
        assert browser.execute_script("return window.semapState.area") == 0

        # The organization's own page: the same words and the same address-based directions
        browser.get(f"{base_url}/organizations/{quote(ids[APPROXIMATE], safe='')}?lang={lang}")
        wait_for(browser, "return window.semapDetailLoaded")
        fields = browser.find_element(By.CSS_SELECTOR, "dl.semap-popup").text
        assert f"{t['precision']}\n{NOTE[lang]}" in fields
        assert _links(browser, "#semap-directions a") == by_address
        assert browser.execute_script(DRAWN_APPROXIMATE) == 2  # the dashed ring and the area around it
        browser.execute_script("document.getElementById('semap-directions').scrollIntoView({block: 'end'})")
        screenshot(browser, f"precision-page-{lang}-{size}")
        assert console_errors(browser) == []
    finally:
        browser.quit()
