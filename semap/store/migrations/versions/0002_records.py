# ruff: noqa: E501 - the statements are kept verbatim
"""Records: organizations, shared resources, the offline address database, geocode cache, manual pins.

Revision ID: 0002
Revises: 0001

Written out in full (not generated from semap.store.schema) so this migration never changes after release.
"""

from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

STATEMENTS = (
    "CREATE TABLE IF NOT EXISTS organizations (id TEXT, name TEXT, type TEXT, subtype TEXT, designations TEXT, industry TEXT, category TEXT, business_number TEXT, address_raw TEXT, address_normalized TEXT, address_detail TEXT, sido TEXT, in_seoul BOOLEAN, district_written TEXT, district_adm_code TEXT, dong_code TEXT, phone TEXT, website TEXT, email TEXT, description TEXT, status TEXT, designated_on TEXT, source TEXT, names TEXT, updated_at TEXT, verified_at TEXT, geocoded_address TEXT, geocoder TEXT, match_type TEXT, confidence DOUBLE PRECISION, district_mismatch BOOLEAN, manual_override BOOLEAN, geom geometry(Point, 4326), PRIMARY KEY (id))",
    "CREATE INDEX organizations_geom_idx ON organizations USING GIST (geom)",
    "CREATE TABLE IF NOT EXISTS resources (id TEXT, name TEXT, category TEXT, description TEXT, owner_org_id TEXT, owner_name TEXT, fee TEXT, eligibility TEXT, availability TEXT, contact TEXT, address_raw TEXT, address_normalized TEXT, district_written TEXT, district_adm_code TEXT, dong_code TEXT, source TEXT, updated_at TEXT, verified_at TEXT, geocoded_address TEXT, geocoder TEXT, match_type TEXT, confidence DOUBLE PRECISION, district_mismatch BOOLEAN, manual_override BOOLEAN, geom geometry(Point, 4326), PRIMARY KEY (id))",
    "CREATE INDEX resources_geom_idx ON resources USING GIST (geom)",
    "CREATE TABLE IF NOT EXISTS address_points (sigungu_code TEXT, sido TEXT, sigungu TEXT, emd TEXT, road_code TEXT, road TEXT, underground BOOLEAN, main INTEGER, sub INTEGER, building_name TEXT, admin_dong TEXT, geom geometry(Point, 4326))",
    "CREATE INDEX address_points_geom_idx ON address_points USING GIST (geom)",
    "CREATE TABLE IF NOT EXISTS address_lots (sido TEXT, sigungu TEXT, emd TEXT, san BOOLEAN, lot_main INTEGER, lot_sub INTEGER, road_code TEXT, underground BOOLEAN, main INTEGER, sub INTEGER)",
    "CREATE TABLE IF NOT EXISTS geocode_cache (geocoder TEXT, query TEXT, lon DOUBLE PRECISION, lat DOUBLE PRECISION, match_type TEXT, confidence DOUBLE PRECISION, matched_address TEXT, created_at TEXT, PRIMARY KEY (geocoder, query))",
    "CREATE TABLE IF NOT EXISTS manual_overrides (record_id TEXT, lon DOUBLE PRECISION, lat DOUBLE PRECISION, note TEXT, set_at TEXT, PRIMARY KEY (record_id))",
    "CREATE INDEX address_points_lookup ON address_points (sigungu, road, main, sub)",
    "CREATE INDEX address_lots_lookup ON address_lots (sigungu, emd, lot_main, lot_sub)",
    "CREATE INDEX organizations_district ON organizations (district_adm_code)",
    "CREATE INDEX resources_district ON resources (district_adm_code)",
)
TABLES = ("organizations", "resources", "address_points", "address_lots", "geocode_cache", "manual_overrides")


def upgrade() -> None:
    for statement in STATEMENTS:
        op.execute(statement)


def downgrade() -> None:
    for table in reversed(TABLES):
        op.drop_table(table)
