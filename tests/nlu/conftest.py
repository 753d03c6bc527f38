"""The trained model, loaded once for the tests that parse with it."""

from __future__ import annotations

import pytest

from tests.support.servers import MODEL


@pytest.fixture(scope="session")
def agent():
    if not MODEL.is_file():
        pytest.fail(f"no trained model at {MODEL} (run `make train`)")
    from rasa.core.agent import Agent

    return Agent.load(str(MODEL))


def label_of_parse(parsed: dict) -> str:
    """The catalogue label of a parse: the intent, or the FAQ key."""
    intent = parsed["intent"]["name"]
    if intent == "faq":
        return parsed["response_selector"]["faq"]["response"]["intent_response_key"].split("/", 1)[1]
    return intent
