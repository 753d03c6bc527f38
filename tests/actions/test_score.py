"""action_check_score: a stated score is used only when it is a real 芝麻分."""

from __future__ import annotations

import pytest

from actions.score import ActionCheckScore
from tests.actions.conftest import make_tracker, responses, slot_events


@pytest.mark.parametrize(
    ("text", "expected_score"),
    [
        ("我的芝麻分是720", 720),
        ("芝麻分七百五十", 750),
        ("芝麻份三百五十分", 350),
        ("芝麻信用950", 950),
    ],
)
async def test_score_in_range_is_noted(text, expected_score, dispatcher, domain):
    events = await ActionCheckScore().run(dispatcher, make_tracker(text, "inform_score"), domain)

    assert slot_events(events) == {"zhima_score": expected_score}
    assert responses(dispatcher) == ["utter_score_noted"]
    assert dispatcher.messages[0]["zhima_score"] == expected_score


async def test_seventy_points_is_clarified_with_a_guess(dispatcher, domain):
    events = await ActionCheckScore().run(dispatcher, make_tracker("我芝麻分才70分", "inform_score"), domain)

    assert slot_events(events) == {"zhima_score": None}
    assert responses(dispatcher) == ["utter_score_out_of_range"]
    assert dispatcher.messages[0]["stated_score"] == 70
    assert dispatcher.messages[0]["suggested_score"] == 700


async def test_score_without_a_guess_is_clarified(dispatcher, domain):
    entities = [{"entity": "zhima_score", "value": 5}]
    events = await ActionCheckScore().run(
        dispatcher, make_tracker("芝麻分5", "inform_score", entities=entities), domain
    )

    assert slot_events(events) == {"zhima_score": None}
    assert responses(dispatcher) == ["utter_score_out_of_range_no_guess"]


async def test_score_from_a_button_payload_is_a_string(dispatcher, domain):
    entities = [{"entity": "zhima_score", "value": "700"}]
    events = await ActionCheckScore().run(
        dispatcher, make_tracker("/inform_score", "inform_score", entities=entities), domain
    )

    assert slot_events(events) == {"zhima_score": 700}


async def test_no_number_asks_for_the_score(dispatcher, domain):
    events = await ActionCheckScore().run(
        dispatcher, make_tracker("我芝麻分挺高的", "inform_score", entities=[]), domain
    )

    assert events == []
    assert responses(dispatcher) == ["utter_ask_score_value"]
