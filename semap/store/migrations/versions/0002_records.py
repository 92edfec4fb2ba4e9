"""Records: organizations, shared resources, the offline address database, geocode cache, manual pins.

Revision ID: 0002
Revises: 0001
"""

from alembic import op

from semap.store.schema import LOOKUP_INDEXES, TABLES, create_table_sql

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    for table, (_columns, _key, has_point) in TABLES.items():
        op.execute(create_table_sql(table, "geometry(Point, 4326)"))
        if has_point:
            op.execute(f"CREATE INDEX {table}_geom_idx ON {table} USING GIST (geom)")
    for name, table, columns in LOOKUP_INDEXES:
        op.execute(f"CREATE INDEX {name} ON {table} ({columns})")


def downgrade() -> None:
    for table in reversed(TABLES):
        op.drop_table(table)
