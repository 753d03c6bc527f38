"""Retention and deletion: old conversations go, and a customer can be forgotten.

China's PIPL (like the GDPR) gives people the right to have their data
deleted. Two staff operations, on the tracker store configured in an
endpoints file and on the ticket store (``DATABASE_URL``):

- :func:`purge_conversations`: deletes every conversation whose last event is
  older than the retention period (SQL tracker stores; Redis keeps
  conversations only as long as ``record_exp`` says);
- :func:`forget_customer`: deletes one customer's conversation, erases the
  personal fields of their tickets and deletes their handoff requests.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import sqlalchemy as sa
from rasa.core.tracker_store import InMemoryTrackerStore, RedisTrackerStore, SQLTrackerStore, TrackerStore
from rasa.shared.core.domain import Domain
from rasa.utils.endpoints import read_endpoint_config

from security import TEXTS
from security.tracker_store import MaskingTrackerStore
from tickets import ForgetResult, TicketStore

logger = logging.getLogger(__name__)


class RetentionError(RuntimeError):
    """The configured tracker store does not support the operation."""


@dataclass(frozen=True)
class ForgetReport:
    """What :func:`forget_customer` removed.

    Attributes:
        tracker_events: Conversation events deleted (SQL), or conversations
            deleted (Redis: one key per conversation).
        copies: The conversation's copy in the masking store's Redis
            fallback (0 or 1).
        tickets: Tickets whose personal fields were erased.
        handoffs: Handoff requests deleted.
    """

    tracker_events: int
    copies: int
    tickets: int
    handoffs: int


def tracker_store_from_endpoints(endpoints_file: str) -> TrackerStore:
    """The endpoints file's tracker store (the masking store with its inner store and copies).

    Raises:
        RetentionError: The file configures no tracker store, or only the
            in-memory one (which a staff command cannot reach).
    """
    config = read_endpoint_config(endpoints_file, "tracker_store")
    if config is None:
        raise RetentionError(TEXTS("no_tracker_store", endpoints_file=endpoints_file))
    store = TrackerStore.create(config, Domain.empty())
    if isinstance(store.inner if isinstance(store, MaskingTrackerStore) else store, InMemoryTrackerStore):
        raise RetentionError(TEXTS("tracker_store_in_memory", endpoints_file=endpoints_file))
    return store


def _sql_events(store: SQLTrackerStore) -> sa.Table:
    return store.SQLEvent.__table__  # type: ignore[no-any-return]


def purge_conversations(store: TrackerStore, older_than: timedelta, now: float | None = None) -> int:
    """Deletes every conversation whose newest event is older than ``older_than``.

    Args:
        store: A SQL tracker store.
        older_than: The retention period.
        now: The current time (UNIX seconds; tests pass their own).

    Returns:
        How many conversations were deleted.

    Raises:
        RetentionError: ``store`` is not a SQL store (Redis expires
            conversations itself: set ``record_exp``).
    """
    if isinstance(store, MaskingTrackerStore):
        # Its Redis copies expire within a day: only the inner store is purged.
        store = store.inner
    if isinstance(store, RedisTrackerStore):
        raise RetentionError(TEXTS("purge_redis"))
    if not isinstance(store, SQLTrackerStore):
        raise RetentionError(TEXTS("purge_unsupported", store_type=type(store).__name__))
    cutoff = (time.time() if now is None else now) - older_than.total_seconds()
    events = _sql_events(store)
    stale = sa.select(events.c.sender_id).group_by(events.c.sender_id).having(sa.func.max(events.c.timestamp) < cutoff)
    with store.engine.begin() as connection:
        senders = [row[0] for row in connection.execute(stale)]
        if senders:
            connection.execute(events.delete().where(events.c.sender_id.in_(senders)))
    logger.info("purged %s conversations idle for more than %s", len(senders), older_than)
    return len(senders)


def delete_conversation(store: TrackerStore, sender_id: str) -> int:
    """Deletes one conversation; returns the events (SQL) or keys (Redis) deleted.

    Raises:
        RetentionError: The store is neither SQL nor Redis.
    """
    if isinstance(store, MaskingTrackerStore):
        store = store.inner
    if isinstance(store, SQLTrackerStore):
        events = _sql_events(store)
        with store.engine.begin() as connection:
            return int(connection.execute(events.delete().where(events.c.sender_id == sender_id)).rowcount)
    if isinstance(store, RedisTrackerStore):
        redis: Any = store.red
        return int(redis.delete(store.key_prefix + sender_id))
    raise RetentionError(TEXTS("delete_unsupported", store_type=type(store).__name__))


def forget_customer(sender_id: str, trackers: TrackerStore, tickets: TicketStore) -> ForgetReport:
    """Deletes everything stored about one customer.

    The tickets go first: if the ticket database is down nothing is deleted
    and the command can simply be run again.

    Raises:
        tickets.StoreUnavailableError: The ticket database is unreachable.
        RetentionError: The tracker store cannot delete a conversation.
    """
    erased: ForgetResult = tickets.forget_sender(sender_id)
    # The Redis copy first: left behind, the next turn would write it back.
    copies = trackers.drop_copy(sender_id) if isinstance(trackers, MaskingTrackerStore) else 0
    events = delete_conversation(trackers, sender_id)
    logger.info("forgot a customer: %s events, %s tickets, %s handoffs", events, erased.tickets, erased.handoffs)
    return ForgetReport(tracker_events=events, copies=copies, tickets=erased.tickets, handoffs=erased.handoffs)
