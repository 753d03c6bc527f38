"""What more than one action module needs: slot names, services, the latest message.

Services are built lazily on first use and reached only through the functions
here, so that tests replace one function (``shared.ticket_store``) and every
action sees the replacement.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any, TypedDict

from rasa_sdk import Tracker

from eligibility import Engine, load_engine
from jiebei_nlu.normalize import normalize_text
from tickets import TicketStore, get_store

# Diagnosis (diagnosis_form).
FACTS_SLOT = "diagnosis_facts"
ASKED_SLOT = "diagnosis_asked"
PENDING_SLOT = "diagnosis_pending_fact"
ANSWER_SLOT = "diagnosis_answer"
REPEATS_SLOT = "diagnosis_repeats"
MODE_SLOT = "diagnosis_mode"
RESULT_SLOT = "diagnosis_result"
SCORE_SLOT = "zhima_score"

# Appeal (appeal_form), and the bridge from the diagnosis to it.
APPEAL_OFFERED_SLOT = "appeal_offered"
APPEAL_CONTEXT_SLOT = "appeal_context"
CONTESTED_SLOT = "appeal_contested"
DESCRIPTION_SLOT = "appeal_description"
PHONE_SLOT = "appeal_phone"
CONSENT_SLOT = "appeal_consent"
CONFIRMED_SLOT = "appeal_confirmed"
TICKET_SLOT = "appeal_ticket_number"
APPEAL_FORM_SLOTS = (CONTESTED_SLOT, DESCRIPTION_SLOT, PHONE_SLOT, CONSENT_SLOT, CONFIRMED_SLOT)

REQUESTED_SLOT = "requested_slot"

# One turn reads its message several times (extraction, validation, facts);
# normalising costs ~0.1 ms, so each text is normalised once.
_normalised = lru_cache(maxsize=512)(normalize_text)


class DiagnosisResult(TypedDict):
    """The ``diagnosis_result`` slot: the causes explained (ids, most likely first) and the facts behind them."""

    causes: list[str]
    facts: dict[str, Any]


def diagnosis_result(tracker: Tracker) -> DiagnosisResult:
    """The last diagnosis of the conversation, empty when there was none (or the slot holds anything else)."""
    value = tracker.get_slot(RESULT_SLOT)
    value = value if isinstance(value, dict) else {}
    causes, facts = value.get("causes"), value.get("facts")
    return {
        "causes": [str(cause) for cause in causes] if isinstance(causes, list) else [],
        "facts": dict(facts) if isinstance(facts, dict) else {},
    }


def engine() -> Engine:
    """The eligibility engine, loaded on first use."""
    return load_engine()


def ticket_store() -> TicketStore:
    """The process-wide ticket store (tests replace this function)."""
    return get_store()


def latest_intent(tracker: Tracker) -> str | None:
    """The intent the NLU gave the latest user message."""
    return (tracker.latest_message.get("intent") or {}).get("name")


def latest_text(tracker: Tracker) -> str:
    """The latest user message, normalised as the NLU pipeline's first component does.

    Every action reads the message through here, so every pattern it applies
    sees simplified, half-width text ("改一下手機號", "ＪＢ７Ｋ３…" included);
    ``normalize_text`` is idempotent, so text the pipeline already rewrote is
    unchanged.
    """
    return _normalised(tracker.latest_message.get("text") or "")
