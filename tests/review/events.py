"""Conversations as a tracker store keeps them, written by hand for the review tests."""

from __future__ import annotations

from typing import Any

T0 = 1_764_000_000.0  # a fixed time (2025-11-25 in China); only the differences matter


def user(text: str, label: str, confidence: float = 0.95, at: float = 0.0) -> dict[str, Any]:
    """A user event; an FAQ key as label gives a parse through the response selector."""
    intent, key = ("faq", label) if label.startswith("faq/") else (label, None)
    parse: dict[str, Any] = {"intent": {"name": intent.split("/")[0], "confidence": confidence}}
    if key:
        parse["response_selector"] = {"faq": {"response": {"intent_response_key": key, "confidence": 0.9}}}
    return {"event": "user", "text": text, "parse_data": parse, "timestamp": T0 + at}


def action(name: str, at: float = 0.0) -> dict[str, Any]:
    return {"event": "action", "name": name, "timestamp": T0 + at}


def bot(text: str, at: float = 0.0) -> dict[str, Any]:
    return {"event": "bot", "text": text, "timestamp": T0 + at}


def answered(text: str, label: str, at: float) -> list[dict[str, Any]]:
    """A question the assistant answered with an FAQ (or an action), then listened."""
    reply = "action_answer_faq" if label.startswith("faq/") else f"utter_{label}"
    return [user(text, label, at=at), action(reply, at + 1), bot("…", at + 1), action("action_listen", at + 1)]


def fell_back(text: str, at: float, suggested: bool = False) -> list[dict[str, Any]]:
    name = "action_suggest_topics" if suggested else "utter_ask_rephrase"
    return [user(text, "nlu_fallback", 0.3, at), action(name, at + 1), action("action_listen", at + 1)]
