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
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from typing import Any

from rasa.core.brokers.broker import EventBroker
from rasa.core.tracker_store import InMemoryTrackerStore, TrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import Event
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.utils.endpoints import EndpointConfig

from security.pii import mask_json
from security.sealed import is_sealed

logger = logging.getLogger(__name__)

IN_MEMORY_TYPES = {None, "", "in_memory", "memory"}


def masked_events(events: Iterable[Event]) -> list[Event]:
    """Copies of ``events`` with personal data masked in every string."""
    return [Event.from_parameters(mask_json(event.as_dict(), keep=is_sealed)) for event in events]


def masked_tracker(tracker: DialogueStateTracker) -> DialogueStateTracker:
    """A copy of ``tracker`` whose events carry no personal data in clear."""
    return DialogueStateTracker.from_events(
        tracker.sender_id,
        masked_events(tracker.events),
        slots=tracker.slots.values(),
        max_event_history=tracker._max_event_history,
    )


def build_inner_store(
    config: dict[str, Any] | None, domain: Domain | None, event_broker: EventBroker | None
) -> TrackerStore:
    """The real tracker store from its endpoint configuration (in memory when None).

    Raises:
        ValueError: ``config`` is not a mapping.
    """
    if config is None or (isinstance(config, dict) and config.get("type") in IN_MEMORY_TYPES):
        return InMemoryTrackerStore(domain or Domain.empty(), event_broker)
    if not isinstance(config, dict):
        raise ValueError(f"tracker_store.inner must be a mapping, got {type(config).__name__}")
    return TrackerStore.create(EndpointConfig.from_dict(dict(config)), domain, event_broker)


class MaskingTrackerStore(TrackerStore):
    """Wraps a tracker store; every tracker it saves is masked first."""

    def __init__(
        self,
        domain: Domain | None = None,
        event_broker: EventBroker | None = None,
        host: str | None = None,
        inner: dict[str, Any] | None = None,
        **kwargs: Any,
    ) -> None:
        """Builds the inner store.

        Args:
            domain: The assistant's domain.
            event_broker: Passed on to the inner store (which publishes the
                masked events).
            host: Unused (Rasa passes the endpoint's ``url`` here).
            inner: The inner store's endpoint configuration.
            kwargs: Unused.
        """
        self._inner = build_inner_store(inner, domain, event_broker)
        super().__init__(domain, None)
        logger.info("tracker store: %s, masking personal data", type(self._inner).__name__)

    @property
    def inner(self) -> TrackerStore:
        """The store that holds the masked trackers."""
        return self._inner

    @property  # type: ignore[override]
    def domain(self) -> Domain:
        return self._inner.domain

    @domain.setter
    def domain(self, domain: Domain | None) -> None:
        self._inner.domain = domain  # type: ignore[assignment]

    async def save(self, tracker: DialogueStateTracker) -> None:
        await self._inner.save(masked_tracker(tracker))

    async def retrieve(self, sender_id: str) -> DialogueStateTracker | None:
        return await self._inner.retrieve(sender_id)

    async def retrieve_full_tracker(self, conversation_id: str) -> DialogueStateTracker | None:
        return await self._inner.retrieve_full_tracker(conversation_id)

    async def keys(self) -> Iterable[str]:
        return await self._inner.keys()
