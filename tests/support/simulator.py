"""Simulated customers who answer the diagnosis in their own words.

Each customer has a hidden profile built to explain one cause and a seeded
random voice: answers come from ``tests/e2e/phrasebook.yml`` (several
wordings per fact and polarity), sometimes as the typed title of a button,
sometimes after an FAQ asked in between. The bot's questions are recognised
through the engine's own question texts.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import yaml

from eligibility import CHECKLIST_FACT, QuestionKind, load_engine
from tests.support.rest import PHRASEBOOK, first_cause

MAX_TURNS = 14
BUTTON_TITLES = {True: "是", False: "不是", None: "不清楚"}
_DIGITS = "零一二三四五六七八九"

Send = Callable[[str, str], list[dict[str, Any]]]

# Every askable fact known and pointing away from every specific cause: the
# engine explains the refusal by 风控策略调整. Profiles of one cause start here.
NOTHING_EXPLAINS_IT: dict[str, Any] = {
    "zhima_score": 720,
    "age": 35,
    "is_student": False,
    "identity_complete": True,
    "has_overdue": False,
    "high_debt": False,
    "many_credit_inquiries": False,
    "has_wangshangdai": False,
    "active_account": True,
    "account_risk_warning": False,
    "other_account_has_jiebei": False,
    "income_info_authorized": True,
    "shows_xinyongdai": False,
    "had_jiebei_before": False,
    "large_investment_holdings": False,
}


def chinese_number(n: int) -> str:
    """Writes 25 as 二十五 and 720 as 七百二十 (1-999)."""
    hundreds, rest = divmod(n, 100)
    tens, units = divmod(rest, 10)
    text = f"{_DIGITS[hundreds]}百" if hundreds else ""
    if tens:
        text += ("" if tens == 1 and not hundreds else _DIGITS[tens]) + "十"
    elif hundreds and units:
        text += "零"
    return text + (_DIGITS[units] if units else "")


@dataclass
class Conversation:
    """What happened in one simulated conversation."""

    sender: str
    expected: str
    turns: list[tuple[str, list[str]]] = field(default_factory=list)
    questions: int = 0
    interrupted: int = 0

    @property
    def texts(self) -> list[str]:
        return [t for _, replies in self.turns for t in replies]

    @property
    def first_cause(self) -> str:
        return first_cause(self.texts)

    @property
    def succeeded(self) -> bool:
        """The expected cause comes first; with no expected cause, none is claimed as likely."""
        if not self.expected:
            return bool(self.first_cause) and "可能性较高" not in self.first_cause
        return self.expected in self.first_cause


class Customer:
    """One simulated customer: a hidden profile and a voice."""

    def __init__(self, profile: dict[str, Any], opening: str, seed: int, interrupt: bool) -> None:
        self.profile = profile
        self.opening = opening
        self.random = random.Random(seed)
        self.interrupt = interrupt
        self.book = yaml.safe_load(PHRASEBOOK.read_text(encoding="utf-8"))

    def answer(self, fact: str) -> str:
        """A reply in words (or a typed button title) to the question about ``fact``."""
        engine = load_engine()
        if fact == CHECKLIST_FACT:
            return self.checklist_answer()
        value = self.profile.get(fact)
        if engine.question(fact).kind is QuestionKind.NUMBER:
            if value is None:
                return self.random.choice(self.book["dont_know"])
            template = self.random.choice(self.book["numbers"][fact])
            return template.format(n=value, cn=chinese_number(int(value)))
        if self.random.random() < 0.2:
            return BUTTON_TITLES[value]
        if value is None:
            return self.random.choice(self.book["dont_know"])
        return self.random.choice(self.book["facts"][fact]["yes" if value else "no"])

    def checklist_answer(self) -> str:
        """The rarer situation this customer is in, in words, or that there is none."""
        checklist = load_engine().checklist
        assert checklist is not None
        for fact in checklist.facts:
            value = self.profile.get(fact)
            if value is not None and value != NOTHING_EXPLAINS_IT.get(fact):
                if fact == checklist.number_fact:
                    return self.random.choice(self.book["numbers"][fact]).format(n=value, cn=chinese_number(int(value)))
                return self.random.choice(self.book["checklist"][fact])
        if any(self.profile.get(fact) is None for fact in checklist.none):
            return self.random.choice(self.book["dont_know"])
        return self.random.choice(self.book["checklist"]["none"])

    def interruption(self) -> str:
        return self.random.choice(self.book["interruptions"])


def asked_fact(replies: list[str]) -> str | None:
    """The fact a bot turn asks about, from the engine's question texts."""
    engine = load_engine()
    questions = {fact: engine.question(fact).text for fact in engine.askable_facts}
    if engine.checklist is not None:
        questions[CHECKLIST_FACT] = engine.checklist.question.text
    for fact, text in questions.items():
        if any(reply.endswith(text) for reply in replies):
            return fact
    return None


def play(send: Send, sender: str, customer: Customer, expected: str) -> Conversation:
    """Plays one conversation until the bot stops asking.

    Raises:
        AssertionError: If a turn sends more than three messages, a question is
            asked three times in a row, or the diagnosis does not end.
    """
    conversation = Conversation(sender, expected)
    message = customer.opening
    previous, repeats, interrupted = None, 0, False
    for _ in range(MAX_TURNS):
        replies = [m.get("text", "") for m in send(sender, message)]
        conversation.turns.append((message, replies))
        assert len(replies) <= 3, f"{sender}: {len(replies)} messages after {message!r}: {replies}"
        fact = asked_fact(replies)
        if fact is None:
            return conversation
        repeats = repeats + 1 if fact == previous else 0
        assert repeats < 2, f"{sender}: asked about {fact} three times in a row"
        if fact != previous:
            conversation.questions += 1
        previous = fact
        if customer.interrupt and not interrupted and conversation.questions == 2:
            message, interrupted = customer.interruption(), True
            conversation.interrupted += 1
            continue
        message = customer.answer(fact)
    raise AssertionError(f"{sender}: the diagnosis did not end within {MAX_TURNS} turns: {conversation.turns}")
