"""Alembic upgrades of the ticket database, run by the store on first use."""

from __future__ import annotations

import logging
from pathlib import Path

import sqlalchemy as sa
from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory

logger = logging.getLogger(__name__)

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"
VERSION_TABLE = "tickets_alembic_version"
# Arbitrary constant key of the PostgreSQL advisory lock that serialises
# concurrent upgrades (several action-server workers starting together).
_ADVISORY_LOCK_KEY = 0x4A42_7469


def alembic_config() -> Config:
    """Build the Alembic configuration without reading an ini file.

    Returns:
        A configuration pointing at ``tickets/migrations``.
    """
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    return config


def head_revision() -> str:
    """Return the newest migration revision id."""
    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    if head is None:
        raise RuntimeError(f"no migrations found in {MIGRATIONS_DIR}")
    return head


def current_revision(connection: sa.engine.Connection) -> str | None:
    """Return the revision the database is at (None for an empty database)."""
    context = MigrationContext.configure(connection, opts={"version_table": VERSION_TABLE})
    return context.get_current_revision()


def lock_for_migration(connection: sa.engine.Connection) -> None:
    """Serialise concurrent upgrades on PostgreSQL (no-op elsewhere).

    The transaction-level advisory lock is released at commit.

    Args:
        connection: Connection inside the migration transaction.
    """
    if connection.dialect.name == "postgresql":
        connection.execute(sa.text("SELECT pg_advisory_xact_lock(:key)"), {"key": _ADVISORY_LOCK_KEY})


def upgrade_to_head(engine: sa.engine.Engine) -> None:
    """Create or upgrade the ticket tables to the newest migration.

    Args:
        engine: Engine of the ticket database.

    Raises:
        sqlalchemy.exc.OperationalError: The database is unreachable.
    """
    with engine.connect() as connection:
        if current_revision(connection) == head_revision():
            return
    config = alembic_config()
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "head")
    logger.info("ticket database upgraded to revision %s", head_revision())
