"""Alembic environment: runs on the connection SeMap hands over (config.attributes['connection']).

The migrations under versions/ are the schema's source of truth for PostGIS.
"""

from alembic import context

connection = context.config.attributes["connection"]
context.configure(connection=connection, target_metadata=None)
with context.begin_transaction():
    context.run_migrations()
