"""The KOSTAT 2013 boundaries: decoded names, both code schemes, and the datum shift done right."""

from __future__ import annotations

import re
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pytest

from semap.geodata.boundaries import DISTRICTS_FILE, Boundaries, read_boundaries
from semap.geodata.manifest import Source
from semap.pipeline.sources import BOUNDARIES_SOURCE, manifest
from tests.conftest import SHARED

HERE = Path(__file__).resolve().parent
FACTS = SHARED / "facts" / "districts.csv"
HANGUL_DISTRICT = re.compile(r"^[가-힣]+구$")
# The Korean 1985 datum to WGS 84, from the 7 Helmert parameters the National Geographic Information Institute
# (NGII) published for the Tokyo/Bessel datum, written out here by hand: a reference independent of both the
# file's .prj and of the EPSG definition SeMap's manifest uses.
NGII_KOREAN_1985 = (
    "+proj=tmerc +lat_0=38 +lon_0=127.0028902777778 +k=1 +x_0=200000 +y_0=500000 +ellps=bessel "
    "+towgs84=-115.80,474.99,674.11,1.16,-2.31,-1.63,6.43 +units=m +no_defs"
)
UTM_K = 5179  # metres, for distances


@pytest.fixture(scope="module")
def source(geodata_settings) -> Source:
    return manifest(geodata_settings)[BOUNDARIES_SOURCE]


@pytest.fixture(scope="module")
def boundaries(mirror: Path, source: Source) -> Boundaries:
    return read_boundaries(mirror / source.dir, source)


def _raw(mirror: Path, source: Source, crs: str | None) -> gpd.GeoDataFrame:
    frame = gpd.read_file(mirror / source.dir / DISTRICTS_FILE, encoding="cp949")
    return frame if crs is None else frame.set_crs(crs, allow_override=True)


def test_counts_and_geometry_types(boundaries: Boundaries) -> None:
    assert len(boundaries.districts) == 25
    assert len(boundaries.dongs) == 423
    assert set(boundaries.districts.geom_type) == {"MultiPolygon"}
    assert boundaries.districts.crs.to_epsg() == 4326
    assert boundaries.districts.is_valid.all() and boundaries.dongs.is_valid.all()


def test_names_are_decoded_hangul_not_mojibake(boundaries: Boundaries) -> None:
    assert all(HANGUL_DISTRICT.match(n) for n in boundaries.districts["name_ko"]), boundaries.districts["name_ko"]
    assert all(re.match(r"^[가-힣0-9·.]+$", n) for n in boundaries.dongs["name_ko"])
    assert "사직동" in set(boundaries.dongs["name_ko"])


def test_both_code_schemes_match_the_published_crosswalk(boundaries: Boundaries) -> None:
    facts = pd.read_csv(FACTS, dtype=str).rename(columns={"kostat_code_2013": "kostat_code"})
    ours = boundaries.districts[["adm_code", "kostat_code", "name_ko", "name_en"]]
    merged = ours.merge(facts, on=["adm_code", "kostat_code", "name_ko", "name_en"], how="inner")
    assert len(merged) == 25


def test_codes_valid_in_both_schemes_name_different_districts(boundaries: Boundaries) -> None:
    by_adm = boundaries.districts.set_index("adm_code")["name_ko"]
    by_kostat = boundaries.districts.set_index("kostat_code")["name_ko"]
    shared = sorted(set(by_adm.index) & set(by_kostat.index))
    assert len(shared) == 5
    assert by_adm["11110"] == "종로구" and by_kostat["11110"] == "노원구"
    assert all(by_adm[c] != by_kostat[c] for c in shared)


def test_every_dong_carries_its_district(boundaries: Boundaries) -> None:
    districts = boundaries.districts.set_index("adm_code")
    dongs = boundaries.dongs
    assert dongs["district_adm_code"].isin(districts.index).all()
    assert dongs.groupby("district_adm_code").size().min() >= 10
    # A dong's interior point lies inside the polygon of the district it names.
    points = dongs.to_crs(UTM_K).representative_point().to_crs(4326)
    inside = [
        districts.loc[adm].geometry.contains(p) for adm, p in zip(dongs["district_adm_code"], points, strict=True)
    ]
    assert all(inside)


def _centroid_offsets(ours: gpd.GeoSeries, reference: gpd.GeoSeries) -> pd.Series:
    return ours.to_crs(UTM_K).centroid.distance(reference.to_crs(UTM_K).centroid)


def test_datum_shift_agrees_with_ngii_parameters(boundaries: Boundaries, mirror: Path, source: Source) -> None:
    reference = _raw(mirror, source, NGII_KOREAN_1985).set_index("code").loc[boundaries.districts["kostat_code"]]
    offsets = _centroid_offsets(boundaries.districts.geometry, reference.geometry.set_axis(boundaries.districts.index))
    assert offsets.max() < 5.0, offsets.describe()


def test_naive_reading_of_the_prj_is_hundreds_of_metres_off(boundaries: Boundaries, mirror: Path, source) -> None:
    """The failure this module guards against: trusting the .prj (no datum shift) moves every district."""
    naive = _raw(mirror, source, None).set_index("code").loc[boundaries.districts["kostat_code"]]
    offsets = _centroid_offsets(boundaries.districts.geometry, naive.geometry.set_axis(boundaries.districts.index))
    assert offsets.between(330, 400).all(), offsets.describe()


def test_agrees_with_independent_official_boundaries(boundaries: Boundaries, mirror: Path, source) -> None:
    """juso.go.kr's 2015 district polygons (WGS84, another agency's survey) as the outside reference."""
    juso = gpd.read_file(HERE / "data" / "juso_2015_reference.geojson").set_index("SIG_CD")
    ours = boundaries.districts.set_index("adm_code").loc[juso.index]
    naive = _raw(mirror, source, None).set_index("name").loc[ours["name_ko"]].set_axis(juso.index)
    ours_offsets = _centroid_offsets(ours.geometry, juso.geometry)
    naive_offsets = _centroid_offsets(naive.geometry, juso.geometry)
    assert ours_offsets.median() < 100, ours_offsets
    assert naive_offsets.median() > 300, naive_offsets
    # Overlap with the reference is better than the naive reading's for every district.
    for code in juso.index:
        ref = juso.geometry[code]
        iou_ours = ours.geometry[code].intersection(ref).area / ours.geometry[code].union(ref).area
        iou_naive = naive.geometry[code].intersection(ref).area / naive.geometry[code].union(ref).area
        assert iou_ours > iou_naive and iou_ours > 0.9
