"""juso.go.kr's 위치정보요약DB as a first-class source: fetched monthly as the real zip (from a loopback HTTP
server here), verified, kept, and read by `semap build` straight out of the zip.

REAL data: the one real 2026-02 entrance row in shared/samples/official (서울특별시 종로구 자하문로 94). The
other rows of the zip are the demo's synthetic entrances, in the same real layout.
"""

from __future__ import annotations

import csv
import functools
import http.server
import os
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from semap.errors import ChecksumMismatch, GeodataError
from semap.geocode.addressdb import read_entrances
from semap.geodata.manifest import MonthlySource
from semap.geodata.monthly import check_month, fetch_release
from semap.pipeline.build import build
from semap.settings import PACKAGE_DATA_DIR, GeodataSettings, StoreSettings
from semap.store import open_store
from tests.conftest import SHARED
from tests.loopback import serving
from tests.test_cli import semap

SAMPLES = SHARED / "samples" / "official"
REAL_ROW = SAMPLES / "juso_locsum_entrc_one_real_row_cp949.txt"
ZIP_NAME = "202602_위치정보요약DB_전체분.zip"


def real_layout_zip(path: Path) -> Path:
    entrances = REAL_ROW.read_bytes() + (PACKAGE_DATA_DIR / "demo" / "addressdb" / "entrc_seoul.txt").read_bytes()
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("entrc_seoul.txt", entrances)
        archive.writestr("entrc_busan.txt", b"")  # the national zip holds every 시도; SeMap reads Seoul's
    return path


@pytest.fixture
def juso_server(tmp_path: Path) -> Iterator[tuple[str, Path]]:
    """A loopback HTTP server publishing a folder, as juso.go.kr publishes its monthly zips."""
    folder = tmp_path / "published"
    folder.mkdir()
    with serving(functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(folder))) as url:
        yield url, folder


def test_the_real_entrance_row_converts_to_its_published_coordinates() -> None:
    row = read_entrances([REAL_ROW]).iloc[0]
    assert (row["sigungu"], row["road"], row["main"], row["sub"]) == ("종로구", "자하문로", 94, 0)
    assert (row["lon"], row["lat"]) == (pytest.approx(126.9704055, abs=1e-7), pytest.approx(37.5844154, abs=1e-7))


def test_fetch_keeps_a_verified_release_and_reuses_it(juso_server: tuple[str, Path], tmp_path: Path) -> None:
    url, published = juso_server
    real_layout_zip(published / ZIP_NAME)
    env = {k: v for k, v in os.environ.items() if not k.startswith("SEMAP_")}
    env.update(SEMAP_DATA_DIR=str(tmp_path / "data"), SEMAP_JUSO_URL=url)
    first = semap("geodata", "fetch", "juso", "--month", "202602", env=env).stdout.decode()
    kept = tmp_path / "data" / "sources" / "juso" / ZIP_NAME
    assert kept.is_file() and f"({url}/{ZIP_NAME})" in first
    again = semap("geodata", "fetch", "juso", "--month", "202602", env=env).stdout.decode()
    assert "(cached)" in again
    # and the entrances come straight out of the zip
    entrances = read_entrances([kept])
    assert len(entrances) == 1 + 1901 and "자하문로" in set(entrances["road"])  # the real row + the demo's


@pytest.mark.parametrize(
    ("damage", "message"),
    [
        (lambda data: data[: len(data) // 2], "not a zip archive"),
        (lambda data: b"", "the file is empty"),
        (lambda data: b"<html>login required</html>", "not a zip archive"),
    ],
)
def test_a_broken_download_is_refused_and_nothing_is_kept(
    juso_server: tuple[str, Path], tmp_path: Path, damage, message: str
) -> None:
    url, published = juso_server
    good = real_layout_zip(tmp_path / "good.zip").read_bytes()
    (published / ZIP_NAME).write_bytes(damage(good))
    env = {k: v for k, v in os.environ.items() if not k.startswith("SEMAP_")}
    env.update(SEMAP_DATA_DIR=str(tmp_path / "data"), SEMAP_JUSO_URL=url)
    result = semap("geodata", "fetch", "juso", "--month", "202602", env=env, check=False)
    assert result.returncode == 1 and message in result.stderr.decode()
    assert not any((tmp_path / "data" / "sources" / "juso").glob("*"))  # neither the zip nor a .part


def test_a_pinned_release_must_match_and_the_zip_must_hold_its_members(tmp_path: Path) -> None:
    mirror = tmp_path / "mirror"
    real_layout_zip((mirror / "juso").mkdir(parents=True) or mirror / "juso" / ZIP_NAME)
    source = MonthlySource(
        "juso-locsum", "t", "http://127.0.0.1:9", "juso", "cp949", "EPSG:5179", "l",
        "{month}_위치정보요약DB_전체분.zip", ("entrc_seoul.txt",), {"202602": "0" * 64},
    )  # fmt: skip
    with pytest.raises(ChecksumMismatch, match="pinned release 202602"):
        fetch_release(source, "202602", tmp_path / "data", mirror)
    wanting = MonthlySource(**{**source.__dict__, "releases": {}, "members": ("entrc_seoul.txt", "entrc_x.txt")})
    with pytest.raises(GeodataError, match=r"entrc_x\.txt missing from the zip"):
        fetch_release(wanting, "202602", tmp_path / "data", mirror)
    with pytest.raises(GeodataError, match="YYYYMM"):
        check_month("2026-02")


def test_build_reads_the_release_and_places_the_real_address_at_its_building(
    juso_server: tuple[str, Path], tmp_path: Path, mirror: Path
) -> None:
    url, published = juso_server
    real_layout_zip(published / ZIP_NAME)
    registry = tmp_path / "registry"
    registry.mkdir()
    with (registry / "village.csv").open("w", encoding="utf-8-sig", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(["기업명", "지정구분", "주소", "업종", "주요사업", "대표전화", "지정일"])
        writer.writerow(["자하문 마을", "서울시", "서울 종로구 자하문로 94, 2층", "카페", "", "", ""])
    manifest = registry / "registries.toml"
    manifest.write_text(
        '[[registry]]\nfile = "village.csv"\nformat = "village-enterprise-registry"\n'
        "[addressdb]\nfiles = []\nlots = []\n",
        encoding="utf-8",
    )
    data = tmp_path / "data"
    settings = GeodataSettings(
        geodata_mirror=mirror, data_dir=data, registries=manifest, juso_month="202602", juso_url=url
    )
    store = open_store(StoreSettings(data_dir=data))
    try:
        summary = build(store, settings)
        assert summary.address_points == 1902
        row = store.fetch("SELECT match_type, ST_X(geom), ST_Y(geom), district_adm_code FROM organizations")[0]
        assert row[0] == "building" and row[3] == "11110"  # 종로구, from the point
        assert (row[1], row[2]) == (pytest.approx(126.9704055, abs=1e-6), pytest.approx(37.5844154, abs=1e-6))
        assert store.meta()["address_release"] == "juso.go.kr 위치정보요약DB 202602"
    finally:
        store.close()
