"""Reads the conversations of the tracker store an endpoints file configures."""

from __future__ import annotations

import asyncio
from typing import Any

from security.retention import tracker_store_from_endpoints


async def _read(endpoints_file: str, since: float | None) -> dict[str, list[dict[str, Any]]]:
    store = tracker_store_from_endpoints(endpoints_file)
    conversations: dict[str, list[dict[str, Any]]] = {}
    for sender_id in sorted(await store.keys()):
        tracker = await store.retrieve_full_tracker(sender_id)
        if tracker is None:
            continue
        events = [event.as_dict() for event in tracker.events]
        if since is not None:
            events = [event for event in events if float(event.get("timestamp") or 0.0) >= since]
        if any(event.get("event") == "user" for event in events):
            conversations[sender_id] = events
    return conversations


def read_conversations(endpoints_file: str, since: float | None = None) -> dict[str, list[dict[str, Any]]]:
    """Every conversation with a user message since ``since`` (a Unix time), by sender id.

    Events before ``since`` are left out. Texts are as the store keeps them:
    masked by the masking tracker store before they were written.

    Raises:
        security.retention.RetentionError: The file configures no store a
            staff command can read (only the Rasa server's memory).
    """
    return asyncio.run(_read(endpoints_file, since))
