"""Builders for rasa-sdk trackers used by the action tests."""

from __future__ import annotations

import base64
from pathlib import Path
from typing import Any

import pytest
import yaml
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from jiebei_nlu.normalize import normalize_text
from jiebei_nlu.numbers import find_score_mentions

# The key that seals the appeal phone number in these tests (see field_key
# below). A constant: pytest may import this module twice under two names.
FIELD_KEY = base64.urlsafe_b64encode(b"jiebei action tests field key 32").decode("ascii")


@pytest.fixture(autouse=True)
def field_key(monkeypatch) -> str:
    """Every action test runs with a field key, as the action server does."""
    monkeypatch.setenv("JIEBEI_FIELD_KEY", FIELD_KEY)
    return FIELD_KEY


@pytest.fixture(scope="session")
def domain() -> dict[str, Any]:
    """The project's domain as the action server receives it: with the FAQ answers of data/faq/."""
    with open("domain.yml", encoding="utf-8") as handle:
        domain = yaml.safe_load(handle)
    for path in sorted(Path("data/faq").glob("*.yml")):
        domain["responses"].update(yaml.safe_load(path.read_text(encoding="utf-8"))["responses"])
    return domain


@pytest.fixture()
def dispatcher() -> CollectingDispatcher:
    return CollectingDispatcher()


def user_message(
    text: str,
    intent: str,
    entities: list[dict[str, Any]] | None = None,
) -> dict[str, Any]:
    """A latest_message as Rasa sends it; the score entity as the NLU finds it."""
    normalised = normalize_text(text)
    if entities is None:
        entities = [
            {"entity": "zhima_score", "value": m.value, "start": m.start, "end": m.end}
            for m in find_score_mentions(normalised)
        ]
    return {
        "text": normalised,
        "intent": {"name": intent, "confidence": 0.99},
        "entities": entities,
    }


def make_tracker(
    text: str,
    intent: str,
    slots: dict[str, Any] | None = None,
    entities: list[dict[str, Any]] | None = None,
    active_loop: str | None = None,
    requested_slot: str | None = None,
) -> Tracker:
    """A tracker whose latest user message is `text`."""
    all_slots = dict(slots or {})
    if requested_slot:
        all_slots["requested_slot"] = requested_slot
    return Tracker(
        sender_id="test-user",
        slots=all_slots,
        latest_message=user_message(text, intent, entities),
        events=[],
        paused=False,
        followup_action=None,
        active_loop={"name": active_loop} if active_loop else {},
        latest_action_name="action_listen",
    )


def responses(dispatcher: CollectingDispatcher) -> list[str | None]:
    """The response names the dispatcher was asked to send, in order."""
    return [message.get("response") for message in dispatcher.messages]


def slot_events(events: list[dict[str, Any]]) -> dict[str, Any]:
    """The values of the SlotSet events, by slot name (last one wins)."""
    return {e["name"]: e["value"] for e in events if e.get("event") == "slot"}
