"""Derived tables: statistics computed once per data version and kept, so a restart or another server process
reads them instead of recomputing (semap.stats.cache).

Revision ID: 0005
Revises: 0004
"""

from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute(
        "CREATE TABLE IF NOT EXISTS derived_tables (name TEXT, data_version TEXT NOT NULL, body TEXT NOT NULL, "
        "computed_at TEXT NOT NULL, PRIMARY KEY (name))"
    )


def downgrade() -> None:
    op.execute("DROP TABLE IF EXISTS derived_tables")
