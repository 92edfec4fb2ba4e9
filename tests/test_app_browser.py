"""The citizen map as an installed app, in headless Chromium (demo registry, synthetic data): installable with no
errors, opens offline after one visit, shows new data after one online reload, offers updates instead of taking
over, keeps only the base-map tiles the page showed (a loopback tile server)."""

from __future__ import annotations

import http.server
import io
import itertools
import json
import threading
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from fastapi import FastAPI
from selenium.webdriver.common.by import By

from semap.api.app import create_app
from semap.store import Store, open_store
from tests.browser import chrome, console_errors, live_server, screenshot, wait_for
from tests.conftest import built_settings_for
from tests.living import writable_store
from tests.loopback import serving

READY = "var s = window.semapState; return s && (s.mode === 'markers' || s.mode === 'clusters') && s;"
# The worker controls the page and keeps what the page fetched before it did (the first visit's data).
CONTROLLED = "var a = window.semapApp; return !!(a && a.kept && navigator.serviceWorker.controller);"
CACHE_KEYS = """
var name = arguments[0], done = arguments[arguments.length - 1];
caches.open(name).then(function (c) { return c.keys(); })
  .then(function (keys) { done(keys.map(function (k) { return k.url; })); }, function (e) { done(String(e)); });
"""
CACHE_NAMES = "var done = arguments[arguments.length - 1]; caches.keys().then(done, function (e) { done(String(e)); });"


@pytest.fixture(scope="module")
def store(request: pytest.FixtureRequest) -> Iterator[Store]:
    store = open_store(built_settings_for("duckdb", request))
    yield store
    store.close()


def _app(store: Store, monkeypatch: pytest.MonkeyPatch, basemap: str = "") -> FastAPI:
    monkeypatch.setenv("SEMAP_BASEMAP_URL", basemap)
    return create_app(store)


@pytest.fixture
def browser():
    driver = chrome()
    yield driver
    driver.quit()


def _offline(driver, offline: bool, sessions: dict[str, str]) -> None:
    """The network cut (or back) as DevTools' "Offline" does it: for the page and for its service worker, whose own
    requests the page's emulation does not cover. ``sessions``: the worker sessions attached so far (target: id)."""
    conditions = {"offline": offline, "latency": 0, "downloadThroughput": -1, "uploadThroughput": -1}
    driver.execute_cdp_cmd("Network.enable", {})
    driver.execute_cdp_cmd("Network.emulateNetworkConditions", conditions)
    for target in driver.execute_cdp_cmd("Target.getTargets", {})["targetInfos"]:
        if target["type"] == "service_worker" and target["targetId"] not in sessions:
            # Selenium speaks to the page's session only: the worker's session gets its commands as messages.
            attach = {"targetId": target["targetId"], "flatten": False}
            sessions[target["targetId"]] = driver.execute_cdp_cmd("Target.attachToTarget", attach)["sessionId"]
    ids = itertools.count(1)
    for session in sessions.values():
        for method, params in (("Network.enable", {}), ("Network.emulateNetworkConditions", conditions)):
            message = json.dumps({"id": next(ids), "method": method, "params": params})
            driver.execute_cdp_cmd("Target.sendMessageToTarget", {"sessionId": session, "message": message})


def test_the_map_is_installable_with_no_errors(browser, store: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    with live_server(_app(store, monkeypatch)) as url:
        browser.get(url + "/?lang=en")
        wait_for(browser, READY, timeout=60)
        wait_for(browser, CONTROLLED, timeout=60)
        manifest = browser.execute_cdp_cmd("Page.getAppManifest", {})
        assert manifest["errors"] == [], manifest["errors"]
        assert manifest["url"].endswith("/manifest.webmanifest?lang=en")
        errors = browser.execute_cdp_cmd("Page.getInstallabilityErrors", {})["installabilityErrors"]
        assert errors == []
        assert console_errors(browser) == []


def test_the_map_opens_offline_after_one_visit(browser, store: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    with live_server(_app(store, monkeypatch)) as url:
        browser.get(url + "/")
        online = wait_for(browser, READY, timeout=60)
        wait_for(browser, CONTROLLED, timeout=60)
        assert not _banner_shown(browser)
        sessions: dict[str, str] = {}
        _offline(browser, True, sessions)
        browser.refresh()  # the same view: the page, its files and its data from the worker's caches
        offline = wait_for(browser, READY, timeout=60)
        assert offline["matched"] == online["matched"] == {"organizations": 1871, "resources": 555}
        wait_for(browser, "return document.querySelectorAll('.marker-cluster').length > 10")
        banner = wait_for(browser, "var b = document.getElementById('semap-offline'); return b && !b.hidden && b;")
        assert banner.text.startswith("오프라인 — ") and "기준 데이터" in banner.text
        assert browser.find_element(By.ID, "semap-count").text == "조직 1871곳 · 공유자원 555건"
        screenshot(browser, "app-offline")
        # A view never opened online: nothing kept, and the page says so instead of an empty map.
        browser.execute_script("window.semapView.map.setView([37.60, 127.05], 15, {animate: false})")
        wait_for(
            browser,
            "var b = document.getElementById('semap-offline');"
            "return b && !b.hidden && b.textContent.indexOf('이 화면의 데이터는 보관되어 있지 않습니다') >= 0;",
        )
        _offline(browser, False, sessions)
        browser.refresh()  # back online: the banner goes
        wait_for(browser, READY, timeout=60)
        wait_for(browser, "var a = window.semapApp; return a && a.registered;")
        assert not _banner_shown(browser)


def _banner_shown(driver) -> bool:
    return any(banner.is_displayed() for banner in driver.find_elements(By.ID, "semap-offline"))


NEW_NAME = "새 이름 협동조합"


def test_one_online_reload_shows_an_edit(browser, request: pytest.FixtureRequest, tmp_path: Path, monkeypatch) -> None:
    """The map PWA's trap: a kept copy shown after the data changed. An edit, then one reload: the new data."""
    with writable_store("duckdb", request, tmp_path) as (store, _), live_server(_app(store, monkeypatch)) as url:
        browser.get(url + "/")
        wait_for(browser, READY, timeout=60)
        wait_for(browser, CONTROLLED, timeout=60)
        browser.refresh()  # now every request goes through the worker, and the browser's HTTP cache holds them too
        wait_for(browser, READY, timeout=60)
        first = browser.find_element(By.CSS_SELECTOR, "#semap-results button")
        record_id, old_name = first.get_attribute("data-id"), first.text
        with store.patching() as target, target.transaction() as tx:
            tx.execute("UPDATE organizations SET name = :name WHERE id = :id", {"name": NEW_NAME, "id": record_id})
        browser.refresh()
        wait_for(browser, READY, timeout=60)
        shown = browser.find_element(By.CSS_SELECTOR, f'#semap-results button[data-id="{record_id}"]').text
        assert old_name != NEW_NAME and shown == NEW_NAME


def test_a_new_build_waits_and_offers_reload_to_update(browser, store: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    app = _app(store, monkeypatch)
    with live_server(app) as url:
        browser.get(url + "/?lang=en")
        wait_for(browser, READY, timeout=60)
        wait_for(browser, CONTROLLED, timeout=60)
        old = app.state.web_app_build
        assert f"semap-shell-{old}" in browser.execute_async_script(CACHE_NAMES)
        app.state.web_app_build = "next-build"  # a new deploy: a new service worker script
        browser.refresh()
        wait_for(browser, READY, timeout=60)
        offer = wait_for(browser, "var b = document.getElementById('semap-update'); return b && !b.hidden && b;", 60)
        assert offer.text.startswith("A new version of SeMap is ready.")
        # Waiting, not in control: the running page still uses the old build's files.
        names = browser.execute_async_script(CACHE_NAMES)
        assert f"semap-shell-{old}" in names and "semap-shell-next-build" in names
        screenshot(browser, "app-update-offer")
        offer.find_element(By.TAG_NAME, "button").click()
        # The new worker takes over, the page reloads once, the old build's caches are gone.
        wait_for(browser, "return !document.getElementById('semap-update') && window.semapState", timeout=60)
        wait_for(browser, READY, timeout=60)
        names = browser.execute_async_script(CACHE_NAMES)
        assert "semap-shell-next-build" in names and f"semap-shell-{old}" not in names


def _tile_png() -> bytes:
    from PIL import Image

    tile = io.BytesIO()
    Image.new("RGB", (256, 256), (230, 230, 220)).save(tile, format="PNG")
    return tile.getvalue()


def test_only_tiles_the_page_showed_are_kept_and_their_number_is_capped(
    browser, store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    asked: list[str] = []
    lock = threading.Lock()
    body = _tile_png()

    class Tiles(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            with lock:
                asked.append(self.path)
            self.send_response(200)
            self.send_header("Content-Type", "image/png")
            self.send_header("Content-Length", str(len(body)))
            self.send_header("Access-Control-Allow-Origin", "*")  # as OpenStreetMap's tile servers answer
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    monkeypatch.setattr("semap.maps.web_app.TILE_CACHE_ENTRIES", 6)
    with serving(Tiles) as tiles, live_server(_app(store, monkeypatch, tiles + "/{z}/{x}/{y}.png")) as url:
        browser.get(url + "/")
        wait_for(browser, READY, timeout=60)
        wait_for(browser, CONTROLLED, timeout=60)
        with lock:
            asked.clear()
        browser.refresh()  # controlled: the tiles of this view now pass through the worker
        wait_for(browser, READY, timeout=60)
        wait_for(browser, "return document.querySelectorAll('img.leaflet-tile-loaded').length > 6", timeout=60)
        page_asked = set(
            browser.execute_script(
                "return performance.getEntriesByType('resource').map(e => e.name)"
                ".filter(u => u.startsWith(arguments[0]))",
                tiles,
            )
        )
        kept = browser.execute_async_script(CACHE_KEYS, "semap-tiles")
        assert isinstance(kept, list) and 0 < len(kept) <= 6  # capped
        with lock:
            requested = {tiles + path for path in asked}
        assert requested == page_asked  # the worker fetched what the page asked for, nothing ahead
        assert set(kept) <= page_asked
        assert console_errors(browser) == []


def test_the_first_view_drawn_from_the_early_answer_is_exactly_the_servers(
    browser, store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    """semap-early.js asks from the page's head for everything; the map takes its first view from that answer:
    the same records, in the same order, as the server gives for the view's box."""
    with live_server(_app(store, monkeypatch)) as url:
        browser.get(url + "/?at=37.5,127.0,14")
        state = wait_for(browser, READY, timeout=60)
        asked = browser.execute_script("return performance.getEntriesByType('resource').map(e => e.name)")
        data = [u for u in asked if "/api/v1/organizations?" in u or "/api/v1/resources?" in u]
        assert data and all("bbox=124%2C33%2C132%2C39.5" in u for u in data)  # only the early answer was used
        bbox = browser.execute_script("return window.semapView.bbox()")
        expected = []
        for layer in ("organizations", "resources"):
            answer = httpx.get(f"{url}/api/v1/{layer}", params={"bbox": bbox, "limit": 1000}).json()
            assert state["matched"][layer] == answer["numberMatched"]
            expected += [f["properties"]["id"] for f in answer["features"]]
        listed = [b.get_attribute("data-id") for b in browser.find_elements(By.CSS_SELECTOR, "#semap-results button")]
        assert 0 < len(listed) < 1871 and listed == expected
