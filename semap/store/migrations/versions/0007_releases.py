# ruff: noqa: E501 - the statements are kept verbatim
"""Releases: what each build served (the manifest's as_of, the boundaries' vintage), each organization of a
release where it was placed, and when every record was first and last seen, kept across rebuilds so that
`semap stats change` can compare two releases (semap.pipeline.releases, semap.stats.change).

Revision ID: 0007
Revises: 0006

Written out in full (not generated from semap.store.schema) so this migration never changes after release.
"""

from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

STATEMENTS = (
    "CREATE TABLE IF NOT EXISTS releases (as_of TEXT, built_at TEXT, boundaries_vintage TEXT, registries TEXT, organizations INTEGER, resources INTEGER, PRIMARY KEY (as_of))",
    "CREATE TABLE IF NOT EXISTS release_records (as_of TEXT, record_id TEXT, name TEXT, type TEXT, industry TEXT, category TEXT, business_number TEXT, name_key TEXT, district_adm_code TEXT, district_ko TEXT, dong_code TEXT, PRIMARY KEY (as_of, record_id))",
    "CREATE TABLE IF NOT EXISTS record_sightings (layer TEXT, record_id TEXT, first_seen TEXT, last_seen TEXT, PRIMARY KEY (layer, record_id))",
)
TABLES = ("releases", "release_records", "record_sightings")


def upgrade() -> None:
    for statement in STATEMENTS:
        op.execute(statement)


def downgrade() -> None:
    for table in reversed(TABLES):
        op.drop_table(table)
