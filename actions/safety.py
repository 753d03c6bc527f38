"""Safety cases: fraud, a deceased borrower's debt, harassment, distress.

The rules in ``data/rules/safety.yml`` stop any form, run ``action_safety``
for the words a support lead would use for the case, then hand off to a
person (``utter_human_handoff``, ``action_human_handoff``).
"""

from __future__ import annotations

import logging

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

logger = logging.getLogger(__name__)


# Each safety intent and the words for it.
SAFETY_RESPONSES = {
    "report_fraud": "utter_safety_report_fraud",
    "bereavement_debt": "utter_safety_bereavement_debt",
    "collection_harassment": "utter_safety_collection_harassment",
    "repayment_distress": "utter_safety_repayment_distress",
}
SAFETY_INTENTS = tuple(SAFETY_RESPONSES)


class ActionSafety(Action):
    """Sends the words for a safety case; the rule then hands off to a person."""

    def name(self) -> str:
        return "action_safety"

    async def run(
        self,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: DomainDict,
    ) -> list[EventType]:
        intent = (tracker.latest_message or {}).get("intent", {}).get("name")
        case = intent if intent in SAFETY_RESPONSES else "report_fraud"
        dispatcher.utter_message(response=SAFETY_RESPONSES[case])
        logger.info("safety case for %s: %s", tracker.sender_id, case)
        return []
