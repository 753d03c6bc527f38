"""A whole diagnosis over the REST channel, with the real servers.

Starts the action server and the Rasa server with the trained model, then
plays users whose answers follow a hidden profile: each bot question is
matched to its fact through the engine's own question texts and answered
from the profile with the buttons' payloads.
"""

from __future__ import annotations

import json
import urllib.request
from collections.abc import Iterator
from typing import Any

import pytest

from eligibility import QuestionKind, load_engine
from tests.support import servers

pytestmark = pytest.mark.integration

MAX_TURNS = 10


@pytest.fixture(scope="module")
def rasa_url() -> Iterator[str]:
    """The real action server and Rasa server on free ports."""
    if not servers.MODEL.is_file():
        pytest.fail(f"no trained model at {servers.MODEL} (run `make train`)")
    action_port, rasa_port = servers.free_port(), servers.free_port()
    actions = servers.action_server(action_port)
    rasa = servers.rasa_server(rasa_port, action_port, [])
    actions.start()
    try:
        rasa.start()
        yield f"http://127.0.0.1:{rasa_port}"
    finally:
        rasa.stop()
        actions.stop()


def send(rasa_url: str, sender: str, message: str) -> list[dict[str, Any]]:
    """Sends one user message; returns the bot's messages."""
    body = json.dumps({"sender": sender, "message": message}).encode("utf-8")
    request = urllib.request.Request(
        f"{rasa_url}/webhooks/rest/webhook", data=body, headers={"Content-Type": "application/json"}
    )
    with urllib.request.urlopen(request, timeout=60) as response:  # noqa: S310 (local test server)
        return json.loads(response.read().decode("utf-8"))


def answer_for(messages: list[dict[str, Any]], profile: dict[str, Any]) -> str | None:
    """The reply a user with this profile gives to the question in `messages`."""
    engine = load_engine()
    questions = {}
    for fact in engine.fact_names:
        try:
            questions[engine.question(fact).text] = fact
        except ValueError:  # a fact the assistant never asks about
            continue
    for message in messages:
        fact = questions.get(message.get("text", ""))
        if fact is None:
            continue
        value = profile.get(fact)
        if engine.question(fact).kind is QuestionKind.NUMBER:
            return str(value) if value is not None else "不知道"
        return {True: "/affirm", False: "/deny", None: "/dont_know"}[value]
    return None


def run_diagnosis(rasa_url: str, sender: str, opening: str, profile: dict[str, Any]) -> list[str]:
    """Plays one diagnosis; returns every bot text of the conversation."""
    texts: list[str] = []
    messages = send(rasa_url, sender, opening)
    for _ in range(MAX_TURNS):
        texts += [m.get("text", "") for m in messages]
        reply = answer_for(messages, profile)
        if reply is None:
            return texts
        messages = send(rasa_url, sender, reply)
    pytest.fail(f"the diagnosis did not end within {MAX_TURNS} answers: {texts}")


def first_cause(texts: list[str]) -> str:
    """The text of the first explained cause (it starts with '1.')."""
    return next(t for t in texts if t.startswith("1."))


def test_high_score_active_user_with_wangshangdai_is_told_wangshangdai_first(rasa_url):
    profile = {
        "has_overdue": False,
        "high_debt": False,
        "active_account": True,
        "many_credit_inquiries": False,
        "income_info_authorized": True,
        "has_wangshangdai": True,
        "age": 32,
    }

    texts = run_diagnosis(rasa_url, "e2e-wangshangdai", "芝麻分750为什么开不了借呗", profile)

    assert "已开通网商贷" in first_cause(texts)
    assert any("以支付宝页面为准" in t for t in texts)


def test_answers_that_explain_nothing_lead_to_policy_adjustment_and_an_appeal_offer(rasa_url):
    profile = {
        "has_overdue": False,
        "high_debt": False,
        "active_account": True,
        "many_credit_inquiries": False,
        "income_info_authorized": True,
        "has_wangshangdai": False,
        "identity_complete": True,
        "age": 30,
        "is_student": False,
        "account_risk_warning": False,
        "other_account_has_jiebei": False,
        "shows_xinyongdai": False,
    }

    texts = run_diagnosis(rasa_url, "e2e-policy", "芝麻分很高，为什么开不了借呗", profile)

    assert "风控策略调整" in first_cause(texts)
    assert any("申诉" in t for t in texts[texts.index(first_cause(texts)) :])
    assert sum(t.startswith(("1.", "2.", "3.", "4.")) for t in texts) <= 3


def test_facts_in_the_opening_message_are_not_asked_again(rasa_url):
    messages = send(rasa_url, "e2e-three-facts", "我芝麻分750，花呗逾期过一次，也开了网商贷，借呗为啥开不了")

    texts = [m.get("text", "") for m in messages]
    assert "已开通网商贷" in first_cause(texts) or "存在逾期记录" in first_cause(texts)
    engine = load_engine()
    asked = {engine.question(f).text for f in ("has_overdue", "has_wangshangdai", "zhima_score")}
    assert not asked & set(texts)
