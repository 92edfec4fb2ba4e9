"""Placement QA on every record: precision in metres, the data release that placed it, whether Korea Post lists
the address, the district the address names, and whether the registry's own district column differs.

Revision ID: 0003
Revises: 0002

Written out in full (not generated from semap.store.schema) so this migration never changes after release.
"""

from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

COLUMNS = (
    ("precision_m", "DOUBLE PRECISION"),
    ("data_release", "TEXT"),
    ("address_exists", "TEXT"),
    ("district_named", "TEXT"),
    ("written_district_differs", "BOOLEAN"),
)


def upgrade() -> None:
    for table in ("organizations", "resources"):
        for name, sql_type in COLUMNS:
            op.execute(f"ALTER TABLE {table} ADD COLUMN IF NOT EXISTS {name} {sql_type}")


def downgrade() -> None:
    for table in ("organizations", "resources"):
        for name, _ in COLUMNS:
            op.execute(f"ALTER TABLE {table} DROP COLUMN IF EXISTS {name}")
