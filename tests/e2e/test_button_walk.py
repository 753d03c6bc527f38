"""Every button works, clicked or typed.

The walk starts from openings that reach every kind of bot message with
buttons (greeting, 猜您想问, FAQ answers and their parts, the score check, a
whole diagnosis, the appeal form up to its summary, the status lookup) and
follows each button offered, two clicks deep. Each button is then tried in
two fresh conversations that replay the same way there: once clicked (its
payload) and once typed (its title). Read from the tracker, both must be
understood as the same label and be followed by the same actions and the
same replies; neither may fall to "I'm not sure".
"""

from __future__ import annotations

import itertools
import json
import re
import urllib.parse
import urllib.request
import uuid
from dataclasses import dataclass
from typing import Any

import pytest
import yaml

from actions.suggest import topic_button, topics
from tests.support.rest import answer_for, send
from tests.support.servers import REPO
from tests.support.simulator import NOTHING_EXPLAINS_IT

pytestmark = pytest.mark.integration

PAYLOAD = re.compile(r"^/(?P<intent>[a-z_]+)(?P<entities>\{.*\})?$")
# Buttons whose entity a form reads from the typed words instead
# (actions/appeal_form.py): typed, the intent may differ; the actions may not.
WORDS_READ_BY_THE_FORM = ("appeal_field", "appeal_contested")
FALLBACK_ACTIONS = {"action_suggest_topics", "utter_ask_rephrase", "action_default_fallback"}
# A message the classifier cannot place at all, and one it half places.
NOT_UNDERSTOOD, HALF_UNDERSTOOD = "asdfgh", "钱"
OPENINGS = [
    ["你好"],
    [NOT_UNDERSTOOD],
    [NOT_UNDERSTOOD, "qwerty"],
    [HALF_UNDERSTOOD],
    ["今天天气怎么样"],
    ["借呗怎么开通"],
    ["我芝麻分720"],
    ["芝麻分70"],
    ["借呗怎么变成信用贷了"],
    ["网商贷和借呗有什么区别"],
    ["逾期了怎么办"],
    ["怎么关闭借呗"],
    ["花呗和借呗有什么关系"],
    ["提前还要手续费吗"],
    ["查申诉进度"],
    ["我要申诉"],
    ["我要申诉", "/inform" + json.dumps({"appeal_contested": "OVERDUE_RECORD"})],
    [
        "我要申诉",
        "/inform" + json.dumps({"appeal_contested": "OVERDUE_RECORD"}),
        "我从来没有逾期过，记录肯定是系统弄错了",
        "13812344321",
    ],
    [
        "我要申诉",
        "/inform" + json.dumps({"appeal_contested": "OVERDUE_RECORD"}),
        "我从来没有逾期过，记录肯定是系统弄错了",
        "13812344321",
        "/affirm",
    ],
]
DEPTH = 2
# Parts of a reply that differ between two conversations by design.
PER_CONVERSATION = re.compile(r"登记号 \w+|JB[0-9A-Z]{6}")


@dataclass(frozen=True)
class Turn:
    """What the assistant made of one user message, from the tracker."""

    label: str
    actions: tuple[str, ...]
    replies: tuple[str, ...]


def tracker(url: str, sender: str) -> dict[str, Any]:
    quoted = urllib.parse.quote(sender, safe="")
    with urllib.request.urlopen(f"{url}/conversations/{quoted}/tracker", timeout=60) as response:  # noqa: S310
        return json.loads(response.read().decode("utf-8"))


def label_of(parse_data: dict[str, Any]) -> str:
    """The intent, or the FAQ key for an FAQ question or a topic button."""
    intent = parse_data["intent"]["name"]
    if intent == "faq":
        return parse_data["response_selector"]["faq"]["response"]["intent_response_key"].partition("/")[2]
    if intent == "choose_faq":
        return next(e["value"] for e in parse_data["entities"] if e["entity"] == "faq_key")
    return intent


def last_turn(url: str, sender: str) -> Turn:
    events = tracker(url, sender)["events"]
    start = max(i for i, event in enumerate(events) if event["event"] == "user")
    after = events[start + 1 :]
    actions = tuple(e["name"] for e in after if e["event"] == "action" and e["name"] != "action_listen")
    replies = tuple(PER_CONVERSATION.sub("…", e.get("text") or "") for e in after if e["event"] == "bot")
    return Turn(label_of(events[start]["parse_data"]), actions, replies)


class Walk:
    """Replays paths of user messages in fresh conversations."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.prefix = f"walk-{uuid.uuid4().hex[:8]}"
        self.count = itertools.count()

    def play(self, path: list[str]) -> tuple[str, list[dict[str, Any]]]:
        sender = f"{self.prefix}-{next(self.count)}"
        messages: list[dict[str, Any]] = []
        for message in path:
            messages = send(self.url, sender, message)
        return sender, messages


def diagnosis_path(walk: Walk) -> list[str]:
    """A whole diagnosis answered by clicks, ending at the appeal offer."""
    path = ["芝麻分720为什么开不了借呗"]
    sender, messages = walk.play(path)
    while (answer := answer_for(messages, NOTHING_EXPLAINS_IT)) is not None:
        path.append(answer)
        messages = send(walk.url, sender, answer)
    return path


def domain_buttons() -> set[tuple[str, str]]:
    """The buttons of the domain's responses whose title is fixed text."""
    domain = yaml.safe_load((REPO / "domain.yml").read_text(encoding="utf-8"))
    for path in (REPO / "data" / "faq").glob("*.yml"):
        domain["responses"].update(yaml.safe_load(path.read_text(encoding="utf-8"))["responses"])
    return {
        (button["title"], button["payload"].replace("{{", "{").replace("}}", "}"))
        for variants in domain["responses"].values()
        for variant in variants
        for button in variant.get("buttons") or []
        if "{" not in button["title"]
    }


def buttons_to_walk(walk: Walk) -> list[tuple[list[str], dict[str, str]]]:
    """Each distinct button once, with the path that reaches it.

    Every topic 猜您想问 can offer is tried where it is offered, not only the
    ones the classifier happens to rank for the half-understood message.
    """
    found: dict[tuple[str, str], list[str]] = {}
    diagnosis = diagnosis_path(walk)
    frontier = [*OPENINGS, *(diagnosis[:end] for end in range(1, len(diagnosis) + 1))]
    for depth in range(DEPTH + 1):
        following = []
        for path in frontier:
            _, messages = walk.play(path)
            for button in (b for m in messages for b in m.get("buttons") or []):
                key = (button["title"], button["payload"])
                if key not in found:
                    found[key] = path
                    if depth < DEPTH:
                        following.append([*path, button["payload"]])
        frontier = following
    for label in [*topics()["intents"], *topics()["faq"]]:
        button = topic_button(label)
        found.setdefault((button["title"], button["payload"]), [HALF_UNDERSTOOD])
    return [(path, {"title": title, "payload": payload}) for (title, payload), path in found.items()]


def test_every_button_does_the_same_clicked_or_typed(stack):
    walk = Walk(stack.url)
    buttons = buttons_to_walk(walk)
    walked = {(b["title"], b["payload"]) for _, b in buttons}
    assert domain_buttons() <= walked, domain_buttons() - walked
    failures = []
    for path, button in buttons:
        clicked_sender, _ = walk.play([*path, button["payload"]])
        typed_sender, _ = walk.play([*path, button["title"]])
        clicked, typed = last_turn(stack.url, clicked_sender), last_turn(stack.url, typed_sender)
        match = PAYLOAD.match(button["payload"])
        assert match, button
        problems = []
        if FALLBACK_ACTIONS & set(clicked.actions):
            problems.append(f"clicked falls back: {clicked.actions}")
        if not any(entity in button["payload"] for entity in WORDS_READ_BY_THE_FORM) and typed.label != clicked.label:
            problems.append(f"typed is {typed.label}, clicked is {clicked.label}")
        if (typed.actions, typed.replies) != (clicked.actions, clicked.replies):
            problems.append(f"typed: {typed.actions} {typed.replies}; clicked: {clicked.actions} {clicked.replies}")
        if problems:
            failures.append((path[-1], button["title"], problems))
    assert not failures, "\n".join(map(str, failures))
