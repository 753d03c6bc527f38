"""Numbers in user messages and 芝麻分 mentions (pure Python, no Rasa import).

`parse_number` reads one number written with Arabic digits, Chinese numerals
or a mix (720, 七百二十, 七百二, 7百多, 9百5, 7**), including the approximate
forms users give for a score (七百多, 六百出头, 7**).

`find_score_mentions` finds the numbers in a normalised message that state a
芝麻分: a number shortly after a score word (芝麻分, 芝麻信用, 信用分, 分数,
芝麻) or directly followed by 分. Amounts, durations, ages, dates and phone
numbers are not scores.

`check_score` tells whether a stated score is in the 350-950 range and, when
a single missing or extra zero explains it, which score the user probably
meant.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass

logger = logging.getLogger(__name__)

SCORE_MIN = 350
SCORE_MAX = 950

_CHINESE_DIGITS = {
    "零": 0,
    "〇": 0,
    "一": 1,
    "二": 2,
    "两": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
}
_UNITS = {"十": 10, "百": 100, "千": 1000, "万": 10_000}
_TEN_THOUSAND = 10_000

# Suffixes that make a number approximate, and how much they add relative to
# the number's lowest non-zero place (七百多 -> 700 + 100 / 2).
_ABOUT_SUFFIXES = ("左右", "上下")
_MORE_SUFFIXES = ("多", "几", "余")
_JUST_OVER_SUFFIX = "出头"
_SUFFIXES = (_JUST_OVER_SUFFIX, *_ABOUT_SUFFIXES, *_MORE_SUFFIXES)

_MASKED = re.compile(r"([0-9]+)(\*+)")
_TOKEN = re.compile(r"[0-9]+|[零〇一二两三四五六七八九十百千万]")

# Longest Arabic run accepted as a number: longer runs are phone numbers,
# ids or card numbers.
_MAX_ARABIC_DIGITS = 5


@dataclass(frozen=True)
class NumberValue:
    """A parsed number.

    Attributes:
        value: the number (the middle of the range for approximate forms:
            七百多 -> 750, 7** -> 750, 六百出头 -> 610).
        approximate: the user gave a range or a rough value, not an exact one.
    """

    value: int
    approximate: bool


@dataclass(frozen=True)
class ScoreMention:
    """A 芝麻分 stated in a text.

    Attributes:
        start: offset of the first character of the number.
        end: offset after the last character of the number (suffixes such as
            多 or 出头 are included, the unit 分 is not).
        text: ``text[start:end]``.
        value: the score.
        approximate: the user gave a rough value (七百多, 7**).
    """

    start: int
    end: int
    text: str
    value: int
    approximate: bool


@dataclass(frozen=True)
class ScoreCheck:
    """Whether a stated score can be a 芝麻分.

    Attributes:
        value: the stated score.
        in_range: ``SCORE_MIN <= value <= SCORE_MAX``.
        suggestion: for an out-of-range value, the in-range score that a
            single missing or extra zero explains (70 -> 700, 9500 -> 950);
            ``None`` when the value is in range or no such score exists.
    """

    value: int
    in_range: bool
    suggestion: int | None


def parse_number(s: str) -> NumberValue | None:
    """Parse one number written in digits, Chinese numerals or a mix.

    Accepted forms: ``720``, ``七百二十``, ``七百二`` (720), ``七百零五``,
    ``七二零``, ``两百``, ``一千``, ``7百``, ``9百5`` (950), masked ``7**``
    (750, approximate) and an approximate suffix: ``多``/``几``/``余`` (half
    of the lowest place: 七百多 -> 750), ``出头`` (a tenth: 六百出头 -> 610),
    ``左右``/``上下`` (the value itself).

    Args:
        s: the number text, without units such as 分 or 块.

    Returns:
        The value, or ``None`` when ``s`` is not a number of these forms.
    """
    text = s.strip()
    if not text:
        return None

    masked = _MASKED.fullmatch(text)
    if masked:
        digits, mask = masked.groups()
        if len(digits) + len(mask) > _MAX_ARABIC_DIGITS:
            return None
        place = 10 ** len(mask)
        return NumberValue(value=int(digits) * place + place // 2, approximate=True)

    suffix = next((x for x in _SUFFIXES if text.endswith(x)), None)
    body = text[: -len(suffix)] if suffix else text
    parsed = _parse_plain(body)
    if parsed is None:
        return None
    value = parsed
    if suffix is None:
        return NumberValue(value=value, approximate=False)
    if value == 0:
        return None
    place = _lowest_place(value)
    if suffix in _MORE_SUFFIXES:
        value += place // 2
    elif suffix == _JUST_OVER_SUFFIX:
        value += place // 10
    return NumberValue(value=value, approximate=True)


def _lowest_place(value: int) -> int:
    """The place of the lowest non-zero digit (700 -> 100, 720 -> 10)."""
    place = 1
    while value % (place * 10) == 0:
        place *= 10
    return place


def _parse_plain(text: str) -> int | None:
    """Parse a number without suffix, or return ``None``."""
    if not text:
        return None
    tokens = _TOKEN.findall(text)
    if "".join(tokens) != text:
        return None
    if all(token.isdigit() and token.isascii() for token in tokens):
        return int(text) if len(text) <= _MAX_ARABIC_DIGITS else None
    if all(token in _CHINESE_DIGITS for token in tokens):
        # Digit by digit: 七二零 -> 720. A single character is a digit too.
        return int("".join(str(_CHINESE_DIGITS[t]) for t in tokens))
    return _parse_with_units(tokens)


def _parse_with_units(tokens: list[str]) -> int | None:
    """Parse digits with units (七百二十, 9百5, 两万三), or return ``None``."""
    total = 0  # completed 万 sections
    section = 0  # value below 万
    pending: int | None = None  # digit waiting for its unit
    last_unit: int | None = None  # last unit seen in the current section
    zero_gap = False  # 零 seen since the last unit (七百零五)
    for index, token in enumerate(tokens):
        if token in _UNITS:
            unit = _UNITS[token]
            if pending is None:
                # 十 may stand alone at the start (十五 = 15); other units need a digit.
                if unit == 10 and index == 0:
                    pending = 1
                else:
                    return None
            if unit == _TEN_THOUSAND:
                if total:
                    return None
                total = (section + pending) * _TEN_THOUSAND
                section, last_unit = 0, None
            else:
                if last_unit is not None and unit >= last_unit:
                    return None
                if pending >= 10:
                    return None
                section += pending * unit
                last_unit = unit
            pending = None
            zero_gap = False
            continue
        digit = _CHINESE_DIGITS[token] if token in _CHINESE_DIGITS else int(token)
        if pending is not None:
            return None
        if digit == 0 and token in _CHINESE_DIGITS:
            if zero_gap or last_unit is None and total == 0:
                return None
            zero_gap = True
            continue
        pending = digit
    if pending is not None:
        if last_unit is not None and not zero_gap and pending < 10:
            # Abbreviated lower place: 七百二 = 720, 一千五 = 1500.
            section += pending * (last_unit // 10)
        elif last_unit is None and total and not zero_gap and pending < 10:
            # 两万三 = 23000.
            section += pending * (_TEN_THOUSAND // 10)
        else:
            section += pending
    elif zero_gap:
        return None
    return total + section


# --- score mentions ---------------------------------------------------------

_NUMBER_CHARS = "0-9零〇一二两三四五六七八九十百千万"
_CANDIDATE = re.compile(rf"(?:[0-9]+\*+|[{_NUMBER_CHARS}]+)(?:{'|'.join(_SUFFIXES)})?")

# Words that announce a score, longest first so that the nearest end wins.
_SCORE_CUES = ("芝麻信用分", "芝麻信用", "芝麻分", "信用分", "分数", "芝麻")
# Characters allowed between a cue and its number ("芝麻分才只有720").
_MAX_CUE_GAP = 5
# A gap with one of these is about something else (amounts, age, phone).
_GAP_BLOCKERS = ("借", "还", "贷", "额度", "欠", "逾期", "岁", "电话", "手机")
# A number right after a change word is a change, not a score ("降了50分");
# "涨到750" states the new score and is kept.
_CHANGE_BEFORE = re.compile(r"(?:涨|降|掉|扣|加|减|提高|提升|上升|下降|差)了?$|(?:多|少)了$")
_CHANGE_WINDOW = 3
_GAP_STOPS = re.compile(r"[0-9*。！？!?；;\n]")

# After a number, these make it an amount, a duration, a date, an age, a count.
_NOT_SCORE_AFTER = (
    "块",
    "元",
    "圆",
    "毛",
    "角",
    "钱",
    "天",
    "日",
    "号",
    "岁",
    "年",
    "月",
    "周",
    "星期",
    "小时",
    "点",
    "次",
    "个",
    "笔",
    "期",
    "张",
    "家",
    "条",
    "人",
    "倍",
    "秒",
    "%",
    "％",
    ".",
    "分钟",
    "分期",
    "分之",
)
# "分" after a number means points unless it starts one of these words.
_SCORE_UNIT = "分"
_NOT_POINTS_AFTER_FEN = ("钟", "期", "之", "享", "开", "别", "手", "类", "配", "析", "红", "钱")


def find_score_mentions(text: str, score_context: bool = False) -> list[ScoreMention]:
    """Find the 芝麻分 values stated in a normalised message.

    A number is a score when it follows a score word (芝麻分, 芝麻信用, 信用分,
    分数, 芝麻) by at most a few characters, or when it is directly followed
    by 分 (七百五十分). Numbers followed by units of money, time, age or count
    (5000块, 3天, 25岁, 2023年), phone-like masked numbers (138****1234) and
    single Chinese numeral characters (一直, 十分) and changes (降了50分) are
    never scores. Values
    outside 350-950 are still returned: see `check_score`.

    Args:
        text: a text normalised by `jiebei_nlu.normalize.normalize_text`.
        score_context: the message is known to state a score (its intent is
            inform_score), so a single bare number ("683", "才五百八") is taken
            as the score when no number has a score word or 分 next to it.

    Returns:
        The mentions in text order.
    """
    mentions: list[ScoreMention] = []
    bare: list[ScoreMention] = []
    for match in _CANDIDATE.finditer(text):
        start, end = match.span()
        number_text = match.group(0)
        if not _is_standalone(text, start, end):
            continue
        if len(number_text) == 1 and not number_text.isdigit():
            continue
        following = text[end:]
        if following.startswith(_NOT_SCORE_AFTER):
            continue
        parsed = parse_number(number_text)
        if parsed is None:
            continue
        followed_by_points = following.startswith(_SCORE_UNIT) and not following[1:].startswith(_NOT_POINTS_AFTER_FEN)
        if _CHANGE_BEFORE.search(text[max(0, start - _CHANGE_WINDOW) : start]):
            continue
        mention = ScoreMention(
            start=start,
            end=end,
            text=number_text,
            value=parsed.value,
            approximate=parsed.approximate,
        )
        if followed_by_points or _has_cue_before(text, start):
            mentions.append(mention)
        else:
            bare.append(mention)
    if not mentions and score_context and len(bare) == 1:
        return bare
    return mentions


def _is_standalone(text: str, start: int, end: int) -> bool:
    """The candidate is not part of a longer code, decimal or masked number."""
    before = text[start - 1 : start]
    after = text[end : end + 1]
    if before in ("*", ".") or (before.isascii() and before.isalnum()):
        return False
    if after == "*" or (after.isascii() and after.isalnum()):
        return False
    return True


def _has_cue_before(text: str, start: int) -> bool:
    """A score word ends at most `_MAX_CUE_GAP` characters before ``start``."""
    window_start = max(0, start - _MAX_CUE_GAP - max(len(c) for c in _SCORE_CUES))
    window = text[window_start:start]
    best_end: int | None = None
    for cue in _SCORE_CUES:
        position = window.rfind(cue)
        if position >= 0:
            cue_end = position + len(cue)
            if best_end is None or cue_end > best_end:
                best_end = cue_end
    if best_end is None:
        return False
    gap = window[best_end:]
    if len(gap) > _MAX_CUE_GAP or _GAP_STOPS.search(gap):
        return False
    return not any(blocker in gap for blocker in _GAP_BLOCKERS)


_PLAIN_NUMBER = re.compile(rf"[{_NUMBER_CHARS}]+")


def first_number(text: str) -> int | None:
    """The first number written in a message, in digits or Chinese numerals ("我五十八了" -> 58)."""
    for match in _PLAIN_NUMBER.finditer(text):
        parsed = parse_number(match.group(0))
        if parsed is not None:
            return parsed.value
    return None


def mentions_score(text: str) -> bool:
    """Whether a message names the score at all (芝麻分, 信用分, 分数 ...)."""
    return any(cue in text for cue in _SCORE_CUES)


def check_score(value: int) -> ScoreCheck:
    """Check a stated 芝麻分 against the 350-950 range.

    An out-of-range value gets a suggestion when exactly one in-range score
    differs from it by a single missing zero (70 -> 700, 75 -> 750) or a
    single extra zero (9500 -> 950).

    Args:
        value: the stated score.

    Returns:
        The check result.
    """
    in_range = SCORE_MIN <= value <= SCORE_MAX
    if in_range:
        return ScoreCheck(value=value, in_range=True, suggestion=None)
    candidates = {value * 10}
    if value % 10 == 0:
        candidates.add(value // 10)
    plausible = sorted(c for c in candidates if value > 0 and SCORE_MIN <= c <= SCORE_MAX)
    suggestion = plausible[0] if len(plausible) == 1 else None
    return ScoreCheck(value=value, in_range=False, suggestion=suggestion)
