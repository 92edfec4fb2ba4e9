"""The statistics tables SeMap serves (CLI and API): the store's records through the pure functions."""

from __future__ import annotations

import pandas as pd

from semap.errors import StoreNotBuilt
from semap.stats.cache import per_data_version
from semap.stats.counts import crosstab, published_type_table
from semap.stats.kinds import CountBy, Level, LqBy, ResourcesBy
from semap.stats.lq import location_quotients
from semap.stats.queries import area_names, organizations_by_area, resources_by_area
from semap.store.base import Store


def _organizations(store: Store, level: Level) -> pd.DataFrame:
    orgs = organizations_by_area(store, level.value)
    if orgs.empty:
        raise StoreNotBuilt(f"the store at {store.describe()} holds no organizations yet: run `semap build`")
    return orgs


def _label(level: Level) -> str:
    return "district_ko" if level is Level.district else "dong_ko"


@per_data_version
def counts_table(store: Store, by: CountBy, level: Level) -> pd.DataFrame:
    """By type: the published 2013 layout. Otherwise area × category counts with a total column."""
    orgs = _organizations(store, level)
    areas = area_names(store, level.value)
    if by is CountBy.type:
        table = published_type_table(orgs, areas)
        table.index.name = _label(level)
        return table
    return crosstab(orgs, by.value, _label(level), areas)


@per_data_version
def lq_table(store: Store, by: LqBy, level: Level) -> pd.DataFrame:
    """Long-format LQ table over Seoul (organizations located outside Seoul are not in the reference area)."""
    orgs = _organizations(store, level)
    inside = orgs[orgs["in_seoul"]]
    counts = crosstab(inside, by.value, _label(level), area_names(store, level.value)).drop(columns="total")
    counts = counts.loc[:, counts.sum(axis=0) > 0]  # a category nobody holds has no LQ
    as_of = store.meta().get("registries_as_of", "")
    table = location_quotients(counts, as_of=as_of)
    return table.rename(columns={"district": _label(level), "industry": by.value})


@per_data_version
def resources_table(store: Store, by: ResourcesBy) -> pd.DataFrame:
    """Shared resources per district × category, or per owning organization × category."""
    frame = resources_by_area(store)
    key = "district_ko" if by is ResourcesBy.district else "owner"
    table = pd.crosstab(frame[key], frame["category"])
    if by is ResourcesBy.district:  # every district, with zeros, then any without one ('미상')
        districts = area_names(store)
        table = table.reindex([*districts, *sorted(set(table.index) - set(districts))], fill_value=0)
        table.index.name = key
    table.columns.name = None
    table["total"] = table.sum(axis=1)
    return table.astype(int)
