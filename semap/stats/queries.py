"""Read the record tables the statistics need from the store (same SQL on both backends)."""

from __future__ import annotations

import pandas as pd

from semap.store.base import Store

ORGANIZATIONS_BY_AREA = """
SELECT o.id, o.type, o.subtype, o.designations, o.industry, o.category, o.in_seoul,
       COALESCE(d.name_ko, o.sido, '미상') AS district, COALESCE(g.name_ko, d.name_ko, o.sido, '미상') AS dong,
       d.adm_code IS NOT NULL AS located_in_seoul
FROM organizations o
LEFT JOIN districts d ON d.adm_code = o.district_adm_code
LEFT JOIN dongs g ON g.kostat_code = o.dong_code
ORDER BY o.id
"""


def organizations_by_area(store: Store, level: str = "district") -> pd.DataFrame:
    """One row per organization with the area the pipeline assigned it (point-in-polygon), or its 시도 outside."""
    store_rows = store.fetch(ORGANIZATIONS_BY_AREA)
    columns = [
        "id",
        "type",
        "subtype",
        "designations",
        "industry",
        "category",
        "in_seoul",
        "district",
        "dong",
        "located",
    ]
    frame = pd.DataFrame(store_rows, columns=columns)
    if level == "dong":
        inside = frame["located"].astype(bool)
        frame["area"] = frame["dong"].where(~inside, frame["district"] + " " + frame["dong"])
    else:
        frame["area"] = frame["district"]
    frame["in_seoul"] = frame["located"].astype(bool)
    return frame


AREA_NAMES = {
    "district": "SELECT name_ko FROM districts",
    "dong": "SELECT d.name_ko || ' ' || g.name_ko FROM dongs g JOIN districts d ON d.adm_code = g.district_adm_code",
}


def area_names(store: Store, level: str = "district") -> list[str]:
    """Every district (or dong, as '강남구 역삼1동') of the boundaries: tables list each, with zeros."""
    return sorted(row[0] for row in store.fetch(AREA_NAMES[level]))


RESOURCES_BY_AREA = """
SELECT r.id, r.category, COALESCE(d.name_ko, '미상') AS district_ko,
       COALESCE(o.name, r.owner_name, '미상') AS owner, r.owner_org_id
FROM resources r
LEFT JOIN districts d ON d.adm_code = r.district_adm_code
LEFT JOIN organizations o ON o.id = r.owner_org_id
ORDER BY r.id
"""


def resources_by_area(store: Store) -> pd.DataFrame:
    columns = ["id", "category", "district_ko", "owner", "owner_org_id"]
    return pd.DataFrame(store.fetch(RESOURCES_BY_AREA), columns=columns)
