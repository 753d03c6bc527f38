"""猜您想问: the classifier's own likeliest topics as buttons, and the FAQ they answer."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
import yaml
from rasa_sdk import Tracker

from actions.suggest import ActionSuggestTopics, rank_topics, topic_button, topics
from tests.actions.conftest import responses

FAQ_DIR = Path(__file__).resolve().parents[2] / "data" / "faq"


def parse(intents: list[tuple[str, float]], faq_keys: list[tuple[str, float]] = ()) -> dict:
    ranking = [{"name": name, "confidence": confidence} for name, confidence in intents]
    selector = {"faq": {"ranking": [{"intent_response_key": f"faq/{k}", "confidence": c} for k, c in faq_keys]}}
    return {"text": "借呗那个咋弄", "intent": ranking[0], "intent_ranking": ranking, "response_selector": selector}


def tracker_with(latest: dict, entities: list[dict] | None = None) -> Tracker:
    message = dict(latest, entities=entities or [])
    return Tracker("test-user", {}, message, [], False, None, {}, "action_listen")


@pytest.mark.parametrize(
    ("parsed", "expected"),
    [
        # An FAQ's share is the faq intent's confidence times the key's.
        (
            parse(
                [("nlu_fallback", 0.5), ("faq", 0.9), ("ask_why_cannot_open", 0.08)],
                [("loan_term", 0.45), ("how_to_borrow", 0.4), ("repayment", 0.15)],
            ),
            ["loan_term", "how_to_borrow", "repayment"],
        ),
        (
            parse(
                [("nlu_fallback", 0.5), ("ask_jiebei_closed", 0.45), ("faq", 0.4)],
                [("close_jiebei", 0.9), ("repayment", 0.1)],
            ),
            ["ask_jiebei_closed", "close_jiebei"],
        ),
        # Conversation intents are never offered; a topic under 5 % neither.
        (parse([("nlu_fallback", 0.5), ("greet", 0.6), ("thank", 0.3), ("ask_open_requirements", 0.04)]), []),
        (
            parse([("faq", 0.9)], [("xinyongdai", 0.5), ("credit_limit", 0.3), ("overdue", 0.1), ("repayment", 0.1)]),
            ["xinyongdai", "credit_limit", "overdue"],
        ),
    ],
)
def test_topics_follow_the_classifiers_own_ranking(parsed, expected):
    assert rank_topics(parsed) == expected


def test_suggestions_are_buttons_plus_a_person(dispatcher, domain):
    latest = parse([("nlu_fallback", 0.5), ("faq", 0.9)], [("loan_term", 0.45), ("how_to_borrow", 0.4)])
    asyncio.run(ActionSuggestTopics().run(dispatcher, tracker_with(latest), domain))
    assert responses(dispatcher) == ["utter_suggest_topics"]
    assert dispatcher.messages[0]["buttons"] == [
        {"title": "借呗能分几期", "payload": '/choose_faq{"faq_key": "loan_term"}'},
        {"title": "借呗怎么借钱", "payload": '/choose_faq{"faq_key": "how_to_borrow"}'},
        {"title": "转人工", "payload": "/human_handoff"},
    ]


def test_nothing_likely_asks_to_rephrase_and_offers_a_person(dispatcher, domain):
    latest = parse([("nlu_fallback", 0.5), ("greet", 0.5)])
    asyncio.run(ActionSuggestTopics().run(dispatcher, tracker_with(latest), domain))
    assert responses(dispatcher) == ["utter_ask_rephrase"]
    assert dispatcher.messages[0]["buttons"] == [{"title": "转人工", "payload": "/human_handoff"}]


def test_every_faq_key_and_only_those_has_a_topic_title():
    keys = {p.stem for p in FAQ_DIR.glob("*.yml")}
    assert set(topics()["faq"]) == keys


def test_every_topic_intent_is_in_the_domain(domain):
    assert set(topics()["intents"]) <= set(domain["intents"])


def test_every_faq_button_in_the_domain_names_a_known_key():
    domain_text = (Path(__file__).resolve().parents[2] / "domain.yml").read_text(encoding="utf-8")
    payloads = [
        b["payload"] for r in yaml.safe_load(domain_text)["responses"].values() for v in r for b in v.get("buttons", [])
    ]
    assert not [p for p in payloads if p.startswith("/faq/")]
    # Escaped for Rasa's interpolator ({{ }}); Rasa sends them with single braces.
    chosen = [p.replace("{{", "{").replace("}}", "}") for p in payloads if p.startswith("/choose_faq")]
    assert chosen and all(topic_button(p.split('"')[3])["payload"] == p for p in chosen)
