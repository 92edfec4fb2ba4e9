"""Boundaries: districts (both code schemes) and dongs, with GiST indexes; dataset metadata.

Revision ID: 0001
Revises:
"""

import sqlalchemy as sa
from alembic import op
from geoalchemy2 import Geometry

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute("CREATE EXTENSION IF NOT EXISTS postgis")
    op.create_table(
        "dataset_meta",
        sa.Column("key", sa.String, primary_key=True),
        sa.Column("value", sa.Text, nullable=False),
    )
    op.create_table(
        "districts",
        sa.Column("adm_code", sa.String(5), primary_key=True, comment="행정표준코드"),
        sa.Column("kostat_code", sa.String(5), nullable=False, unique=True, comment="KOSTAT 2013 census code"),
        sa.Column("name_ko", sa.String, nullable=False),
        sa.Column("name_en", sa.String, nullable=False),
        sa.Column("geom", Geometry("MULTIPOLYGON", srid=4326, spatial_index=True), nullable=False),
    )
    op.create_table(
        "dongs",
        sa.Column("kostat_code", sa.String(7), primary_key=True),
        sa.Column("name_ko", sa.String, nullable=False),
        sa.Column("name_en", sa.String, nullable=False),
        sa.Column("district_adm_code", sa.String(5), sa.ForeignKey("districts.adm_code"), nullable=False),
        sa.Column("district_kostat_code", sa.String(5), nullable=False),
        sa.Column("geom", Geometry("MULTIPOLYGON", srid=4326, spatial_index=True), nullable=False),
    )
    op.create_index("ix_dongs_district_adm_code", "dongs", ["district_adm_code"])


def downgrade() -> None:
    op.drop_table("dongs")
    op.drop_table("districts")
    op.drop_table("dataset_meta")
