"""Typed replies: yes, no, don't know or no answer; a correction; a score called high."""

from __future__ import annotations

from pathlib import Path

import pytest

from eligibility.answers import (
    Answer,
    calls_score_high,
    classify_answer,
    confirms,
    load_answer_words,
    requested_field,
)
from eligibility.errors import RuleFileError


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("是", Answer.YES),
        ("是的", Answer.YES),
        ("嗯 有两笔", Answer.YES),
        ("有啊", Answer.YES),
        ("对 经常用", Answer.YES),
        ("不是", Answer.NO),
        ("没有其他欠款", Answer.NO),
        ("没", Answer.NO),
        ("我没有", Answer.NO),
        ("从来没申请过", Answer.NO),
        ("木有", Answer.NO),
        ("不清楚", Answer.UNKNOWN),
        ("这个我不太清楚", Answer.UNKNOWN),
        ("忘了", Answer.UNKNOWN),
        ("没注意过", Answer.UNKNOWN),
        # A reply that asks something back, or talks of something else.
        ("没有借呗怎么办", None),
        ("有没有别的办法", None),
        ("是不是因为逾期", None),
        ("利息多少", None),
        ("借呗额度", None),
        ("", None),
        ("不用了", None),
        ("算了不问了", None),
        ("嗯", Answer.YES),
    ],
)
def test_reply_is_read_as_an_answer(text, expected):
    assert classify_answer(text) is expected


def test_an_empty_word_list_is_refused_with_the_file_named(tmp_path: Path):
    path = tmp_path / "answers.yml"
    lists = 'not_an_answer: [吗]\nfillers: [嗯]\nunknown: []\n"no": [没]\n"yes": [有]\nconfirm: [对]\n'
    path.write_text(lists, encoding="utf-8")
    with pytest.raises(RuleFileError, match=r"answers\.yml: 'unknown' must be a non-empty list of words"):
        load_answer_words(path)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("没问题", True),
        ("信息都没错", True),
        ("对的 提交吧", True),
        ("确认", True),
        ("好的", True),
        ("嗯嗯 可以", True),
        ("是", True),
        ("不提交", False),
        ("先别提交", False),
        ("没确认", False),
        ("可以改吗", False),  # asks back
        ("算了", False),
        ("嗯嗯", True),
        ("手机号", False),
    ],
)
def test_a_reply_to_a_summary_confirms_it_or_not(text, expected):
    assert confirms(text) is expected


@pytest.mark.parametrize(
    ("text", "field"),
    [
        ("改一下手机号", "phone"),
        ("电话写错了", "phone"),
        ("号码不对", "phone"),
        ("描述重新写", "description"),
        ("情况说明有误", "description"),
        ("申诉事项选错了", "contested"),
        ("原因不对 换一个", "contested"),
        ("手机号", None),  # names a field, asks for no change
        ("改一下", None),  # a change, but of nothing named
        ('/inform{"appeal_field": "appeal_phone"} 改', None),  # a payload is not typed
        ("提交吧", None),
    ],
)
def test_a_typed_correction_names_the_field_it_changes(text, field):
    assert requested_field(text) == field


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("芝麻分挺高的为啥开不了", True),
        ("我信用分不低啊", True),
        ("芝麻信用很好 借呗却没有", True),
        ("分数还不错", True),
        ("芝麻分，高不高有关系吗", False),  # punctuation between: not a claim
        ("芝麻分多少才能开", False),
        ("额度高一点", False),
    ],
)
def test_a_score_called_high_without_a_number(text, expected):
    assert calls_score_high(text) is expected


def test_every_word_list_is_required(tmp_path: Path):
    source = (Path(__file__).resolve().parents[2] / "eligibility" / "data" / "answers.yml").read_text(encoding="utf-8")
    path = tmp_path / "answers.yml"
    path.write_text(source.replace("field_phone:", "field_mobile:"), encoding="utf-8")
    with pytest.raises(RuleFileError, match="'field_phone' must be a non-empty list of words"):
        load_answer_words(path)
