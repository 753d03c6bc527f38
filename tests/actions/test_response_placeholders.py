"""Every placeholder of a response an action sends is filled: by the action or by a slot.

Rasa fills ``{name}`` from the values passed to ``utter_message`` and from
slots; a placeholder neither fills reaches the user as "{name}". The calls
are read from the source of ``actions/`` (a response named by a constant and
its keyword values); the few responses chosen at run time are checked with
the values their code really passes.
"""

from __future__ import annotations

import ast
import re
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import pytest

from actions.appeal_form import PHONE_PROBLEM_RESPONSES
from actions.appeal_status import status_message
from tickets import InMemoryTicketStore
from tickets.models import AppealForm, TicketStatus

ACTIONS = Path(__file__).resolve().parents[2] / "actions"
PLACEHOLDER = re.compile(r"(?<!\{)\{([A-Za-z_][A-Za-z0-9_]*)\}(?!\})")


def sent_with_constant_names() -> list[tuple[str, str, frozenset[str]]]:
    """(file:line, response, keyword names) of every ``utter_message(response="...")`` in actions/."""
    calls = []
    for path in sorted(ACTIONS.glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not (isinstance(node, ast.Call) and getattr(node.func, "attr", None) == "utter_message"):
                continue
            keywords = {k.arg: k.value for k in node.keywords if k.arg}
            name = keywords.get("response")
            if isinstance(name, ast.Constant) and isinstance(name.value, str):
                calls.append((f"{path.name}:{node.lineno}", name.value, frozenset(keywords) - {"response"}))
    return calls


def placeholders(domain: dict[str, Any], response: str) -> set[str]:
    found: set[str] = set()
    for variation in domain["responses"][response]:
        texts = [variation.get("text") or ""]
        texts += [button.get("title", "") for button in variation.get("buttons") or []]
        for text in texts:
            found.update(PLACEHOLDER.findall(text))
    return found


def unfilled(domain: dict[str, Any], response: str, given: set[str] | frozenset[str]) -> set[str]:
    return placeholders(domain, response) - set(given) - set(domain.get("slots") or {})


CALLS = sent_with_constant_names()


def test_the_scan_finds_the_calls():
    """A scan that finds nothing would pass every check below."""
    names = {response for _, response, _ in CALLS}
    assert len(CALLS) >= 40
    assert {"utter_ask_appeal_confirmed", "utter_appeal_submitted", "utter_diagnosis_result"} <= names


@pytest.mark.parametrize(("where", "response", "given"), CALLS, ids=[f"{w}-{r}" for w, r, _ in CALLS])
def test_a_response_sent_by_name_gets_every_value_it_shows(domain, where, response, given):
    assert response in domain["responses"], f"{where}: {response} is not in the domain"
    assert not unfilled(domain, response, given), f"{where}: {response} shows values nobody fills"


def test_the_phone_problems_get_the_count_they_show(domain):
    for response in PHONE_PROBLEM_RESPONSES.values():
        assert not unfilled(domain, response, {"count"}), response


@pytest.mark.parametrize("status", list(TicketStatus))
@pytest.mark.parametrize("note", [None, "已人工复核"])
def test_a_ticket_status_message_fills_its_response(domain, status, note):
    store = InMemoryTicketStore(clock=lambda: datetime(2026, 11, 30, 8, tzinfo=timezone.utc))
    form = AppealForm(
        sender_id="s1",
        description="我从来没有逾期过",
        contested_cause_id="OVERDUE_RECORD",
        contested_text=None,
        phone="13812341234",
        consent=True,
        diagnosis_summary="",
    )
    ticket = store.submit_appeal(form, "k").ticket
    assert ticket is not None
    if status is not TicketStatus.SUBMITTED:
        ticket = store.set_status(ticket.number, status, note)
    message = status_message(ticket)
    response = message.pop("response")
    assert not unfilled(domain, response, set(message)), response


def test_the_check_sees_a_missing_value(domain):
    """The check itself: a template with a value the call does not pass is caught."""
    domain = {**domain, "responses": {**domain["responses"], "utter_probe": [{"text": "您的单号是 {number}"}]}}
    assert unfilled(domain, "utter_probe", set()) == {"number"}
    assert unfilled(domain, "utter_probe", {"number"}) == set()
