"""The offline tier without the juso download, on REAL addresses: a deterministic sample of Seoul's road
addresses as Korea Post lists them (kozip). With only pip-installable data, at least 95 % of them must be placed
at legal-dong precision or better, each inside the district its address names (KOSTAT boundaries, point in
polygon): two independent sources (Korea Post's list + NGII's legal dongs vs. Statistics Korea's districts)."""

from __future__ import annotations

import zipfile

import pandas as pd
import pytest
from pyproj import Transformer

from semap.geocode.address import normalize
from semap.geocode.addressdb import read_entrances
from semap.geocode.chain import GeocoderChain
from semap.geocode.legal_dong import LegalDongGeocoder, _road_addresses, address_exists
from semap.geocode.providers import build_geocoders
from semap.geodata.boundaries import read_boundaries
from semap.geodata.districts import by_name
from semap.pipeline.build import build
from semap.pipeline.records import replace_address_db
from semap.pipeline.sources import BOUNDARIES_SOURCE, source_folder
from semap.settings import GeocodeSettings, GeodataSettings, StoreSettings
from semap.store import Store, open_store

SAMPLE = 400


def _real_addresses() -> list[tuple[str, str, int, int]]:
    addresses, _ = _road_addresses()
    keys = sorted(addresses)
    step = len(keys) // SAMPLE
    return keys[::step][:SAMPLE]


def test_kozip_lists_all_of_seoul() -> None:
    addresses, roads = _road_addresses()
    assert len(addresses) > 500_000 and len({k[0] for k in addresses}) == 25
    assert addresses[("종로구", "자하문로", 94, 0)] == "청운동"  # the real juso row's building, in Korea Post's list
    assert ("종로구", "자하문로") in roads


def test_real_addresses_are_placed_at_legal_dong_or_better_inside_their_district(built_store: Store) -> None:
    chain = GeocoderChain(build_geocoders(GeocodeSettings(), built_store), built_store)
    placed, outside, match_types = 0, [], []
    for sigungu, road, main, sub in _real_addresses():
        text = f"서울특별시 {sigungu} {road} {main}" + (f"-{sub}" if sub else "")
        address = normalize(text)
        location = chain.geocode(address, by_name(sigungu).adm_code).location
        assert location is not None, text
        match_types.append(location.match_type)
        if location.match_type not in ("building", "lot", "legal_dong"):
            continue
        assert location.precision is not None and location.release
        if built_store.locate(location.lon, location.lat)[0] == by_name(sigungu).adm_code:
            placed += 1
        else:
            outside.append(text)
    assert placed / SAMPLE >= 0.95, (placed, outside[:10], {m: match_types.count(m) for m in set(match_types)})


def test_address_exists_says_yes_no_or_unknown() -> None:
    assert address_exists(normalize("서울특별시 종로구 자하문로 94")) == "yes"
    assert address_exists(normalize("서울특별시 종로구 자하문로 9999")) == "no"  # a real road, no such building
    assert address_exists(normalize("서울특별시 종로구 없는길 1")) == "unknown"
    assert address_exists(normalize("부산 해운대구 해운대로 1")) == "unknown"  # Seoul's list only


def test_a_lot_address_is_placed_in_its_legal_dong() -> None:
    location = LegalDongGeocoder().geocode(normalize("서울특별시 마포구 성산동 999-99"))
    assert location is not None and location.match_type == "legal_dong"
    assert location.matched_address == "서울특별시 마포구 성산동" and 100 < location.precision_m < 3000


@pytest.mark.parametrize("raw", ["부산 중구 대청로 69-12", "동구 초량상로 63번가길 28", "테헤란로 152"])
def test_no_legal_dong_without_a_seoul_district(raw: str) -> None:
    assert LegalDongGeocoder().geocode(normalize(raw)) is None


def test_a_self_sufficiency_row_labelled_by_its_center_is_expected_to_differ(tmp_path, mirror) -> None:
    """자활기업 lists name the supervising center's district (시군구 강서구) for an enterprise in 양천구: the point
    decides the district, the registry's column is kept and reported as differing, not as a wrong address."""
    addresses, _ = _road_addresses()
    sigungu, road, main, sub = next(k for k in sorted(addresses) if k[0] == "양천구")
    number = f"{main}-{sub}" if sub else str(main)
    (tmp_path / "jahwal.csv").write_bytes(
        (
            "순번,시도,시군구,자활기업,자활기업구분 (지역/광역),대표자명,업종,사업자구분,주소\r\n"
            f"1,서울특별시,강서구,강서나눔 자활,지역,대표,청소(학교),법인,서울특별시 {sigungu} {road} {number}\r\n"
        ).encode("cp949")
    )
    (tmp_path / "registries.toml").write_text(
        '[[registry]]\nfile = "jahwal.csv"\nformat = "kdissw-self-sufficiency-enterprises"\n'
        "[addressdb]\nfiles = []\nlots = []\n",
        encoding="utf-8",
    )
    store = open_store(StoreSettings(data_dir=tmp_path / "data"))
    try:
        settings = GeodataSettings(
            geodata_mirror=mirror, data_dir=tmp_path / "data", registries=tmp_path / "registries.toml"
        )
        summary = build(store, settings)
        row = store.fetch(
            "SELECT match_type, district_adm_code, district_written, district_named, district_mismatch, "
            "written_district_differs, address_exists, data_release, precision_m FROM organizations"
        )[0]
        assert row[:7] == ("legal_dong", "11470", "11500", "11470", False, True, "yes")  # 양천구 / 강서구
        assert "kozip" in row[7] and 100 < row[8] < 3000
        assert summary.district_mismatches == 0 and summary.written_district_differs == 1
    finally:
        store.close()


def test_with_a_juso_extract_the_same_addresses_are_placed_at_their_building(tmp_path, mirror) -> None:
    """Precedence: the building tier (juso entrances) comes before the legal dong. The extract is written in the
    real 위치정보요약DB layout for 50 of the sampled real addresses; its coordinates are made up (UTM-K inside
    each district), so this proves the precedence and the round trip, not the coordinates."""
    to_utmk = Transformer.from_crs("EPSG:4326", "EPSG:5179", always_xy=True)
    chosen = _real_addresses()[::8][:50]
    geocoder = LegalDongGeocoder()
    lines, expected = [], {}
    for i, (sigungu, road, main, sub) in enumerate(chosen):
        dong = geocoder.geocode(normalize(f"서울특별시 {sigungu} {road} {main}" + (f"-{sub}" if sub else "")))
        assert dong is not None
        x, y = to_utmk.transform(dong.lon + 0.0003, dong.lat + 0.0002)  # near, not at, the dong's point
        code = by_name(sigungu).adm_code
        lines.append(
            f"{code}|{i}|{code}10100|서울특별시|{sigungu}|x|{code}3000001|{road}|0|{main}|{sub}||00000||0|x|{x:.6f}|{y:.6f}"
        )
        expected[(sigungu, road, main, sub)] = (round(dong.lon + 0.0003, 6), round(dong.lat + 0.0002, 6))
    extract = tmp_path / "202602_위치정보요약DB_전체분.zip"
    with zipfile.ZipFile(extract, "w") as archive:
        archive.writestr("entrc_seoul.txt", ("\r\n".join(lines) + "\r\n").encode("cp949"))
    store = open_store(StoreSettings(data_dir=tmp_path / "data"))
    try:
        with store.staging() as target:
            source, folder = source_folder(
                GeodataSettings(geodata_mirror=mirror, data_dir=tmp_path / "data"), BOUNDARIES_SOURCE
            )
            target.replace_boundaries(read_boundaries(folder, source))
            replace_address_db(target, read_entrances([extract]), pd.DataFrame())
        chain = GeocoderChain(build_geocoders(GeocodeSettings(), store), store)
        for (sigungu, road, main, sub), (lon, lat) in expected.items():
            text = f"서울특별시 {sigungu} {road} {main}" + (f"-{sub}" if sub else "")
            location = chain.geocode(normalize(text), by_name(sigungu).adm_code).location
            assert location is not None and location.match_type == "building", text
            assert (round(location.lon, 6), round(location.lat, 6)) == (
                pytest.approx(lon, abs=2e-6),
                pytest.approx(lat, abs=2e-6),
            )
    finally:
        store.close()
