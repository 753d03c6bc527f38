"""Human handoff: record the request with a short summary for the agent.

The rule for ``human_handoff`` first sends ``utter_human_handoff`` (how to
reach a person: 95188, 我的客服), then runs ``action_human_handoff``, which
records the request in the ticket store and says what happens next. The
summary holds only labels: recent intents, the diagnosis' cause ids and the
ticket number; never the user's words, so never a phone number.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions import shared
from actions.shared import TICKET_SLOT
from tickets import is_ticket_number
from tickets.models import MAX_SUMMARY

logger = logging.getLogger(__name__)

RECENT_INTENTS = 6


def recent_intents(events: list[dict[str, Any]], limit: int = RECENT_INTENTS) -> list[str]:
    """The intents of the latest user messages, oldest first, repeats collapsed.

    Args:
        events: The tracker's events.
        limit: How many intents to keep.

    Returns:
        Intent names (an FAQ as ``faq/<key>`` when the response selector chose one).
    """
    intents: list[str] = []
    for event in events:
        if event.get("event") != "user":
            continue
        parse = event.get("parse_data") or {}
        name = (parse.get("intent") or {}).get("name")
        if not name:
            continue
        if name == "faq":
            selected = ((parse.get("response_selector") or {}).get("faq") or {}).get("response") or {}
            name = selected.get("intent_response_key") or name
        if not intents or intents[-1] != name:
            intents.append(name)
    return intents[-limit:]


def handoff_summary(tracker: Tracker) -> str:
    """A short summary for the agent: recent intents, diagnosis causes, ticket.

    Only labels and ids go in (no message text), so no phone number or other
    personal data can reach the summary.
    """
    intents = ",".join(recent_intents(list(tracker.events))) or "-"
    cause_text = ",".join(shared.diagnosis_result(tracker)["causes"]) or "-"
    ticket = _ticket_number(tracker) or "-"
    summary = f"intents={intents}; causes={cause_text}; ticket={ticket}"
    return summary[:MAX_SUMMARY]


def _ticket_number(tracker: Tracker) -> str | None:
    number = tracker.get_slot(TICKET_SLOT)
    return number if isinstance(number, str) and is_ticket_number(number) else None


class ActionHumanHandoff(Action):
    """Records a handoff request; if the store is down, the user still knows how to reach a person."""

    def name(self) -> str:
        return "action_human_handoff"

    async def run(
        self,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: DomainDict,
    ) -> list[EventType]:
        summary = handoff_summary(tracker)
        try:
            store = shared.ticket_store()
            handoff = await asyncio.to_thread(
                store.request_handoff, tracker.sender_id, summary, _ticket_number(tracker)
            )
        except Exception:
            # Whatever failed, the user has the contact ways already (utter_human_handoff).
            logger.warning("handoff request of %s could not be recorded", tracker.sender_id, exc_info=True)
            dispatcher.utter_message(response="utter_handoff_not_recorded")
            return []
        logger.info("handoff %s recorded for %s", handoff.id, tracker.sender_id)
        dispatcher.utter_message(response="utter_handoff_recorded", reference=handoff.reference)
        return []
