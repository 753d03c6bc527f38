"""112 simulated customers answer the diagnosis in words, over REST.

Each hidden profile explains one cause; the customer types every answer
(phrasebook wordings, typed button titles, now and then an FAQ first). A
conversation succeeds when the first cause the bot explains is the one the
engine ranks first on the whole hidden profile. The success rate must be at
least 0.95 and the mean number of questions at most 4; both are printed and
written to results/simulator.json.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from eligibility import load_engine
from tests.support.rest import send
from tests.support.simulator import Conversation, Customer, play

pytestmark = pytest.mark.integration

RESULTS = Path(__file__).resolve().parents[2] / "results" / "simulator.json"
VARIANTS = 7
GOOD = {
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
# target -> (profile changes, kind of opening)
TARGETS = {
    "SCORE_LOW": ({"zhima_score": 520}, "with_score"),
    "OVERDUE_RECORD": ({"has_overdue": True}, "cannot_open"),
    "HIGH_DEBT": ({"high_debt": True}, "cannot_open"),
    "FREQUENT_CREDIT_INQUIRIES": ({"many_credit_inquiries": True}, "cannot_open"),
    "WANGSHANGDAI_OPENED": ({"has_wangshangdai": True}, "with_score"),
    "IDENTITY_INCOMPLETE": ({"identity_complete": False}, "cannot_open"),
    "AGE_OUT_OF_RANGE": ({"age": 58}, "cannot_open"),
    "STUDENT": ({"is_student": True, "age": 23}, "cannot_open"),
    "LOW_ACTIVITY": ({"active_account": False}, "cannot_open"),
    "ACCOUNT_RISK": ({"account_risk_warning": True, "had_jiebei_before": True}, "closed"),
    "MULTIPLE_ACCOUNTS": ({"other_account_has_jiebei": True}, "cannot_open"),
    "INCOME_INFO_MISSING": ({"income_info_authorized": False}, "cannot_open"),
    "SWITCHED_TO_XINYONGDAI": ({"shows_xinyongdai": True, "had_jiebei_before": True}, "closed"),
    "POLICY_ADJUSTMENT": ({}, "with_score"),
    "INVESTMENT_HOLDINGS": ({"large_investment_holdings": True}, "with_score"),
    "DONT_KNOW_ANSWERS": ({"has_overdue": None, "high_debt": None, "active_account": None}, "with_score"),
}


def expected_label(profile: dict) -> str:
    """The label of the cause the engine ranks first on the whole profile."""
    facts = {k: v for k, v in profile.items() if v is not None}
    return load_engine().evaluate(facts).causes[0].label


def customers() -> list[tuple[str, Customer, str]]:
    cases = []
    for index, (target, (changes, kind)) in enumerate(TARGETS.items()):
        profile = {**GOOD, **changes}
        for variant in range(VARIANTS):
            seed = index * 100 + variant
            customer = Customer(profile, "", seed, interrupt=variant % 3 == 1)
            openings = customer.book["openings"][kind]
            opening = customer.random.choice(openings).format(score=profile["zhima_score"])
            customer.opening = opening
            cases.append((f"sim-{target.lower()}-{variant}", customer, expected_label(profile)))
    return cases


@pytest.fixture(scope="module")
def conversations(stack) -> list[Conversation]:
    played = [play(lambda s, m: send(stack.url, s, m), sender, c, label) for sender, c, label in customers()]
    success = sum(c.succeeded for c in played) / len(played)
    questions = sum(c.questions for c in played) / len(played)
    summary = {
        "conversations": len(played),
        "success_rate": round(success, 3),
        "mean_questions": round(questions, 2),
        "interrupted": sum(c.interrupted for c in played),
        "failures": [
            {"sender": c.sender, "expected": c.expected, "first_cause": c.first_cause[:40], "turns": c.turns}
            for c in played
            if not c.succeeded
        ],
    }
    RESULTS.parent.mkdir(exist_ok=True)
    RESULTS.write_text(json.dumps(summary, ensure_ascii=False, indent=1), encoding="utf-8")
    print(
        f"\nsimulated customers: {len(played)} conversations, success rate {success:.3f}, "
        f"mean questions {questions:.2f} ({RESULTS})"
    )
    return played


def test_at_least_a_hundred_conversations_cover_every_cause(conversations):
    assert len(conversations) >= 100
    assert {c.expected for c in conversations} >= {"存在逾期记录", "负债偏高", "已开通网商贷", "风控策略调整"}


def test_customers_who_answer_in_words_hear_the_right_cause(conversations):
    success = sum(c.succeeded for c in conversations) / len(conversations)
    assert success >= 0.95, json.loads(RESULTS.read_text(encoding="utf-8"))["failures"][:5]


def test_the_diagnosis_asks_few_questions(conversations):
    assert sum(c.questions for c in conversations) / len(conversations) <= 4


def test_an_faq_in_between_is_answered_and_the_question_comes_back(conversations):
    interrupted = [c for c in conversations if c.interrupted]
    assert interrupted
    for conversation in interrupted:
        faq_turn = next(i for i, (_, replies) in enumerate(conversation.turns) if "我们继续刚才的分析：" in replies)
        assert conversation.turns[faq_turn][1][-1] == conversation.turns[faq_turn - 1][1][-1]
