"""The district page's lower half on the demo (SYNTHETIC) 송파구, 206 shared resources: the table a page of 50 at a
time, searched and sorted on the server (no script needed), with holder, dong and address, each row linking to the
record on the map; the LQ plot's axis; the data's date, source and licence; Korean kept whole on a phone."""

from __future__ import annotations

import re
from collections.abc import Iterator
from html import unescape
from urllib.parse import parse_qs, urlparse

import pytest
from fastapi.testclient import TestClient
from selenium.webdriver.common.by import By

from semap.api.app import create_app
from semap.settings import PublicationSettings
from semap.store import Store, open_store
from tests.browser import chrome, console_errors, live_server, screenshot, wait_for
from tests.conftest import built_settings_for

SONGPA = "/districts/송파구"
ROW = re.compile(r"<tr>(.*?)</tr>", re.DOTALL)
SHOW = re.compile(r'href="(/\?[^"]*show=[^"]*)"')
POPUP_NAME = "var h = document.querySelector('.semap-popup h3'); return h && h.textContent;"


@pytest.fixture(scope="module")
def store(request: pytest.FixtureRequest) -> Iterator[Store]:
    store = open_store(built_settings_for("duckdb", request))
    yield store
    store.close()


@pytest.fixture(scope="module")
def client(store: Store) -> TestClient:
    return TestClient(create_app(store))


@pytest.fixture(scope="module")
def songpa(client: TestClient) -> list[dict]:
    answer = client.get("/api/v1/resources", params={"district": "송파구", "limit": 1000})
    return answer.json()["features"]


def _rows(html: str) -> list[str]:
    body = html.split("<tbody>", 1)[1].split("</tbody>", 1)[0] if "<tbody>" in html else ""
    return [unescape(re.sub(r"<[^>]+>", " ", row)) for row in ROW.findall(body)]


def _shown(client: TestClient, **params: str | int) -> str:
    answer = client.get(SONGPA, params=params)
    assert answer.status_code == 200
    return answer.text


def _map_ids(html: str) -> list[str]:
    return [parse_qs(urlparse(unescape(link)).query)["show"][0] for link in SHOW.findall(html)]


def test_the_table_shows_fifty_rows_a_page_and_every_resource_once(client: TestClient, songpa: list[dict]) -> None:
    assert len(songpa) == 206
    first = _shown(client, lang="en")
    assert len(_rows(first)) == 50
    assert "Rows 1–50 of 206" in first
    assert re.search(r'<span aria-current="page">1</span>', first)
    seen = []
    for page in range(1, 6):
        html = _shown(client, lang="en", page=page)
        seen += _map_ids(html)
    assert len(seen) == 206 and set(seen) == {f["properties"]["id"] for f in songpa}
    last = _shown(client, lang="en", page=5)
    assert len(_rows(last)) == 6 and "Rows 201–206 of 206" in last
    assert len(_rows(_shown(client, lang="en", page=99))) == 6  # past the end: the last page


def test_each_row_names_holder_dong_and_address_and_links_to_the_map(client: TestClient, songpa: list[dict]) -> None:
    html = _shown(client, lang="en")
    header = html.split("<thead>", 1)[1].split("</thead>", 1)[0]
    for column in ("Name", "Category", "Held by", "Dong", "Address"):
        assert f">{column}" in header, column
    feature = {f["properties"]["id"]: f for f in songpa}[_map_ids(html)[0]]
    p, (lon, lat) = feature["properties"], feature["geometry"]["coordinates"]
    row = _rows(html)[0]
    assert p["owner_name"] in row and p["address_normalized"] in row and "-dong" in row
    link = parse_qs(urlparse(unescape(SHOW.findall(html)[0])).query)
    assert link["district"] == ["송파구"] and link["lang"] == ["en"]
    at_lat, at_lon, zoom = link["at"][0].split(",")
    assert abs(float(at_lat) - lat) < 1e-5 and abs(float(at_lon) - lon) < 1e-5 and zoom == "18"


def test_search_finds_the_rows_that_contain_every_word(client: TestClient, songpa: list[dict]) -> None:
    holder = songpa[0]["properties"]["owner_name"]
    held = sum(1 for f in songpa if f["properties"]["owner_name"] == holder)
    rows = _rows(_shown(client, lang="en", q=holder))
    assert len(rows) >= held and all(holder in r for r in rows)
    name = songpa[0]["properties"]["name"]
    narrowed = _rows(_shown(client, lang="en", q=f"{name} {holder}"))
    assert 1 <= len(narrowed) <= len(rows) and all(name in r and holder in r for r in narrowed)
    nothing = _shown(client, lang="en", q="no such resource anywhere")
    assert _rows(nothing) == [] and "No resource matches “no such resource anywhere”." in nothing
    # the search is kept by the pager and the column links
    many = _shown(client, lang="ko", q="송파구")
    assert "q=%EC%86%A1%ED%8C%8C%EA%B5%AC" in many and "page=2" in many


def test_sorting_by_a_column_either_way(client: TestClient, songpa: list[dict]) -> None:
    names = sorted(f["properties"]["name"] for f in songpa)
    assert _rows(_shown(client, sort="name"))[0].split()[0] == names[0].split()[0]
    assert _rows(_shown(client, sort="-name"))[0].split()[0] == names[-1].split()[0]
    assert 'aria-sort="descending"' in _shown(client, sort="-name")


def test_the_lq_plot_has_an_axis_and_the_page_says_whose_data_of_when(client: TestClient, store: Store) -> None:
    html = _shown(client, lang="en")
    ticks = re.findall(r'<span class="tick" style="left: ([0-9.]+)%">([^<]+)</span>', html)
    assert [t for _, t in ticks] == ["0", "1", "2", "3", "4+"] and [float(a) for a, _ in ticks] == [0, 25, 50, 75, 100]
    note = html.split('<footer class="data-note">', 1)[1]
    publication = PublicationSettings()
    as_of = store.meta()["registries_as_of"]
    assert f'registries as of <time datetime="{as_of}">{as_of}</time>' in note
    assert unescape(publication.publisher) in unescape(note) and publication.data_licence_url in note
    assert 'href="/docs"' in note and 'href="#downloads"' in note


def test_on_a_phone_korean_words_stay_whole_and_a_row_opens_its_record_on_the_map(store: Store) -> None:
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("SEMAP_BASEMAP_URL", "")
        with live_server(create_app(store)) as base:
            browser = chrome(390, 844, phone=True)
            try:
                browser.get(f"{base}{SONGPA}")
                wait_for(browser, "return document.readyState === 'complete'")
                broken = BROKEN_WORDS + "return broken(document.querySelector('main'));"
                assert browser.execute_script(broken) == []
                # the check can fail: the browser's default breaks Korean anywhere
                browser.execute_script("document.querySelector('main').style.wordBreak = 'normal'")
                assert browser.execute_script(broken) != []
                browser.execute_script("document.querySelector('main').style.wordBreak = ''")
                link = browser.find_element(By.CSS_SELECTOR, "#resources-table tbody th a")
                name = link.text
                browser.execute_script("arguments[0].scrollIntoView()", link)
                screenshot(browser, "district-table-phone")
                link.click()
                popup = wait_for(browser, POPUP_NAME)
                assert popup == name
                assert console_errors(browser) == []
            finally:
                browser.quit()


# Hangul words whose letters lie on more than one line: each word's range has client rects at different heights.
BROKEN_WORDS = """
function broken(root) {
  var found = [], walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
  while (walker.nextNode()) {
    var node = walker.currentNode, re = /[\\uac00-\\ud7a3]+/g, m;
    if (!node.parentElement.offsetParent) continue;
    while ((m = re.exec(node.textContent))) {
      if (m[0].length < 2) continue;
      var range = document.createRange();
      range.setStart(node, m.index); range.setEnd(node, m.index + m[0].length);
      var tops = Array.prototype.map.call(range.getClientRects(), function (r) { return Math.round(r.top); });
      if (new Set(tops).size > 1) found.push(m[0]);
    }
  }
  return found;
}
"""
