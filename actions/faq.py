"""FAQ answers at the grain people ask.

The response selector names an FAQ key (``faq/repayment``); a question about
one part of that topic ("提前还要手续费吗") gets the part's answer from
``faq_parts.yml`` and a button for the whole topic; any other question gets
the key's whole answer (``utter_faq/<key>``). Topic buttons send
``/choose_faq{"faq_key": ...}``, answered the same way.
"""

from __future__ import annotations

import functools
import logging
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.suggest import FAQ_INTENT, FAQ_KEY_ENTITY, topic_button
from jiebei_nlu.normalize import normalize_text

logger = logging.getLogger(__name__)

PARTS_FILE = Path(__file__).with_name("faq_parts.yml")
MAX_PART_CHARS = 150


@dataclass(frozen=True)
class FaqPart:
    """One sub-question of an FAQ key and its answer."""

    key: str
    part_id: str
    asks: tuple[re.Pattern[str], ...]
    text: str

    def answers(self, text: str) -> bool:
        return any(pattern.search(text) for pattern in self.asks)


def load_parts(path: Path = PARTS_FILE) -> dict[str, tuple[FaqPart, ...]]:
    """Reads and validates a parts file.

    Raises:
        ValueError: naming the file and the part when an entry is malformed, a
            pattern does not compile, or a text is empty or too long.
    """
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    if not isinstance(data, dict):
        raise ValueError(f"{path}: expected FAQ keys mapped to lists of parts")
    parts: dict[str, tuple[FaqPart, ...]] = {}
    for key, entries in data.items():
        if not isinstance(entries, list) or not entries:
            raise ValueError(f"{path}: '{key}' must be a non-empty list of parts")
        parts[key] = tuple(_part(path, key, index, entry) for index, entry in enumerate(entries))
    return parts


def _part(path: Path, key: str, index: int, entry: Any) -> FaqPart:
    where = f"{path}: {key}[{index}]"
    if not isinstance(entry, dict) or set(entry) != {"id", "asks", "text"}:
        raise ValueError(f"{where}: a part has exactly 'id', 'asks' and 'text'")
    where = f"{path}: {key}/{entry['id']}"
    text, asks = entry["text"], entry["asks"]
    if not isinstance(text, str) or not text.strip():
        raise ValueError(f"{where}: 'text' is empty")
    if len(text) > MAX_PART_CHARS:
        raise ValueError(f"{where}: 'text' has {len(text)} characters, at most {MAX_PART_CHARS}")
    if not isinstance(asks, list) or not asks or not all(isinstance(a, str) and a for a in asks):
        raise ValueError(f"{where}: 'asks' must be a non-empty list of regexes")
    try:
        patterns = tuple(re.compile(a) for a in asks)
    except re.error as error:
        raise ValueError(f"{where}: pattern does not compile: {error}") from error
    return FaqPart(key, str(entry["id"]), patterns, text)


@functools.lru_cache(maxsize=1)
def parts() -> dict[str, tuple[FaqPart, ...]]:
    """The packaged parts, loaded on first use."""
    return load_parts()


def part_for(key: str, text: str) -> FaqPart | None:
    """The first part of ``key`` that the message asks about, if any."""
    normalised = normalize_text(text)
    return next((part for part in parts().get(key, ()) if part.answers(normalised)), None)


def asked_key(message: dict[str, Any]) -> str | None:
    """The FAQ key a parsed message asks: a topic button's, else the response selector's."""
    for entity in message.get("entities") or []:
        if entity.get("entity") == FAQ_KEY_ENTITY:
            return str(entity.get("value"))
    if (message.get("intent") or {}).get("name") != FAQ_INTENT:
        return None
    selected = ((message.get("response_selector") or {}).get(FAQ_INTENT) or {}).get("response") or {}
    return str(selected.get("intent_response_key") or "").partition("/")[2] or None


class ActionAnswerFaq(Action):
    """Answers an FAQ question, or the part of the topic it asks about."""

    def name(self) -> str:
        return "action_answer_faq"

    async def run(
        self,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: DomainDict,
    ) -> list[EventType]:
        message = tracker.latest_message or {}
        key = asked_key(message)
        response = f"utter_faq/{key}"
        if response not in (domain.get("responses") or {}):
            logger.warning("no known FAQ key for %s: %r", tracker.sender_id, key)
            dispatcher.utter_message(response="utter_ask_rephrase")
            return []
        part = part_for(str(key), message.get("text") or "")
        if part is None:
            dispatcher.utter_message(response=response)
            return []
        logger.info("faq part for %s: %s/%s", tracker.sender_id, key, part.part_id)
        dispatcher.utter_message(text=part.text, buttons=[topic_button(part.key)])
        return []
