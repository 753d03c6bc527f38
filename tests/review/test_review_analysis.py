"""Which messages were not answered well, how they group, and the report's figures."""

from __future__ import annotations

import pytest

from review.analysis import Miss, figures, group, label_of, turns_of, unanswered
from tests.review.events import action, answered, fell_back, user


def misses(events):
    return [(u.turn.text, u.miss) for u in unanswered(turns_of("conv", events))]


@pytest.mark.parametrize(
    ("events", "expected"),
    [
        # Answered and left alone: nothing to learn.
        (answered("借呗怎么还款", "faq/repayment", 0), []),
        # Fallbacks: asked to rephrase, or 猜您想问 shown.
        (fell_back("那个咋弄啊", 0), [("那个咋弄啊", Miss.FALLBACK)]),
        (fell_back("钱的事", 0, suggested=True), [("钱的事", Miss.SUGGESTED)]),
        # A person asked for right after an answer: the answer did not help.
        (
            answered("借呗年费多少", "faq/interest_rate", 0) + answered("转人工", "human_handoff", 20),
            [("借呗年费多少", Miss.HUMAN_AFTER_ANSWER)],
        ),
        # The same question again in other words right after the answer.
        (
            answered("借呗有年费吗", "faq/interest_rate", 0) + answered("借呗要交年费吗", "faq/interest_rate", 30),
            [("借呗有年费吗", Miss.REPHRASED)],
        ),
        # ... but not an hour later, nor a different question.
        (answered("借呗有年费吗", "faq/interest_rate", 0) + answered("借呗要交年费吗", "faq/interest_rate", 3600), []),
        (answered("借呗有年费吗", "faq/interest_rate", 0) + answered("逾期了怎么办", "faq/overdue", 30), []),
        # Button payloads are not questions.
        (answered("/affirm", "affirm", 0) + answered("转人工", "human_handoff", 10), []),
        (fell_back("/choose_faq", 0), []),
        # A fallback followed by a handoff counts once, as the fallback.
        (fell_back("嗯嗯啊", 0) + answered("转人工", "human_handoff", 10), [("嗯嗯啊", Miss.FALLBACK)]),
    ],
)
def test_messages_not_answered_well_are_found_with_the_reason(events, expected):
    assert misses(events) == expected


def test_a_turn_collects_the_actions_until_the_next_message():
    [first, second] = turns_of("conv", answered("借呗怎么还款", "faq/repayment", 0) + fell_back("啥", 10))
    assert first.actions == ("action_answer_faq",) and first.label == "repayment"
    assert second.actions == ("utter_ask_rephrase",) and second.fell_back


@pytest.mark.parametrize(
    ("parse", "expected"),
    [
        ({"intent": {"name": "greet", "confidence": 0.8}}, ("greet", 0.8)),
        (user("x", "faq/repayment", 0.5)["parse_data"], ("repayment", 0.45)),
        ({"intent": {"name": "faq", "confidence": 0.9}}, ("faq", 0.9)),
        ({}, ("", 0.0)),
    ],
)
def test_the_label_is_the_intent_or_the_faq_key(parse, expected):
    label, confidence = label_of(parse)
    assert (label, round(confidence, 3)) == expected


def test_similar_questions_are_grouped_largest_first_and_deterministically():
    conversations = {
        "a": fell_back("借呗有年费吗", 0) + fell_back("芝麻分怎么查", 100),
        "b": fell_back("借呗有没有年费", 10),
        "c": fell_back("借呗年费是多少", 20) + fell_back("花呗怎么关", 200),
    }
    questions = [q for s, e in conversations.items() for q in unanswered(turns_of(s, e))]
    groups = group(questions)
    assert [g.texts for g in groups] == [
        ["借呗有年费吗", "借呗有没有年费", "借呗年费是多少"],
        ["芝麻分怎么查"],
        ["花呗怎么关"],
    ]
    assert groups[0].example.turn.sender_id == "a" and groups[0].guess == "nlu_fallback"
    assert [g.texts for g in group(list(reversed(questions)))] == [g.texts for g in groups]


def test_figures_count_days_labels_misses_and_diagnoses():
    day_two = 86400
    conversations = {
        "a": answered("借呗怎么还款", "faq/repayment", 0) + fell_back("啥", 5, suggested=True),
        "b": answered("为什么开不了借呗", "ask_why_cannot_open", day_two)
        + [
            action("action_start_diagnosis", day_two + 1),
            action("action_explain_diagnosis", day_two + 60),
            {"event": "slot", "name": "diagnosis_result", "value": {"causes": ["HIGH_DEBT", "SCORE_LOW"]}},
        ]
        + fell_back("嗯", day_two + 70),
    }
    result = figures(conversations)
    assert sorted(result.conversations_per_day.values()) == [1, 1]
    assert sorted(result.turns_per_day.values()) == [2, 2]
    assert result.turns == 4
    assert result.labels["repayment"] == 1 and result.labels["nlu_fallback"] == 2
    assert (result.fallbacks, result.suggestions) == (1, 1)
    assert (result.fallback_rate, result.suggestion_rate) == (0.25, 0.25)
    assert (result.diagnoses_started, result.diagnoses_explained) == (1, 1)
    assert result.first_causes == {"HIGH_DEBT": 1}
