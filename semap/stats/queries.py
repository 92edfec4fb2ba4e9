"""Read the record tables the statistics need from the store (same SQL on both backends)."""

from __future__ import annotations

import pandas as pd

from semap.store.base import Store
from semap.store.schema import RELEASE_COLUMNS as RELEASE_TABLE_COLUMNS
from semap.store.schema import RELEASE_RECORD_COLUMNS as RELEASE_RECORD_TABLE_COLUMNS

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


DONGS = """
SELECT g.kostat_code, d.name_ko, g.name_ko, d.name_en, g.name_en, ST_AsGeoJSON(g.geom)
FROM dongs g JOIN districts d ON d.adm_code = g.district_adm_code
ORDER BY g.kostat_code
"""
DONG_COLUMNS = ["kostat_code", "district_ko", "dong_ko", "district_en", "dong_en"]


def dongs(store: Store) -> pd.DataFrame:
    """The dongs with their districts' names and their polygons (shapely, EPSG:4326), in code order."""
    import shapely

    rows = store.fetch(DONGS)
    frame = pd.DataFrame([row[:-1] for row in rows], columns=DONG_COLUMNS)
    frame["geometry"] = shapely.from_geojson([row[-1] for row in rows])
    return frame


def organizations_by_dong(store: Store) -> pd.DataFrame:
    """The organizations placed in a dong, with what hot spots can be computed by."""
    rows = store.fetch("SELECT dong_code, type, industry, category FROM organizations WHERE dong_code IS NOT NULL")
    return pd.DataFrame(rows, columns=["kostat_code", "type", "industry", "category"])


RELEASE_COLUMNS = [name for name, _ in RELEASE_TABLE_COLUMNS]
RELEASE_RECORD_COLUMNS = [name for name, _ in RELEASE_RECORD_TABLE_COLUMNS if name != "as_of"]


def releases(store: Store) -> pd.DataFrame:
    """The releases builds remembered (semap.pipeline.releases), oldest first."""
    rows = store.overlay.fetch(f"SELECT {', '.join(RELEASE_COLUMNS)} FROM releases ORDER BY as_of")
    return pd.DataFrame(rows, columns=RELEASE_COLUMNS)


def release_records(store: Store, as_of: str) -> pd.DataFrame:
    rows = store.overlay.fetch(
        f"SELECT {', '.join(RELEASE_RECORD_COLUMNS)} FROM release_records WHERE as_of = :as_of ORDER BY record_id",
        {"as_of": as_of},
    )
    return pd.DataFrame(rows, columns=RELEASE_RECORD_COLUMNS)


def sightings(store: Store) -> pd.DataFrame:
    """When each organization was first and last in a release, by its stable id."""
    rows = store.overlay.fetch(
        "SELECT record_id, first_seen, last_seen FROM record_sightings WHERE layer = 'organizations'"
    )
    return pd.DataFrame(rows, columns=["record_id", "first_seen", "last_seen"])
