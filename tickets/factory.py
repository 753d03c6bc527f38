"""Build the configured ticket store lazily, once per process."""

from __future__ import annotations

import threading

from tickets.config import TicketSettings, load_settings
from tickets.outbox import FlushResult, JsonlOutbox, OutboxTicketStore
from tickets.store import SqlTicketStore

_store: OutboxTicketStore | None = None
_store_lock = threading.Lock()


def build_store(settings: TicketSettings) -> OutboxTicketStore:
    """Build a SQL ticket store with its outbox (nothing connects yet).

    Args:
        settings: Database URL, outbox path and connect timeout.

    Returns:
        The store.
    """
    inner = SqlTicketStore(settings.database_url, connect_timeout=settings.connect_timeout)
    return OutboxTicketStore(inner, JsonlOutbox(settings.outbox_path))


def get_store() -> OutboxTicketStore:
    """Return the process-wide store built from the environment.

    The first call reads the settings (see :mod:`tickets.config`); the
    database is contacted only by the first store operation.
    """
    global _store
    with _store_lock:
        if _store is None:
            _store = build_store(load_settings())
        return _store


def flush_outbox() -> FlushResult:
    """File the appeals queued while the database was down.

    Returns:
        What was filed and what remains.

    Raises:
        StoreUnavailableError: The database is still unavailable.
    """
    return get_store().flush_outbox()
