"""Diagnosis dialogue: why 借呗 cannot be opened or was closed.

Slots -> facts -> eligibility engine -> responses + ``SlotSet`` events. The
engine decides which question matters next; the form ``diagnosis_form`` asks
it through ``action_ask_diagnosis_answer`` and stops when the engine has a
decisive cause, nothing would change the ranking, or ``MAX_QUESTIONS`` have
been asked (its validation is in ``diagnosis_form``). Once the ordinary
questions have not settled it, the engine's checklist
(``eligibility/data/checklist.yml``) names the rarer situations in one
question, answered in words ("我还是学生") or with "都没有".
"""

from __future__ import annotations

import logging
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.score import accept_score, latest_stated_score
from actions.shared import (
    ANSWER_SLOT,
    APPEAL_CONTEXT_SLOT,
    APPEAL_OFFERED_SLOT,
    ASKED_SLOT,
    FACTS_SLOT,
    MODE_SLOT,
    PENDING_SLOT,
    REPEATS_SLOT,
    RESULT_SLOT,
    SCORE_SLOT,
    DiagnosisResult,
    engine,
    latest_intent,
    latest_text,
)
from eligibility import CHECKLIST_FACT, CauseStatus, Diagnosis, Question, QuestionKind
from eligibility.answers import calls_score_high
from jiebei_nlu.numbers import first_number, mentions_score

logger = logging.getLogger(__name__)

MAX_QUESTIONS = 6
# A question is asked at most this many times more after its first asking.
MAX_REPEATS = 1
MAX_CAUSES_EXPLAINED = 3
HIGH_SCORE = 650
CLOSED_INTENT = "ask_jiebei_closed"


def question_for(fact: str) -> Question:
    """The question about a fact, or the checklist question."""
    checklist = engine().checklist
    if checklist is not None and fact == CHECKLIST_FACT:
        return checklist.question
    return engine().question(fact)


def checklist_due(tracker: Tracker, diagnosis: Diagnosis) -> bool:
    """The checklist is asked once, when ordinary questions have not settled the diagnosis.

    That is after ``after`` questions, or earlier when the engine has nothing
    left to ask, and only while one of its facts is still unknown.
    """
    checklist = engine().checklist
    asked = asked_facts(tracker)
    if checklist is None or CHECKLIST_FACT in asked or diagnosis.decisive:
        return False
    if len(asked) < checklist.after and diagnosis.next_fact is not None:
        return False
    facts = known_facts(tracker)
    return any(fact not in facts and fact not in asked for fact in checklist.facts)


def is_checklist(fact: str | None) -> bool:
    return fact == CHECKLIST_FACT and engine().checklist is not None


def known_facts(tracker: Tracker) -> dict[str, Any]:
    """Returns the facts gathered so far in this diagnosis."""
    return dict(tracker.get_slot(FACTS_SLOT) or {})


def asked_facts(tracker: Tracker) -> list[str]:
    """Returns the facts already asked about, in order."""
    return list(tracker.get_slot(ASKED_SLOT) or [])


def evaluate(tracker: Tracker) -> Diagnosis:
    """Runs the engine on the conversation's facts, skipping asked facts."""
    return engine().evaluate(known_facts(tracker), skip=asked_facts(tracker))


def facts_in_message(tracker: Tracker, dispatcher: CollectingDispatcher, pending: str | None = None) -> dict[str, Any]:
    """Extracts facts from the latest user message.

    The score comes from the ``zhima_score`` entity and is used only when it
    is a real 芝麻分; otherwise the user is told and it is left out. When the
    pending question asks for another number (the age), a bare number
    answers it and is not taken for a score.

    Args:
        tracker: The conversation.
        dispatcher: Where score clarifications go.
        pending: The fact the last question asked for, if any.

    Returns:
        Facts by name.
    """
    text = latest_text(tracker)
    found = engine().extract_facts(text)
    found.pop(SCORE_SLOT, None)
    number_fact = number_asked(pending)
    if number_fact is not None:
        number = first_number(text)
        if number is not None and number_fact not in found:
            found[number_fact] = number
        if not mentions_score(text):
            return found
    score = latest_stated_score(tracker)
    if score is not None and accept_score(score, dispatcher):
        found[SCORE_SLOT] = score
    return found


def number_asked(pending: str | None) -> str | None:
    """The number fact (other than the score) a bare number answers now, if any."""
    if not pending or pending == SCORE_SLOT:
        return None
    if is_checklist(pending):
        return engine().checklist.number_fact  # type: ignore[union-attr]
    return pending if engine().question(pending).kind is QuestionKind.NUMBER else None


def claims_high_score(tracker: Tracker, facts: dict[str, Any]) -> bool:
    """True when the user says or shows that their score is high."""
    score = facts.get(SCORE_SLOT)
    if isinstance(score, int) and score >= HIGH_SCORE:
        return True
    return calls_score_high(latest_text(tracker))


def cause_text(domain: DomainDict, rank: int, label: str, explanation: str, advice: str, status: CauseStatus) -> str:
    """One explained cause, written with the domain's template for its status."""
    name = "utter_diagnosis_cause_matched" if status is CauseStatus.MATCHED else "utter_diagnosis_cause_possible"
    template = domain["responses"][name][0]["text"]
    return template.format(rank=rank, label=label, explanation=explanation, advice=advice)


class ActionStartDiagnosis(Action):
    """Starts (or restarts) a diagnosis with the facts the user already gave."""

    def name(self) -> str:
        return "action_start_diagnosis"

    async def run(
        self,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: DomainDict,
    ) -> list[EventType]:
        closed = latest_intent(tracker) == CLOSED_INTENT
        facts = facts_in_message(tracker, dispatcher)
        earlier_score = tracker.get_slot(SCORE_SLOT)
        if SCORE_SLOT not in facts and earlier_score is not None:
            facts[SCORE_SLOT] = int(earlier_score)
        if closed:
            facts["had_jiebei_before"] = True

        dispatcher.utter_message(response="utter_closed_intro" if closed else "utter_diagnosis_intro")
        if not closed and claims_high_score(tracker, facts):
            dispatcher.utter_message(response="utter_score_only_one_factor")
        logger.info("diagnosis started for %s with facts %s", tracker.sender_id, sorted(facts))
        return [
            SlotSet(MODE_SLOT, "closed" if closed else "cannot_open"),
            SlotSet(FACTS_SLOT, facts),
            SlotSet(ASKED_SLOT, []),
            SlotSet(PENDING_SLOT, None),
            SlotSet(REPEATS_SLOT, 0),
            SlotSet(ANSWER_SLOT, None),
            SlotSet(RESULT_SLOT, None),
            SlotSet(APPEAL_OFFERED_SLOT, False),
        ]


class ActionAskDiagnosisAnswer(Action):
    """Asks the question the engine says matters most now."""

    def name(self) -> str:
        return "action_ask_diagnosis_answer"

    async def run(
        self,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: DomainDict,
    ) -> list[EventType]:
        # A question interrupted (an FAQ in between) is asked again once; a
        # second miss skips it (the engine then treats the fact as unknown).
        fact = tracker.get_slot(PENDING_SLOT)
        repeats = int(tracker.get_slot(REPEATS_SLOT) or 0)
        skipped = fact is not None and repeats >= MAX_REPEATS
        if skipped:
            fact, repeats = None, 0
        elif fact is not None:
            repeats += 1
        if fact is None:
            diagnosis = evaluate(tracker)
            fact = CHECKLIST_FACT if checklist_due(tracker, diagnosis) else diagnosis.next_fact
            repeats = 0
        if fact is None:
            if skipped:
                dispatcher.utter_message(response="utter_diagnosis_question_skipped")
            return [SlotSet(PENDING_SLOT, None), SlotSet(REPEATS_SLOT, 0)]
        question = question_for(fact)
        buttons = [{"title": title, "payload": payload} for title, payload in question.buttons]
        if skipped:
            # One message: the skip and the next question together.
            dispatcher.utter_message(
                response="utter_diagnosis_next_after_skip", question=question.text, buttons=buttons
            )
        else:
            dispatcher.utter_message(text=question.text, buttons=buttons)
        asked = asked_facts(tracker)
        if fact not in asked:
            asked.append(fact)
        return [SlotSet(PENDING_SLOT, fact), SlotSet(ASKED_SLOT, asked), SlotSet(REPEATS_SLOT, repeats)]


class ActionExplainDiagnosis(Action):
    """Explains up to three likely causes, most likely first."""

    def name(self) -> str:
        return "action_explain_diagnosis"

    async def run(
        self,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: DomainDict,
    ) -> list[EventType]:
        diagnosis = engine().evaluate(known_facts(tracker))
        causes = diagnosis.top(MAX_CAUSES_EXPLAINED)
        if not causes:
            dispatcher.utter_message(response="utter_diagnosis_nothing_found")
        else:
            # One message for all causes (a turn sends at most three), each
            # written with its template from the domain; single line breaks,
            # since channels split a text into messages at blank lines.
            lines = [
                cause_text(domain, rank, cause.label, cause.explanation, cause.advice, cause.status)
                for rank, cause in enumerate(causes, start=1)
            ]
            dispatcher.utter_message(
                response="utter_diagnosis_result", causes="\n".join(lines), labels=[c.label for c in causes]
            )

        result: DiagnosisResult = {
            "causes": [cause.cause_id for cause in causes],
            "facts": known_facts(tracker),
        }
        events: list[EventType] = [
            SlotSet(RESULT_SLOT, result),
            SlotSet(PENDING_SLOT, None),
        ]
        if diagnosis.appeal_recommended:
            dispatcher.utter_message(response="utter_offer_appeal")
            events += [
                SlotSet(APPEAL_OFFERED_SLOT, True),
                SlotSet(APPEAL_CONTEXT_SLOT, causes[0].cause_id),
            ]
        logger.info("diagnosis for %s: %s", tracker.sender_id, ",".join(result["causes"]) or "-")
        return events
