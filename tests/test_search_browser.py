"""Finding things on the citizen map in headless Chromium (demo data: synthetic registry, real 2013 boundaries):
search in the whole city from a zoomed-in view, places, near me with a mocked position (and refused, and outside
Seoul), /?district= and /?org= links, and the organization page's share, back link and edit-link request."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys

from semap.api.app import create_app
from semap.curation import events
from semap.features.filters import resolve_district
from semap.store import Store, open_store
from tests.browser import chrome, console_errors, live_server, screenshot, serving_without_basemap, wait_for
from tests.conftest import built_settings_for
from tests.living import add_coordinator, signed_in, writable_store

READY = "var s = window.semapState; return s && (s.mode === 'markers' || s.mode === 'clusters') && s;"
SEARCHED = "var f = window.semapFind; return f && f.state === 'done' && f.q === {q!r} && f;"
SONGPA = "37.505,127.11,14"  # zoomed into 송파구
CITY_HALL = {"latitude": 37.5665, "longitude": 126.978, "accuracy": 30}


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


def search(browser, q: str) -> dict:
    box = browser.find_element(By.NAME, "q")
    box.clear()
    box.send_keys(q, Keys.ENTER)
    return wait_for(browser, SEARCHED.format(q=q))


def view(browser) -> dict:
    return browser.execute_script(
        "var m = window.semapView.map, c = m.getCenter(), b = m.getBounds();"
        "return {lat: c.lat, lon: c.lng, zoom: m.getZoom(), west: b.getWest(), south: b.getSouth(),"
        " east: b.getEast(), north: b.getNorth()};"
    )


def test_search_from_a_zoomed_in_view_finds_records_elsewhere_and_moves_there(browser, base_url: str) -> None:
    browser.get(f"{base_url}/?at={SONGPA}")
    wait_for(browser, READY)
    found = search(browser, "소풍클린")
    assert found["records"] == 2 and found["inView"] == 0  # neither is in 송파구: the view-bound search found none
    items = browser.find_elements(By.CSS_SELECTOR, "#semap-find .semap-records button")
    assert {b.text for b in items} == {"소풍클린 협동조합", "영농조합법인 희망소풍클린"}
    assert "화면 밖 2곳 더 — 모두 보기" in browser.find_element(By.ID, "semap-find").text
    first = items[0].text
    items[0].click()
    opened = wait_for(browser, "return window.semapFind.opened")
    popup = wait_for(browser, "var p = document.querySelector('.leaflet-popup .semap-popup'); return p && p.innerText;")
    assert first in popup
    here = view(browser)
    assert here["zoom"] == 17
    marker = f"window.semapView.markersById[{opened!r}].marker"
    lon, lat = browser.execute_script(f"return {marker}.feature.geometry.coordinates")
    assert here["west"] < lon < here["east"] and here["south"] < lat < here["north"]
    screenshot(browser, "search-opened")
    # At zoom 17 a new search still searches the whole city: every café, organizations and resources.
    cafes = search(browser, "카페")
    assert cafes["records"] == 67 + 9 and cafes["outside"] > 0
    browser.find_element(By.CSS_SELECTOR, "#semap-find .semap-show-all").click()  # fits the map to all of them
    all_cafes = "var s = window.semapState; return s.mode === 'markers' && s.matched.organizations === 67 && s;"
    state = wait_for(browser, all_cafes)
    assert state["matched"]["resources"] == 9
    assert console_errors(browser) == []


def test_the_search_finds_places_and_moves_the_map_there(browser, base_url: str) -> None:
    browser.get(f"{base_url}/?lang=en")
    wait_for(browser, READY)
    found = search(browser, "강서")
    assert found["places"] >= 2
    places = browser.find_elements(By.CSS_SELECTOR, "#semap-find .semap-places li")
    assert places[0].text.splitlines() == ["Gangseo-gu", "District"]
    assert any(li.text.endswith("Road · Gangseo-gu") for li in places)  # roads of the address data, by district
    places[0].find_element(By.TAG_NAME, "button").click()
    wait_for(browser, "return window.semapView.map.getZoom() >= 12")
    here = view(browser)
    assert 37.53 < here["lat"] < 37.58 and 126.80 < here["lon"] < 126.87  # 강서구
    assert "Places" in browser.find_element(By.ID, "semap-find").text


def test_on_a_phone_the_filter_panel_closes_after_a_search(base_url: str) -> None:
    driver = chrome(390, 844, phone=True)
    try:
        driver.get(base_url + "/")
        wait_for(driver, READY)
        driver.find_element(By.CSS_SELECTOR, "#semap-filters-toggle > summary").click()
        assert driver.execute_script("return document.getElementById('semap-filters-toggle').open")
        search(driver, "소풍클린")
        assert not driver.execute_script("return document.getElementById('semap-filters-toggle').open")
        assert driver.find_element(By.CSS_SELECTOR, "#semap-find .semap-records button").is_displayed()
        screenshot(driver, "search-phone")
    finally:
        driver.quit()


def _position(driver, base_url: str, permission: str, where: dict | None = None) -> None:
    driver.execute_cdp_cmd(
        "Browser.setPermission", {"permission": {"name": "geolocation"}, "setting": permission, "origin": base_url}
    )
    if where:
        driver.execute_cdp_cmd("Emulation.setGeolocationOverride", where)


def test_near_me_lists_the_nearest_with_distances_only_when_asked(browser, base_url: str) -> None:
    _position(browser, base_url, "granted", CITY_HALL)
    browser.get(base_url + "/")
    wait_for(browser, READY)
    assert browser.execute_script("return window.semapNear.state") == "idle"  # never on load
    browser.find_element(By.ID, "semap-near-me").click()
    near = wait_for(browser, "var n = window.semapNear; return n.state === 'done' && n;")
    assert near["results"] == 20 and near["first"] < 500
    items = browser.find_elements(By.CSS_SELECTOR, "#semap-find .semap-near li")
    distances = [li.find_element(By.CSS_SELECTOR, ".meta").text.split(" · ")[0] for li in items]
    metres = [float(d.split()[0]) * (1000 if d.endswith("km") else 1) for d in distances]
    assert metres == sorted(metres)
    assert "중구" in browser.find_element(By.ID, "semap-find").text  # where the position is
    here = view(browser)
    assert here["south"] < CITY_HALL["latitude"] < here["north"]
    assert here["west"] < CITY_HALL["longitude"] < here["east"]
    items[0].find_element(By.TAG_NAME, "button").click()
    wait_for(browser, "return !!document.querySelector('.leaflet-popup .semap-popup')")
    screenshot(browser, "near-me")


@pytest.mark.parametrize(
    ("permission", "where", "state", "words"),
    [
        ("denied", None, "near_denied", "위치 권한이 거부"),
        ("granted", {"latitude": 35.18, "longitude": 129.07, "accuracy": 20}, "near_outside", "서울 밖"),  # Busan
    ],
)
def test_near_me_refused_or_outside_seoul_says_so_and_offers_a_district(
    browser, base_url: str, permission: str, where: dict | None, state: str, words: str
) -> None:
    _position(browser, base_url, permission, where)
    browser.get(base_url + "/")
    wait_for(browser, READY)
    browser.find_element(By.ID, "semap-near-me").click()
    wait_for(browser, f"return window.semapNear.state === {state!r}")
    message = browser.find_element(By.CSS_SELECTOR, "#semap-find [role=alert]")
    assert message.is_displayed() and words in message.text
    browser.find_element(By.CSS_SELECTOR, "#semap-find button[data-action=district]").click()
    assert browser.execute_script("return document.activeElement.name") == "district"


@pytest.mark.parametrize(
    ("code", "state", "words"), [(3, "near_timeout", "in time"), (2, "near_unavailable", "not available")]
)
def test_a_position_that_times_out_or_is_unavailable_says_so(
    browser, base_url: str, code: int, state: str, words: str
) -> None:
    # The browser's own answer for these cannot be mocked through DevTools: its geolocation is replaced by one that
    # fails with the code the Geolocation API gives (3 TIMEOUT, 2 POSITION_UNAVAILABLE).
    failing = (
        "Object.defineProperty(Navigator.prototype, 'geolocation', {get: function () { return {getCurrentPosition:"
        f" function (ok, fail) {{ setTimeout(function () {{ fail({{code: {code}}}); }}, 10); }}}}; }}}});"
    )
    browser.execute_cdp_cmd("Page.addScriptToEvaluateOnNewDocument", {"source": failing})
    browser.get(base_url + "/?lang=en")
    wait_for(browser, READY)
    browser.find_element(By.ID, "semap-near-me").click()
    wait_for(browser, f"return window.semapNear.state === {state!r}")
    assert words in browser.find_element(By.CSS_SELECTOR, "#semap-find [role=alert]").text
    assert browser.find_element(By.CSS_SELECTOR, "#semap-find button[data-action=district]").text == (
        "Choose a district instead"
    )


def test_unsupported_geolocation_says_so(browser, base_url: str) -> None:
    browser.execute_cdp_cmd(
        "Page.addScriptToEvaluateOnNewDocument", {"source": "delete Navigator.prototype.geolocation;"}
    )
    browser.get(base_url + "/?lang=en")
    wait_for(browser, READY)
    browser.find_element(By.ID, "semap-near-me").click()
    wait_for(browser, "return window.semapNear.state === 'near_unsupported'")
    assert "cannot tell SeMap where you are" in browser.find_element(By.ID, "semap-find").text


def test_a_district_link_zooms_to_the_district(browser, base_url: str) -> None:
    browser.get(base_url + "/?district=강서구")
    wait_for(browser, "return window.semapView.map.getZoom() >= 12")
    state = wait_for(browser, READY)
    here = view(browser)
    assert 37.53 < here["lat"] < 37.58 and 126.80 < here["lon"] < 126.87
    assert state["matched"]["organizations"] > 0


def test_an_organization_link_opens_the_map_on_it(browser, base_url: str, store: Store) -> None:
    org, name = store.fetch("SELECT id, name FROM organizations WHERE name = '소풍클린 협동조합'")[0]
    browser.get(f"{base_url}/?org={org}&at={SONGPA}")  # even from a view elsewhere
    wait_for(browser, f"return window.semapFind.opened === {org!r}")
    popup = wait_for(browser, "var p = document.querySelector('.leaflet-popup .semap-popup'); return p && p.innerText;")
    assert name in popup and view(browser)["zoom"] == 17
    # The organization page: directions by coordinates in a new tab, share, and back to the map on it.
    browser.get(f"{base_url}/organizations/{org}?lang=en")
    wait_for(browser, "return window.semapDetailLoaded === 1")
    routes = browser.find_elements(By.CSS_SELECTOR, "#semap-directions a")
    assert routes and all(a.get_attribute("target") == "_blank" for a in routes)
    assert "map.kakao.com/link/to/" in routes[0].get_attribute("href")
    browser.execute_script("delete Navigator.prototype.share;")  # a desktop browser without a share sheet
    browser.find_element(By.ID, "semap-share").click()
    shared = wait_for(browser, "return window.semapShared")
    assert shared in ("copied", "shown")
    if shared == "shown":
        assert (
            browser.find_element(By.CSS_SELECTOR, "#semap-share-status input")
            .get_attribute("value")
            .endswith(f"/organizations/{org}?lang=en")
        )
    browser.find_element(By.ID, "semap-back").click()
    wait_for(browser, f"return window.semapFind && window.semapFind.opened === {org!r}")
    browser.get(f"{base_url}/?org=org-gone&lang=en")  # an old link: the map opens and says so
    gone = wait_for(browser, "var a = document.querySelector('#semap-find [role=alert]'); return a && a.innerText;")
    assert gone == "No organization has the id “org-gone”."
    console_errors(browser)  # the expected 404 is read and dropped


def test_an_organization_link_opens_it_when_the_maps_data_arrive_first(browser, base_url: str, store: Store) -> None:
    # The organization page's back link opens the map where the organization is: the map's own data may be drawn
    # (its marker on the map) before the organization's answer arrives. Held back here until then, every time.
    org = store.fetch("SELECT id FROM organizations WHERE name = '소풍클린 협동조합'")[0][0]
    held = (
        "var f = window.fetch; window.fetch = function (url) { var args = arguments, self = this;"
        " if (String(url).indexOf('/api/v1/organizations/' + encodeURIComponent(ORG)) < 0) return f.apply(self, args);"
        " return new Promise(function (done) { (function wait() {"
        " if (window.semapState && window.semapState.mode === 'markers') done(f.apply(self, args));"
        " else setTimeout(wait, 20); })(); }); };"
    ).replace("ORG", json.dumps(org))
    browser.execute_cdp_cmd("Page.addScriptToEvaluateOnNewDocument", {"source": held})
    browser.get(f"{base_url}/organizations/{org}?lang=en")
    browser.find_element(By.ID, "semap-back").click()
    wait_for(browser, f"return window.semapFind && window.semapFind.opened === {org!r}")
    popup = wait_for(browser, "var p = document.querySelector('.leaflet-popup .semap-popup'); return p && p.innerText;")
    assert "소풍클린 협동조합" in popup


def test_an_edit_link_request_reaches_the_district_coordinator(request: pytest.FixtureRequest, tmp_path: Path) -> None:
    with writable_store("duckdb", request, tmp_path) as (store, _), pytest.MonkeyPatch.context() as patch:
        patch.setenv("SEMAP_BASEMAP_URL", "")
        org, district = store.fetch(
            "SELECT o.id, d.name_ko FROM organizations o JOIN districts d ON d.adm_code = o.district_adm_code "
            "WHERE o.name = '소풍클린 협동조합'"
        )[0]
        add_coordinator(store, "coordinator@example.org", district)
        browser = chrome(390, 844, phone=True)
        try:
            with live_server(create_app(store)) as base:
                browser.get(f"{base}/organizations/{org}")
                browser.find_element(By.CSS_SELECTOR, "#semap-request-edit summary").click()
                browser.find_element(By.ID, "request-email").send_keys("me@sopung.example")
                browser.find_element(By.ID, "request-note").send_keys("대표 김소풍")
                browser.find_element(By.CSS_SELECTOR, "#semap-request-edit button[type=submit]").click()
                notice = wait_for(browser, "var n = document.getElementById('request-notice'); return n?.innerText;")
                assert "자치구 담당자" in notice
                screenshot(browser, "edit-link-request")
                # Another site's page cannot send one (the same-site rule every change passes).
                forged = httpx.post(
                    f"{base}/organizations/{org}/edit-link-request",
                    data={"email": "x@example.org"},
                    headers={"Origin": "https://evil.example"},
                )
                assert forged.status_code == 403
                # A bad address is refused, said next to the form, nothing kept.
                bad = httpx.post(f"{base}/organizations/{org}/edit-link-request", data={"email": "not an address"})
                assert bad.status_code == 422 and "e-mail" in bad.text
        finally:
            browser.quit()
        queue = events.open_items(store.overlay, [resolve_district(district).adm_code])
        asked = [e for e in queue if e.field == "edit_link_request"]
        assert len(asked) == 1 and asked[0].record_id == org and asked[0].after == "me@sopung.example — 대표 김소풍"
        client, _ = signed_in(store, "coordinator@example.org")
        page = client.get(f"/coordinator/districts/{district}", params={"lang": "en"}).text
        assert "Edit link requested" in page and "me@sopung.example" in page


def test_edit_link_requests_are_rate_limited(request: pytest.FixtureRequest, tmp_path: Path) -> None:
    with writable_store("duckdb", request, tmp_path) as (store, _), pytest.MonkeyPatch.context() as patch:
        patch.setenv("SEMAP_REPORTS_PER_HOUR", "2")
        org = store.fetch("SELECT id FROM organizations ORDER BY id LIMIT 1")[0][0]
        from fastapi.testclient import TestClient

        client = TestClient(create_app(store))
        url = f"/organizations/{org}/edit-link-request"
        answers = [client.post(url, data={"email": f"a{i}@example.org"}).status_code for i in range(3)]
        assert answers == [200, 200, 429]
        assert client.post("/organizations/no-such-org/edit-link-request", data={"email": "a@b.org"}).status_code == 404


# Text the English header must show whole: the placeholder inside its box, buttons and labels on one line, every
# choropleth option inside its menu (less the arrow).
FITS = """
function width(text, el) {
  var c = document.createElement('canvas').getContext('2d'); c.font = getComputedStyle(el).font;
  return c.measureText(text).width;
}
function lines(el) { var r = document.createRange(); r.selectNodeContents(el); return r.getClientRects().length; }
var q = document.querySelector('input[name=q]'), cs = getComputedStyle(q);
var room = q.clientWidth - parseFloat(cs.paddingLeft) - parseFloat(cs.paddingRight);
var out = {placeholder: width(q.placeholder, q) <= room, wrapped: [], cut: []};
document.querySelectorAll('#semap-filters button, #semap-near-me').forEach(function (b) {
  if (lines(b) !== 1) out.wrapped.push(b.textContent);
});
document.querySelectorAll('#semap-filters label').forEach(function (l) {
  var words = l.firstChild;
  if (words.nodeType === 3 && words.textContent.trim() && lines(words) !== 1) out.wrapped.push(l.textContent);
});
var s = document.querySelector('select[name=choropleth]');
Array.from(s.options).forEach(function (o) {
  if (width(o.textContent, s) > s.clientWidth - 24) out.cut.push(o.textContent);
});
return out;
"""


@pytest.mark.parametrize("phone", [False, True], ids=["desktop", "phone"])
def test_the_english_header_shows_its_words_whole(base_url: str, phone: bool) -> None:
    driver = chrome(390, 844, phone=True) if phone else chrome(1366, 768)
    try:
        driver.get(base_url + "/?lang=en")
        wait_for(driver, READY)
        driver.execute_script("document.getElementById('semap-filters-toggle').open = true")
        assert driver.execute_script(FITS) == {"placeholder": True, "wrapped": [], "cut": []}
    finally:
        driver.quit()
