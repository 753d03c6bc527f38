"""action_safety sends the words for each safety case."""

from __future__ import annotations

import asyncio

import pytest

from actions.safety import SAFETY_RESPONSES, ActionSafety
from tests.actions.conftest import make_tracker, responses


@pytest.mark.parametrize(
    ("text", "intent", "response"),
    [
        ("有人让我交钱帮开借呗", "report_fraud", "utter_safety_report_fraud"),
        ("我爸走了借呗谁还", "bereavement_debt", "utter_safety_bereavement_debt"),
        ("催收骂我家人", "collection_harassment", "utter_safety_collection_harassment"),
        ("还不上了不想活了", "repayment_distress", "utter_safety_repayment_distress"),
    ],
)
def test_each_case_gets_its_own_words(dispatcher, domain, text, intent, response):
    asyncio.run(ActionSafety().run(dispatcher, make_tracker(text, intent), domain))
    assert responses(dispatcher) == [response]


def test_every_safety_response_is_in_the_domain(domain):
    assert set(SAFETY_RESPONSES.values()) <= set(domain["responses"])
    assert set(SAFETY_RESPONSES) <= set(domain["intents"])
