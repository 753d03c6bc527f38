"""Tests for jiebei_nlu.numbers."""

from __future__ import annotations

import pytest

from jiebei_nlu.normalize import normalize_text
from jiebei_nlu.numbers import (
    SCORE_MAX,
    SCORE_MIN,
    NumberValue,
    check_score,
    find_score_mentions,
    first_number,
    mentions_score,
    parse_number,
)

NUMBER_ROWS = [
    # text, value, approximate
    ("720", 720, False),
    ("七百二十", 720, False),
    ("七百二", 720, False),
    ("七百零五", 705, False),
    ("七百五", 750, False),
    ("七百五十", 750, False),
    ("两百", 200, False),
    ("一千", 1000, False),
    ("一千零五十", 1050, False),
    ("十五", 15, False),
    ("二十", 20, False),
    ("七十", 70, False),
    ("七二零", 720, False),
    ("两万三", 23000, False),
    ("15万", 150000, False),
    ("7百", 700, False),
    ("9百5", 950, False),
    ("七百多", 750, True),
    ("七十多", 75, True),
    ("七百二十多", 725, True),
    ("六百出头", 610, True),
    ("七百左右", 700, True),
    ("7百多", 750, True),
    ("7**", 750, True),
    ("72*", 725, True),
    (" 650 ", 650, False),
]

INVALID_NUMBERS = [
    "",
    "   ",
    "abc",
    "百",
    "多",
    "七七百",
    "七百三百",
    "七百零",
    "零七百",
    "15百",
    "七百多多",
    "12345678",
    "138****1234",
    "7*7",
    "七百块",
]


@pytest.mark.parametrize("text, value, approximate", NUMBER_ROWS)
def test_number_forms_are_parsed(text: str, value: int, approximate: bool) -> None:
    assert parse_number(text) == NumberValue(value=value, approximate=approximate)


@pytest.mark.parametrize("text", INVALID_NUMBERS)
def test_text_that_is_not_a_number_gives_none(text: str) -> None:
    assert parse_number(text) is None


SCORE_ROWS = [
    # message (raw, normalised first), number text, value, approximate
    ("我芝麻分才70分", "70", 70, False),
    ("芝麻分750为什么开不了借呗", "750", 750, False),
    ("七百五十分", "七百五十", 750, False),
    ("芝麻信用才六百出头", "六百出头", 610, True),
    ("芝麻分7**", "7**", 750, True),
    ("芝麻分7xx", "7**", 750, True),
    ("芝麻份七百二十 借吧开不了", "七百二十", 720, False),
    ("我的信用分是680", "680", 680, False),
    ("分数只有五百多", "五百多", 550, True),
    ("芝麻分一直七百多", "七百多", 750, True),
    ("芝麻 720", "720", 720, False),
    ("芝麻分７２０分", "720", 720, False),
    ("700分以上能开吗", "700", 700, False),
    ("芝麻分涨到750了", "750", 750, False),
    ("芝麻分9百5", "9百5", 950, False),
]


@pytest.mark.parametrize("message, number_text, value, approximate", SCORE_ROWS)
def test_stated_score_is_found(message: str, number_text: str, value: int, approximate: bool) -> None:
    text = normalize_text(message)
    mentions = find_score_mentions(text)
    assert len(mentions) == 1
    mention = mentions[0]
    assert (mention.text, mention.value, mention.approximate) == (
        number_text,
        value,
        approximate,
    )
    assert text[mention.start : mention.end] == number_text


NOT_SCORE_ROWS = [
    "借了5000块",
    "逾期3天",
    "我今年25岁",
    "138****1234",
    "我的手机号138****1234",
    "2023年开通的",
    "芝麻分2023年开始就没变",
    "芝麻分高但是借了5000",
    "芝麻分不错，逾期3天了",
    "芝麻分降了50分",
    "芝麻分多了20分",
    "十分感谢",
    "三分之一",
    "分期3个月",
    "等了30分钟",
    "芝麻分够了吗",
    "借呗额度5000",
    "3月5号还款",
    "利率0.05%",
]


@pytest.mark.parametrize("message", NOT_SCORE_ROWS)
def test_amounts_dates_ages_and_phones_are_not_scores(message: str) -> None:
    assert find_score_mentions(normalize_text(message)) == []


def test_several_scores_are_found_in_text_order() -> None:
    text = normalize_text("以前芝麻分600分，现在700分")
    assert [m.value for m in find_score_mentions(text)] == [600, 700]


@pytest.mark.parametrize(
    "message, value",
    [("683", 683), ("才五百八，挺低的", 580), ("大概七百多吧", 750)],
)
def test_bare_number_is_a_score_when_the_message_states_one(message: str, value: int) -> None:
    text = normalize_text(message)
    assert find_score_mentions(text) == []
    assert [m.value for m in find_score_mentions(text, score_context=True)] == [value]


@pytest.mark.parametrize("message", ["借了5000块", "逾期3天", "700还是750记不清了"])
def test_score_context_takes_no_amount_and_no_ambiguous_pair(message: str) -> None:
    assert find_score_mentions(normalize_text(message), score_context=True) == []


def test_score_next_to_an_amount_keeps_only_the_score() -> None:
    text = normalize_text("芝麻分720，借了5000块")
    assert [m.value for m in find_score_mentions(text)] == [720]


@pytest.mark.parametrize(
    "value, in_range, suggestion",
    [
        (70, False, 700),
        (75, False, 750),
        (9500, False, 950),
        (3500, False, 350),
        (SCORE_MIN, True, None),
        (SCORE_MAX, True, None),
        (720, True, None),
        (349, False, None),
        (951, False, None),
        (34, False, None),
        (96, False, None),
        (9510, False, None),
        (7, False, None),
        (0, False, None),
    ],
)
def test_score_range_check_and_suggestion(value: int, in_range: bool, suggestion: int | None) -> None:
    result = check_score(value)
    assert (result.value, result.in_range, result.suggestion) == (
        value,
        in_range,
        suggestion,
    )


def test_seventy_points_is_clarified_as_seven_hundred() -> None:
    mention = find_score_mentions(normalize_text("我芝麻分才70分"))[0]
    check = check_score(mention.value)
    assert not check.in_range
    assert check.suggestion == 700


@pytest.mark.parametrize(
    ("text", "expected"),
    [("我58了", 58), ("五十八岁", 58), ("今年二十", 20), ("我还没满十八", 18), ("不告诉你", None), ("3个月 20岁", 3)],
)
def test_first_number_reads_digits_and_chinese_numerals(text, expected):
    assert first_number(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("芝麻分720", True),
        ("信用分不高", True),
        ("分数够吗", True),
        ("芝麻信用", True),
        ("我58了", False),
        ("20分钟", False),
    ],
)
def test_mentions_score(text, expected):
    assert mentions_score(text) is expected
