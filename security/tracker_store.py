"""A tracker store that masks personal data before anything is written.

The Rasa server keeps each conversation in its tracker store (memory, Redis or
SQL). During a turn the conversation is in the server's memory as the user
wrote it, so the action server can read a phone number the appeal needs;
before the turn is saved, this store masks every string of every event with
:func:`security.pii.mask_personal_data` (user texts, parse data, entities,
slot values, bot replies), then hands the masked copy to the real store.
Sealed values (:mod:`security.sealed`) are kept as they are: they are
ciphertext already.

Configure it in the endpoints file; ``inner`` is the real store's
configuration, exactly as it would appear under ``tracker_store:`` (leave it
out for the in-memory store)::

    tracker_store:
      type: security.tracker_store.MaskingTrackerStore
      inner:
        type: SQL
        dialect: postgresql
        ...
      fallback:          # optional: where conversations go while inner is down
        type: redis
        ...

With a ``fallback`` (Redis, shared by every replica), every save also keeps a
copy of the conversation's latest state there, and reads are served from that
copy when it exists (it is never older than the inner store). When the inner
store is down, saves go to the copy only; the first save that reaches the
inner store again writes the events it missed (the SQL store appends what it
does not have). So a PostgreSQL outage loses no conversation, whichever
replica serves it. When Redis loses its copies (a restart), reads go to the
inner store, which has everything.

The memory and Redis stores built here read a conversation faster than
Rasa's own (:class:`QuickReadingStore`): Rasa searches its event classes for
every event it reads, about 15 ms for a conversation of 100 turns.
"""

from __future__ import annotations

import copy
import functools
import json
import logging
import weakref
from collections import OrderedDict, deque
from collections.abc import Awaitable, Callable, Iterable, Iterator
from typing import Any

from rasa.core.brokers.broker import EventBroker
from rasa.core.tracker_store import (
    InMemoryTrackerStore,
    RedisTrackerStore,
    SQLTrackerStore,
    TrackerDeserialisationException,
    TrackerStore,
)
from rasa.shared.core.conversation import Dialogue
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import Event
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.utils.endpoints import EndpointConfig

from security.pii import mask_json
from security.sealed import is_sealed

logger = logging.getLogger(__name__)

IN_MEMORY_TYPES = {None, "", "in_memory", "memory"}
# Conversations whose read is remembered until their save (a turn reads, then saves).
MAX_REMEMBERED = 10_000


def masked_event(event: Event) -> Event:
    """``event`` itself when it carries no personal data, else a masked copy."""
    data = event.as_dict()
    masked = mask_json(data, keep=is_sealed)
    return event if masked == data else Event.from_parameters(masked)


def masked_events(events: Iterable[Event]) -> list[Event]:
    """``events`` with personal data masked in every string."""
    return [masked_event(event) for event in events]


def masked_tracker(tracker: DialogueStateTracker, already_masked: int = 0) -> DialogueStateTracker:
    """A shallow copy of ``tracker`` whose events carry no personal data in clear.

    Tracker stores write the events only (slot values are events too), so
    the copy shares everything else with ``tracker`` instead of replaying
    the whole conversation on every save.

    Args:
        tracker: The conversation as the turn leaves it.
        already_masked: How many of its first events came from the store
            (masked when they were saved): only the rest are masked.
    """
    events = list(tracker.events)
    kept = min(max(already_masked, 0), len(events))
    view = copy.copy(tracker)
    view.events = deque(events[:kept] + masked_events(events[kept:]), maxlen=tracker.events.maxlen)
    return view


@functools.cache
def event_class(type_name: str) -> type[Event] | None:
    """Rasa's ``Event.resolve_by_type(type_name)``, looked up once per name.

    Rasa walks the whole tree of event classes (asking ``inspect`` whether
    each is abstract) for every event it reads: about 35 µs an event, 15 ms
    for a conversation of 100 turns, on every turn. The classes are defined
    when Rasa is imported, so a name's answer does not change. An unknown
    name raises ``ValueError``, as in Rasa (and is not cached).
    """
    return Event.resolve_by_type(type_name)


def events_from_dicts(dicts: Iterable[dict[str, Any]]) -> list[Event]:
    """Rasa's ``deserialise_events``, with :func:`event_class`.

    Args:
        dicts: Stored events, as ``Event.as_dict`` wrote them.

    Returns:
        The events. As in Rasa, a dict without an ``event`` key is skipped
        silently, and one whose type is null or has no class (``topic``) is
        skipped with a warning.

    Raises:
        ValueError: An event type Rasa does not know.
    """
    events: list[Event] = []
    for data in dicts:
        if "event" not in data:
            continue
        name = data["event"]
        kind = event_class(name) if isinstance(name, str) else None
        event = kind._from_parameters(data) if kind is not None else None
        if event is None:
            logger.warning("a stored event of type %s could not be read; skipped", name)
            continue
        events.append(event)
    return events


class QuickReadingStore(TrackerStore):
    """A store keeping each conversation as one JSON text, read with :func:`events_from_dicts`.

    Mixed in before Rasa's in-memory and Redis stores; what is read is the
    same tracker Rasa's ``deserialise_tracker`` builds.
    """

    def deserialise_tracker(self, sender_id: str, serialised_tracker: str | bytes) -> DialogueStateTracker | None:
        """The tracker stored as ``serialised_tracker`` (JSON of a ``Dialogue``).

        Raises:
            TrackerDeserialisationException: The stored bytes are not text.
        """
        try:
            dialogue = json.loads(serialised_tracker)
        except UnicodeDecodeError as error:
            raise TrackerDeserialisationException(
                f"conversation {sender_id}: the stored tracker is not JSON text"
            ) from error
        tracker = self.init_tracker(sender_id)
        tracker.recreate_from_dialogue(Dialogue(dialogue.get("name"), events_from_dicts(dialogue.get("events", []))))
        return tracker


class QuickInMemoryTrackerStore(QuickReadingStore, InMemoryTrackerStore):
    """Rasa's in-memory store, read with :class:`QuickReadingStore`."""


class QuickRedisTrackerStore(QuickReadingStore, RedisTrackerStore):
    """Rasa's Redis store, read with :class:`QuickReadingStore`."""


class AppendingSQLTrackerStore(SQLTrackerStore):
    """Rasa's SQL tracker store, appending the events newer than the newest one stored.

    Rasa's own store appends "the tracker's events after the first N", N
    being the count stored since the last session start, which is only right
    when the tracker was read from that same store. A tracker read from the
    fallback copy may count one event more or fewer, and events were
    written twice or lost. Here the newest stored event is found in the
    tracker (same timestamp and type) and what follows it is appended;
    only when it is not there (a tracker that never saw it) do timestamps
    decide, which a clock of another machine could skew.
    """

    def newest_stored(self, session: Any, sender_id: str) -> tuple[float, str] | None:
        """Timestamp and type of the conversation's newest stored event."""
        row = (
            session.query(self.SQLEvent.timestamp, self.SQLEvent.type_name)
            .filter(self.SQLEvent.sender_id == sender_id)
            .order_by(self.SQLEvent.id.desc())
            .first()
        )
        return None if row is None else (float(row[0]), str(row[1]))

    def _additional_events(self, session: Any, tracker: DialogueStateTracker) -> Iterator[Event]:
        events = list(tracker.events)
        newest = self.newest_stored(session, tracker.sender_id)
        if newest is None:
            return iter(events)
        for index in range(len(events) - 1, -1, -1):
            if (events[index].timestamp, events[index].type_name) == newest:
                return iter(events[index + 1 :])
        logger.warning("conversation %s: its newest stored event is not in the tracker", tracker.sender_id)
        return iter([event for event in events if event.timestamp > newest[0]])

    def newest_timestamp(self, sender_id: str) -> float | None:
        with self.session_scope() as session:
            newest = self.newest_stored(session, sender_id)
        return None if newest is None else newest[0]


def build_inner_store(
    config: dict[str, Any] | None, domain: Domain | None, event_broker: EventBroker | None
) -> TrackerStore:
    """The real tracker store from its endpoint configuration (in memory when None).

    Raises:
        ValueError: ``config`` is not a mapping.
    """
    if config is None or (isinstance(config, dict) and config.get("type") in IN_MEMORY_TYPES):
        return QuickInMemoryTrackerStore(domain or Domain.empty(), event_broker)
    if not isinstance(config, dict):
        raise ValueError(f"tracker_store.inner must be a mapping, got {type(config).__name__}")
    endpoint = EndpointConfig.from_dict(dict(config))
    kinds: dict[str, type[TrackerStore]] = {"sql": AppendingSQLTrackerStore, "redis": QuickRedisTrackerStore}
    kind = kinds.get(str(endpoint.type).lower())
    if kind is not None:
        return kind(domain=domain or Domain.empty(), host=endpoint.url, event_broker=event_broker, **endpoint.kwargs)
    return TrackerStore.create(endpoint, domain, event_broker)


class MaskingTrackerStore(TrackerStore):
    """Wraps a tracker store; every tracker it saves is masked first."""

    def __init__(
        self,
        domain: Domain | None = None,
        event_broker: EventBroker | None = None,
        host: str | None = None,
        inner: dict[str, Any] | None = None,
        fallback: dict[str, Any] | None = None,
        **kwargs: Any,
    ) -> None:
        """Builds the inner store.

        Args:
            domain: The assistant's domain.
            event_broker: Passed on to the inner store (which publishes the
                masked events).
            host: Unused (Rasa passes the endpoint's ``url`` here).
            inner: The inner store's endpoint configuration.
            fallback: A Redis tracker store's configuration, used while the
                inner store is unavailable (None: no fallback).
            kwargs: Unused.
        """
        self._inner = build_inner_store(inner, domain, event_broker)
        self._fallback = build_inner_store(fallback, domain, None) if fallback is not None else None
        if self._fallback is not None and not isinstance(self._fallback, RedisTrackerStore):
            raise ValueError("tracker_store.fallback must be a redis tracker store (shared by every replica)")
        # Conversation id -> events read from the store, for the turn in progress.
        self._from_store: OrderedDict[str, tuple[int, weakref.ref[Event]]] = OrderedDict()
        super().__init__(domain, None)
        logger.info(
            "tracker store: %s, masking personal data%s",
            type(self._inner).__name__,
            ", Redis fallback" if self._fallback is not None else "",
        )

    @property
    def inner(self) -> TrackerStore:
        """The store that holds the masked trackers."""
        return self._inner

    @property  # type: ignore[override]
    def domain(self) -> Domain:
        return self._inner.domain

    @domain.setter
    def domain(self, domain: Domain | None) -> None:
        # Rasa sets the model's domain after loading it; both stores read
        # trackers with it (slots, forms).
        self._inner.domain = domain  # type: ignore[assignment]
        if self._fallback is not None:
            self._fallback.domain = domain  # type: ignore[assignment]

    def _read(self, tracker: DialogueStateTracker | None) -> DialogueStateTracker | None:
        """Remembers how many events of a conversation came from the store (they are masked)."""
        if tracker is not None and tracker.events:
            self._from_store.pop(tracker.sender_id, None)
            # A weak reference, not id(): once the tracker read is gone, another
            # event may get its address, and a new tracker would pass for it.
            self._from_store[tracker.sender_id] = (len(tracker.events), weakref.ref(tracker.events[-1]))
            while len(self._from_store) > MAX_REMEMBERED:
                self._from_store.popitem(last=False)
        return tracker

    def _stored_prefix(self, tracker: DialogueStateTracker) -> int:
        """How many first events of ``tracker`` are the very events read from the store (0 if unsure)."""
        remembered = self._from_store.pop(tracker.sender_id, None)
        if remembered is None:
            return 0
        count, last_event = remembered
        if count > len(tracker.events) or tracker.events[count - 1] is not last_event():
            return 0  # another tracker than the one read: mask everything
        return count

    async def save(self, tracker: DialogueStateTracker) -> None:
        masked = masked_tracker(tracker, already_masked=self._stored_prefix(tracker))
        if self._fallback is None:
            await self._inner.save(masked)
            return
        try:
            await self._inner.save(masked)
        except Exception as error:  # noqa: BLE001 - any failure of the inner store
            logger.warning(
                "tracker store unavailable (%s): conversation %s kept in the fallback only",
                type(error).__name__,
                tracker.sender_id,
            )
            self._write_copy(masked)
            return
        await self._keep_copy(masked)

    def _write_copy(self, tracker: DialogueStateTracker) -> None:
        """Overwrites the copy with ``tracker`` (the whole current session).

        Not RedisTrackerStore.save: it reads the stored tracker back and
        merges event by event, which grows with the square of the
        conversation's length, on every turn.
        """
        store = self._fallback
        if not isinstance(store, RedisTrackerStore):
            return
        store.red.set(store.key_prefix + tracker.sender_id, store.serialise_tracker(tracker), ex=store.record_exp)

    async def _keep_copy(self, tracker: DialogueStateTracker) -> None:
        """Refreshes the fallback copy; if that fails, drops it so no stale copy is read."""
        if not isinstance(self._fallback, RedisTrackerStore):
            return
        try:
            self._write_copy(tracker)
        except Exception as error:  # noqa: BLE001 - the copy is a best effort
            logger.warning("could not refresh the fallback copy of %s (%s)", tracker.sender_id, type(error).__name__)
            try:
                self._fallback.red.delete(self._fallback.key_prefix + tracker.sender_id)
            except Exception:  # noqa: BLE001, S110 - Redis is down: nothing can be read from it either
                pass

    async def _fallback_copy(self, sender_id: str) -> DialogueStateTracker | None:
        if self._fallback is None:
            return None
        try:
            return await self._fallback.retrieve(sender_id)
        except Exception as error:  # noqa: BLE001 - the fallback is a best effort
            logger.warning("tracker fallback unavailable (%s)", type(error).__name__)
            return None

    async def _from_inner(
        self, read: Callable[[str], Awaitable[DialogueStateTracker | None]], sender_id: str
    ) -> DialogueStateTracker | None:
        if self._fallback is None:
            return await read(sender_id)
        try:
            return await read(sender_id)
        except Exception as error:  # noqa: BLE001 - retried once, then raised
            # After a database restart the first use of each pooled connection
            # fails and renews the pool: one retry reaches the database.
            logger.warning("tracker store read failed (%s), retrying once", type(error).__name__)
            return await read(sender_id)

    async def retrieve(self, sender_id: str) -> DialogueStateTracker | None:
        copy = await self._fallback_copy(sender_id)
        if copy is not None and self._copy_is_stale(copy):
            copy = None
        return self._read(copy or await self._from_inner(self._inner.retrieve, sender_id))

    def _copy_is_stale(self, copy: DialogueStateTracker) -> bool:
        """Whether the inner store has events newer than the copy (its refresh was lost)."""
        if not isinstance(self._inner, AppendingSQLTrackerStore) or not copy.events:
            return False
        try:
            newest = self._inner.newest_timestamp(copy.sender_id)
        except Exception:  # noqa: BLE001 - the inner store is down: the copy is all there is
            return False
        if newest is not None and newest > copy.events[-1].timestamp:
            logger.warning("the fallback copy of %s is older than the database: not used", copy.sender_id)
            return True
        return False

    def drop_copy(self, sender_id: str) -> int:
        """Deletes the fallback copy of a conversation; returns how many keys went (0 or 1)."""
        if not isinstance(self._fallback, RedisTrackerStore):
            return 0
        return int(self._fallback.red.delete(self._fallback.key_prefix + sender_id))

    async def retrieve_full_tracker(self, conversation_id: str) -> DialogueStateTracker | None:
        # Every session: the inner store has them (the copy holds the current one only).
        try:
            return await self._from_inner(self._inner.retrieve_full_tracker, conversation_id)
        except Exception:
            copy = await self._fallback_copy(conversation_id)
            if copy is None:
                raise
            return copy

    async def keys(self) -> Iterable[str]:
        return await self._inner.keys()
