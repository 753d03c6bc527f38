"""Alembic environment of the ticket store.

Runs with the connection that :func:`tickets.migrate.upgrade_to_head` passes in
``config.attributes["connection"]``, or, from the ``alembic`` command line,
with an engine built from DATABASE_URL.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import context

from tickets.config import load_settings
from tickets.migrate import VERSION_TABLE, lock_for_migration
from tickets.schema import metadata


def _run(connection: sa.engine.Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=metadata,
        version_table=VERSION_TABLE,
        render_as_batch=connection.dialect.name == "sqlite",
    )
    with context.begin_transaction():
        lock_for_migration(connection)
        context.run_migrations()


def run_migrations_online() -> None:
    """Upgrade through the given connection or a new engine."""
    connection = context.config.attributes.get("connection")
    if connection is not None:
        _run(connection)
        return
    engine = sa.create_engine(load_settings().database_url, future=True)
    try:
        with engine.connect() as new_connection:
            _run(new_connection)
    finally:
        engine.dispose()


if context.is_offline_mode():
    raise SystemExit("offline (--sql) migrations are not supported for the ticket store")
run_migrations_online()
