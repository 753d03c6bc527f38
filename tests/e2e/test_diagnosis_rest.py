"""Whole diagnoses over the REST channel, with the real servers (conftest.py),
played by scripted users whose answers follow a hidden profile."""

from __future__ import annotations

import pytest

from eligibility import load_engine
from tests.support.rest import WANGSHANGDAI_USER, cause_lines, first_cause, run_diagnosis, send

pytestmark = pytest.mark.integration


def test_high_score_active_user_with_wangshangdai_is_told_wangshangdai_first(stack):
    texts = run_diagnosis(stack.url, "e2e-wangshangdai", "芝麻分750为什么开不了借呗", WANGSHANGDAI_USER)

    assert "已开通网商贷" in first_cause(texts)
    assert any("以支付宝页面为准" in t for t in texts)


def test_answers_that_explain_nothing_lead_to_policy_adjustment_and_an_appeal_offer(stack):
    profile = {
        "has_overdue": False,
        "high_debt": False,
        "active_account": True,
        "many_credit_inquiries": False,
        "income_info_authorized": True,
        "has_wangshangdai": False,
        "identity_complete": True,
        "age": 30,
        "is_student": False,
        "account_risk_warning": False,
        "other_account_has_jiebei": False,
        "shows_xinyongdai": False,
    }

    texts = run_diagnosis(stack.url, "e2e-policy", "芝麻分很高，为什么开不了借呗", profile)

    assert "风控策略调整" in first_cause(texts)
    result = next(i for i, t in enumerate(texts) if first_cause([t]))
    assert any("申诉" in t for t in texts[result:])
    assert len(cause_lines(texts)) <= 3


def test_facts_in_the_opening_message_are_not_asked_again(stack):
    messages = send(stack.url, "e2e-three-facts", "我芝麻分750，花呗逾期过一次，也开了网商贷，借呗为啥开不了")

    texts = [m.get("text", "") for m in messages]
    engine = load_engine()
    stated = {"zhima_score": 750, "has_overdue": True, "has_wangshangdai": True}
    [expected] = engine.evaluate(stated).top(1)
    assert expected.label in first_cause(texts)
    asked = {engine.question(f).text for f in ("has_overdue", "has_wangshangdai", "zhima_score")}
    assert not asked & set(texts)
