"""extract_facts finds facts in one normalised message, with negations."""

from __future__ import annotations

import pytest

from eligibility import extract_facts


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "我芝麻分750，花呗逾期过一次，也开了网商贷",
            {"zhima_score": 750, "has_overdue": True, "has_wangshangdai": True},
        ),
        ("从来没逾期过", {"has_overdue": False}),
        ("我一直都是按时还款的", {"has_overdue": False}),
        ("上个月没按时还款", {"has_overdue": True}),
        ("信用卡不小心逾期了", {"has_overdue": True}),
        ("我是大学生", {"is_student": True}),
        ("我不是学生", {"is_student": False}),
        ("我已经毕业了", {"is_student": False}),
        ("还没毕业", {"is_student": True}),
        ("我今年20岁", {"age": 20}),
        ("我20岁", {"age": 20}),
        ("没有网商贷", {"has_wangshangdai": False}),
        ("网商贷没开通", {"has_wangshangdai": False}),
        ("身份证过期了", {"identity_complete": False}),
        ("还没绑定银行卡", {"identity_complete": False}),
        ("入口显示的是信用贷", {"shows_xinyongdai": True}),
        ("之前有借呗现在没了", {"had_jiebei_before": True}),
        ("从来没开过借呗", {"had_jiebei_before": False}),
        ("账户被限制了", {"account_risk_warning": True}),
        ("没有收到过风险提示", {"account_risk_warning": False}),
        ("没有风险提示", {"account_risk_warning": False}),
        ("最近申请了好多信用卡和贷款", {"many_credit_inquiries": True}),
        ("平时很少用支付宝", {"active_account": False}),
        ("我不经常用支付宝", {"active_account": False}),
        ("我每天都用支付宝", {"active_account": True}),
        ("天天用支付宝付款", {"active_account": True}),
        ("欠了好几家网贷", {"high_debt": True}),
        ("没有公积金", {"income_info_authorized": False}),
        ("另一个账号上有借呗", {"other_account_has_jiebei": True}),
        ("我是送外卖的", {"stated_occupation_or_region": True}),
        ("我是个体户", {"stated_occupation_or_region": True}),
        ("我在老家农村", {"stated_occupation_or_region": True}),
        ("基金买了挺多的", {"large_investment_holdings": True}),
        ("经常买卖基金", {"large_investment_holdings": True}),
        ("没买过理财", {"large_investment_holdings": False}),
    ],
)
def test_statement_yields_facts(text, expected):
    assert extract_facts(text) == expected


@pytest.mark.parametrize(
    "text",
    ["不知道有没有逾期", "网商贷和借呗有什么区别", "你好", "", "芝麻分多少能开借呗"],
)
def test_questions_and_uncertainty_yield_nothing(text):
    assert extract_facts(text) == {}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("芝麻分70", {"score_out_of_range": True}),
        ("芝麻分才580", {"zhima_score": 580}),
        ("芝麻信用分是 812 分", {"zhima_score": 812}),
        ("我200岁", {}),
    ],
)
def test_numbers_outside_the_valid_range_are_not_returned(text, expected):
    assert extract_facts(text) == expected


def test_later_statement_wins_when_a_message_corrects_itself():
    assert extract_facts("我逾期过，不对，从来没逾期过") == {"has_overdue": False}
