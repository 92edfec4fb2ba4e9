"""Hot spots of the served data per dong (API, CLI, pages): the store's records and boundaries through the pure
functions of semap.stats.hotspots, computed once per data version and kept like the LQ tables."""

from __future__ import annotations

import threading

import numpy as np
import pandas as pd

from semap.errors import NotFound, StoreNotBuilt
from semap.stats import hotspots
from semap.stats.cache import per_data_version
from semap.stats.kinds import HotspotBy, Measure, check_choice
from semap.stats.queries import dongs, organizations_by_dong
from semap.stats.spatial import NEIGHBOURHOOD_RULE, Neighbourhoods, geodesic_area_km2, queen_neighbourhoods
from semap.store.base import Store

_areas_memo: dict[tuple[int, str, str], tuple[pd.DataFrame, Neighbourhoods]] = {}
_areas_lock = threading.Lock()


def dong_areas(store: Store) -> tuple[pd.DataFrame, Neighbourhoods]:
    """The dongs (codes, names, area in km²) and their queen neighbourhoods; per data version, in memory."""
    key = (id(store), store.describe(), store.data_version())
    with _areas_lock:
        if key in _areas_memo:
            return _areas_memo[key]
    frame = dongs(store)
    if frame.empty:
        raise StoreNotBuilt(f"the store at {store.describe()} holds no dongs yet: run `semap build`")
    import geopandas as gpd

    polygons = gpd.GeoDataFrame(frame, geometry="geometry", crs=4326)
    neighbourhoods = queen_neighbourhoods(polygons, "kostat_code")
    areas = frame.drop(columns="geometry")
    areas["area_km2"] = geodesic_area_km2(frame["geometry"])
    with _areas_lock:
        _areas_memo.clear()  # only the newest data's boundaries are worth keeping
        _areas_memo[key] = (areas, neighbourhoods)
    return areas, neighbourhoods


def _counts(store: Store, by: HotspotBy, value: str, codes: list[str]) -> np.ndarray:
    orgs = organizations_by_dong(store)
    if by is not HotspotBy.all:
        orgs = orgs[orgs[by.value] == value]
    if orgs.empty:
        what = "organizations" if by is HotspotBy.all else f"organizations with {by.value} {value!r}"
        raise NotFound(f"no {what} are placed in a dong: there is nothing to find hot spots of")
    return orgs.groupby("kostat_code").size().reindex(codes, fill_value=0).to_numpy()


@per_data_version
def hotspots_table(store: Store, measure: Measure, by: HotspotBy, value: str) -> pd.DataFrame:
    """One row per dong: kostat_code, names, count, area_km2, the measured value, Gi* z, p, q, class, ..."""
    value = check_choice(measure, by, value)
    areas, neighbourhoods = dong_areas(store)
    counts = _counts(store, by, value, neighbourhoods.ids)
    values = hotspots.measured_values(counts, areas["area_km2"].to_numpy(), measure.value)
    rows = hotspots.hotspot_rows(areas, counts, values, neighbourhoods, hotspots.PERMUTATIONS, hotspots.SEED)
    columns = ["kostat_code", "district_ko", "dong_ko", "count", "area_km2", "value", "z", "p", "q", "class"]
    return rows[columns + [c for c in rows.columns if c not in columns]]


@per_data_version
def hotspots_summary(store: Store, measure: Measure, by: HotspotBy, value: str) -> pd.DataFrame:
    """One row saying how the table was made and what the whole map shows: Moran's I with its p-values, the
    neighbourhood rule, islands and connected parts, the correction, the boundaries and the data's date."""
    value = check_choice(measure, by, value)
    table = hotspots_table(store, measure, by, value)
    _, neighbourhoods = dong_areas(store)
    moran = hotspots.global_moran(
        table["value"].to_numpy(), neighbourhoods.weights(), hotspots.PERMUTATIONS, hotspots.SEED
    )
    meta = store.meta()
    summary = {
        "measure": measure.value,
        "by": by.value,
        "value": value,
        "dongs": len(table),
        "tested": int(table["z"].notna().sum()),
        "organizations": int(table["count"].sum()),
        "hot": int((table["class"] > 0).sum()),
        "cold": int((table["class"] < 0).sum()),
        "unstable": int(table["unstable"].sum()),
        **moran,
        "permutations": hotspots.PERMUTATIONS,
        "seed": hotspots.SEED,
        "neighbourhood": NEIGHBOURHOOD_RULE,
        "islands": ",".join(neighbourhoods.islands),
        "components": neighbourhoods.components,
        "correction": hotspots.CORRECTION,
        "boundaries": f"KOSTAT census boundaries {meta.get('boundaries_vintage', '')}",
        "boundaries_vintage": meta.get("boundaries_vintage", ""),
        "as_of": meta.get("registries_as_of", ""),
    }
    return pd.DataFrame([summary])
