"""Hot spots: Gi* and Moran's I by hand on a 3×3 lattice, the FDR step and the classes by hand, and SeMap's
tables equal to esda's computed here from the same values and weights (the demo build: synthetic data; both
stores), over HTTP and the command line."""

from __future__ import annotations

import io
import math
import warnings

import geopandas as gpd
import numpy as np
import orjson
import pandas as pd
import pytest
from fastapi.testclient import TestClient
from shapely.geometry import box

from semap.api.app import create_app
from semap.stats import cache, hotspots
from semap.stats.frames import frame_from_text, frame_to_text
from semap.stats.hotspot_tables import hotspots_summary, hotspots_table
from semap.stats.kinds import HotspotBy, Measure
from semap.stats.lq import benjamini_hochberg
from semap.stats.spatial import geodesic_area_km2, queen_neighbourhoods
from semap.store import Store
from tests.test_cli import semap

LATTICE = np.array([9, 3, 0, 3, 1, 0, 0, 0, 0], dtype=float)  # row by row, cell k at (column k % 3, row k // 3)
# Queen neighbours of the 3×3 lattice, written out by hand.
QUEEN_3X3 = {
    0: [1, 3, 4],
    1: [0, 2, 3, 4, 5],
    2: [1, 4, 5],
    3: [0, 1, 4, 6, 7],
    4: [0, 1, 2, 3, 5, 6, 7, 8],
    5: [1, 2, 4, 7, 8],
    6: [3, 4, 7],
    7: [3, 4, 5, 6, 8],
    8: [4, 5, 7],
}


def _lattice(extra: list[tuple[float, float]] | None = None) -> gpd.GeoDataFrame:
    cells = [box(k % 3, k // 3, k % 3 + 1, k // 3 + 1) for k in range(9)]
    cells += [box(x, y, x + 1, y + 1) for x, y in extra or []]
    return gpd.GeoDataFrame({"code": [str(k) for k in range(len(cells))]}, geometry=cells)


def test_queen_neighbours_of_a_3x3_lattice_and_an_island_reported() -> None:
    lattice = queen_neighbourhoods(_lattice(), "code")
    assert {int(k): sorted(int(v) for v in vs) for k, vs in lattice.neighbours.items()} == QUEEN_3X3
    assert lattice.islands == [] and lattice.components == 1
    apart = queen_neighbourhoods(_lattice([(10, 10)]), "code")
    assert apart.islands == ["9"] and apart.components == 2 and list(apart.component) == [0] * 9 + [1]


def test_gi_star_on_a_hand_computed_3x3_lattice() -> None:
    """n = 9, Σx = 16, x̄ = 16/9, S² = Σx²/n − x̄² = 100/9 − 256/81 = 644/81. Gi* (Ord & Getis 1995, binary weights,
    the cell itself included, W_i cells): z_i = (Σ_j w_ij x_j − x̄ W_i) / (S √((n W_i − W_i²)/(n − 1)))."""
    gi = hotspots.gi_star(LATTICE, queen_neighbourhoods(_lattice(), "code").weights(), permutations=99)
    # corner (0, 0): cells 0, 1, 3, 4; Σwx = 9 + 3 + 3 + 1 = 16, W = 4: (16 − 64/9) / (√644/9 · √(20/8)) = 80/√1610
    assert gi["z"][0] == pytest.approx(80 / math.sqrt(1610), abs=1e-12)
    # edge (1, 0): cells 0, 1, 2, 3, 4, 5; Σwx = 16, W = 6: (16 − 96/9) / (√644/9 · √(18/8)) = 32/√644
    assert gi["z"][1] == pytest.approx(32 / math.sqrt(644), abs=1e-12)
    # far corner (2, 2): cells 4, 5, 7, 8; Σwx = 1, W = 4: (1 − 64/9) / (√644/9 · √(20/8)) = −55/√1610
    assert gi["z"][8] == pytest.approx(-55 / math.sqrt(1610), abs=1e-12)
    assert gi["g"][0] == pytest.approx(16 / 16) and gi["g"][8] == pytest.approx(1 / 16)


def test_morans_i_on_a_hand_computed_3x3_lattice() -> None:
    """Row-standardized weights: S0 = n, so I = Σ_i Σ_j (1/|N_i|) z_i z_j / Σ z_i², z = x − x̄."""
    z = LATTICE - LATTICE.mean()
    by_hand = sum(z[i] * z[j] / len(js) for i, js in QUEEN_3X3.items() for j in js) / (z @ z)
    moran = hotspots.global_moran(LATTICE, queen_neighbourhoods(_lattice(), "code").weights(), permutations=99)
    assert moran["moran_i"] == pytest.approx(by_hand, abs=1e-12)
    assert moran["moran_i"] == pytest.approx(14657 / 77280, abs=1e-12)  # the sum above in exact fractions
    assert moran["moran_expected"] == pytest.approx(-1 / 8)


def test_the_fdr_step_against_a_hand_example() -> None:
    """BH: sort, p_(k) · m / k, then the running minimum from the largest p down. p = (0.001, 0.03, 0.031, 0.04),
    m = 4: 0.004, 0.06, 0.04133, 0.04 → 0.004, 0.04, 0.04, 0.04. A missing p (an island) is not a test."""
    q = benjamini_hochberg(np.array([0.03, np.nan, 0.001, 0.04, 0.031]))
    assert np.isnan(q[1])
    assert q[[0, 2, 3, 4]] == pytest.approx([0.04, 0.004, 0.04, 0.04], abs=1e-15)


def test_confidence_classes_and_two_sided_permutation_p_by_hand() -> None:
    z = np.array([2.5, -2.5, 1.0, -1.0, 3.0, 0.5, np.nan])
    q = np.array([0.009, 0.01, 0.05, 0.08, 0.11, 0.001, np.nan])
    assert list(hotspots.confidence_classes(z, q)) == [3, -3, 2, -1, 0, 3, 0]  # the sign is z's, the level q's
    simulated = np.array([[1, 2, 5, 7, 9], [1, 2, 3, 4, 5]], dtype=float)
    # 5 among (1, 2, 5, 7, 9): three at or above, three at or below → 2·4/6 capped at 1; 10 above all five: 2·1/6
    assert list(hotspots.two_sided_p(np.array([5.0, 10.0]), simulated)) == pytest.approx([1.0, 2 / 6])


def test_an_island_is_not_tested_and_not_counted_by_the_correction() -> None:
    frame = _lattice([(10, 10)])
    neighbourhoods = queen_neighbourhoods(frame, "code")
    counts = np.array([9, 3, 0, 3, 1, 0, 0, 0, 0, 7])
    rows = hotspots.hotspot_rows(frame[["code"]], counts, counts.astype(float), neighbourhoods, permutations=99)
    island = rows.iloc[9]
    assert island["neighbours"] == 0 and math.isnan(island["z"]) and math.isnan(island["q"]) and island["class"] == 0
    assert rows["z"].notna().sum() == 9
    assert rows["q"].iloc[:9].tolist() == pytest.approx(benjamini_hochberg(rows["p"].iloc[:9].to_numpy()).tolist())
    assert list(rows["neighbourhood_count"][:2]) == [16, 16] and bool(rows["unstable"][1]) and not rows["unstable"][0]


# --- the demo build, both stores: SeMap's tables against esda from the same values and weights -------------
def _independent_inputs(store: Store, industry: str | None) -> tuple[np.ndarray, np.ndarray, object, object]:
    """Counts, areas and weights made here from the store's own tables, not through semap.stats."""
    from libpysal.weights import Queen

    dongs = gpd.GeoDataFrame.from_features(orjson.loads(store.dongs_geojson())["features"], crs=4326)
    where = "AND industry = :industry" if industry else ""
    counted = dict(
        store.fetch(
            f"SELECT dong_code, count(*) FROM organizations WHERE dong_code IS NOT NULL {where} GROUP BY dong_code",
            {"industry": industry},
        )
    )
    counts = np.array([float(counted.get(code, 0)) for code in dongs["kostat_code"]])
    areas = geodesic_area_km2(list(dongs.geometry))

    def weights():
        return Queen.from_dataframe(dongs, ids="kostat_code", use_index=False, silence_warnings=True)

    return counts, areas, weights(), weights()


@pytest.mark.parametrize(
    ("measure", "by", "value"),
    [
        (Measure.density, HotspotBy.all, ""),
        (Measure.raw_count, HotspotBy.all, ""),
        (Measure.density, HotspotBy.industry, "교육"),
        (Measure.raw_count, HotspotBy.industry, "교육"),
    ],
)
def test_gi_star_and_morans_i_equal_esda_from_the_same_values_and_weights(
    built_store: Store, measure: Measure, by: HotspotBy, value: str
) -> None:
    from esda.getisord import G_Local
    from esda.moran import Moran

    table = hotspots_table(built_store, measure, by, value)
    summary = hotspots_summary(built_store, measure, by, value).iloc[0]
    counts, areas, w_local, w_global = _independent_inputs(built_store, value or None)
    values = counts / areas if measure is Measure.density else counts
    assert table["count"].tolist() == counts.astype(int).tolist()
    assert np.allclose(table["value"], values, rtol=0, atol=1e-9)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        local = G_Local(values, w_local, transform="B", star=True, permutations=9_999, seed=hotspots.SEED, n_jobs=1)
    assert np.allclose(table["z"], local.Zs, rtol=0, atol=1e-9)
    # Two-sided: twice the smaller tail of esda's own simulations, ties counted in both tails.
    tails = np.minimum((local.rGs >= local.Gs[:, None]).sum(axis=1), (local.rGs <= local.Gs[:, None]).sum(axis=1))
    assert np.allclose(table["p"], np.minimum(1, 2 * (tails + 1) / 10_000), rtol=0, atol=1e-12)
    np.random.seed(hotspots.SEED)
    moran = Moran(values, w_global, transformation="r", permutations=9_999)
    assert summary["moran_i"] == pytest.approx(moran.I, abs=1e-9)
    assert summary["moran_z"] == pytest.approx(moran.z_norm, abs=1e-9)
    tail = min((moran.sim >= moran.I).sum(), (moran.sim <= moran.I).sum())
    assert summary["moran_p"] == pytest.approx(min(1, 2 * (tail + 1) / 10_000), abs=1e-12)
    assert summary["islands"] == "" and summary["components"] == 1  # the 2013 dongs are one connected map
    assert summary["permutations"] == 9_999 and summary["tested"] == 423


def test_the_table_is_kept_and_read_back_exactly(built_store: Store) -> None:
    table = hotspots_table(built_store, Measure.density, HotspotBy.type, "마을기업")
    pd.testing.assert_frame_equal(frame_from_text(frame_to_text(table)), table, check_exact=True)
    version = built_store.data_version()
    assert built_store.derived("hotspots_table/density/type/마을기업", version) is not None
    cache.clear()
    pd.testing.assert_frame_equal(
        hotspots_table(built_store, Measure.density, HotspotBy.type, "마을기업"), table, check_exact=True
    )


@pytest.mark.postgis
def test_both_stores_give_the_same_hot_spots(built_pair: dict[str, Store]) -> None:
    duck, pg = (hotspots_table(built_pair[b], Measure.density, HotspotBy.all, "") for b in ("duckdb", "postgis"))
    pd.testing.assert_frame_equal(duck, pg, check_exact=False, rtol=1e-12)


@pytest.fixture(scope="module")
def client(built_store: Store):
    with TestClient(create_app(built_store)) as c:
        yield c


def test_hotspots_over_http_in_every_format(client: TestClient, built_store: Store) -> None:
    rows = client.get("/api/v1/stats/hotspots", params={"by": "industry", "value": "교육"}).json()
    assert len(rows) == 423
    assert set(rows[0]) >= {"kostat_code", "district_ko", "dong_ko", "count", "area_km2", "value", "z", "p", "q"}
    assert {r["class"] for r in rows} <= {-3, -2, -1, 0, 1, 2, 3}
    csv = client.get("/api/v1/stats/hotspots", params={"format": "csv", "measure": "count"})
    assert csv.headers["content-disposition"].startswith("attachment")
    frame = pd.read_csv(io.BytesIO(csv.content), encoding="utf-8-sig", dtype={"kostat_code": str})
    expected = hotspots_table(built_store, Measure.raw_count, HotspotBy.all, "")
    assert frame["kostat_code"].tolist() == expected["kostat_code"].tolist()
    assert np.allclose(frame["z"], expected["z"], atol=1e-12)
    xlsx = client.get("/api/v1/stats/hotspots", params={"format": "xlsx"})
    assert len(pd.read_excel(io.BytesIO(xlsx.content))) == 423
    mapped = client.get("/api/v1/stats/hotspots.geojson", params={"district": "마포구"}).json()
    assert {f["properties"]["district_adm_code"] for f in mapped["features"]} == {"11440"}
    assert all("z" in f["properties"] and "class" in f["properties"] for f in mapped["features"])
    assert mapped["summary"]["neighbourhood"].startswith("queen contiguity")
    summary = client.get("/api/v1/stats/hotspots/summary").json()
    assert summary["boundaries"] == "KOSTAT census boundaries 2013" and summary["correction"].startswith("Benjamini")


@pytest.mark.parametrize(
    ("params", "status", "fragment"),
    [
        ({"measure": "rate"}, 404, "no population figures"),
        ({"by": "industry"}, 404, "add value="),
        ({"by": "industry", "value": "우주"}, 404, "교육"),
        ({"by": "category", "value": "교육"}, 404, "교육·학원"),
        ({"value": "교육"}, 404, "add by="),
        ({"by": "type", "value": "협의회"}, 404, "nothing to find hot spots of"),
    ],
)
def test_refusals_say_why(client: TestClient, params: dict[str, str], status: int, fragment: str) -> None:
    for path in ("/api/v1/stats/hotspots", "/api/v1/stats/hotspots.geojson", "/api/v1/stats/hotspots/summary"):
        answer = client.get(path, params=params)
        assert answer.status_code == status and fragment in answer.json()["detail"], (path, answer.text)


def test_the_command_line_prints_the_table_and_says_how_it_was_made(built_env: dict[str, str]) -> None:
    done = semap("stats", "hotspots", "--by", "industry", "--value", "교육", env=built_env)
    table = pd.read_csv(io.BytesIO(done.stdout), encoding="utf-8-sig")
    assert len(table) == 423 and "moran_i: " in done.stderr.decode() and "islands: " in done.stderr.decode()
    refused = semap("stats", "hotspots", "--measure", "rate", env=built_env, check=False)
    assert refused.returncode == 1 and "no population figures" in refused.stderr.decode()
