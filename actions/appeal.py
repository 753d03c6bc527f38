"""Appeal (申诉) dialogue: offering, starting, asking and cancelling the appeal form.

``action_offer_appeal`` answers a user who disputes a record;
``action_start_appeal`` clears the previous form values and pre-fills the
contested item from the diagnosis (slot ``appeal_context``); the form
``appeal_form`` then asks what is contested, a short description, a mobile
number (kept sealed between turns: ``security.sealed``) and consent, and
shows a summary (phone masked). Validation is in ``appeal_form``, filing in
``appeal_submit``, status lookups in ``appeal_status``. Phone numbers never
reach a log in clear.
"""

from __future__ import annotations

import json
import logging

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions import shared
from actions.shared import (
    APPEAL_CONTEXT_SLOT,
    APPEAL_FORM_SLOTS,
    APPEAL_OFFERED_SLOT,
    CONTESTED_SLOT,
    DESCRIPTION_SLOT,
    PHONE_SLOT,
)
from security.display import as_literal
from security.sealed import unseal
from tickets import mask_phone

logger = logging.getLogger(__name__)

# The entity a contested-cause button sends.
CONTESTED_ENTITY = "appeal_contested"

MIN_DESCRIPTION_CHARS = 5
MAX_DESCRIPTION_CHARS = 300


def cause_label(cause_id: str) -> str | None:
    """The Chinese label of a cause id, None for an unknown id."""
    return next((cause.label for cause in shared.engine().causes if cause.id == cause_id), None)


def appealable_cause_ids() -> tuple[str, ...]:
    """The causes an appeal may contest, in vocabulary order."""
    return tuple(cause.id for cause in shared.engine().causes if cause.appeal_recommended or cause.appeal_if_disputed)


def contested_display(value: str | None) -> str:
    """What the user sees for the contested item: a cause's label, or their words as written."""
    if not value:
        return ""
    return cause_label(value) or as_literal(value)


def contested_cause_from_text(text: str) -> str | None:
    """Recognises a cause in the user's words: its label, or a disputed record.

    Args:
        text: What the user says they contest.

    Returns:
        A cause id, or None when the words name no cause.
    """
    for cause in shared.engine().causes:
        if cause.label in text:
            return cause.id
    return shared.engine().disputed_cause(shared.engine().extract_facts(text))


def clear_form_slots() -> list[EventType]:
    """Events that forget every value of the appeal form (the phone included)."""
    return [SlotSet(slot, None) for slot in APPEAL_FORM_SLOTS]


def masked_phone(tracker: Tracker) -> str:
    """The appeal phone number as the user may see it again ("138****5678")."""
    return mask_phone(unseal(tracker.get_slot(PHONE_SLOT)))


class ActionOfferAppeal(Action):
    """Offers an appeal to a user who disputes a record."""

    def name(self) -> str:
        return "action_offer_appeal"

    async def run(
        self,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: DomainDict,
    ) -> list[EventType]:
        text = shared.latest_text(tracker)
        contested = shared.engine().disputed_cause(shared.engine().extract_facts(text))
        if contested is None:
            causes = shared.diagnosis_result(tracker)["causes"]
            contested = causes[0] if causes else None
        dispatcher.utter_message(response="utter_dispute_acknowledged")
        dispatcher.utter_message(response="utter_offer_appeal")
        return [
            SlotSet(APPEAL_OFFERED_SLOT, True),
            SlotSet(APPEAL_CONTEXT_SLOT, contested),
        ]


class ActionDeclineAppeal(Action):
    """The user does not want the offered appeal."""

    def name(self) -> str:
        return "action_decline_appeal"

    async def run(
        self,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: DomainDict,
    ) -> list[EventType]:
        dispatcher.utter_message(response="utter_anything_else")
        return [SlotSet(APPEAL_OFFERED_SLOT, False)]


class ActionStartAppeal(Action):
    """Starts a fresh appeal, pre-filling what is contested from the diagnosis."""

    def name(self) -> str:
        return "action_start_appeal"

    async def run(
        self,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: DomainDict,
    ) -> list[EventType]:
        context = tracker.get_slot(APPEAL_CONTEXT_SLOT)
        label = cause_label(context) if context else None
        if label:
            dispatcher.utter_message(response="utter_appeal_intro_with_context", contested=label)
        else:
            dispatcher.utter_message(response="utter_appeal_intro")
        logger.info("appeal started by %s (context %s)", tracker.sender_id, context if label else "-")
        return [
            *clear_form_slots(),
            SlotSet(CONTESTED_SLOT, context if label else None),
            SlotSet(APPEAL_OFFERED_SLOT, False),
        ]


class ActionAskAppealContested(Action):
    """Asks what is contested, with a button for each cause that can be appealed."""

    def name(self) -> str:
        return "action_ask_appeal_contested"

    async def run(
        self,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: DomainDict,
    ) -> list[EventType]:
        buttons = [
            {
                "title": cause_label(cause_id),
                "payload": "/inform" + json.dumps({CONTESTED_ENTITY: cause_id}),
            }
            for cause_id in appealable_cause_ids()
        ]
        dispatcher.utter_message(response="utter_ask_appeal_contested", buttons=buttons)
        return []


class ActionAskAppealDescription(Action):
    """Asks for the description, naming the contested item."""

    def name(self) -> str:
        return "action_ask_appeal_description"

    async def run(
        self,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: DomainDict,
    ) -> list[EventType]:
        dispatcher.utter_message(
            response="utter_ask_appeal_description",
            contested=contested_display(tracker.get_slot(CONTESTED_SLOT)),
            min_chars=MIN_DESCRIPTION_CHARS,
            max_chars=MAX_DESCRIPTION_CHARS,
        )
        return []


class ActionAskAppealConsent(Action):
    """Asks for consent to store the appeal and call back, showing the masked number."""

    def name(self) -> str:
        return "action_ask_appeal_consent"

    async def run(
        self,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: DomainDict,
    ) -> list[EventType]:
        dispatcher.utter_message(response="utter_ask_appeal_consent", phone=masked_phone(tracker))
        return []


class ActionAskAppealConfirmed(Action):
    """Shows the summary (phone masked) with buttons to submit, correct or cancel."""

    def name(self) -> str:
        return "action_ask_appeal_confirmed"

    async def run(
        self,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: DomainDict,
    ) -> list[EventType]:
        dispatcher.utter_message(
            response="utter_ask_appeal_confirmed",
            contested=contested_display(tracker.get_slot(CONTESTED_SLOT)),
            description=as_literal(tracker.get_slot(DESCRIPTION_SLOT) or ""),
            phone=masked_phone(tracker),
        )
        return []


class ActionCancelAppeal(Action):
    """The user stopped the appeal: forget every value and say nothing was kept."""

    def name(self) -> str:
        return "action_cancel_appeal"

    async def run(
        self,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: DomainDict,
    ) -> list[EventType]:
        dispatcher.utter_message(response="utter_appeal_cancelled")
        logger.info("appeal cancelled by %s", tracker.sender_id)
        return clear_form_slots()
