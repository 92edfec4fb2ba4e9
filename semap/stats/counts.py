"""Counts per area × organization type, subtype, designation, industry or SeMap category.

Tables by type, subtype, industry and category count each organization once ("중복 제외": its type is the
designation that comes first in semap.registry.model.TYPE_PRECEDENCE). The designation table counts an
organization once per designation it holds, so its total exceeds the number of organizations.
"""

from __future__ import annotations

import json
from collections.abc import Sequence

import pandas as pd

from semap.registry.model import INDUSTRIES, SEMAP_CATEGORIES, TYPE_PRECEDENCE

# The published 2013 layout (district_type_counts_2013.csv): column -> (type, subtype or None)
PUBLISHED_TYPE_COLUMNS = {
    "se_certified": ("사회적기업", "인증"),
    "se_preliminary_seoul": ("사회적기업", "서울형(예비)"),
    "se_preliminary_regional": ("사회적기업", "지역형(예비)"),
    "se_total": ("사회적기업", None),
    "village_enterprise": ("마을기업", None),
    "cooperative": ("협동조합", None),
    "self_sufficiency": ("자활기업", None),
}
BY_CHOICES = ("type", "subtype", "designation", "industry", "category")


def _area_order(areas: pd.Series, seoul: pd.Series, known: Sequence[str] = ()) -> list[str]:
    """Seoul's districts (or dongs) in 가나다 order — every one in ``known`` too, with none in it — then places
    outside Seoul."""
    frame = pd.DataFrame({"area": areas, "seoul": seoul}).drop_duplicates("area")
    inside = sorted({*frame.loc[frame["seoul"], "area"], *known})
    outside = sorted(set(frame.loc[~frame["seoul"], "area"]) - set(known))
    return inside + outside


def published_type_table(orgs: pd.DataFrame, areas: Sequence[str] = ()) -> pd.DataFrame:
    """Organizations per area in the layout of the published 2013 table. ``orgs``: area, in_seoul, type, subtype;
    ``areas``: the areas to list even when no organization is in them (all 25 districts, all dongs)."""
    order = _area_order(orgs["area"], orgs["in_seoul"], areas)
    table = pd.DataFrame(index=pd.Index(order, name="district_ko"))
    for column, (org_type, subtype) in PUBLISHED_TYPE_COLUMNS.items():
        chosen = orgs[(orgs["type"] == org_type) & ((orgs["subtype"] == subtype) if subtype else True)]
        table[column] = chosen.groupby("area").size().reindex(order, fill_value=0)
    table["total"] = table[["se_total", "village_enterprise", "cooperative", "self_sufficiency"]].sum(axis=1)
    return table.astype(int)


def designation_rows(orgs: pd.DataFrame) -> pd.DataFrame:
    """One row per (organization, designation) from the JSON designations column."""
    rows = [
        {"area": area, "in_seoul": seoul, "designation": f"{d['type']}/{d['subtype']}"}
        for area, seoul, designations in orgs[["area", "in_seoul", "designations"]].itertuples(index=False)
        for d in json.loads(designations)
    ]
    return pd.DataFrame(rows, columns=["area", "in_seoul", "designation"])


def crosstab(orgs: pd.DataFrame, by: str, area_label: str, areas: Sequence[str] = ()) -> pd.DataFrame:
    """Area × ``by`` counts with a total column; the categories known to SeMap and the ``areas`` given appear
    even when zero."""
    if by not in BY_CHOICES:
        raise ValueError(f"by must be one of {', '.join(BY_CHOICES)}")
    frame = designation_rows(orgs) if by == "designation" else orgs
    known = {"type": list(TYPE_PRECEDENCE), "industry": list(INDUSTRIES), "category": list(SEMAP_CATEGORIES)}
    columns = known.get(by) or sorted(frame[by].dropna().unique())
    order = _area_order(frame["area"], frame["in_seoul"], areas)
    table = pd.crosstab(frame["area"], frame[by]).reindex(index=order, columns=columns, fill_value=0)
    table.index.name, table.columns.name = area_label, None
    table["total"] = table.sum(axis=1)
    return table.astype(int)
