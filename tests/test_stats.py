"""Statistics: hand-computed cases, invariants, SQL vs GeoPandas, and agreement with the 2013 tables."""

from __future__ import annotations

import json

import geopandas as gpd
import numpy as np
import orjson
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from semap.stats.counts import crosstab, designation_rows, published_type_table
from semap.stats.lq import agreement, benjamini_hochberg, location_quotients, lq_matrix
from semap.stats.queries import organizations_by_area
from semap.stats.tables import CountBy, Level, LqBy, ResourcesBy, counts_table, lq_table, resources_table
from semap.store import Store
from tests.conftest import SHARED

FACTS = SHARED / "facts"


def test_lq_by_hand() -> None:
    counts = pd.DataFrame([[3, 1], [1, 5]], index=["가구", "나구"], columns=["교육", "문화"])
    row = location_quotients(counts).set_index(["district", "industry"]).loc[("가구", "교육")]
    assert (row.n_ij, row.n_i, row.n_j, row.N) == (3, 4, 4, 10)
    assert row.expected == pytest.approx(1.6)
    assert row.lq == pytest.approx(1.875)
    assert row.z == pytest.approx(1.4 / np.sqrt(1.6 * 0.6 * 0.6))
    assert row.ci_low == pytest.approx(0.19412 / 0.4, abs=1e-4)  # Beta(0.025; 3, 2) / share
    assert row.ci_high == pytest.approx(0.99370 / 0.4, abs=1e-4)  # Beta(0.975; 4, 1) / share
    assert row.p_value == pytest.approx(0.1296 + 0.1536 + 0.0256)  # Bin(4, 0.4): outcomes no likelier than 3
    assert bool(row.small_count) and row.suppression == ""
    one = location_quotients(counts).set_index(["district", "industry"]).loc[("가구", "문화")]
    assert one.suppression == "S"


def test_benjamini_hochberg_by_hand() -> None:
    q = benjamini_hochberg(np.array([0.01, 0.04, 0.03, np.nan, 0.2]))
    # sorted 0.01, 0.03, 0.04, 0.2 (m = 4): 0.04, min(0.06, 0.0533), 0.0533, 0.2
    assert q[:3] == pytest.approx([0.04, 0.16 / 3, 0.16 / 3])
    assert np.isnan(q[3]) and q[4] == pytest.approx(0.2)


@settings(max_examples=60, deadline=None)
@given(arrays(np.int64, st.tuples(st.integers(2, 6), st.integers(2, 5)), elements=st.integers(0, 40)))
def test_lq_invariants(matrix: np.ndarray) -> None:
    counts = pd.DataFrame(matrix, index=[f"d{i}" for i in range(matrix.shape[0])])
    counts.columns = [f"j{j}" for j in range(matrix.shape[1])]
    if counts.to_numpy().sum() == 0:
        return
    table = location_quotients(counts)
    shaped = table.dropna(subset=["lq", "ci_low"])
    recomputed = (shaped.n_ij / shaped.n_i) / (shaped.n_j / shaped.N)
    assert np.allclose(recomputed, shaped.lq)
    assert (shaped.ci_low <= shaped.lq + 1e-12).all() and (shaped.lq <= shaped.ci_high + 1e-12).all()
    tested = table.dropna(subset=["p_value"])
    assert (tested.q_value >= tested.p_value - 1e-12).all()
    assert np.isclose(table.expected.sum(), counts.to_numpy().sum())


def test_designation_table_counts_each_designation() -> None:
    orgs = pd.DataFrame(
        {
            "area": ["가구", "가구"],
            "in_seoul": [True, True],
            "type": ["사회적기업", "협동조합"],
            "subtype": ["인증", "직원"],
            "designations": [
                json.dumps([{"type": "사회적기업", "subtype": "인증"}, {"type": "협동조합", "subtype": "직원"}]),
                json.dumps([{"type": "협동조합", "subtype": "직원"}]),
            ],
        }
    )
    assert len(designation_rows(orgs)) == 3
    by_designation = crosstab(orgs, "designation", "district_ko")
    assert by_designation.loc["가구", "협동조합/직원"] == 2 and by_designation.loc["가구", "total"] == 3
    by_type = published_type_table(orgs)
    assert by_type.loc["가구", "total"] == 2  # 중복 제외: each organization once


def test_sql_and_geopandas_agree(built_store: Store) -> None:
    rows = built_store.fetch("SELECT id, type, subtype, ST_X(geom), ST_Y(geom) FROM organizations")
    points = gpd.GeoDataFrame(
        pd.DataFrame(rows, columns=["id", "type", "subtype", "lon", "lat"]),
        geometry=gpd.points_from_xy([r[3] for r in rows], [r[4] for r in rows]),
        crs=4326,
    )
    districts = gpd.GeoDataFrame.from_features(orjson.loads(built_store.districts_geojson())["features"], crs=4326)
    joined = gpd.sjoin(points, districts[["name_ko", "geometry"]], how="left", predicate="within")
    joined["in_seoul"] = joined["name_ko"].notna()
    joined["area"] = joined["name_ko"].fillna("경기도")
    from_geopandas = published_type_table(joined)
    from_sql = published_type_table(organizations_by_area(built_store))
    pd.testing.assert_frame_equal(from_geopandas, from_sql)


def test_lq_table_agrees_with_the_published_one(built_store: Store) -> None:
    table = lq_table(built_store, LqBy.industry, Level.district)
    published = pd.read_csv(FACTS / "district_industry_lq_2013.csv").set_index("district_ko")
    figures = agreement(lq_matrix(table.rename(columns={"district_ko": "district"})), published)
    assert figures["cells"] == 250
    assert figures["mean_abs_difference"] < 0.05 and figures["correlation"] > 0.99
    assert set(table["as_of"]) == {"2013-12-31"} and set(table["reference_area"]) == {"서울특별시"}
    assert (table["N"] == 1870).all()  # the Gyeonggi-do organization is outside the reference area


def test_counts_tables(built_store: Store) -> None:
    by_dong = counts_table(built_store, CountBy.industry, Level.dong)
    assert by_dong["total"].sum() == 1871 and by_dong.index.name == "dong_ko"
    by_designation = counts_table(built_store, CountBy.designation, Level.district)
    assert by_designation["total"].sum() > 1871
    resources = resources_table(built_store, ResourcesBy.district)
    assert resources["total"].sum() == 555
    assert resources.loc["송파구", "문제해결"] == 45


@settings(max_examples=40, deadline=None)
@given(arrays(np.int64, st.tuples(st.integers(1, 5), st.integers(2, 5)), elements=st.integers(0, 60)))
def test_vectorized_inference_matches_scipy_binomtest_cell_by_cell(matrix: np.ndarray) -> None:
    """The table's intervals and p-values (vectorized Beta quantiles and pmf sums) against scipy's binomtest run
    on each cell: two independent computations of the same exact tests."""
    from scipy.stats import binomtest

    counts = pd.DataFrame(matrix, index=[f"d{i}" for i in range(matrix.shape[0])])
    counts.columns = [f"j{j}" for j in range(matrix.shape[1])]
    if counts.to_numpy().sum() == 0:
        return
    for row in location_quotients(counts).itertuples():
        share = row.n_j / row.N
        if row.n_i == 0 or not 0 < share < 1:
            assert np.isnan(row.p_value) and np.isnan(row.ci_low)
            continue
        test = binomtest(row.n_ij, row.n_i, share)
        interval = test.proportion_ci(confidence_level=0.95, method="exact")
        assert row.p_value == pytest.approx(test.pvalue, rel=1e-6, abs=1e-12)
        assert row.ci_low == pytest.approx(interval.low / share, rel=1e-6, abs=1e-12)
        assert row.ci_high == pytest.approx(interval.high / share, rel=1e-6, abs=1e-12)
