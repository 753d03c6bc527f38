"""Validation of the diagnosis form: each message read as the answer it most likely is.

A message sent while a question waits is an answer until proven otherwise:
a stated fact, the number asked for, or a yes/no in words fills
``diagnosis_answer`` whatever the NLU took it for; only a question of its
own or a wish to stop is left to the rules.
"""

from __future__ import annotations

from typing import Any

from rasa_sdk import FormValidationAction, Tracker
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.diagnosis import (
    MAX_QUESTIONS,
    asked_facts,
    checklist_due,
    evaluate,
    facts_in_message,
    is_checklist,
    known_facts,
    number_asked,
    question_for,
)
from actions.score import latest_stated_score
from actions.shared import (
    ANSWER_SLOT,
    FACTS_SLOT,
    PENDING_SLOT,
    REQUESTED_SLOT,
    SCORE_SLOT,
    engine,
    latest_intent,
    latest_text,
)
from eligibility import QuestionKind
from eligibility.answers import Answer, asks_or_stops, classify_answer
from jiebei_nlu.numbers import first_number

# Intents of messages that state something about the user.
STATEMENT_INTENTS = ("inform", "inform_score")

ANSWER_YES = Answer.YES.value
ANSWER_NO = Answer.NO.value
ANSWER_UNKNOWN = Answer.UNKNOWN.value


class ValidateDiagnosisForm(FormValidationAction):
    """Records each answer as facts and decides when to stop asking."""

    def name(self) -> str:
        return "validate_diagnosis_form"

    async def required_slots(
        self,
        domain_slots: list[str],
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: DomainDict,
    ) -> list[str]:
        if tracker.get_slot(ANSWER_SLOT) is not None or tracker.get_slot(PENDING_SLOT):
            # A question waiting for its answer: rasa-sdk extracts and
            # validates only the slots listed here, so list it even after the
            # last question.
            return domain_slots
        if len(asked_facts(tracker)) >= MAX_QUESTIONS:
            return []
        diagnosis = evaluate(tracker)
        if checklist_due(tracker, diagnosis):
            return domain_slots
        if diagnosis.decisive or diagnosis.next_fact is None:
            return []
        return domain_slots

    async def extract_diagnosis_answer(
        self,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: DomainDict,
    ) -> dict[str, Any]:
        """Reads the message as an answer to the pending question first.

        A message that states a fact, gives the number asked for, or answers
        a yes/no question in words ("没有其他欠款", "有两笔", "不太清楚") fills
        ``diagnosis_answer`` whatever the NLU took it for. Anything else fills
        nothing, so the form rejects its execution and the rules for an
        interruption (an FAQ, a handoff, stopping) take over.
        """
        pending = tracker.get_slot(PENDING_SLOT)
        if not pending or tracker.get_slot(REQUESTED_SLOT) != ANSWER_SLOT:
            return {}
        text = latest_text(tracker)
        intent = latest_intent(tracker)
        if asks_or_stops(text) and intent not in STATEMENT_INTENTS:
            # "逾期一天有影响吗" names a fact but asks about it: an interruption.
            return {}
        kind = question_for(pending).kind
        if engine().extract_facts(text) or latest_stated_score(tracker) is not None:
            return {ANSWER_SLOT: text}
        if number_asked(pending) is not None and first_number(text) is not None:
            return {ANSWER_SLOT: text}
        reads_replies = kind is QuestionKind.YES_NO and not is_checklist(pending)
        reply = engine().read_reply(pending, text) if reads_replies else None
        if reply is not None:
            return {ANSWER_SLOT: ANSWER_YES if reply else ANSWER_NO}
        answer = classify_answer(text)
        if answer is not None and (kind is QuestionKind.YES_NO or answer.value == ANSWER_UNKNOWN):
            return {ANSWER_SLOT: answer.value}
        if intent in STATEMENT_INTENTS:
            # A statement about oneself that the engine cannot read: still the
            # answer (validation says so and moves on), not an interruption.
            return {ANSWER_SLOT: text}
        return {}

    def validate_diagnosis_answer(
        self,
        value: Any,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: DomainDict,
    ) -> dict[str, Any]:
        """Turns the answer (是 / 不是 / 不知道 / free text) into facts.

        An answer that gives nothing usable is not asked again (that could
        loop): the user is told and the question is skipped like "不知道".
        """
        if value is None:
            return {}  # cleared by action_start_diagnosis, not answered
        pending = tracker.get_slot(PENDING_SLOT)
        found = facts_in_message(tracker, dispatcher, pending)
        if is_checklist(pending):
            if value == ANSWER_NO and not found:
                # "都没有": none of the rarer situations applies.
                found = dict(engine().checklist.none)  # type: ignore[union-attr]
        elif value in (ANSWER_YES, ANSWER_NO) and pending:
            if engine().question(pending).kind is QuestionKind.YES_NO:
                found.setdefault(pending, value == ANSWER_YES)
        score_clarified = latest_stated_score(tracker) is not None and SCORE_SLOT not in found
        if score_clarified and pending == SCORE_SLOT:
            # The stated score was impossible and the user was told; ask again.
            return {ANSWER_SLOT: None, PENDING_SLOT: pending}
        if not found and value != ANSWER_UNKNOWN and not score_clarified:
            dispatcher.utter_message(response="utter_diagnosis_answer_unclear")
        facts = known_facts(tracker)
        facts.update(found)
        return {ANSWER_SLOT: None, FACTS_SLOT: facts, PENDING_SLOT: None}
