"""Configuration of the ticket store, read from the environment in one place.

Variables:
    DATABASE_URL: SQLAlchemy URL of the ticket database. PostgreSQL in
        production (``postgresql+psycopg2://user:pass@host/db``); defaults to
        the SQLite file ``var/tickets.db`` under the project.
    TICKETS_OUTBOX_PATH: JSON-lines file that keeps appeals submitted while
        the database is unreachable; defaults to ``var/tickets_outbox.jsonl``.
    TICKETS_DB_CONNECT_TIMEOUT: seconds to wait for a PostgreSQL connection
        before the appeal goes to the outbox (default 5).
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
VAR_DIR = PROJECT_ROOT / "var"
DEFAULT_DATABASE_URL = f"sqlite:///{VAR_DIR / 'tickets.db'}"
DEFAULT_OUTBOX_PATH = VAR_DIR / "tickets_outbox.jsonl"
DEFAULT_CONNECT_TIMEOUT = 5


class ConfigError(ValueError):
    """An environment variable of the ticket store has an invalid value.

    Attributes:
        variable: The variable's name.
        value: Its value as set.
    """

    def __init__(self, message: str, *, variable: str, value: str) -> None:
        super().__init__(message)
        self.variable = variable
        self.value = value


@dataclass(frozen=True)
class TicketSettings:
    """Where the ticket store keeps its data.

    Attributes:
        database_url: SQLAlchemy database URL.
        outbox_path: JSON-lines outbox for appeals queued while the database
            is down.
        connect_timeout: Seconds to wait for a database connection.
    """

    database_url: str = DEFAULT_DATABASE_URL
    outbox_path: Path = DEFAULT_OUTBOX_PATH
    connect_timeout: int = DEFAULT_CONNECT_TIMEOUT


def load_settings(environ: Mapping[str, str] | None = None) -> TicketSettings:
    """Read the ticket store settings from the environment.

    Args:
        environ: Variables to read; ``os.environ`` when None.

    Returns:
        The settings, with defaults for unset or empty variables.

    Raises:
        ConfigError: TICKETS_DB_CONNECT_TIMEOUT is not a positive integer.
    """
    env = os.environ if environ is None else environ
    timeout_text = env.get("TICKETS_DB_CONNECT_TIMEOUT") or str(DEFAULT_CONNECT_TIMEOUT)
    try:
        timeout = int(timeout_text)
    except ValueError:
        timeout = 0
    if timeout <= 0:
        raise ConfigError(
            f"TICKETS_DB_CONNECT_TIMEOUT must be a positive integer, got {timeout_text!r}",
            variable="TICKETS_DB_CONNECT_TIMEOUT",
            value=timeout_text,
        )
    database_url = env.get("DATABASE_URL") or DEFAULT_DATABASE_URL
    if database_url.startswith("postgres://"):
        # Hosting platforms hand out this scheme; SQLAlchemy 1.4 rejects it.
        database_url = "postgresql://" + database_url[len("postgres://") :]
    return TicketSettings(
        database_url=database_url,
        outbox_path=Path(env.get("TICKETS_OUTBOX_PATH") or DEFAULT_OUTBOX_PATH),
        connect_timeout=timeout,
    )
