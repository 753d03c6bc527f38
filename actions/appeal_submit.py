"""Filing the confirmed appeal in the ticket store.

The store is reached only through ``shared.ticket_store``; its calls block, so
they run in a worker thread. A retried submit gets the same ticket (the
idempotency key is a hash of the sender and the form values); with the
database down the appeal is queued and the user told so.
"""

from __future__ import annotations

import asyncio
import logging

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions import shared
from actions.appeal import cause_label, clear_form_slots, masked_phone
from actions.shared import (
    CONFIRMED_SLOT,
    CONSENT_SLOT,
    CONTESTED_SLOT,
    DESCRIPTION_SLOT,
    PHONE_SLOT,
    TICKET_SLOT,
)
from security.sealed import unseal
from tickets import AppealForm, InvalidInputError, SubmitOutcome

logger = logging.getLogger(__name__)

DIAGNOSIS_SUMMARY_LIMIT = 1000


def diagnosis_summary(tracker: Tracker) -> str:
    """A short, PII-free summary of the diagnosis for the staff: causes and facts."""
    result = shared.diagnosis_result(tracker)
    causes = ",".join(result["causes"])
    known = ",".join(f"{name}={value}" for name, value in sorted(result["facts"].items()))
    summary = f"causes={causes or '-'}; facts={known or '-'}"
    return summary[:DIAGNOSIS_SUMMARY_LIMIT]


def build_form(tracker: Tracker) -> AppealForm:
    """Turns the filled slots into the store's form.

    Raises:
        InvalidInputError: A value breaks the store's rules (e.g. a slot was
            emptied by a correction that never finished).
    """
    phone = unseal(tracker.get_slot(PHONE_SLOT))
    if phone is None:
        raise InvalidInputError("the phone number is missing or was not sealed by this action server")
    contested = tracker.get_slot(CONTESTED_SLOT) or ""
    known_cause = contested if cause_label(contested) else None
    return AppealForm(
        sender_id=tracker.sender_id,
        description=tracker.get_slot(DESCRIPTION_SLOT) or "",
        contested_cause_id=known_cause,
        contested_text=None if known_cause else contested,
        phone=phone,
        consent=tracker.get_slot(CONSENT_SLOT) is True,
        diagnosis_summary=diagnosis_summary(tracker),
    )


def idempotency_key(form: AppealForm) -> str:
    """A hash of the sender and the form values: a retried submit gets the same ticket."""
    return form.fingerprint()


class ActionSubmitAppeal(Action):
    """Files the confirmed appeal and tells the user the ticket number and next steps."""

    def name(self) -> str:
        return "action_submit_appeal"

    async def run(
        self,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: DomainDict,
    ) -> list[EventType]:
        if tracker.get_slot(CONFIRMED_SLOT) is not True:
            dispatcher.utter_message(response="utter_appeal_cancelled")
            return clear_form_slots()
        masked = masked_phone(tracker)
        try:
            form = build_form(tracker)
            result = await asyncio.to_thread(shared.ticket_store().submit_appeal, form, idempotency_key(form))
        except InvalidInputError as error:
            logger.error("appeal of %s rejected by the store: %s", tracker.sender_id, error)
            dispatcher.utter_message(response="utter_appeal_submit_failed")
            return clear_form_slots()
        except Exception:
            logger.exception("appeal of %s could not be filed", tracker.sender_id)
            dispatcher.utter_message(response="utter_appeal_submit_failed")
            return clear_form_slots()

        events = clear_form_slots()
        if result.outcome is SubmitOutcome.QUEUED or result.ticket is None:
            logger.warning("appeal of %s queued: the ticket database is unavailable", tracker.sender_id)
            dispatcher.utter_message(response="utter_appeal_queued", phone=masked)
            return events
        number = result.ticket.number
        if result.outcome is SubmitOutcome.EXISTING:
            dispatcher.utter_message(response="utter_appeal_already_submitted", number=number, phone=masked)
        else:
            dispatcher.utter_message(response="utter_appeal_submitted", number=number, phone=masked)
        logger.info("appeal of %s: ticket %s (%s)", tracker.sender_id, number, result.outcome.value)
        return [*events, SlotSet(TICKET_SLOT, number)]
