"""Validation of the appeal form: each answer checked, never a secret or a bad number kept.

The summary slot is read by ``extract_appeal_confirmed`` before the rules see
the message: a correction in words ("改一下手机号") or a yes in words
("信息没错 提交吧") answers the summary whatever the NLU took it for.
"""

from __future__ import annotations

import logging
import re
from typing import Any

from rasa_sdk import FormValidationAction, Tracker
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions import shared
from actions.appeal import MAX_DESCRIPTION_CHARS, MIN_DESCRIPTION_CHARS, cause_label, contested_cause_from_text
from actions.shared import CONFIRMED_SLOT, CONSENT_SLOT, CONTESTED_SLOT, DESCRIPTION_SLOT, PHONE_SLOT, REQUESTED_SLOT
from eligibility.answers import Answer, asks_or_stops, classify_answer, confirms, requested_field
from jiebei_nlu.normalize import normalize_text
from security.pii import scrub_sensitive
from security.sealed import is_sealed, seal, unseal
from tickets import PhoneProblem, mask_phone, read_mobile

logger = logging.getLogger(__name__)

# The entity a summary button sends: the slot to correct.
FIELD_ENTITY = "appeal_field"
# The slot each field named in a typed correction stands for.
FIELD_SLOTS = {"phone": PHONE_SLOT, "description": DESCRIPTION_SLOT, "contested": CONTESTED_SLOT}

MIN_CONTESTED_CHARS = 2
MAX_CONTESTED_CHARS = 60

AFFIRM_INTENT = "affirm"
# Intents that interrupt the appeal form instead of answering it: the
# not_intent list of the form's text slots in domain.yml (a test keeps both in
# step).
INTERRUPTING_INTENTS = frozenset(
    {
        "faq",
        "cancel_appeal",
        "stop_diagnosis",
        "human_handoff",
        "report_fraud",
        "bereavement_debt",
        "collection_harassment",
        "repayment_distress",
        "goodbye",
        "check_appeal_status",
    }
)

PHONE_PROBLEM_RESPONSES = {
    PhoneProblem.NO_DIGITS: "utter_appeal_phone_no_digits",
    PhoneProblem.WRONG_LENGTH: "utter_appeal_phone_wrong_length",
    PhoneProblem.NOT_MOBILE: "utter_appeal_phone_not_mobile",
}


def says_yes(tracker: Tracker) -> bool:
    """The summary is confirmed: the button, or a yes in words."""
    return shared.latest_intent(tracker) == AFFIRM_INTENT or confirms(shared.latest_text(tracker))


def requested_correction(tracker: Tracker) -> str | None:
    """The form slot the user wants to change at the summary, if any.

    A summary button sends the slot name as entity ``appeal_field``; a typed
    request ("改一下手机号") is recognised by the field it names.
    """
    for value in tracker.get_latest_entity_values(FIELD_ENTITY):
        if value in FIELD_SLOTS.values():
            return str(value)
    field = requested_field(shared.latest_text(tracker))
    return FIELD_SLOTS[field] if field else None


class ValidateAppealForm(FormValidationAction):
    """Checks each answer of the appeal form; never keeps a secret or a bad number."""

    def name(self) -> str:
        return "validate_appeal_form"

    async def extract_appeal_contested(
        self,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: DomainDict,
    ) -> dict[str, Any]:
        """Reads the message at the item question as its answer first.

        A topic button's item, or words that name a cause ("逾期记录", which
        the NLU may take for the overdue FAQ), answer the question whatever
        the NLU said. Otherwise an interrupting intent fills nothing, so the
        form rejects its turn and the rules answer it; anything else is the
        item in the user's words, for the validator to judge.
        """
        if tracker.get_slot(REQUESTED_SLOT) != CONTESTED_SLOT:
            return {}
        chosen = next(tracker.get_latest_entity_values(CONTESTED_SLOT), None)
        if chosen:
            return {CONTESTED_SLOT: chosen}
        text = shared.latest_text(tracker)
        if contested_cause_from_text(text):
            return {CONTESTED_SLOT: text}
        if shared.latest_intent(tracker) in INTERRUPTING_INTENTS:
            return {}
        return {CONTESTED_SLOT: text}

    def validate_appeal_contested(
        self,
        value: Any,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: DomainDict,
    ) -> dict[str, Any]:
        """Accepts a cause id (button or diagnosis) or a short text naming the item."""
        if value is None:
            return {CONTESTED_SLOT: None}  # cleared by an action, not answered
        text = str(value or "").strip()
        if cause_label(text):
            return {CONTESTED_SLOT: text}
        scrubbed = scrub_sensitive(text)
        if scrubbed.found:
            dispatcher.utter_message(response="utter_appeal_sensitive_removed")
        text = scrubbed.text.strip()
        cause_id = contested_cause_from_text(text)
        if cause_id:
            return {CONTESTED_SLOT: cause_id}
        if len(text) < MIN_CONTESTED_CHARS or len(text) > MAX_CONTESTED_CHARS:
            dispatcher.utter_message(response="utter_appeal_contested_invalid", max_chars=MAX_CONTESTED_CHARS)
            return {CONTESTED_SLOT: None}
        return {CONTESTED_SLOT: text}

    async def extract_appeal_description(
        self,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: DomainDict,
    ) -> dict[str, Any]:
        """Reads the message at the description question as its answer first.

        A statement is the description even when the NLU took it for an FAQ
        (people describe their repayments in FAQ words); an FAQ that asks
        something back ("逾期会影响征信吗") or any other interrupting intent
        fills nothing, so the form rejects its turn and the rules answer it.
        """
        if tracker.get_slot(REQUESTED_SLOT) != DESCRIPTION_SLOT:
            return {}
        text = shared.latest_text(tracker)
        intent = shared.latest_intent(tracker)
        if intent in INTERRUPTING_INTENTS and (intent != "faq" or asks_or_stops(text)):
            return {}
        return {DESCRIPTION_SLOT: text}

    def validate_appeal_description(
        self,
        value: Any,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: DomainDict,
    ) -> dict[str, Any]:
        """Masks secrets, then enforces the length limits."""
        if value is None:
            return {DESCRIPTION_SLOT: None}  # cleared by an action, not answered
        scrubbed = scrub_sensitive(str(value or "").strip())
        if scrubbed.found:
            dispatcher.utter_message(response="utter_appeal_sensitive_removed")
            logger.info(
                "masked %s in the appeal description of %s",
                ",".join(sorted(kind.value for kind in scrubbed.found)),
                tracker.sender_id,
            )
        text = scrubbed.text.strip()
        meaningful = len(re.sub(r"[\s*]", "", text))
        if meaningful < MIN_DESCRIPTION_CHARS:
            dispatcher.utter_message(response="utter_appeal_description_too_short", min_chars=MIN_DESCRIPTION_CHARS)
            return {DESCRIPTION_SLOT: None}
        if len(text) > MAX_DESCRIPTION_CHARS:
            dispatcher.utter_message(
                response="utter_appeal_description_too_long", max_chars=MAX_DESCRIPTION_CHARS, length=len(text)
            )
            return {DESCRIPTION_SLOT: None}
        return {DESCRIPTION_SLOT: text}

    def validate_appeal_phone(
        self,
        value: Any,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: DomainDict,
    ) -> dict[str, Any]:
        """Keeps an 11-digit mainland mobile number; says why anything else is refused."""
        if value is None:
            return {PHONE_SLOT: None}  # cleared by an action, not answered
        if is_sealed(value):
            # Already accepted on an earlier turn: keep it if it still opens.
            return {PHONE_SLOT: value if unseal(value) else None}
        check = read_mobile(str(value or ""))
        if check.number is not None:
            logger.info("appeal phone accepted for %s: %s", tracker.sender_id, mask_phone(check.number))
            # The tracker store keeps only the sealed number; the ticket store gets it in clear.
            return {PHONE_SLOT: seal(check.number)}
        problem = check.problem or PhoneProblem.NO_DIGITS
        dispatcher.utter_message(response=PHONE_PROBLEM_RESPONSES[problem], count=check.digit_count)
        logger.info("appeal phone refused for %s (%s)", tracker.sender_id, problem.value)
        return {PHONE_SLOT: None}

    def validate_appeal_consent(
        self,
        value: Any,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: DomainDict,
    ) -> dict[str, Any]:
        """Only a yes is accepted: without consent nothing may be stored."""
        if value is None:
            return {CONSENT_SLOT: None}  # cleared by an action, not answered
        if isinstance(value, str):
            # Typed instead of clicked: "同意", "可以", "不同意".
            answer = classify_answer(normalize_text(value))
            value = True if answer is Answer.YES else False if answer is Answer.NO else value
        if value is True:
            return {CONSENT_SLOT: True}
        if value is False:
            dispatcher.utter_message(response="utter_appeal_consent_required")
        else:
            dispatcher.utter_message(response="utter_appeal_consent_unclear")
        return {CONSENT_SLOT: None}

    async def extract_appeal_confirmed(
        self,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: DomainDict,
    ) -> dict[str, Any]:
        """Reads the message at the summary as its answer first.

        A correction naming a field ("改手机号", which the NLU may take for an
        FAQ about phone numbers) or a yes answers the summary whatever the
        NLU said. Otherwise an interrupting intent fills nothing, so the form
        rejects its turn and the rules answer it; anything else is an answer
        the validator does not understand.
        """
        if tracker.get_slot(REQUESTED_SLOT) != CONFIRMED_SLOT:
            return {}
        text = shared.latest_text(tracker)
        if requested_correction(tracker) is not None or says_yes(tracker):
            return {CONFIRMED_SLOT: text}
        if shared.latest_intent(tracker) in INTERRUPTING_INTENTS:
            return {}
        return {CONFIRMED_SLOT: text}

    def validate_appeal_confirmed(
        self,
        value: Any,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: DomainDict,
    ) -> dict[str, Any]:
        """A yes submits; naming a field re-asks that field; anything else shows the summary again."""
        if value is None:
            return {CONFIRMED_SLOT: None}  # cleared by an action, not answered
        field = requested_correction(tracker)
        if field is not None:
            dispatcher.utter_message(response="utter_appeal_correct_field")
            return {field: None, CONFIRMED_SLOT: None}
        if says_yes(tracker):
            return {CONFIRMED_SLOT: True}
        dispatcher.utter_message(response="utter_appeal_confirm_unclear")
        return {CONFIRMED_SLOT: None}
