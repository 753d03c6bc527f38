"""Diagnosis dialogue: why 借呗 cannot be opened or was closed.

Slots -> facts -> eligibility engine -> responses + ``SlotSet`` events. The
engine decides which question matters next; the form ``diagnosis_form`` asks
it through ``action_ask_diagnosis_answer`` and stops when the engine has a
decisive cause, nothing would change the ranking, or ``MAX_QUESTIONS`` have
been asked. Once the ordinary questions have not settled it, the engine's
checklist (``eligibility/data/checklist.yml``) names the rarer situations in
one question, answered in words ("我还是学生") or with "都没有".
"""

from __future__ import annotations

import logging
import re
from typing import Any

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.score import accept_score, latest_stated_score
from eligibility import CHECKLIST_FACT, CauseStatus, Diagnosis, Engine, Question, QuestionKind, load_engine
from eligibility.answers import asks_or_stops, classify_answer
from jiebei_nlu.normalize import normalize_text
from jiebei_nlu.numbers import parse_number

logger = logging.getLogger(__name__)

MAX_QUESTIONS = 6
# A question is asked at most this many times more after its first asking.
MAX_REPEATS = 1
MAX_CAUSES_EXPLAINED = 3
HIGH_SCORE = 650
CLOSED_INTENT = "ask_jiebei_closed"

_NUMBER = re.compile(r"\d+|[零一二两三四五六七八九十百]+")
_SCORE_CUE = re.compile(r"芝麻|信用分|分数")

# A user who calls their score high without giving it ("芝麻分挺高的").
_HIGH_SCORE_CLAIM = re.compile(r"(芝麻分|芝麻信用|信用分|分数?)[^,，。!！?？]{0,4}(高|不低|不错|很好|挺好)")

FACTS_SLOT = "diagnosis_facts"
ASKED_SLOT = "diagnosis_asked"
PENDING_SLOT = "diagnosis_pending_fact"
ANSWER_SLOT = "diagnosis_answer"
REPEATS_SLOT = "diagnosis_repeats"
MODE_SLOT = "diagnosis_mode"
RESULT_SLOT = "diagnosis_result"
APPEAL_OFFERED_SLOT = "appeal_offered"
APPEAL_CONTEXT_SLOT = "appeal_context"

# Records a user may dispute, by the fact their message mentions.
DISPUTABLE_CAUSES = {
    "has_overdue": "OVERDUE_RECORD",
    "account_risk_warning": "ACCOUNT_RISK",
}

# Intents of messages that state something about the user.
STATEMENT_INTENTS = ("inform", "inform_score")

ANSWER_YES = "yes"
ANSWER_NO = "no"
ANSWER_UNKNOWN = "unknown"


def engine() -> Engine:
    """Returns the eligibility engine, loaded on first use."""
    return load_engine()


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
    text = normalize_text(tracker.latest_message.get("text") or "")
    found = engine().extract_facts(text)
    found.pop("zhima_score", None)
    number_fact = _number_asked(pending)
    if number_fact is not None:
        number = _first_number(text)
        if number is not None and number_fact not in found:
            found[number_fact] = number
        if not _SCORE_CUE.search(text):
            return found
    score = latest_stated_score(tracker)
    if score is not None and accept_score(score, dispatcher):
        found["zhima_score"] = score
    return found


def _number_asked(pending: str | None) -> str | None:
    """The number fact (other than the score) a bare number answers now, if any."""
    if not pending or pending == "zhima_score":
        return None
    if is_checklist(pending):
        return engine().checklist.number_fact  # type: ignore[union-attr]
    return pending if engine().question(pending).kind is QuestionKind.NUMBER else None


def _first_number(text: str) -> int | None:
    """The first number written in the text, in digits or Chinese numerals."""
    match = _NUMBER.search(text)
    parsed = parse_number(match.group(0)) if match else None
    return parsed.value if parsed else None


def claims_high_score(tracker: Tracker, facts: dict[str, Any]) -> bool:
    """True when the user says or shows that their score is high."""
    score = facts.get("zhima_score")
    if isinstance(score, int) and score >= HIGH_SCORE:
        return True
    text = normalize_text(tracker.latest_message.get("text") or "")
    return bool(_HIGH_SCORE_CLAIM.search(text))


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
        closed = (tracker.latest_message.get("intent") or {}).get("name") == CLOSED_INTENT
        facts = facts_in_message(tracker, dispatcher)
        earlier_score = tracker.get_slot("zhima_score")
        if "zhima_score" not in facts and earlier_score is not None:
            facts["zhima_score"] = int(earlier_score)
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
        if not pending or tracker.get_slot("requested_slot") != ANSWER_SLOT:
            return {}
        text = normalize_text(tracker.latest_message.get("text") or "")
        intent = (tracker.latest_message.get("intent") or {}).get("name")
        if asks_or_stops(text) and intent not in STATEMENT_INTENTS:
            # "逾期一天有影响吗" names a fact but asks about it: an interruption.
            return {}
        kind = question_for(pending).kind
        if engine().extract_facts(text) or latest_stated_score(tracker) is not None:
            return {ANSWER_SLOT: text}
        if _number_asked(pending) is not None and _first_number(text) is not None:
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
        score_clarified = latest_stated_score(tracker) is not None and "zhima_score" not in found
        if score_clarified and pending == "zhima_score":
            # The stated score was impossible and the user was told; ask again.
            return {ANSWER_SLOT: None, PENDING_SLOT: pending}
        if not found and value != ANSWER_UNKNOWN and not score_clarified:
            dispatcher.utter_message(response="utter_diagnosis_answer_unclear")
        facts = known_facts(tracker)
        facts.update(found)
        return {ANSWER_SLOT: None, FACTS_SLOT: facts, PENDING_SLOT: None}


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

        result = {
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
        text = normalize_text(tracker.latest_message.get("text") or "")
        mentioned = engine().extract_facts(text)
        contested = next(
            (cause for fact, cause in DISPUTABLE_CAUSES.items() if fact in mentioned),
            None,
        )
        if contested is None:
            result = tracker.get_slot(RESULT_SLOT) or {}
            causes = result.get("causes") or []
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
