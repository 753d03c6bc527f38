"""What the conversations say about the assistant: turns, misses, figures.

Pure Python over the events a tracker store keeps (the dicts Rasa writes:
``{"event": "user", "text": ..., "parse_data": ...}``, ``{"event": "action",
"name": ...}``, ``{"event": "bot", ...}``, ``{"event": "slot", ...}``), so it
is tested without Rasa. :mod:`review.store` reads the events, the CLI prints
and exports what this module finds.

A user message was not answered well when:

- ``fallback``: the NLU fell back, or the assistant asked to rephrase;
- ``suggested``: the assistant showed 猜您想问 instead of an answer;
- ``human_after_answer``: the user asked for a person right after the answer;
- ``rephrased``: the user asked the same thing again in other words right
  after the answer.
"""

from __future__ import annotations

import functools
import re
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from enum import Enum
from pathlib import Path
from typing import Any

import yaml

from jiebei_nlu.normalize import normalize_text

# Days are counted in China time (UTC+8, no daylight saving time).
CHINA_TIME = timezone(timedelta(hours=8))
FALLBACK_INTENT = "nlu_fallback"
FAQ_INTENT = "faq"
HANDOFF_INTENT = "human_handoff"
SUGGEST_ACTION = "action_suggest_topics"
FALLBACK_ACTIONS = frozenset({"action_default_fallback", "utter_ask_rephrase", "utter_default"})
DIAGNOSIS_STARTED = "action_start_diagnosis"
DIAGNOSIS_EXPLAINED = "action_explain_diagnosis"
RESULT_SLOT = "diagnosis_result"
# The same question again right after the answer, and members of one group:
# the share of the shorter question's characters and character pairs that
# the other has too (see similarity()).
REPHRASE_SIMILARITY = 0.5
REPHRASE_WITHIN_SECONDS = 180
GROUP_SIMILARITY = 0.5
WORDS_FILE = Path(__file__).with_name("words.yml")
_NOT_TEXT = re.compile(r"[\W_]+", re.UNICODE)


class Miss(str, Enum):
    """Why a message counts as not answered well."""

    FALLBACK = "fallback"
    SUGGESTED = "suggested"
    HUMAN_AFTER_ANSWER = "human_after_answer"
    REPHRASED = "rephrased"


@dataclass(frozen=True)
class Turn:
    """One user message and what the assistant did with it."""

    sender_id: str
    timestamp: float
    text: str
    label: str
    confidence: float
    actions: tuple[str, ...]

    @property
    def typed(self) -> bool:
        """Typed by the user, not a button payload ("/affirm")."""
        return not self.text.startswith("/")

    @property
    def fell_back(self) -> bool:
        return self.label == FALLBACK_INTENT or bool(FALLBACK_ACTIONS & set(self.actions))

    @property
    def suggested(self) -> bool:
        return SUGGEST_ACTION in self.actions


@dataclass(frozen=True)
class Unanswered:
    """A message the assistant did not answer well."""

    turn: Turn
    miss: Miss


@dataclass
class Group:
    """Similar unanswered questions."""

    questions: list[Unanswered] = field(default_factory=list)

    @property
    def example(self) -> Unanswered:
        return self.questions[0]

    @property
    def count(self) -> int:
        return len(self.questions)

    @property
    def texts(self) -> list[str]:
        """The distinct questions, in the order they came."""
        return list(dict.fromkeys(q.turn.text for q in self.questions))

    @property
    def guess(self) -> str:
        """The assistant's most frequent reading of these questions."""
        return Counter(q.turn.label for q in self.questions).most_common(1)[0][0]


def label_of(parse_data: Mapping[str, Any]) -> tuple[str, float]:
    """The catalogue label of a parse (the intent, or the FAQ key) and its confidence."""
    intent = parse_data.get("intent") or {}
    name = str(intent.get("name") or "")
    confidence = float(intent.get("confidence") or 0.0)
    if name == FAQ_INTENT:
        response = ((parse_data.get("response_selector") or {}).get(FAQ_INTENT) or {}).get("response") or {}
        key = str(response.get("intent_response_key") or "").partition("/")[2]
        if key:
            return key, confidence * float(response.get("confidence") or 0.0)
    return name, confidence


def turns_of(sender_id: str, events: Iterable[Mapping[str, Any]]) -> list[Turn]:
    """The user turns of one conversation, each with the actions that followed it."""
    turns: list[Turn] = []
    current: dict[str, Any] | None = None
    actions: list[str] = []

    def close() -> None:
        if current is not None:
            turns.append(Turn(**current, actions=tuple(actions)))

    for event in events:
        kind = event.get("event")
        if kind == "user":
            close()
            label, confidence = label_of(event.get("parse_data") or {})
            current = {
                "sender_id": sender_id,
                "timestamp": float(event.get("timestamp") or 0.0),
                "text": str(event.get("text") or ""),
                "label": label,
                "confidence": confidence,
            }
            actions = []
        elif kind == "action" and current is not None and event.get("name") != "action_listen":
            actions.append(str(event.get("name")))
    close()
    return turns


@functools.lru_cache(maxsize=1)
def _ignored() -> re.Pattern[str]:
    words = yaml.safe_load(WORDS_FILE.read_text(encoding="utf-8"))["ignore"]
    if not isinstance(words, list) or not all(isinstance(w, str) and w for w in words):
        raise ValueError(f"{WORDS_FILE}: 'ignore' must be a list of words")
    return re.compile("|".join(re.escape(w) for w in sorted(words, key=len, reverse=True)))


def features(text: str) -> frozenset[str]:
    """Characters and character pairs of a question as the NLU normalises it,
    without punctuation and without the words of ``words.yml``."""
    plain = _ignored().sub("", _NOT_TEXT.sub("", normalize_text(text)))
    return frozenset(plain) | {plain[i : i + 2] for i in range(len(plain) - 1)}


def overlap(first: frozenset[str], second: frozenset[str]) -> float:
    """The share of the smaller feature set found in the other (0 when one is empty)."""
    smaller = min(len(first), len(second))
    return len(first & second) / smaller if smaller else 0.0


def similarity(a: str, b: str) -> float:
    """How alike two questions are, from 0 to 1 (see :func:`features`)."""
    return overlap(features(a), features(b))


def unanswered(turns: Sequence[Turn]) -> list[Unanswered]:
    """The typed messages of one conversation that were not answered well, in order."""
    found: dict[int, Miss] = {}
    for index, turn in enumerate(turns):
        if not turn.typed:
            continue
        if turn.suggested:
            found[index] = Miss.SUGGESTED
        elif turn.fell_back:
            found[index] = Miss.FALLBACK
        if index == 0 or index - 1 in found:
            continue
        previous = turns[index - 1]
        if not previous.typed or previous.label == HANDOFF_INTENT:
            continue
        if turn.label == HANDOFF_INTENT:
            found[index - 1] = Miss.HUMAN_AFTER_ANSWER
        elif (
            turn.timestamp - previous.timestamp <= REPHRASE_WITHIN_SECONDS
            and similarity(turn.text, previous.text) >= REPHRASE_SIMILARITY
        ):
            found[index - 1] = Miss.REPHRASED
    return [Unanswered(turns[i], miss) for i, miss in sorted(found.items())]


def group(questions: Iterable[Unanswered], threshold: float = GROUP_SIMILARITY) -> list[Group]:
    """Groups similar questions; the same input gives the same groups.

    Questions are taken in time order; each joins the first group whose first
    question it resembles at least ``threshold``, or starts a group. Groups
    come largest first, ties by their first question's time.
    """
    groups: list[tuple[frozenset[str], Group]] = []
    for question in sorted(questions, key=lambda q: (q.turn.timestamp, q.turn.sender_id, q.turn.text)):
        found = features(question.turn.text)
        for first, members in groups:
            if overlap(found, first) >= threshold:
                members.questions.append(question)
                break
        else:
            groups.append((found, Group([question])))
    ordered = [members for _, members in groups]
    return sorted(ordered, key=lambda g: (-g.count, g.example.turn.timestamp))


def day_of(timestamp: float) -> str:
    """The China-time date of a timestamp, as YYYY-MM-DD."""
    return datetime.fromtimestamp(timestamp, CHINA_TIME).strftime("%Y-%m-%d")


@dataclass
class Figures:
    """The report's numbers for a set of conversations."""

    conversations_per_day: Counter[str] = field(default_factory=Counter)
    turns_per_day: Counter[str] = field(default_factory=Counter)
    labels: Counter[str] = field(default_factory=Counter)
    turns: int = 0
    fallbacks: int = 0
    suggestions: int = 0
    diagnoses_started: int = 0
    diagnoses_explained: int = 0
    first_causes: Counter[str] = field(default_factory=Counter)

    @property
    def fallback_rate(self) -> float:
        return self.fallbacks / self.turns if self.turns else 0.0

    @property
    def suggestion_rate(self) -> float:
        return self.suggestions / self.turns if self.turns else 0.0


def figures(conversations: Mapping[str, Sequence[Mapping[str, Any]]]) -> Figures:
    """Counts turns, labels, misses and diagnoses over conversations (sender id -> events)."""
    result = Figures()
    for sender_id, events in sorted(conversations.items()):
        days = set()
        for turn in turns_of(sender_id, events):
            if not turn.typed:
                continue
            day = day_of(turn.timestamp)
            days.add(day)
            result.turns_per_day[day] += 1
            result.turns += 1
            result.labels[turn.label] += 1
            result.fallbacks += turn.fell_back and not turn.suggested
            result.suggestions += turn.suggested
        result.conversations_per_day.update(days)
        for event in events:
            if event.get("event") == "action":
                result.diagnoses_started += event.get("name") == DIAGNOSIS_STARTED
                result.diagnoses_explained += event.get("name") == DIAGNOSIS_EXPLAINED
            elif event.get("event") == "slot" and event.get("name") == RESULT_SLOT:
                causes = (event.get("value") or {}).get("causes") or []
                if causes:
                    result.first_causes[str(causes[0])] += 1
    return result
