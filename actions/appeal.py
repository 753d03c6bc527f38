"""Appeal (申诉) dialogue: the appeal form, submitting it, and status lookups.

``action_start_appeal`` clears the previous form values and pre-fills the
contested item from the diagnosis (slot ``appeal_context``); the form
``appeal_form`` then asks what is contested, a short description, a mobile
number (kept sealed between turns: ``security.sealed``) and consent, shows a
summary (phone masked) and waits for the confirmation;
``action_submit_appeal`` files it in the ticket store.

The ticket store is reached only through :func:`ticket_store`, built lazily on
first use; tests replace that function. Store calls block, so they run in a
worker thread. Phone numbers never reach a log in clear.
"""

from __future__ import annotations

import asyncio
import json
import logging
import re
from dataclasses import dataclass
from datetime import timedelta, timezone
from enum import Enum
from functools import lru_cache
from typing import Any

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.diagnosis import APPEAL_CONTEXT_SLOT, APPEAL_OFFERED_SLOT, DISPUTABLE_CAUSES, RESULT_SLOT
from eligibility import load_engine
from eligibility.answers import Answer, classify_answer, confirms
from jiebei_nlu.normalize import normalize_text
from security.display import as_literal
from security.pii import scrub_sensitive
from security.sealed import is_sealed, seal, unseal
from tickets import (
    AppealForm,
    InvalidInputError,
    StoreUnavailableError,
    SubmitOutcome,
    Ticket,
    TicketStatus,
    TicketStore,
    get_store,
    is_ticket_number,
    is_valid_mobile,
    mask_phone,
    normalize_mobile,
    normalize_ticket_number,
)

logger = logging.getLogger(__name__)

FORM_NAME = "appeal_form"
CONTESTED_SLOT = "appeal_contested"
DESCRIPTION_SLOT = "appeal_description"
PHONE_SLOT = "appeal_phone"
CONSENT_SLOT = "appeal_consent"
CONFIRMED_SLOT = "appeal_confirmed"
TICKET_SLOT = "appeal_ticket_number"
FORM_SLOTS = (CONTESTED_SLOT, DESCRIPTION_SLOT, PHONE_SLOT, CONSENT_SLOT, CONFIRMED_SLOT)

# Entities that buttons send: the contested cause id, and the field to correct.
CONTESTED_ENTITY = "appeal_contested"
FIELD_ENTITY = "appeal_field"

MIN_CONTESTED_CHARS = 2
MAX_CONTESTED_CHARS = 60
MIN_DESCRIPTION_CHARS = 5
MAX_DESCRIPTION_CHARS = 300
MAX_TICKETS_SHOWN = 5
DIAGNOSIS_SUMMARY_LIMIT = 1000

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
DENY_INTENT = "deny"

# Mainland China has no daylight saving time: dates are shown in UTC+8.
CHINA_TIME = timezone(timedelta(hours=8))

# A typed correction at the summary names a change and a field ("改一下手机号").
_CHANGE_WORDS = re.compile(r"改|换|更正|重填|重新|重写|写错|填错|输错|打错|选错|弄错|搞错|不对|有误")
_FIELD_WORDS = (
    (PHONE_SLOT, re.compile(r"手机|电话|号码|联系方式")),
    (DESCRIPTION_SLOT, re.compile(r"描述|说明|情况|经过")),
    (CONTESTED_SLOT, re.compile(r"申诉(事项|项目|内容|的是|哪)|事项|项目|原因")),
)

# Ticket numbers as typed: "JB7K3M9Q", "jb 7k3-m9q".
_TICKET_CANDIDATE = re.compile(r"(?<![0-9a-z])jb(?:[\s\-_.]*[0-9a-z]){6}(?![0-9a-z])", re.IGNORECASE)

# Digit runs with the separators people type inside phone numbers.
_DIGIT_RUN = re.compile(r"\+?\d(?:[\s\-()]*\d)*")

class PhoneProblem(str, Enum):
    """Why a typed phone number was refused."""

    NO_DIGITS = "no_digits"
    WRONG_LENGTH = "wrong_length"
    NOT_MOBILE = "not_mobile"


PHONE_PROBLEM_RESPONSES = {
    PhoneProblem.NO_DIGITS: "utter_appeal_phone_no_digits",
    PhoneProblem.WRONG_LENGTH: "utter_appeal_phone_wrong_length",
    PhoneProblem.NOT_MOBILE: "utter_appeal_phone_not_mobile",
}


@dataclass(frozen=True)
class PhoneCheck:
    """The outcome of reading a mobile number from a message.

    Attributes:
        number: The 11-digit number, or None when it was refused.
        problem: Why it was refused, or None.
        digit_count: Digits found in the longest run (for the message).
    """

    number: str | None
    problem: PhoneProblem | None = None
    digit_count: int = 0


def ticket_store() -> TicketStore:
    """Returns the process-wide ticket store (tests replace this function)."""
    return get_store()


def read_mobile(text: str) -> PhoneCheck:
    """Reads a mainland mobile number from a message such as "我的手机号138-1234-5678".

    Args:
        text: The message text.

    Returns:
        The number, or why none could be accepted.
    """
    runs = [normalize_mobile(run) for run in _DIGIT_RUN.findall(text or "")]
    runs = [run.lstrip("+") for run in runs if run]
    for run in runs:
        if is_valid_mobile(run):
            return PhoneCheck(number=run)
    if not runs:
        return PhoneCheck(number=None, problem=PhoneProblem.NO_DIGITS)
    longest = max(runs, key=len)
    if len(longest) != 11:
        return PhoneCheck(number=None, problem=PhoneProblem.WRONG_LENGTH, digit_count=len(longest))
    return PhoneCheck(number=None, problem=PhoneProblem.NOT_MOBILE, digit_count=11)


def find_ticket_number(text: str) -> str | None:
    """Finds a ticket number written in any common way ("jb 7k3-m9q").

    Args:
        text: The message text.

    Returns:
        The canonical spelling of the first "JB" + six characters found (it
        may still be malformed: check it with ``is_ticket_number``), or None.
    """
    match = _TICKET_CANDIDATE.search(text or "")
    return normalize_ticket_number(match.group(0)) if match else None


@lru_cache(maxsize=1)
def _cause_labels() -> dict[str, str]:
    engine = load_engine()
    order = {cause_id: index for index, cause_id in enumerate(engine.cause_ids)}
    results = sorted(engine.evaluate({}).causes, key=lambda result: order[result.cause_id])
    return {result.cause_id: result.label for result in results}


@lru_cache(maxsize=1)
def _appealable_cause_ids() -> tuple[str, ...]:
    engine = load_engine()
    causes = {result.cause_id: result.cause for result in engine.evaluate({}).causes}
    return tuple(
        cause_id
        for cause_id in engine.cause_ids
        if causes[cause_id].appeal_recommended or causes[cause_id].appeal_if_disputed
    )


def cause_label(cause_id: str) -> str | None:
    """Returns the Chinese label of a cause id, None for an unknown id."""
    return _cause_labels().get(cause_id)


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
    for cause_id, label in _cause_labels().items():
        if label in text:
            return cause_id
    mentioned = load_engine().extract_facts(text)
    return next((cause for fact, cause in DISPUTABLE_CAUSES.items() if fact in mentioned), None)


def clear_form_slots() -> list[EventType]:
    """Events that forget every value of the appeal form (the phone included)."""
    return [SlotSet(slot, None) for slot in FORM_SLOTS]


def diagnosis_summary(tracker: Tracker) -> str:
    """A short, PII-free summary of the diagnosis for the staff: causes and facts."""
    result = tracker.get_slot(RESULT_SLOT) or {}
    if not isinstance(result, dict):
        return ""
    causes = ",".join(str(cause) for cause in result.get("causes") or [])
    facts = result.get("facts") or {}
    known = ",".join(f"{name}={value}" for name, value in sorted(facts.items())) if isinstance(facts, dict) else ""
    summary = f"causes={causes or '-'}; facts={known or '-'}"
    return summary[:DIAGNOSIS_SUMMARY_LIMIT]


def masked_phone(tracker: Tracker) -> str:
    """The appeal phone number as the user may see it again ("138****5678")."""
    return mask_phone(unseal(tracker.get_slot(PHONE_SLOT)))


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


def _latest_intent(tracker: Tracker) -> str | None:
    return (tracker.latest_message.get("intent") or {}).get("name")


def _latest_text(tracker: Tracker) -> str:
    return tracker.latest_message.get("text") or ""


def _says_yes(tracker: Tracker) -> bool:
    """The summary is confirmed: the button, or a yes in words."""
    return _latest_intent(tracker) == AFFIRM_INTENT or confirms(normalize_text(_latest_text(tracker)))


def requested_correction(tracker: Tracker) -> str | None:
    """The form slot the user wants to change at the summary, if any.

    A summary button sends the slot name as entity ``appeal_field``; a typed
    request ("改一下手机号") is recognised by the field it names.
    """
    for value in tracker.get_latest_entity_values(FIELD_ENTITY):
        if value in (CONTESTED_SLOT, DESCRIPTION_SLOT, PHONE_SLOT):
            return str(value)
    text = _latest_text(tracker)
    if text.startswith("/") or not _CHANGE_WORDS.search(text):
        return None
    for slot, words in _FIELD_WORDS:
        if words.search(text):
            return slot
    return None


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
            for cause_id in _appealable_cause_ids()
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


class ValidateAppealForm(FormValidationAction):
    """Checks each answer of the appeal form; never keeps a secret or a bad number."""

    def name(self) -> str:
        return "validate_appeal_form"

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
            value = {Answer.YES: True, Answer.NO: False}.get(classify_answer(normalize_text(value)), value)
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
        if tracker.get_slot("requested_slot") != CONFIRMED_SLOT:
            return {}
        text = _latest_text(tracker)
        if requested_correction(tracker) is not None or _says_yes(tracker):
            return {CONFIRMED_SLOT: text}
        if _latest_intent(tracker) in INTERRUPTING_INTENTS:
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
        if _says_yes(tracker):
            return {CONFIRMED_SLOT: True}
        dispatcher.utter_message(response="utter_appeal_confirm_unclear")
        return {CONFIRMED_SLOT: None}


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
            result = await asyncio.to_thread(ticket_store().submit_appeal, form, idempotency_key(form))
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


def _status_message(ticket: Ticket) -> dict[str, Any]:
    """The response and its values that describe one ticket."""
    if ticket.status is TicketStatus.RESOLVED:
        response = "utter_appeal_status_resolved" if ticket.resolution_note else "utter_appeal_status_resolved_no_note"
    elif ticket.status is TicketStatus.IN_REVIEW:
        response = "utter_appeal_status_in_review"
    else:
        response = "utter_appeal_status_submitted"
    return {
        "response": response,
        "number": ticket.number,
        "contested": contested_display(ticket.contested_cause_id or ticket.contested_text),
        "created": ticket.created_at.astimezone(CHINA_TIME).strftime("%Y-%m-%d"),
        "resolution": as_literal(ticket.resolution_note or ""),
    }


class ActionCheckAppealStatus(Action):
    """Shows the status of the user's own tickets; another sender's ticket is 'not found'."""

    def name(self) -> str:
        return "action_check_appeal_status"

    async def run(
        self,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: DomainDict,
    ) -> list[EventType]:
        number = find_ticket_number(_latest_text(tracker))
        if number is not None and not is_ticket_number(number):
            dispatcher.utter_message(response="utter_appeal_status_bad_number", number=number)
            return []
        try:
            store = ticket_store()
            if number is not None:
                ticket = await asyncio.to_thread(store.get_ticket, number, tracker.sender_id)
                tickets = [] if ticket is None else [ticket]
            else:
                tickets = await asyncio.to_thread(store.list_tickets, tracker.sender_id)
        except StoreUnavailableError:
            logger.warning("status lookup for %s failed: the ticket database is unavailable", tracker.sender_id)
            dispatcher.utter_message(response="utter_appeal_status_unavailable")
            return []
        except Exception:
            logger.exception("status lookup for %s failed", tracker.sender_id)
            dispatcher.utter_message(response="utter_appeal_status_unavailable")
            return []

        if number is not None and not tickets:
            logger.info("status lookup by %s: %s not found", tracker.sender_id, number)
            dispatcher.utter_message(response="utter_appeal_status_not_found", number=number)
            return []
        if not tickets:
            dispatcher.utter_message(response="utter_appeal_status_none")
            return [SlotSet(APPEAL_OFFERED_SLOT, True)]
        if len(tickets) > 1:
            dispatcher.utter_message(
                response="utter_appeal_status_list_header",
                count=len(tickets),
                shown=min(len(tickets), MAX_TICKETS_SHOWN),
            )
        for ticket in tickets[:MAX_TICKETS_SHOWN]:
            dispatcher.utter_message(**_status_message(ticket))
        logger.info("status lookup by %s: %d ticket(s) shown", tracker.sender_id, min(len(tickets), MAX_TICKETS_SHOWN))
        return []
