"""Reads typed replies: yes, no or don't know, a correction, a score called high.

Users answer "没有其他欠款", "有两笔", "不太清楚" instead of clicking 是 / 不是 /
不清楚, write "改一下手机号" instead of clicking the summary's button, and say
"芝麻分挺高的" instead of a number. The words are data (``data/answers.yml``);
a reply that asks a question of its own ("没有借呗怎么办") is not taken for an
answer. Pure Python: the dialogue actions call it with the message text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import Enum
from functools import lru_cache
from pathlib import Path

import yaml

from eligibility.errors import RuleFileError

ANSWERS_FILE = Path(__file__).with_name("data") / "answers.yml"
_SECTIONS = (
    "not_an_answer",
    "fillers",
    "unknown",
    "no",
    "yes",
    "confirm",
    "change",
    "field_phone",
    "field_description",
    "field_contested",
    "score_words",
    "high_words",
)
# The fields a correction may name, in the order they are looked for.
CORRECTABLE_FIELDS = ("phone", "description", "contested")
# Characters a score word and its "high" word may have between them.
_HIGH_SCORE_GAP = 4
_NEGATION = ("不", "别", "没", "不要", "不用", "别急着")
_PUNCTUATION = " ，。,.!！~～、…"


class Answer(str, Enum):
    """What a reply says to a yes/no question."""

    YES = "yes"
    NO = "no"
    UNKNOWN = "unknown"


@dataclass(frozen=True)
class AnswerWords:
    """The word lists of ``answers.yml``, longest first within each list."""

    not_an_answer: tuple[str, ...]
    fillers: tuple[str, ...]
    unknown: tuple[str, ...]
    no: tuple[str, ...]
    yes: tuple[str, ...]
    confirm: tuple[str, ...]
    change: tuple[str, ...]
    field_phone: tuple[str, ...]
    field_description: tuple[str, ...]
    field_contested: tuple[str, ...]
    score_words: tuple[str, ...]
    high_words: tuple[str, ...]


def load_answer_words(path: Path = ANSWERS_FILE) -> AnswerWords:
    """Loads and checks the word lists.

    Raises:
        RuleFileError: If a list is missing, empty or holds a non-string.
    """
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    lists = {}
    for section in _SECTIONS:
        words = data.get(section)
        if not isinstance(words, list) or not words or not all(isinstance(w, str) and w for w in words):
            raise RuleFileError(path, None, f"'{section}' must be a non-empty list of words")
        lists[section] = tuple(sorted(words, key=len, reverse=True))
    return AnswerWords(**lists)


@lru_cache(maxsize=1)
def _default_words() -> AnswerWords:
    return load_answer_words()


def _alternation(words: tuple[str, ...]) -> str:
    return "|".join(re.escape(word) for word in words)


@lru_cache(maxsize=4)
def _high_score_claim(words: AnswerWords) -> re.Pattern[str]:
    return re.compile(
        f"(?:{_alternation(words.score_words)})[^,，。!！?？]{{0,{_HIGH_SCORE_GAP}}}(?:{_alternation(words.high_words)})"
    )


def requested_field(text: str, words: AnswerWords | None = None) -> str | None:
    """The field a typed correction names ("改一下手机号" -> ``"phone"``), if any.

    Args:
        text: The reply as typed.
        words: Word lists; those of ``answers.yml`` by default.

    Returns:
        One of ``CORRECTABLE_FIELDS``, or None when the reply names no change
        of a field (a button payload starting with "/" is never a typed one).
    """
    words = words or _default_words()
    if text.startswith("/") or not any(word in text for word in words.change):
        return None
    for field in CORRECTABLE_FIELDS:
        if any(word in text for word in getattr(words, f"field_{field}")):
            return field
    return None


def calls_score_high(text: str, words: AnswerWords | None = None) -> bool:
    """Whether a message calls the user's score high without a number ("芝麻分挺高的")."""
    return bool(_high_score_claim(words or _default_words()).search(text))


def asks_or_stops(text: str, words: AnswerWords | None = None) -> bool:
    """Whether a reply asks a question of its own or stops the questions."""
    words = words or _default_words()
    return any(marker in text for marker in words.not_an_answer)


def confirms(text: str, words: AnswerWords | None = None) -> bool:
    """Whether a reply to "is all of this right?" says yes ("没问题", "信息没错 提交吧").

    Args:
        text: The reply, normalised (simplified Chinese).
        words: Word lists; those of ``answers.yml`` by default.
    """
    words = words or _default_words()
    if classify_answer(text, words) is Answer.YES:
        return True
    reply = text.strip().strip(_PUNCTUATION)
    if not reply or asks_or_stops(reply, words):
        return False
    for word in words.confirm:
        start = reply.find(word)
        if start >= 0 and not reply[:start].endswith(_NEGATION):
            return True
    return False


def classify_answer(text: str, words: AnswerWords | None = None) -> Answer | None:
    """The answer a reply gives to a yes/no question, or None.

    Args:
        text: The reply, normalised (simplified Chinese).
        words: Word lists; those of ``answers.yml`` by default.

    Returns:
        ``Answer.UNKNOWN`` for don't-know replies, ``NO`` / ``YES`` for
        replies that open with a negation / an affirmation, None for anything
        else (a question, a wish to stop, another topic).
    """
    words = words or _default_words()
    reply = text.strip().strip(_PUNCTUATION)
    if not reply or asks_or_stops(reply, words):
        return None
    if any(word in reply for word in words.unknown):
        return Answer.UNKNOWN
    stripped = True
    while stripped:
        stripped = False
        for filler in words.fillers:
            rest = reply[len(filler) :].lstrip(_PUNCTUATION)
            if reply.startswith(filler) and rest:
                reply, stripped = rest, True
                break
    for answer, starts in ((Answer.NO, words.no), (Answer.YES, words.yes)):
        if any(reply.startswith(word) for word in starts):
            return answer
    return None
