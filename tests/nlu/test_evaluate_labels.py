"""How scripts/evaluate_nlu.py turns a parse result into a contract label."""

from __future__ import annotations

from scripts.evaluate_nlu import label_of_parse


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
