"""The citizen map in headless Chromium, used as a person would: look, filter, switch language, use the list."""

from __future__ import annotations

from collections.abc import Iterator
from urllib.parse import parse_qs, urlparse

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import Select

from semap.api.app import create_app
from semap.store import Store, open_store
from tests.browser import chrome, console_errors, live_server, screenshot, serving_without_basemap, wait_for
from tests.conftest import built_settings_for

READY = "var s = window.semapState; return s && (s.mode === 'markers' || s.mode === 'clusters') && s;"


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
    driver = chrome()
    yield driver
    driver.quit()


def test_map_loads_points_and_clusters_without_errors(browser, base_url: str) -> None:
    browser.get(base_url + "/")
    state = wait_for(browser, READY)
    assert state["mode"] == "markers"
    assert state["matched"] == {"organizations": 1871, "resources": 555}
    wait_for(browser, "return document.querySelectorAll('.marker-cluster').length > 10")
    assert browser.find_element(By.ID, "semap-count").text == "조직 1871곳 · 공유자원 555건"
    assert console_errors(browser) == []
    screenshot(browser, "map-desktop")


def test_a_filter_changes_what_is_shown_and_the_url_keeps_it(browser, base_url: str) -> None:
    browser.get(base_url + "/")
    wait_for(browser, READY)
    Select(browser.find_element(By.NAME, "type")).select_by_value("마을기업")
    state = wait_for(
        browser, "var s = window.semapState; return s.mode === 'markers' && s.matched.organizations < 1871 && s;"
    )
    assert state["matched"]["organizations"] == 111
    query = parse_qs(urlparse(browser.current_url).query)
    assert query["type"] == ["마을기업"]
    shared = browser.current_url
    browser.get(shared)  # a shared link opens the same view
    state = wait_for(browser, READY)
    assert state["matched"]["organizations"] == 111
    assert Select(browser.find_element(By.NAME, "type")).first_selected_option.get_attribute("value") == "마을기업"
    download = browser.find_element(By.ID, "download-organizations-geojson").get_attribute("href")
    assert "type=%EB%A7%88%EC%9D%84%EA%B8%B0%EC%97%85" in download and "bbox=" in download


def test_search_by_name(browser, base_url: str) -> None:
    browser.get(base_url + "/")
    wait_for(browser, READY)
    first = browser.find_element(By.CSS_SELECTOR, "#semap-results button").text
    box = browser.find_element(By.NAME, "q")
    box.send_keys(first, Keys.ENTER)
    state = wait_for(browser, "var s = window.semapState; return s.mode === 'markers' && s.listed < 100 && s;")
    names = [b.text for b in browser.find_elements(By.CSS_SELECTOR, "#semap-results button")]
    assert first in names and state["listed"] == len(names)


def test_language_switch(browser, base_url: str) -> None:
    browser.get(base_url + "/")
    wait_for(browser, READY)
    browser.find_element(By.ID, "semap-lang").click()
    wait_for(browser, READY)
    assert browser.find_element(By.TAG_NAME, "h1").text == "SeMap — Seoul social economy map"
    assert browser.find_element(By.TAG_NAME, "html").get_attribute("lang") == "en"
    legend = browser.find_element(By.CSS_SELECTOR, ".legend").text
    assert "Social enterprise" in legend and "Talent donation" in legend
    assert browser.find_element(By.ID, "semap-count").text == "1871 organizations · 555 shared resources"
    browser.find_element(By.CSS_SELECTOR, "#semap-results button").click()
    popup = wait_for(browser, "var p = document.querySelector('.semap-popup'); return p && p.innerText;")
    assert "Type" in popup and "Verified" in popup and "유형" not in popup


def test_list_matches_the_map_and_works_with_the_keyboard(browser, base_url: str) -> None:
    browser.get(base_url + "/?district=도봉구")
    state = wait_for(browser, READY)
    buttons = browser.find_elements(By.CSS_SELECTOR, "#semap-results button")
    assert len(buttons) == state["listed"] == state["shown"] == 36 + 58
    ids_on_map = set(browser.execute_script("return Object.keys(window.semapView.markersById)"))
    assert {b.get_attribute("data-id") for b in buttons} == ids_on_map
    target = buttons[3]
    name = target.text
    target.send_keys(Keys.ENTER)  # a native button: Enter activates it
    popup = wait_for(browser, "var p = document.querySelector('.semap-popup h3'); return p && p.innerText;")
    assert popup == name
    assert browser.switch_to.active_element.get_attribute("data-id") == target.get_attribute("data-id")
    assert "02-" not in browser.find_element(By.CSS_SELECTOR, ".semap-popup").text  # no personal contacts


def test_a_zoom_asks_for_its_view_while_it_animates_and_shows_what_a_fresh_page_there_shows(
    browser, base_url: str
) -> None:
    browser.get(base_url + "/?at=37.5665,126.978,14")
    wait_for(browser, READY)
    started = browser.execute_script("var t = performance.now(); window.semapView.map.setZoom(15); return t;")
    zoomed = wait_for(browser, f"var s = window.semapState; return s.mode === 'markers' && s.readyMs > {started} && s;")
    assert zoomed["prefetched"] == 1  # the answer asked for when the zoom began was the one drawn

    def listed() -> list[str]:
        buttons = browser.find_elements(By.CSS_SELECTOR, "#semap-results button")
        return sorted(b.get_attribute("data-id") for b in buttons)

    after_zoom, url = listed(), browser.current_url
    assert len(after_zoom) == zoomed["listed"] > 0
    browser.get(url)  # the same view, loaded the ordinary way
    fresh = wait_for(browser, READY)
    assert fresh["prefetched"] == 0 and fresh["matched"] == zoomed["matched"] and listed() == after_zoom
    assert console_errors(browser) == []


def test_phone_layout(base_url: str) -> None:
    driver = chrome(390, 844, phone=True)
    try:
        driver.get(base_url + "/")
        wait_for(driver, READY)
        assert driver.execute_script("return document.documentElement.scrollWidth") <= 390
        map_box = driver.find_element(By.CSS_SELECTOR, ".folium-map").rect
        panel = driver.find_element(By.ID, "semap-panel").rect
        assert panel["y"] >= map_box["y"] + map_box["height"] - 1  # the list sits below the map
        assert map_box["height"] > 200
        screenshot(driver, "map-phone")
        assert console_errors(driver) == []
    finally:
        driver.quit()


def test_choropleth_of_an_industry_lq(browser, base_url: str) -> None:
    browser.get(base_url + "/?choropleth=lq:교육")
    wait_for(browser, READY)
    legend = wait_for(browser, "var l = document.getElementById('semap-choropleth-legend'); return l && l.innerText;")
    assert "입지계수" in legend and "교육" in legend
    assert wait_for(browser, "return window.semapState.choropleth") == 25
    screenshot(browser, "map-choropleth")


def test_with_an_unreachable_base_map_the_data_still_renders(store: Store) -> None:
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("SEMAP_BASEMAP_URL", "http://127.0.0.1:9/{z}/{x}/{y}.png")
        with live_server(create_app(store)) as url:
            driver = chrome()
            try:
                driver.get(url + "/")
                state = wait_for(driver, READY)
                assert state["matched"]["organizations"] == 1871
                assert console_errors(driver, ignore="127.0.0.1:9/") == []
            finally:
                driver.quit()


def test_district_and_organization_pages(browser, base_url: str) -> None:
    browser.get(base_url + "/districts/송파구")
    wait_for(browser, "return window.semapDetailLoaded === 3")
    text = browser.find_element(By.TAG_NAME, "main").text
    assert "송파구" in text and "공유자원 목록 (206)" in text and "입지계수" in text
    export = browser.find_element(By.PARTIAL_LINK_TEXT, "공유자원 GEOJSON").get_attribute("href")
    assert "/api/v1/export/resources.geojson?district=" in export
    screenshot(browser, "district-page")
    browser.get(base_url + "/districts/부산진구")
    assert "서울에 ‘부산진구’라는 자치구는 없습니다" in browser.page_source  # said in the page's language
    console_errors(browser)  # the expected 422 of the unknown district; the log is read and emptied
    browser.get(base_url + "/?district=종로구")
    wait_for(browser, READY)
    org = browser.find_element(By.CSS_SELECTOR, "#semap-results button").get_attribute("data-id")
    browser.get(f"{base_url}/organizations/{org}?lang=en")
    wait_for(browser, "return window.semapDetailLoaded === 1")
    assert "Designations" in browser.find_element(By.TAG_NAME, "main").text
    assert console_errors(browser) == []


def test_records_sharing_one_point_are_spread_and_listed(browser, base_url: str) -> None:
    """Several resources of one owner share its building: none may hide another (issue: stacked markers)."""
    browser.get(base_url + "/?district=도봉구")
    state = wait_for(browser, READY)
    assert state["stacked"] > 0
    info = browser.execute_script(
        "var v = window.semapView;"
        "var key = Object.keys(v.stacks).find(function (k) { return v.stacks[k].length > 2; });"
        "var stack = v.stacks[key];"
        "var spots = stack.map(function (f) { return v.markersById[f.properties.id].marker.getLatLng().toString(); });"
        "v.focus(stack[0].properties.id);"
        "return {n: stack.length, spots: spots, names: stack.map(function (f) { return f.properties.name; })};"
    )
    assert len(set(info["spots"])) == info["n"]  # every record its own spot, a few metres apart
    text = wait_for(browser, "var p = document.querySelector('.semap-popup'); return p && p.innerText;")
    assert f"이 자리에 {info['n']}곳" in text and all(name in text for name in info["names"])
    screenshot(browser, "map-stacked-point")


@pytest.mark.parametrize(("width", "height", "phone"), [(1366, 768, False), (390, 844, True)])
def test_nothing_sits_under_the_header_and_pinch_zoom_works(
    base_url: str, width: int, height: int, phone: bool
) -> None:
    driver = chrome(width, height, phone=phone)
    try:
        driver.get(base_url + "/")
        wait_for(driver, READY)
        header = driver.find_element(By.ID, "semap-header").rect
        bottom = header["y"] + header["height"]
        for selector in (".folium-map", ".leaflet-control-zoom", ".leaflet-control-layers"):
            assert driver.find_element(By.CSS_SELECTOR, selector).rect["y"] >= bottom - 1, selector
        viewport = driver.find_element(By.CSS_SELECTOR, 'meta[name="viewport"]').get_attribute("content")
        assert "user-scalable=no" not in viewport and "maximum-scale" not in viewport
        assert len(driver.find_elements(By.CSS_SELECTOR, 'meta[name="viewport"]')) == 1
        screenshot(driver, f"map-header-{'phone' if phone else 'desktop'}")
    finally:
        driver.quit()


def test_choosing_a_district_zooms_to_it(browser, base_url: str) -> None:
    browser.get(base_url + "/")
    wait_for(browser, READY)
    wait_for(browser, "return !!window.semapView.boundaries")
    Select(browser.find_element(By.NAME, "district")).select_by_value("종로구")
    state = wait_for(
        browser, "var s = window.semapState; return s.mode === 'markers' && s.matched.organizations < 200 && s;"
    )
    center = browser.execute_script("var c = window.semapView.map.getCenter(); return [c.lat, c.lng];")
    zoom = browser.execute_script("return window.semapView.map.getZoom();")
    assert 37.56 < center[0] < 37.64 and 126.94 < center[1] < 127.02 and zoom >= 12  # 종로구
    assert state["matched"]["organizations"] > 0


def test_an_empty_search_says_so_and_how_to_widen_it(browser, base_url: str) -> None:
    browser.get(base_url + "/")
    wait_for(browser, READY)
    browser.find_element(By.NAME, "q").send_keys("이런이름은없다", Keys.ENTER)
    text = wait_for(browser, "var e = document.querySelector('#semap-results .semap-empty'); return e && e.innerText;")
    assert "찾는 것이 없습니다" in text and "필터" in text


def test_esc_closes_a_popup_opened_from_the_list(browser, base_url: str) -> None:
    browser.get(base_url + "/?district=도봉구")
    wait_for(browser, READY)
    button = browser.find_element(By.CSS_SELECTOR, "#semap-results button")
    chosen = button.get_attribute("data-id")
    button.send_keys(Keys.ENTER)
    wait_for(browser, "return !!document.querySelector('.leaflet-popup')")
    # Opening the popup pans the map to show it whole; once that pan and anything it loads are over, the list is
    # the same one (not rebuilt under the keyboard user's focus: the button found above is still on the page).
    wait_for(browser, "return !document.querySelector('.leaflet-pan-anim') && window.semapState.mode !== 'loading'")
    assert browser.switch_to.active_element == button
    button.send_keys(Keys.ESCAPE)
    wait_for(browser, "return !document.querySelector('.leaflet-popup')")
    assert browser.switch_to.active_element.get_attribute("data-id") == chosen  # back on the list item


def test_organization_only_filters_say_so_and_english_is_english(browser, base_url: str) -> None:
    browser.get(base_url + "/?lang=en&type=마을기업")
    wait_for(browser, READY)
    count = browser.find_element(By.ID, "semap-count").text
    assert "type and industry apply to organizations only" in count
    legend = browser.find_element(By.CSS_SELECTOR, ".legend").text
    assert "(legend)" not in legend and "Cooperative" in legend
    assert "A group of markers: the number is how many" in legend
    assert all(ch < "가" or ch > "힣" for ch in legend)  # no Korean left in the English legend


def test_popups_show_the_read_address_the_written_one_and_directions(browser, base_url: str) -> None:
    browser.get(base_url + "/?district=도봉구&lang=en")
    wait_for(browser, READY)
    meta = browser.find_element(By.CSS_SELECTOR, "#semap-results .meta").text
    assert "Dobong-gu" in meta and "도봉구" not in meta  # English everywhere, district names too
    browser.find_element(By.CSS_SELECTOR, "#semap-results button").click()
    popup = wait_for(browser, "var p = document.querySelector('.semap-popup'); return p && p.innerHTML;")
    assert "서울특별시 도봉구" in popup  # the normalized address
    assert "https://map.kakao.com/link/to/" in popup and "https://map.naver.com/" in popup
    assert "Directions (Kakao Map)" in popup


def test_on_a_phone_filters_and_legend_fold_away_and_leave_the_map_the_screen(base_url: str) -> None:
    driver = chrome(390, 844, phone=True)
    try:
        driver.get(base_url + "/")
        wait_for(driver, READY)
        assert driver.execute_script("return document.getElementById('semap-filters-toggle').open") is False
        assert driver.execute_script("return document.getElementById('semap-legend-toggle').open") is False
        header = driver.find_element(By.ID, "semap-header").rect
        map_box = driver.find_element(By.CSS_SELECTOR, ".folium-map").rect
        assert map_box["y"] >= header["y"] + header["height"] - 1 and map_box["height"] > 380
        driver.find_element(By.CSS_SELECTOR, "#semap-filters-toggle > summary").click()  # open: the map moves down
        wait_for(driver, "return document.querySelector('.folium-map').getBoundingClientRect().top > 100")
        header = driver.find_element(By.ID, "semap-header").rect
        assert driver.find_element(By.CSS_SELECTOR, ".folium-map").rect["y"] >= header["y"] + header["height"] - 1
        screenshot(driver, "map-phone-folded")
    finally:
        driver.quit()


def test_district_page_leads_with_map_figures_and_charts_and_its_table_works(store: Store, base_url: str) -> None:
    from semap.stats.tables import Level, LqBy, lq_table

    driver = chrome(1280, 2600)
    try:
        driver.get(base_url + "/districts/송파구")
        wait_for(driver, "return window.semapDetailLoaded === 3")
        order = driver.execute_script(
            "return ['.small-map', '.figures', '.bars', '.dots', '#resources-table']"
            ".map(function (s) { return document.querySelector(s).getBoundingClientRect().top; });"
        )
        assert order == sorted(order)  # map first, then figures, charts, the table
        lq = lq_table(store, LqBy.industry, Level.district)
        row = lq[lq["district_ko"] == "송파구"]
        values = [li.text for li in driver.find_elements(By.CSS_SELECTOR, ".dots .bar-value")]
        assert len(values) == len(row)
        assert values.count("S") == int((row["suppression"] == "S").sum())  # withheld, not only flagged
        assert len(driver.find_elements(By.CSS_SELECTOR, ".dots .dot")) == len(row) - values.count("S")
        assert "입지계수는" in driver.find_element(By.CSS_SELECTOR, ".explain").text
        # The table is served a page at a time (tests/test_district_table.py); here, as a person uses it.
        search = driver.find_element(By.ID, "resources-q")
        search.send_keys("카메라", Keys.ENTER)
        rows = "return Array.from(document.querySelectorAll('#resources-table tbody tr'), r => r.textContent);"
        visible = wait_for(
            driver, f"var r = (function () {{ {rows} }})(); return r.every(t => t.includes('카메라')) && r;"
        )
        assert visible and "q=%EC%B9%B4%EB%A9%94%EB%9D%BC" in driver.current_url
        assert driver.execute_script("return window.semapDetailLoaded") == 3  # the table alone was replaced
        driver.find_element(By.CSS_SELECTOR, "form.table-search a").click()  # show all
        wait_for(driver, "return document.querySelectorAll('#resources-table tbody tr').length === 50")
        in_order = (
            "var n = Array.from(document.querySelectorAll('#resources-table tbody th'), c => c.textContent.trim());"
            "return n.length === 50 && n.every((v, i) => i === 0 || n[i - 1] %s v);"
        )
        assert driver.execute_script(in_order % "<=")  # by name
        driver.find_element(By.CSS_SELECTOR, "#resources-table thead th a").click()
        wait_for(
            driver,
            "return document.querySelector('#resources-table thead th').getAttribute('aria-sort') === 'descending'",
        )
        assert driver.execute_script(in_order % ">=")  # and the other way
        driver.find_element(By.CSS_SELECTOR, ".pager a[rel=next]").click()
        wait_for(driver, "return document.getElementById('resources-shown').textContent.includes('51–100')")
        headers = [th.text for th in driver.find_elements(By.CSS_SELECTOR, "#resources-table thead th")]
        assert headers == ["이름 ▼", "분류", "보유 기관", "동", "주소", "이용료", "이용 가능 시간"]
        screenshot(driver, "district-page-full")
        assert console_errors(driver) == []
    finally:
        driver.quit()


def test_on_a_phone_the_district_page_and_popups_fit(base_url: str) -> None:
    driver = chrome(390, 844, phone=True)
    try:
        driver.get(base_url + "/districts/종로구")
        wait_for(driver, "return window.semapDetailLoaded === 3")
        assert driver.execute_script("return document.documentElement.scrollWidth") <= 390  # nothing sideways
        order = driver.execute_script(
            "return ['.small-map', '.figures', '.bars', '.dots']"
            ".map(function (s) { return document.querySelector(s).getBoundingClientRect().top; });"
        )
        assert order == sorted(order)
        screenshot(driver, "district-page-phone")
        driver.get(base_url + "/?district=도봉구")
        wait_for(driver, READY)
        driver.execute_script("document.querySelector('#semap-results button').click();")
        header = driver.find_element(By.ID, "semap-header").rect
        bottom = header["y"] + header["height"] - 1
        # Leaflet pans the map to show the popup whole (animated): wait until it sits below the header.
        popup = wait_for(
            driver,
            "var p = document.querySelector('.leaflet-popup'); var r = p && p.getBoundingClientRect();"
            f"return r && r.top >= {bottom} && r;",
            timeout=5,
        )
        assert popup["left"] >= 0 and popup["right"] <= 391
        assert "카카오맵 길찾기" in driver.find_element(By.CSS_SELECTOR, ".semap-popup").text
        screenshot(driver, "map-popup-phone")
        assert console_errors(driver) == []
    finally:
        driver.quit()
