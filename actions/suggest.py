"""When the assistant is not sure: "猜您想问" with the likeliest topics.

A message that falls to ``nlu_fallback`` gets ``action_suggest_topics``: the
two or three topics the classifier itself ranked highest for that message
(an FAQ's share is the ``faq`` intent's confidence times the response
selector's confidence for the key), as buttons, plus one for a person. A
button for an FAQ sends ``/choose_faq{"faq_key": ...}``, which
``action_answer_faq`` (actions/faq.py) answers.
"""

from __future__ import annotations

import functools
import logging
from pathlib import Path
from typing import Any

import yaml
from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

logger = logging.getLogger(__name__)

TOPICS_FILE = Path(__file__).with_name("topics.yml")
MAX_TOPICS = 3
# A topic with less of the classifier's belief than this is not worth a button.
MIN_SHARE = 0.05
FAQ_INTENT = "faq"
FAQ_KEY_ENTITY = "faq_key"


@functools.lru_cache(maxsize=1)
def topics() -> dict[str, Any]:
    """The topic titles of ``topics.yml``, loaded on first use."""
    data = yaml.safe_load(TOPICS_FILE.read_text(encoding="utf-8"))
    for section in ("intents", "faq"):
        if not isinstance(data.get(section), dict) or not data[section]:
            raise ValueError(f"{TOPICS_FILE}: '{section}' must map labels to button titles")
    if not isinstance(data.get("handoff"), str):
        raise ValueError(f"{TOPICS_FILE}: 'handoff' must be a button title")
    return data


def rank_topics(parse_data: dict[str, Any], limit: int = MAX_TOPICS) -> list[str]:
    """The likeliest offerable labels of one parsed message, best first.

    Args:
        parse_data: The message as Rasa parsed it (``intent_ranking`` and
            ``response_selector``).
        limit: How many labels to return at most.

    Returns:
        Core intent names and FAQ keys that ``topics.yml`` offers.
    """
    offered = topics()
    shares: dict[str, float] = {}
    selector = ((parse_data.get("response_selector") or {}).get(FAQ_INTENT) or {}).get("ranking") or []
    for entry in parse_data.get("intent_ranking") or []:
        name, confidence = entry.get("name"), float(entry.get("confidence") or 0.0)
        if name == FAQ_INTENT:
            for candidate in selector:
                key = str(candidate.get("intent_response_key") or "").partition("/")[2]
                if key in offered["faq"]:
                    shares[key] = max(shares.get(key, 0.0), confidence * float(candidate.get("confidence") or 0.0))
        elif name in offered["intents"]:
            shares[name] = max(shares.get(name, 0.0), confidence)
    ranked = sorted((label for label, share in shares.items() if share >= MIN_SHARE), key=lambda k: -shares[k])
    return ranked[:limit]


def topic_button(label: str) -> dict[str, str]:
    """The button that asks about one label of ``topics.yml``."""
    offered = topics()
    if label in offered["intents"]:
        return {"title": offered["intents"][label], "payload": f"/{label}"}
    return {"title": offered["faq"][label], "payload": f'/choose_faq{{"{FAQ_KEY_ENTITY}": "{label}"}}'}


class ActionSuggestTopics(Action):
    """Offers the likeliest topics and a person instead of guessing."""

    def name(self) -> str:
        return "action_suggest_topics"

    async def run(
        self,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: DomainDict,
    ) -> list[EventType]:
        labels = rank_topics(tracker.latest_message or {})
        buttons = [topic_button(label) for label in labels]
        buttons.append({"title": topics()["handoff"], "payload": "/human_handoff"})
        response = "utter_suggest_topics" if labels else "utter_ask_rephrase"
        dispatcher.utter_message(response=response, buttons=buttons)
        logger.info("suggested for %s: %s", tracker.sender_id, ",".join(labels) or "-")
        return []
