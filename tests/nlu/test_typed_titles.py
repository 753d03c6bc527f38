"""Typing a button's title is understood as clicking it, with the trained model.

Users type; many channels have no buttons. Every button title in the domain
and every topic title that 猜您想问 offers must parse to its payload's label.
"""

from __future__ import annotations

import asyncio
import json
import re
from pathlib import Path

import pytest
import yaml

from actions.suggest import topic_button, topics
from tests.nlu.conftest import label_of_parse

REPO_ROOT = Path(__file__).resolve().parents[2]
PAYLOAD = re.compile(r"^/(?P<intent>[a-z_]+)(?P<entities>\{.*\})?$")


def label_of_payload(payload: str) -> str:
    """The catalogue label a button payload stands for."""
    match = PAYLOAD.match(payload)
    assert match, f"not an intent payload: {payload}"
    if match["intent"] == "choose_faq":
        return json.loads(match["entities"])["faq_key"]
    return match["intent"]


def domain_buttons() -> list[tuple[str, str]]:
    """Buttons whose payload is an intent alone or a topic: their title must say the same.

    Left out: titles filled in at run time ("是的，{suggested_score} 分") and the
    appeal form's field buttons, whose entity the form reads from the words
    themselves (actions/appeal_form.py).
    """
    domain = yaml.safe_load((REPO_ROOT / "domain.yml").read_text(encoding="utf-8"))
    pairs = []
    for variants in domain["responses"].values():
        for variant in variants:
            # Payloads with entities are escaped for Rasa's interpolator ({{ }}).
            for button in variant.get("buttons", []):
                pairs.append((button["title"], button["payload"].replace("{{", "{").replace("}}", "}")))
    return sorted((t, p) for t, p in set(pairs) if "{" not in t and (PAYLOAD.match(p) and "appeal_field" not in p))


def topic_buttons() -> list[tuple[str, str]]:
    labels = [*topics()["intents"], *topics()["faq"]]
    return [(b["title"], b["payload"]) for b in map(topic_button, labels)] + [(topics()["handoff"], "/human_handoff")]


@pytest.mark.parametrize(("title", "payload"), domain_buttons() + topic_buttons())
def test_typed_title_means_its_payload(agent, title, payload):
    parsed = asyncio.run(agent.parse_message(title))
    assert label_of_parse(parsed) == label_of_payload(payload)
