"""The embedded map as another site shows it: a host page on a second loopback origin (127.0.0.2) frames SeMap's
/embed in Chromium. A site listed in SEMAP_FRAME_ANCESTORS gets the map with its filters locked; another site is
refused by the Content-Security-Policy, and so is any other SeMap page, wherever it is framed from (demo data)."""

from __future__ import annotations

import http.server
import re
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from html import escape, unescape
from urllib.parse import parse_qs, quote, urlencode, urlparse

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

from semap.api.app import create_app
from semap.settings import ApiSettings
from semap.store import Store, open_store
from tests.browser import chrome, live_server, wait_for
from tests.conftest import built_settings_for

HOST = "127.0.0.2"  # a second loopback origin: another site, as the browser sees it
READY = "var s = window.semapState; return s && s.mode === 'markers' && s;"
REFUSED = "frame-ancestors"  # Chromium's console message names the directive that refused the frame
VILLAGE = "마을기업"
SONGPA = "송파구"


class HostPage(http.server.BaseHTTPRequestHandler):
    """A district homepage: /?src=<url>&width=<px>&height=<px> frames ``src`` as SeMap's embed code does."""

    def do_GET(self) -> None:
        query = parse_qs(urlparse(self.path).query)
        if "code" in query:  # the code SeMap's "embed this map" gave, pasted as it is
            frame = query["code"][0]
        elif "src" in query:
            src, width, height = query["src"][0], query.get("width", ["800"])[0], query.get("height", ["500"])[0]
            frame = (
                f"<iframe id='semap' src='{escape(src)}' title='SeMap' width='{int(width)}' height='{int(height)}' "
                "style='border:0' allowfullscreen allow='geolocation'></iframe>"
            )
        else:  # the browser's favicon request
            self.send_error(404)
            return
        body = (
            "<!DOCTYPE html><html lang='ko'><head><meta charset='utf-8'><title>구청 홈페이지</title></head><body>"
            f"<h1>구청 홈페이지</h1>{frame}</body></html>"
        ).encode()
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:  # quiet
        pass


@contextmanager
def host_site() -> Iterator[str]:
    server = http.server.ThreadingHTTPServer((HOST, 0), HostPage)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://{HOST}:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture(scope="module")
def store(request: pytest.FixtureRequest) -> Iterator[Store]:
    store = open_store(built_settings_for("duckdb", request))
    yield store
    store.close()


@pytest.fixture(scope="module")
def sites(store: Store) -> Iterator[dict[str, str]]:
    """SeMap on 127.0.0.1 listing one host site; a second host site it does not list."""
    with host_site() as listed, host_site() as unlisted, pytest.MonkeyPatch.context() as patch:
        patch.setenv("SEMAP_BASEMAP_URL", "")
        app = create_app(store, ApiSettings(frame_ancestors=[listed]))
        with live_server(app) as semap:
            yield {"semap": semap, "listed": listed, "unlisted": unlisted}


@pytest.fixture
def browser():
    driver = chrome(1280, 900)
    yield driver
    driver.quit()


def _frame(browser, host: str, src: str, width: int = 800, height: int = 500) -> None:
    browser.get(f"{host}/?" + urlencode({"src": src, "width": width, "height": height}))
    frame = WebDriverWait(browser, 20).until(lambda d: d.find_element(By.ID, "semap"))
    browser.switch_to.frame(frame)


def _refused(browser) -> bool:
    """The frame shows Chromium's error page, not SeMap, and Chromium says the CSP's frame-ancestors refused it."""
    where = wait_for(
        browser, "return document.readyState === 'complete' && (window.semapState ? 'semap' : location.href)"
    )
    shows_semap = browser.execute_script("return !!document.getElementById('semap-panel') || !!window.SeMapCommon")
    browser.switch_to.default_content()
    logs = [e["message"] for e in browser.get_log("browser")]
    return where.startswith("chrome-error:") and not shows_semap and any(REFUSED in m for m in logs)


def test_a_listed_site_shows_the_map_with_its_filters_locked(browser, sites: dict[str, str]) -> None:
    src = f"{sites['semap']}/embed?" + urlencode({"lang": "en", "type": VILLAGE, "district": SONGPA})
    _frame(browser, sites["listed"], src)
    state = wait_for(browser, READY)
    # Only Songpa's village enterprises are on the map: the filters came from the URL and were applied.
    full = wait_for(
        browser,
        "return fetch('/api/v1/organizations?limit=1&type=' + encodeURIComponent('마을기업') + "
        "'&district=' + encodeURIComponent('송파구')).then(r => r.json()).then(j => j.numberMatched)",
    )
    assert 0 < state["matched"]["organizations"] <= full
    assert all(
        t == VILLAGE
        for t in browser.execute_script(
            "return Object.values(window.semapView.markersById).map(e => e.marker.feature.properties.type)"
            ".filter(t => t !== undefined)"
        )
    )
    # …and nobody can change them: no filter bar, no search box, no select, no header.
    for selector in ("#semap-filters", "#semap-header", "select", "input"):
        assert browser.find_elements(By.CSS_SELECTOR, selector) == [], selector
    caption = browser.find_element(By.CSS_SELECTOR, ".embed-caption").text
    assert caption == "Village enterprise · Songpa-gu"
    link = browser.find_element(By.ID, "semap-open")
    assert link.get_attribute("target") == "_blank" and link.text.startswith("Open in SeMap")
    opened = parse_qs(urlparse(link.get_attribute("href")).query)
    assert opened["type"] == [VILLAGE] and opened["district"] == [SONGPA] and opened["lang"] == ["en"]
    assert urlparse(link.get_attribute("href")).path == "/" and "at" in opened


def test_a_site_not_listed_is_refused(browser, sites: dict[str, str]) -> None:
    _frame(browser, sites["unlisted"], f"{sites['semap']}/embed?" + urlencode({"type": VILLAGE}))
    assert _refused(browser)


@pytest.mark.parametrize("path", ["/", f"/districts/{quote(SONGPA)}"])
def test_other_pages_are_refused_even_to_a_listed_site(browser, sites: dict[str, str], path: str) -> None:
    _frame(browser, sites["listed"], sites["semap"] + path)
    assert _refused(browser)


def test_a_phone_sized_frame_folds_the_list_so_the_map_stays_usable(browser, sites: dict[str, str]) -> None:
    src = f"{sites['semap']}/embed?" + urlencode({"district": SONGPA})
    _frame(browser, sites["listed"], src, width=360, height=560)
    wait_for(browser, READY)
    # no "at" in the URL: the map opens on the district, not on all of Seoul (zoom 11)
    wait_for(browser, "return window.semapView.map.getZoom() >= 12")
    songpa = "var c = window.semapView.map.getCenter(); return c.lat > 37.46 && c.lat < 37.55 && c.lng > 127.06;"
    assert browser.execute_script(songpa)
    assert browser.execute_script("return document.getElementById('semap-list-toggle').open") is False
    map_height = browser.execute_script("return document.querySelector('.folium-map').getBoundingClientRect().height")
    assert map_height > 0.85 * 560
    browser.find_element(By.CSS_SELECTOR, "#semap-list-toggle > summary").click()
    wait_for(browser, "return document.querySelectorAll('#semap-results li').length > 0")


def _embed_code(browser) -> str:
    button = WebDriverWait(browser, 20).until(lambda d: d.find_element(By.ID, "semap-embed-open"))
    browser.execute_script("arguments[0].scrollIntoView()", button)
    button.click()
    wait_for(browser, "return document.getElementById('semap-embed-dialog').open")
    return browser.find_element(By.ID, "semap-embed-code").get_attribute("value")


def _attributes(code: str) -> dict[str, str]:
    return dict(re.findall(r'(\w+)(?:="([^"]*)")?', code.split("<iframe", 1)[1].split(">", 1)[0]))


def test_the_maps_embed_code_carries_its_view_and_works_pasted_on_a_listed_site(browser, sites: dict[str, str]) -> None:
    browser.get(f"{sites['semap']}/?" + urlencode({"lang": "en", "type": VILLAGE, "at": "37.50500,127.11500,14"}))
    wait_for(browser, READY)
    code = _embed_code(browser)
    attributes = _attributes(code)
    src = urlparse(unescape(attributes["src"]))
    view = parse_qs(src.query)
    assert f"{src.scheme}://{src.netloc}" == sites["semap"] and src.path == "/embed"
    assert view["lang"] == ["en"] and view["type"] == [VILLAGE]
    lat, lon, zoom = view["at"][0].split(",")
    assert (float(lat), float(lon), zoom) == (pytest.approx(37.505, abs=1e-4), pytest.approx(127.115, abs=1e-4), "14")
    assert attributes["title"] == "SeMap — Seoul social economy map"
    assert "allowfullscreen" in attributes and attributes["allow"] == "geolocation"
    # Pasted into the listed site's page, the code shows that view with that filter.
    browser.get(f"{sites['listed']}/?" + urlencode({"code": code}))
    browser.switch_to.frame(WebDriverWait(browser, 20).until(lambda d: d.find_element(By.TAG_NAME, "iframe")))
    wait_for(browser, READY)
    assert browser.execute_script("var c = window.semapView.map.getCenter(); return [c.lat, c.lng];") == pytest.approx(
        [37.505, 127.115], abs=1e-4
    )
    assert browser.find_element(By.CSS_SELECTOR, ".embed-caption").text == "Village enterprise"


def test_the_district_pages_embed_code_shows_that_district(browser, sites: dict[str, str]) -> None:
    browser.get(f"{sites['semap']}/districts/{quote(SONGPA)}")
    code = _embed_code(browser)
    attributes = _attributes(code)
    view = parse_qs(urlparse(unescape(attributes["src"])).query)
    assert view["district"] == [SONGPA] and view["lang"] == ["ko"] and view["at"][0].endswith(",13")
    assert attributes["title"] == f"SeMap — {SONGPA}"
    browser.get(f"{sites['listed']}/?" + urlencode({"code": code}))
    browser.switch_to.frame(WebDriverWait(browser, 20).until(lambda d: d.find_element(By.TAG_NAME, "iframe")))
    state = wait_for(browser, READY)
    assert state["matched"]["resources"] == 206  # Songpa's shared resources, all in view
