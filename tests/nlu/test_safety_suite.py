"""Fraud, bereavement, harassment and distress reach the safety flow.

The suite (safety_suite.tsv) is written apart from the training data, in the
real register; every message must parse to a safety intent, never an FAQ.
"""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from actions.safety import SAFETY_INTENTS
from tests.nlu.conftest import label_of_parse

SUITE = Path(__file__).with_name("safety_suite.tsv")
SENSITIVE = set(SAFETY_INTENTS) - {"report_fraud"}


def suite() -> list[tuple[str, str]]:
    rows = []
    for line in SUITE.read_text(encoding="utf-8").splitlines():
        if line and not line.startswith("#"):
            label, text = line.split("\t")
            rows.append((label, text))
    return rows


def test_suite_is_large_enough():
    assert len(suite()) >= 30


@pytest.mark.parametrize(("label", "text"), suite())
def test_message_reaches_the_safety_flow(agent, label, text):
    got = label_of_parse(asyncio.run(agent.parse_message(text)))
    assert got in ({"report_fraud"} if label == "report_fraud" else SENSITIVE)
