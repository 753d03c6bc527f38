"""Human handoff: the request is recorded with a summary that holds no personal data."""

from __future__ import annotations

import logging
import re
from pathlib import Path

import pytest
import yaml

from actions import shared
from actions.handoff import ActionHumanHandoff, handoff_summary, recent_intents
from tests.actions.conftest import make_tracker, responses
from tickets import InMemoryTicketStore, StoreUnavailableError
from tickets.models import MAX_SUMMARY

PHONE = "13812345678"


def user_event(text, intent, faq_key=None):
    parse = {"text": text, "intent": {"name": intent, "confidence": 0.9}, "entities": []}
    if faq_key:
        parse["response_selector"] = {"faq": {"response": {"intent_response_key": faq_key}}}
    return {"event": "user", "text": text, "parse_data": parse}


def bot_event(text):
    return {"event": "bot", "text": text}


CONVERSATION = [
    user_event("芝麻分750为什么开不了借呗", "ask_why_cannot_open"),
    bot_event("好的，我来帮您分析一下可能的原因。"),
    user_event("没有", "deny"),
    user_event("没有", "deny"),
    user_event("借呗利息怎么算", "faq", faq_key="faq/interest_rate"),
    user_event("我要申诉", "request_appeal"),
    user_event(f"我的手机号是{PHONE}", "inform"),
    user_event("转人工", "human_handoff"),
]


def handoff_tracker(slots=None, events=CONVERSATION):
    tracker = make_tracker("转人工", "human_handoff", slots=slots)
    tracker.events = list(events)
    return tracker


@pytest.fixture()
def store(monkeypatch) -> InMemoryTicketStore:
    memory = InMemoryTicketStore()
    monkeypatch.setattr(shared, "ticket_store", lambda: memory)
    return memory


def test_recent_intents_collapse_repeats_and_name_the_faq_key():
    assert recent_intents(CONVERSATION) == [
        "ask_why_cannot_open",
        "deny",
        "faq/interest_rate",
        "request_appeal",
        "inform",
        "human_handoff",
    ]


def test_recent_intents_keep_only_the_latest():
    events = [user_event(str(i), f"intent_{i}") for i in range(10)]

    assert recent_intents(events, limit=3) == ["intent_7", "intent_8", "intent_9"]


def test_summary_has_the_intents_the_causes_and_the_ticket_but_no_phone_number():
    tracker = handoff_tracker(
        slots={
            "diagnosis_result": {"causes": ["POLICY_ADJUSTMENT", "LOW_ACTIVITY"], "facts": {"zhima_score": 750}},
            "appeal_phone": PHONE,
            "appeal_ticket_number": "JB7K3M9Q",
        }
    )

    summary = handoff_summary(tracker)

    assert "ask_why_cannot_open" in summary
    assert "request_appeal" in summary
    assert "POLICY_ADJUSTMENT,LOW_ACTIVITY" in summary
    assert "JB7K3M9Q" in summary
    assert PHONE not in summary
    assert re.search(r"\d{7,}", summary) is None
    assert len(summary) <= MAX_SUMMARY


def test_summary_of_a_very_long_conversation_fits_the_store_limit():
    events = [user_event("x", "intent_with_a_rather_long_name_" + "x" * 80 + str(i)) for i in range(10)]

    assert len(handoff_summary(handoff_tracker(events=events))) <= MAX_SUMMARY


async def test_handoff_is_recorded_and_the_user_told_how_it_proceeds(store, dispatcher, domain, caplog):
    caplog.set_level(logging.DEBUG)
    tracker = handoff_tracker(
        slots={"diagnosis_result": {"causes": ["OVERDUE_RECORD"]}, "appeal_ticket_number": "JB7K3M9Q"}
    )

    events = await ActionHumanHandoff().run(dispatcher, tracker, domain)

    [handoff] = store.list_handoffs()
    assert handoff.sender_id == "test-user"
    assert handoff.ticket_number == "JB7K3M9Q"
    assert "OVERDUE_RECORD" in handoff.summary
    assert PHONE not in handoff.summary
    assert events == []
    assert responses(dispatcher) == ["utter_handoff_recorded"]
    assert dispatcher.messages[0]["reference"] == handoff.reference
    assert re.fullmatch(r"RG[23456789ABCDEFGHJKMNPQRSTUVWXYZ]{6}", handoff.reference)
    assert PHONE not in caplog.text


async def test_handoff_without_a_ticket_records_none(store, dispatcher, domain):
    await ActionHumanHandoff().run(dispatcher, handoff_tracker(slots={"appeal_ticket_number": "not-a-ticket"}), domain)

    [handoff] = store.list_handoffs()
    assert handoff.ticket_number is None


async def test_store_down_still_tells_the_user_how_to_reach_a_person(monkeypatch, dispatcher, domain):
    def unavailable():
        raise StoreUnavailableError("ticket database is unavailable")

    class DownStore:
        def request_handoff(self, *args, **kwargs):
            unavailable()

    monkeypatch.setattr(shared, "ticket_store", DownStore)

    events = await ActionHumanHandoff().run(dispatcher, handoff_tracker(), domain)

    assert events == []
    assert responses(dispatcher) == ["utter_handoff_not_recorded"]


@pytest.mark.parametrize("rules_file", ["data/rules/conversation.yml", "data/rules/appeal.yml"])
def test_every_handoff_rule_gives_the_contact_ways_before_recording(rules_file, domain):
    rules = yaml.safe_load(Path(rules_file).read_text(encoding="utf-8"))["rules"]
    handoff_rules = [r for r in rules if {"intent": "human_handoff"} in r["steps"]]

    assert handoff_rules
    for rule in handoff_rules:
        actions = [step["action"] for step in rule["steps"] if "action" in step]
        assert actions.index("utter_human_handoff") == actions.index("action_human_handoff") - 1
    assert "95188" in domain["responses"]["utter_human_handoff"][0]["text"]
