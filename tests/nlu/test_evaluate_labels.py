"""How scripts/evaluate_nlu.py turns a parse result into a contract label."""

from __future__ import annotations

from scripts.evaluate_nlu import label_of_parse, suggestions_of_parse


def faq_parse(selector_key: str, response_key: str) -> dict:
    return {
        "intent": {"name": "faq", "confidence": 0.97},
        "response_selector": {
            "all_retrieval_intents": ["faq"],
            selector_key: {"response": {"intent_response_key": response_key}},
        },
    }


def test_the_faq_key_comes_from_the_faq_response_selector():
    assert label_of_parse(faq_parse("faq", "faq/credit_limit")) == "credit_limit"


def test_a_selector_without_retrieval_intent_reports_under_default_and_is_read_too():
    # The stock pipeline's ResponseSelector has no `retrieval_intent`.
    assert label_of_parse(faq_parse("default", "faq/overdue")) == "overdue"


def test_faq_without_a_selected_response_stays_faq():
    assert label_of_parse({"intent": {"name": "faq"}, "response_selector": {}}) == "faq"


def test_skip_fallback_takes_the_best_real_intent():
    parse = {
        "intent": {"name": "nlu_fallback"},
        "intent_ranking": [{"name": "nlu_fallback"}, {"name": "greet"}, {"name": "thank"}],
    }

    assert label_of_parse(parse) == "nlu_fallback"
    assert label_of_parse(parse, skip_fallback=True) == "greet"


def ranked_parse(selector_key: str) -> dict:
    return {
        "intent": {"name": "nlu_fallback", "confidence": 0.45},
        "intent_ranking": [
            {"name": "nlu_fallback", "confidence": 0.45},
            {"name": "faq", "confidence": 0.45},
            {"name": "ask_why_cannot_open", "confidence": 0.3},
            {"name": "greet", "confidence": 0.2},
        ],
        "response_selector": {
            selector_key: {
                "ranking": [
                    {"intent_response_key": "faq/overdue", "confidence": 0.8},
                    {"intent_response_key": "faq/repayment", "confidence": 0.2},
                ]
            }
        },
    }


def test_suggestions_are_the_offerable_topics_best_first():
    # 0.45 * 0.8 for overdue, 0.3 for the intent, 0.45 * 0.2 for repayment;
    # greet is not a topic.
    assert suggestions_of_parse(ranked_parse("faq")) == ("overdue", "ask_why_cannot_open", "repayment")


def test_suggestions_read_a_selector_reported_under_default():
    assert suggestions_of_parse(ranked_parse("default")) == suggestions_of_parse(ranked_parse("faq"))
