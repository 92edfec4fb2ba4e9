"""Registry text is data, never code: template, HTML/JS and spreadsheet-formula payloads in every text field of
organizations and resources are shown literally on every page, in exports and in statistics downloads.

The payloads enter the way an attacker's would: as rows of registry files, through `semap build`.
"""

from __future__ import annotations

import csv
import html
import io
import json
import re
import shutil
from collections.abc import Iterator
from pathlib import Path

import openpyxl
import pytest
from fastapi.testclient import TestClient

from semap.api.app import create_app
from semap.exports import TableFormat, neutralize_formula, rows_to_csv, table_bytes
from semap.pipeline.build import build
from semap.settings import PACKAGE_DATA_DIR, GeodataSettings
from semap.store import Store, open_store
from tests.browser import chrome, console_errors, live_server, wait_for
from tests.conftest import BACKENDS, _store_settings

TEMPLATE_PAYLOADS = [
    "{{ 7*7 }}",
    "{% raw %}",
    "{# comment",
    "{{ cycler.__init__.__globals__.os.popen('id').read() }}",
    "{{ self._TemplateReference__context.cycler.__init__.__globals__.os.popen('id').read() }}",
]
SCRIPT_PAYLOADS = [
    "<img src=x onerror=window.__xss=1>",
    "<script>window.__xss=2</script>",
    '"><svg onload=window.__xss=3>',
    "'-alert(4)-'</script><script>window.__xss=4</script>",
]
FORMULA_PAYLOADS = ['=HYPERLINK("http://127.0.0.1:9/","x")', "+1+1", "-1+1", "@SUM(1,1)", "\tcmd", "\rcmd"]
PAYLOADS = TEMPLATE_PAYLOADS + SCRIPT_PAYLOADS
DEMO = PACKAGE_DATA_DIR / "demo"


def _village_rows() -> list[list[str]]:
    # Every text column carries a payload; the address keeps a real demo building so the row is placed.
    rows = []
    for i, p in enumerate(PAYLOADS + FORMULA_PAYLOADS):
        rows.append([f"마을 {p}", "서울시", f"서울특별시 도봉구 시루봉로 87 {p}", "기타", p, "02-000-0000", ""])
        if i < len(PAYLOADS):
            rows.append([p, "서울시", "서울특별시 도봉구 시루봉로 87", p, p, "", ""])
    return rows


def _resource_rows() -> list[list[str]]:
    rows = []
    for i, p in enumerate(PAYLOADS + FORMULA_PAYLOADS, start=1):
        rows.append([str(i), "도봉구", "공간", p, p, p, "", "서울특별시 도봉구 시루봉로 87", p, p, p, "", "2013-06-15"])
    return rows


def write_payload_registry(folder: Path) -> Path:
    (folder / "addressdb").mkdir(parents=True)
    for name in ("entrc_seoul.txt", "jibun_rnaddrkor_seoul.txt"):
        shutil.copy(DEMO / "addressdb" / name, folder / "addressdb" / name)
    with (folder / "village.csv").open("w", encoding="utf-8-sig", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(["기업명", "지정구분", "주소", "업종", "주요사업", "대표전화", "지정일"])
        writer.writerows(_village_rows())
        writer.writerow(["NUL\x00byte 협동조합", "서울시", "서울특별시 도봉구 시루봉로 87", "기타", "a\x00b", "", ""])
    with (folder / "resources.csv").open("w", encoding="utf-8-sig", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(
            [
                "연번",
                "자치구",
                "자원구분",
                "자원명",
                "설명",
                "보유기관",
                "보유기관 사업자번호",
                "소재지",
                "이용료",
                "이용대상",
                "이용가능시간",
                "담당자 연락처",
                "조사일",
            ]
        )
        writer.writerows(_resource_rows())
    manifest = folder / "registries.toml"
    manifest.write_text(
        'as_of = "2013-12-31"\n'
        '[[registry]]\nfile = "village.csv"\nformat = "village-enterprise-registry"\n'
        '[[registry]]\nfile = "resources.csv"\nformat = "shared-resource-survey"\n'
        '[addressdb]\nfiles = ["addressdb/entrc_seoul.txt"]\nlots = ["addressdb/jibun_rnaddrkor_seoul.txt"]\n',
        encoding="utf-8",
    )
    return manifest


def _build_payload_store(backend: str, request: pytest.FixtureRequest, folder: Path, mirror: Path) -> Store:
    manifest = write_payload_registry(folder / "registry")
    store = open_store(_store_settings(backend, request, folder))
    build(store, GeodataSettings(geodata_mirror=mirror, data_dir=folder, registries=manifest))
    return store


@pytest.fixture(scope="module", params=BACKENDS)
def payload_store(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory, mirror: Path
) -> Iterator[Store]:
    store = _build_payload_store(request.param, request, tmp_path_factory.mktemp(f"payloads-{request.param}"), mirror)
    yield store
    store.close()


@pytest.fixture(scope="module")
def client(payload_store: Store) -> TestClient:
    return TestClient(create_app(payload_store))


def _between(page: str, start: str, end: str) -> list[str]:
    """The text of every element between the tags, unescaped: what a reader sees."""
    return [html.unescape(part.split(end, 1)[0]) for part in page.split(start)[1:]]


def _payload_org_ids(store: Store) -> dict[str, str]:
    names = {row[1]: row[0] for row in store.fetch("SELECT id, name FROM organizations")}
    return {p: names[p] for p in PAYLOADS}


def test_nul_bytes_in_registries_are_dropped_the_same_on_both_stores(payload_store: Store) -> None:
    rows = payload_store.fetch("SELECT name, description FROM organizations WHERE name LIKE 'NUL%'")
    assert rows == [("NULbyte 협동조합", "ab")]


def test_every_payload_row_was_loaded(payload_store: Store) -> None:
    assert len(_payload_org_ids(payload_store)) == len(PAYLOADS)
    resources = {row[0] for row in payload_store.fetch("SELECT name FROM resources")}
    assert {p.strip() for p in PAYLOADS + FORMULA_PAYLOADS} <= resources  # the reader strips cells


@pytest.mark.parametrize("lang", ["ko", "en"])
def test_organization_pages_show_payloads_literally(client: TestClient, payload_store: Store, lang: str) -> None:
    for payload, org_id in _payload_org_ids(payload_store).items():
        response = client.get(f"/organizations/{org_id}", params={"lang": lang})
        assert response.status_code == 200, (payload, response.text[:300])
        page = response.text
        assert _between(page, "<h1>", "</h1>") == [payload]
        assert _between(page, "<title>", "</title>") == [f"SeMap — {payload}"]
        assert "uid=" not in page and "<h1>49</h1>" not in page


@pytest.mark.parametrize(("lang", "heading"), [("ko", "잘못된 정보 신고"), ("en", "Report wrong information")])
def test_a_payload_put_into_a_translated_message_stays_text(
    client: TestClient, payload_store: Store, lang: str, heading: str
) -> None:
    # The name is a placeholder of the catalogue's message (newstyle gettext): escaped like any other value.
    for payload, org_id in _payload_org_ids(payload_store).items():
        page = client.get(f"/report/organizations/{org_id}", params={"lang": lang}).text
        assert _between(page, "<h1>", "</h1>") == [f"{heading}: {payload}"]
        assert "uid=" not in page and ": 49</h1>" not in page


@pytest.mark.parametrize("lang", ["ko", "en"])
def test_district_page_shows_resource_payloads_literally(client: TestClient, lang: str) -> None:
    page = client.get("/districts/도봉구", params={"lang": lang}).text
    body = page.split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    # every cell's text as a reader sees it: the tags SeMap wrote removed (the row's link), the text unescaped
    cells = [html.unescape(re.sub(r"<[^>]+>", "", cell)) for cell in re.findall(r"<t[dh][^>]*>(.*?)</t[dh]>", body)]
    for payload in PAYLOADS:
        assert payload in cells
    assert ">49<" not in page and "uid=" not in page


def test_pages_send_a_csp_without_unsafe_inline_scripts(client: TestClient, payload_store: Store) -> None:
    org_id = next(iter(_payload_org_ids(payload_store).values()))
    for url in ("/", "/districts/도봉구", f"/organizations/{org_id}", "/docs", "/redoc"):
        response = client.get(url)
        csp = response.headers["content-security-policy"]
        script_src = next(d for d in csp.split(";") if d.strip().startswith("script-src"))
        assert "'unsafe-inline'" not in script_src and "'unsafe-eval'" not in script_src, url
        assert response.headers["x-content-type-options"] == "nosniff"
        assert response.headers["referrer-policy"]
        # The one inline script is Folium's map, hashed in the CSP; no registry text reaches a script.
        for payload in SCRIPT_PAYLOADS:
            assert payload not in response.text


def test_linked_data_carries_payloads_as_data_without_closing_its_script(
    client: TestClient, payload_store: Store
) -> None:
    start = '<script type="application/ld+json">'
    for payload, org_id in _payload_org_ids(payload_store).items():
        page = client.get(f"/organizations/{org_id}").text
        (block,) = [part.split("</script>", 1)[0] for part in page.split(start)[1:]]
        assert "<" not in block and ">" not in block  # tojson writes them as \u003c, \u003e: no </script> in it
        described = json.loads(block)
        assert described["name"] == payload and described["identifier"] == org_id


def test_csv_exports_neutralize_formulas(client: TestClient) -> None:
    for layer in ("organizations", "resources"):
        body = client.get(f"/api/v1/export/{layer}.csv").content.decode("utf-8-sig")
        cells = [cell for row in csv.reader(io.StringIO(body, newline="")) for cell in row]
        assert cells, layer
        for payload in (p for p in FORMULA_PAYLOADS if p == p.strip()):  # the reader strips tab and CR
            assert not any(c.startswith(payload) for c in cells), (layer, payload)
        assert any(c == "'" + FORMULA_PAYLOADS[0] for c in cells), layer
        for cell in cells:
            assert not cell.startswith(("=", "+", "@", "\t", "\r")), (layer, cell)


def test_statistics_downloads_neutralize_formulas() -> None:
    import pandas as pd

    table = pd.DataFrame({"name": FORMULA_PAYLOADS, "z": [-1.5] * len(FORMULA_PAYLOADS)}).set_index("name")
    body = table_bytes(table, TableFormat.csv).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(body, newline="")))[1:]
    assert [r[0] for r in rows] == ["'" + p for p in FORMULA_PAYLOADS]
    assert {r[1] for r in rows} == {"-1.5"}  # numbers are numbers, not formulas
    book = openpyxl.load_workbook(io.BytesIO(table_bytes(table, TableFormat.xlsx)))
    values = [row[0].value for row in book.active.iter_rows(min_row=2)]
    # XML turns CR into LF on reading; what matters is the leading apostrophe and a text cell.
    assert [v.replace("\n", "\r") for v in values] == ["'" + p for p in FORMULA_PAYLOADS]
    assert all(row[0].data_type == "s" for row in book.active.iter_rows(min_row=2))
    assert neutralize_formula(-3) == -3
    exported = rows_to_csv([{"name": p, "lon": -1.0} for p in FORMULA_PAYLOADS]).decode("utf-8-sig")
    assert [r[0] for r in csv.reader(io.StringIO(exported, newline=""))][1:] == ["'" + p for p in FORMULA_PAYLOADS]


@pytest.mark.parametrize("path", ["/api/v1/organizations/%00", "/api/v1/resources/%00", "/organizations/%00"])
def test_nul_bytes_in_ids_are_a_clear_4xx(client: TestClient, path: str) -> None:
    response = client.get(path)
    assert response.status_code == 422
    assert response.json()["error"] == "InvalidParameter" and "NUL" in response.json()["detail"]


@pytest.fixture(scope="module")
def browser_payload_store(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory, mirror: Path
) -> Iterator[Store]:
    # Browser runs use the embedded store: the pages do not depend on the backend (tested above on both).
    store = _build_payload_store("duckdb", request, tmp_path_factory.mktemp("payloads-browser"), mirror)
    yield store
    store.close()


@pytest.fixture(scope="module")
def payload_url(browser_payload_store: Store) -> Iterator[str]:
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("SEMAP_BASEMAP_URL", "")  # the closed network refuses tile servers
        with live_server(create_app(browser_payload_store)) as url:
            yield url


def test_no_payload_runs_in_a_real_browser(payload_url: str, browser_payload_store: Store) -> None:
    driver = chrome()
    try:
        pages = ["/", "/?lang=en", "/districts/도봉구", "/districts/도봉구?lang=en"]
        pages += [f"/organizations/{i}" for i in _payload_org_ids(browser_payload_store).values()]
        for page in pages:
            driver.get(payload_url + page)
            if not page.startswith(("/districts", "/organizations")):
                wait_for(driver, "var s = window.semapState; return s && s.mode === 'markers';")
                # Open every popup: each renders registry text as HTML.
                driver.execute_script(
                    "var v = window.semapView; Object.keys(v.markersById).forEach(function (id) { v.focus(id); });"
                )
            else:
                wait_for(driver, "return window.semapDetailLoaded >= 1")
                driver.execute_script(
                    "var m = window[JSON.parse(document.getElementById('semap-data').textContent).map];"
                    "m.eachLayer(function (l) { if (l.getTooltip && l.getTooltip()) l.openTooltip(); });"
                )
            assert driver.execute_script("return window.__xss") is None, page
            assert console_errors(driver) == [], page
        assert driver.find_element("tag name", "h1").text == PAYLOADS[-1]  # the last page: shown literally
    finally:
        driver.quit()
