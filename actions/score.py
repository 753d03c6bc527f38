"""Checks a stated 芝麻分 against the real range before anything uses it."""

from __future__ import annotations

import logging
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from jiebei_nlu.numbers import check_score

logger = logging.getLogger(__name__)

SCORE_ENTITY = "zhima_score"
SCORE_SLOT = "zhima_score"


def latest_stated_score(tracker: Tracker) -> int | None:
    """Returns the 芝麻分 stated in the latest user message, if any.

    The value comes from the ``zhima_score`` entity: an ``int`` from the NLU
    extractor, or a string when it arrives in a button payload.
    """
    for value in tracker.get_latest_entity_values(SCORE_ENTITY):
        try:
            return int(float(value))
        except (TypeError, ValueError):
            logger.warning("ignoring a non-numeric zhima_score entity: %r", value)
    return None


def accept_score(score: int, dispatcher: CollectingDispatcher) -> bool:
    """Tells the user when a stated score is impossible.

    Args:
        score: The stated score.
        dispatcher: Where the clarification goes.

    Returns:
        True when the score is a real 芝麻分 (350–950) and may be used.
    """
    check = check_score(score)
    if check.in_range:
        return True
    if check.suggestion is not None:
        dispatcher.utter_message(
            response="utter_score_out_of_range",
            stated_score=score,
            suggested_score=check.suggestion,
        )
    else:
        dispatcher.utter_message(response="utter_score_out_of_range_no_guess", stated_score=score)
    return False


class ActionCheckScore(Action):
    """Answers a user who states their score outside any diagnosis."""

    def name(self) -> str:
        return "action_check_score"

    async def run(
        self,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: dict[str, Any],
    ) -> list[EventType]:
        score = latest_stated_score(tracker)
        if score is None:
            dispatcher.utter_message(response="utter_ask_score_value")
            return []
        if not accept_score(score, dispatcher):
            return [SlotSet(SCORE_SLOT, None)]
        dispatcher.utter_message(response="utter_score_noted", zhima_score=score)
        return [SlotSet(SCORE_SLOT, score)]
