# ruff: noqa: E501 - the statements are kept verbatim
"""Living data: organizations' opening hours, resources' status and booking link; change events (append-only,
enforced by a trigger), edits over the registry, rebuild conflicts, accounts, sessions, owner access, secrets.

Revision ID: 0004
Revises: 0003

Written out in full (not generated from semap.store.schema) so this migration never changes after release.
"""

from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

STATEMENTS = (
    "ALTER TABLE organizations ADD COLUMN IF NOT EXISTS opening_hours TEXT",
    "ALTER TABLE resources ADD COLUMN IF NOT EXISTS booking_url TEXT",
    "ALTER TABLE resources ADD COLUMN IF NOT EXISTS status TEXT",
    "CREATE TABLE IF NOT EXISTS change_events (id TEXT, at TEXT, actor_role TEXT, actor_id TEXT, kind TEXT, layer TEXT, record_id TEXT, district_adm_code TEXT, field TEXT, before TEXT, after TEXT, reason TEXT, refers_to TEXT, PRIMARY KEY (id))",
    "CREATE TABLE IF NOT EXISTS record_edits (layer TEXT, record_id TEXT, field TEXT, value TEXT, base TEXT, event_id TEXT, set_at TEXT, PRIMARY KEY (layer, record_id, field))",
    "CREATE TABLE IF NOT EXISTS edit_conflicts (layer TEXT, record_id TEXT, field TEXT, kind TEXT, edited_value TEXT, registry_value TEXT, found_at TEXT, PRIMARY KEY (layer, record_id, field))",
    "CREATE TABLE IF NOT EXISTS accounts (email TEXT, role TEXT, districts TEXT, password_hash TEXT, failed_logins INTEGER, locked_until TEXT, active BOOLEAN, created_at TEXT, PRIMARY KEY (email))",
    "CREATE TABLE IF NOT EXISTS sessions (token_hash TEXT, email TEXT, csrf TEXT, created_at TEXT, expires_at TEXT, PRIMARY KEY (token_hash))",
    "CREATE TABLE IF NOT EXISTS access_grants (id TEXT, org_id TEXT, email TEXT, issued_by TEXT, issued_at TEXT, expires_at TEXT, revoked_at TEXT, PRIMARY KEY (id))",
    "CREATE TABLE IF NOT EXISTS site_secrets (name TEXT, value TEXT, PRIMARY KEY (name))",
    "CREATE INDEX IF NOT EXISTS change_events_record ON change_events (layer, record_id, at)",
    "CREATE INDEX IF NOT EXISTS change_events_district ON change_events (district_adm_code, at)",
    "CREATE OR REPLACE FUNCTION semap_append_only() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'change_events is append-only'; END $$",
    "CREATE TRIGGER change_events_append_only BEFORE UPDATE OR DELETE ON change_events FOR EACH ROW EXECUTE FUNCTION semap_append_only()",
)
TABLES = ("change_events", "record_edits", "edit_conflicts", "accounts", "sessions", "access_grants", "site_secrets")


def upgrade() -> None:
    for statement in STATEMENTS:
        op.execute(statement)


def downgrade() -> None:
    for table in reversed(TABLES):
        op.drop_table(table)
    op.execute("DROP FUNCTION IF EXISTS semap_append_only()")
    op.execute("ALTER TABLE resources DROP COLUMN IF EXISTS status")
    op.execute("ALTER TABLE resources DROP COLUMN IF EXISTS booking_url")
    op.execute("ALTER TABLE organizations DROP COLUMN IF EXISTS opening_hours")
