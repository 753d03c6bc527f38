"""A REST-channel client for the end-to-end tests, and a scripted diagnosis user.

The scripted user answers from a hidden profile: each bot question is matched
to its fact through the engine's own question texts and answered with the
buttons' payloads (or a number for numeric questions).
"""

from __future__ import annotations

import json
import urllib.request
from pathlib import Path
from typing import Any

import yaml

from eligibility import QuestionKind, load_engine

MAX_TURNS = 10
PHRASEBOOK = Path(__file__).resolve().parents[1] / "e2e" / "phrasebook.yml"
# A user whose refusal the engine explains by 网商贷 first.
WANGSHANGDAI_USER = {
    "has_overdue": False,
    "high_debt": False,
    "active_account": True,
    "many_credit_inquiries": False,
    "income_info_authorized": True,
    "has_wangshangdai": True,
    "age": 32,
}


def send(rasa_url: str, sender: str, message: str) -> list[dict[str, Any]]:
    """Sends one user message to /webhooks/rest/webhook; returns the bot's messages."""
    body = json.dumps({"sender": sender, "message": message}).encode("utf-8")
    request = urllib.request.Request(
        f"{rasa_url}/webhooks/rest/webhook", data=body, headers={"Content-Type": "application/json"}
    )
    with urllib.request.urlopen(request, timeout=60) as response:  # noqa: S310 (local test server)
        return json.loads(response.read().decode("utf-8"))


def texts(messages: list[dict[str, Any]]) -> list[str]:
    """The text of each bot message."""
    return [message.get("text", "") for message in messages]


def answer_for(messages: list[dict[str, Any]], profile: dict[str, Any]) -> str | None:
    """The reply a user with this profile gives to the question in `messages`."""
    engine = load_engine()
    questions = {}
    for fact in engine.fact_names:
        try:
            questions[engine.question(fact).text] = fact
        except ValueError:  # a fact the assistant never asks about
            continue
    checklist = engine.checklist
    for message in messages:
        if checklist is not None and message.get("text") == checklist.question.text:
            return checklist_payload(checklist.none, profile)
        fact = questions.get(message.get("text", ""))
        if fact is None:
            continue
        value = profile.get(fact)
        if engine.question(fact).kind is QuestionKind.NUMBER:
            return str(value) if value is not None else "不知道"
        return {True: "/affirm", False: "/deny", None: "/dont_know"}[value]
    return None


def checklist_payload(none: dict[str, bool], profile: dict[str, Any]) -> str:
    """A profile's reply to the checklist.

    The situation it knows it is in, in words (the checklist has no button
    for it); else 都没有, or 不清楚 while it does not know one of them.
    """
    for fact, value in none.items():
        if profile.get(fact) is not None and profile[fact] != value:
            book = yaml.safe_load(PHRASEBOOK.read_text(encoding="utf-8"))
            return str(book["checklist"][fact][0])
    if any(profile.get(fact) is None for fact in none):
        return "/dont_know"
    return "/deny"


def run_diagnosis(rasa_url: str, sender: str, opening: str, profile: dict[str, Any]) -> list[str]:
    """Plays one diagnosis; returns every bot text of the conversation."""
    seen: list[str] = []
    messages = send(rasa_url, sender, opening)
    for _ in range(MAX_TURNS):
        seen += texts(messages)
        reply = answer_for(messages, profile)
        if reply is None:
            return seen
        messages = send(rasa_url, sender, reply)
    raise AssertionError(f"the diagnosis did not end within {MAX_TURNS} answers: {seen}")


def cause_lines(texts: list[str]) -> list[str]:
    """The title lines of the explained causes ('1. **…**', '2. …'), in order."""
    return [line for t in texts for line in t.splitlines() if line[:1].isdigit() and line[1:3] == ". "]


def first_cause(texts: list[str]) -> str:
    """The title line of the first explained cause, or ''."""
    return next((line for line in cause_lines(texts) if line.startswith("1.")), "")
