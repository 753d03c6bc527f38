"""Behaviour of Engine.evaluate / Engine.question on the shipped rules."""

from __future__ import annotations

import random

import pytest
import yaml

from eligibility import DEFAULT_DATA_DIR, CauseStatus, Diagnosis, QuestionKind, load_engine

GOOD = {
    "zhima_score": 760,
    "has_overdue": False,
    "active_account": True,
    "has_wangshangdai": False,
    "account_risk_warning": False,
    "identity_complete": True,
    "high_debt": False,
    "many_credit_inquiries": False,
}
"""A profile that none of the specific causes explains."""

ALL_CLEAR = {
    **GOOD,
    "age": 35,
    "is_student": False,
    "other_account_has_jiebei": False,
    "income_info_authorized": True,
    "shows_xinyongdai": False,
    "had_jiebei_before": False,
    "large_investment_holdings": False,
}
"""Every askable fact known and pointing away from every specific cause."""


@pytest.fixture(scope="module")
def engine():
    return load_engine()


def statuses(diagnosis: Diagnosis) -> dict[str, CauseStatus]:
    return {result.cause_id: result.status for result in diagnosis.causes}


@pytest.mark.parametrize(
    ("profile", "cause_id", "label", "fact", "value"),
    [
        ({"score_out_of_range": True}, "SCORE_OUT_OF_RANGE", "分数有误", "score_out_of_range", True),
        ({"zhima_score": 70}, "SCORE_OUT_OF_RANGE", "分数有误", "score_out_of_range", True),
        ({"zhima_score": 980}, "SCORE_OUT_OF_RANGE", "分数有误", "score_out_of_range", True),
        ({"zhima_score": 550}, "SCORE_LOW", "芝麻分偏低", "zhima_score", 550),
        ({"zhima_score": 700, "has_overdue": True}, "OVERDUE_RECORD", "存在逾期记录", "has_overdue", True),
        ({"high_debt": True}, "HIGH_DEBT", "负债偏高", "high_debt", True),
        ({"many_credit_inquiries": True}, "FREQUENT_CREDIT_INQUIRIES", "征信查询过多", "many_credit_inquiries", True),
        (
            {"zhima_score": 780, "has_overdue": False, "active_account": True, "has_wangshangdai": True},
            "WANGSHANGDAI_OPENED",
            "已开通网商贷",
            "has_wangshangdai",
            True,
        ),
        ({"identity_complete": False}, "IDENTITY_INCOMPLETE", "实名信息不完整", "identity_complete", False),
        ({"age": 19}, "AGE_OUT_OF_RANGE", "年龄不符合要求", "age", 19),
        ({"age": 60}, "AGE_OUT_OF_RANGE", "年龄不符合要求", "age", 60),
        ({"is_student": True}, "STUDENT", "在校学生", "is_student", True),
        ({"active_account": False}, "LOW_ACTIVITY", "账户活跃度低", "active_account", False),
        ({"account_risk_warning": True}, "ACCOUNT_RISK", "账户存在风险", "account_risk_warning", True),
        (
            {"other_account_has_jiebei": True},
            "MULTIPLE_ACCOUNTS",
            "同一身份证多个账户",
            "other_account_has_jiebei",
            True,
        ),
        ({"income_info_authorized": False}, "INCOME_INFO_MISSING", "资产信息不足", "income_info_authorized", False),
        ({"shows_xinyongdai": True}, "SWITCHED_TO_XINYONGDAI", "已切换为信用贷", "shows_xinyongdai", True),
        (GOOD, "POLICY_ADJUSTMENT", "风控策略调整", "has_overdue", False),
    ],
)
def test_each_cause_is_matched_first_with_its_evidence(engine, profile, cause_id, label, fact, value):
    best = engine.evaluate(profile).causes[0]
    assert (best.cause_id, best.label, best.status) == (cause_id, label, CauseStatus.MATCHED)
    assert any(e.fact == fact and e.actual == value and e.holds for e in best.evidence)
    assert best.explanation and best.advice
    assert 0 < best.confidence <= 1


@pytest.mark.parametrize(
    ("profile", "cause_id", "fact"),
    [
        ({"has_overdue": False}, "OVERDUE_RECORD", "has_overdue"),
        ({"zhima_score": 720}, "SCORE_LOW", "zhima_score"),
        ({"zhima_score": 720}, "SCORE_OUT_OF_RANGE", "score_out_of_range"),
        ({"age": 30}, "AGE_OUT_OF_RANGE", "age"),
        ({"identity_complete": True}, "IDENTITY_INCOMPLETE", "identity_complete"),
        ({"zhima_score": 580}, "POLICY_ADJUSTMENT", "zhima_score"),
    ],
)
def test_known_negative_fact_rules_the_cause_out_with_the_failing_condition(engine, profile, cause_id, fact):
    result = engine.evaluate(profile).get(cause_id)
    assert result.status is CauseStatus.RULED_OUT
    assert result.confidence == 0
    assert [(e.fact, e.holds) for e in result.evidence] == [(fact, False)]


def test_high_score_no_overdue_active_account_with_wangshangdai_ranks_wangshangdai_first(engine):
    diagnosis = engine.evaluate(
        {"zhima_score": 800, "has_overdue": False, "active_account": True, "has_wangshangdai": True}
    )
    assert diagnosis.top(1)[0].cause_id == "WANGSHANGDAI_OPENED"
    policy = diagnosis.get("POLICY_ADJUSTMENT")
    assert policy.status is CauseStatus.RULED_OUT
    assert [(e.fact, e.actual) for e in policy.evidence] == [("has_wangshangdai", True)]


def test_nothing_else_explains_it_matches_policy_adjustment_first_and_recommends_appeal(engine):
    diagnosis = engine.evaluate(ALL_CLEAR)
    best = diagnosis.causes[0]
    assert best.cause_id == "POLICY_ADJUSTMENT"
    assert best.status is CauseStatus.MATCHED
    assert diagnosis.appeal_recommended
    assert all(r.status is CauseStatus.RULED_OUT for r in diagnosis.causes[1:])


def test_policy_adjustment_is_ruled_out_when_another_cause_matches(engine):
    diagnosis = engine.evaluate({**ALL_CLEAR, "income_info_authorized": False})
    assert diagnosis.causes[0].cause_id == "INCOME_INFO_MISSING"
    assert diagnosis.get("POLICY_ADJUSTMENT").explained_by == ("INCOME_INFO_MISSING",)
    assert not diagnosis.appeal_recommended


def test_policy_adjustment_stays_possible_while_relevant_facts_are_unknown(engine):
    result = engine.evaluate({"zhima_score": 760, "has_overdue": False, "active_account": True}).get(
        "POLICY_ADJUSTMENT"
    )
    assert result.status is CauseStatus.POSSIBLE
    assert "has_wangshangdai" in result.unknown_facts


def test_unknown_fact_keeps_cause_possible_and_below_its_matched_confidence(engine):
    unknown = engine.evaluate({}).get("OVERDUE_RECORD")
    matched = engine.evaluate({"has_overdue": True}).get("OVERDUE_RECORD")
    assert unknown.status is CauseStatus.POSSIBLE
    assert unknown.unknown_facts == ("has_overdue",)
    assert 0 < unknown.confidence < matched.confidence


def test_none_value_means_unknown(engine):
    assert engine.evaluate({"has_overdue": None}) == engine.evaluate({})


def test_matched_cause_ranks_above_every_possible_cause(engine):
    diagnosis = engine.evaluate({"active_account": False})
    ranks = [r.status for r in diagnosis.causes]
    assert ranks[0] is CauseStatus.MATCHED
    assert diagnosis.causes[0].cause_id == "LOW_ACTIVITY"
    best_possible = max(r.confidence for r in diagnosis.causes if r.status is CauseStatus.POSSIBLE)
    assert diagnosis.causes[0].confidence > best_possible


@pytest.mark.parametrize("profile", [{}, GOOD, {"zhima_score": 520, "has_overdue": True}, ALL_CLEAR])
def test_causes_are_ordered_matched_possible_ruled_out_then_by_confidence(engine, profile):
    order = {CauseStatus.MATCHED: 0, CauseStatus.POSSIBLE: 1, CauseStatus.RULED_OUT: 2}
    causes = engine.evaluate(profile).causes
    keys = [(order[r.status], -r.confidence) for r in causes]
    assert keys == sorted(keys)
    assert len(causes) == 17


def test_two_matched_causes_rank_by_confidence(engine):
    diagnosis = engine.evaluate({"has_overdue": True, "income_info_authorized": False})
    assert [r.cause_id for r in diagnosis.top(2)] == ["OVERDUE_RECORD", "INCOME_INFO_MISSING"]


def test_top_returns_at_most_n_live_causes(engine):
    diagnosis = engine.evaluate(ALL_CLEAR)
    assert [r.cause_id for r in diagnosis.top(3)] == ["POLICY_ADJUSTMENT"]
    assert len(engine.evaluate({}).top(3)) == 3


def test_supporting_signal_raises_a_possible_cause(engine):
    plain = engine.evaluate({}).get("SWITCHED_TO_XINYONGDAI")
    supported = engine.evaluate({"had_jiebei_before": True}).get("SWITCHED_TO_XINYONGDAI")
    assert supported.status is CauseStatus.POSSIBLE
    assert supported.confidence > plain.confidence
    assert [e.fact for e in supported.evidence] == ["had_jiebei_before"]


@pytest.mark.parametrize(
    ("profile", "decisive"),
    [
        ({}, False),
        ({"has_overdue": True}, True),
        (ALL_CLEAR, True),
        ({"active_account": False}, False),  # weak cause: keep asking
        ({"income_info_authorized": False}, False),
        (GOOD, False),  # catch-all matched, but other causes are still quite possible
    ],
)
def test_decisive_only_for_a_confident_matched_cause(engine, profile, decisive):
    assert engine.evaluate(profile).decisive is decisive


def test_next_fact_is_an_unknown_askable_fact(engine):
    diagnosis = engine.evaluate({"zhima_score": 700})
    assert diagnosis.next_fact is not None
    assert diagnosis.next_fact != "zhima_score"
    engine.question(diagnosis.next_fact)  # askable: has a question


def test_next_fact_is_none_when_every_askable_fact_is_known(engine):
    assert engine.evaluate(ALL_CLEAR).next_fact is None


def test_next_fact_prefers_the_fact_that_moves_the_ranking(engine):
    # Only has_overdue (strong cause, also decides POLICY_ADJUSTMENT) and
    # other_account_has_jiebei (rare) are unknown.
    profile = {k: v for k, v in ALL_CLEAR.items() if k not in ("has_overdue", "other_account_has_jiebei")}
    assert engine.evaluate(profile).next_fact == "has_overdue"


def test_next_fact_skips_facts_that_cannot_change_anything(engine):
    # zhima_score is unknown, but the user said the score was out of range, and
    # every rule reading the score is already decided by other facts.
    profile = {**ALL_CLEAR, "has_overdue": True}
    del profile["zhima_score"]
    diagnosis = engine.evaluate(profile)
    assert diagnosis.get("SCORE_LOW").status is CauseStatus.POSSIBLE
    assert diagnosis.next_fact == "zhima_score"
    profile["score_out_of_range"] = True
    assert engine.evaluate(profile).get("SCORE_LOW").status is CauseStatus.POSSIBLE
    assert engine.evaluate(profile).next_fact == "zhima_score"


@pytest.mark.parametrize(
    ("truth", "expected"),
    [
        ({**ALL_CLEAR, "has_wangshangdai": True}, "WANGSHANGDAI_OPENED"),
        ({**ALL_CLEAR, "has_overdue": True}, "OVERDUE_RECORD"),
        ({**ALL_CLEAR, "zhima_score": 540}, "SCORE_LOW"),
        ({**ALL_CLEAR, "is_student": True, "age": 23}, "STUDENT"),
        (ALL_CLEAR, "POLICY_ADJUSTMENT"),
    ],
)
def test_asking_next_fact_until_decisive_finds_the_true_cause(engine, truth, expected):
    known: dict[str, object] = {}
    for _ in range(len(truth) + 1):
        diagnosis = engine.evaluate(known)
        if diagnosis.decisive or diagnosis.next_fact is None:
            break
        assert diagnosis.next_fact not in known
        known[diagnosis.next_fact] = truth[diagnosis.next_fact]
    assert diagnosis.decisive
    assert diagnosis.causes[0].cause_id == expected
    assert len(known) < len(truth)


def test_overdue_first_advises_appeal_only_if_disputed(engine):
    diagnosis = engine.evaluate({"has_overdue": True})
    assert not diagnosis.appeal_recommended
    assert diagnosis.causes[0].cause.appeal_if_disputed


@pytest.mark.parametrize(
    ("profile", "message"),
    [
        ({"zhima": 700}, "unknown fact 'zhima'"),
        ({"has_overdue": "yes"}, "fact 'has_overdue' must be a bool, got str"),
        ({"zhima_score": "700"}, "fact 'zhima_score' must be an int, got str"),
        ({"age": True}, "fact 'age' must be an int, got bool"),
    ],
)
def test_invalid_profile_raises_value_error(engine, profile, message):
    with pytest.raises(ValueError) as excinfo:
        engine.evaluate(profile)
    assert str(excinfo.value) == message


def test_integral_float_score_from_a_float_slot_is_accepted(engine):
    assert engine.evaluate({"zhima_score": 550.0}).causes[0].cause_id == "SCORE_LOW"


def test_yes_no_question_has_three_buttons(engine):
    question = engine.question("has_overdue")
    assert question.kind == "yes_no" and question.kind is QuestionKind.YES_NO
    assert question.buttons == (("是", "/affirm"), ("不是", "/deny"), ("不清楚", "/dont_know"))
    assert "逾期" in question.text


def askable_facts(engine) -> list[str]:
    facts = []
    for fact in engine.fact_names:
        try:
            engine.question(fact)
        except ValueError:  # never asked
            continue
        facts.append(fact)
    return facts


def test_every_question_asks_one_thing(engine):
    """A 是 under two questions answers neither: one question mark per question."""
    questions = [engine.question(fact) for fact in askable_facts(engine)] + [engine.checklist.question]
    for question in questions:
        assert question.text.count("？") + question.text.count("?") == 1, (question.fact, question.text)


def test_numeric_question_is_free_text(engine):
    question = engine.question("zhima_score")
    assert question.kind == "number"
    assert question.buttons == ()
    assert "芝麻分" in question.text


@pytest.mark.parametrize("fact", ["score_out_of_range", "no_such_fact"])
def test_question_for_unaskable_fact_raises(engine, fact):
    with pytest.raises(ValueError, match=fact):
        engine.question(fact)


def test_every_askable_fact_has_a_question(engine):
    assert set(engine.fact_names) - set(engine.askable_facts) == {"score_out_of_range", "stated_occupation_or_region"}
    for fact in engine.askable_facts:
        assert engine.question(fact).text


def test_load_engine_is_cached():
    assert load_engine() is load_engine()


@pytest.mark.parametrize("cause_id", ["OVERDUE_RECORD", "SCORE_LOW", "POLICY_ADJUSTMENT", "WANGSHANGDAI_OPENED"])
def test_texts_are_hedged_and_never_promise_approval(engine, cause_id):
    cause = engine.evaluate({}).get(cause_id).cause
    text = cause.explanation + cause.advice
    assert any(word in text for word in ("一般", "可能", "为准"))
    for promise in ("一定能", "保证开通", "肯定能", "包开通"):
        assert promise not in text


def brute_force_next_fact(engine, profile: dict[str, object]) -> str | None:
    """Reference: re-evaluate the whole profile for every hypothetical answer."""
    data = yaml.safe_load((DEFAULT_DATA_DIR / "facts.yml").read_text(encoding="utf-8"))["facts"]
    settings = yaml.safe_load((DEFAULT_DATA_DIR / "engine.yml").read_text(encoding="utf-8"))
    base = {r.cause_id: r.confidence for r in engine.evaluate(profile).causes}
    known = {k for k, v in profile.items() if v is not None}
    if "zhima_score" in known and not 350 <= profile["zhima_score"] <= 950:
        known.discard("zhima_score")
    best, best_impact = None, settings["min_impact"]
    for name, spec in data.items():
        if name in known or spec.get("askable", True) is False:
            continue
        if spec["type"] == "bool":
            answers = [(True, spec["prior"]), (False, 1 - spec["prior"])]
        else:
            total = sum(spec["samples"].values())
            answers = [(value, weight / total) for value, weight in spec["samples"].items()]
        impact = 0.0
        for value, probability in answers:
            causes = engine.evaluate({**profile, name: value}).causes
            impact += probability * sum(abs(r.confidence - base[r.cause_id]) for r in causes)
        if impact > best_impact + 1e-9:
            best, best_impact = name, impact
    return best


def random_profiles(count: int, seed: int) -> list[dict[str, object]]:
    rng = random.Random(seed)
    engine = load_engine()
    profiles = []
    for _ in range(count):
        share = rng.choice((0.15, 0.5, 0.85))
        profile: dict[str, object] = {}
        for name in engine.fact_names:
            if rng.random() < share:
                if name == "zhima_score":
                    profile[name] = rng.randint(300, 960)
                elif name == "age":
                    profile[name] = rng.randint(16, 65)
                else:
                    profile[name] = rng.random() < 0.5
        profiles.append(profile)
    return profiles


@pytest.mark.parametrize("profile", random_profiles(200, seed=20))
def test_fast_next_fact_equals_brute_force_reference(engine, profile):
    assert engine.evaluate(profile).next_fact == brute_force_next_fact(engine, profile)


def test_policy_adjustment_ranking_first_while_still_possible_recommends_appeal(engine):
    # Asked enough to rule everything else out except rare causes: nothing the
    # user said explains the refusal, so an appeal is worth offering.
    profile = {k: v for k, v in ALL_CLEAR.items() if k not in ("age", "identity_complete")}
    diagnosis = engine.evaluate(profile)
    assert diagnosis.top(1)[0].cause_id == "POLICY_ADJUSTMENT"
    assert diagnosis.top(1)[0].status is CauseStatus.POSSIBLE
    assert diagnosis.appeal_recommended


def test_skipped_fact_is_never_the_next_question(engine):
    first = engine.evaluate({"zhima_score": 750}).next_fact
    second = engine.evaluate({"zhima_score": 750}, skip=[first]).next_fact
    assert second is not None and second != first


@pytest.mark.parametrize(
    ("fact", "cause_id"),
    [("stated_occupation_or_region", "PROFILE_MISMATCH"), ("large_investment_holdings", "INVESTMENT_HOLDINGS")],
)
def test_seed_article_cause_stands_only_while_nothing_likelier_explains(engine, fact, cause_id):
    alone = engine.evaluate({**ALL_CLEAR, fact: True})
    assert alone.get(cause_id).status is CauseStatus.MATCHED
    assert alone.causes[0].cause_id == "POLICY_ADJUSTMENT"
    likelier = engine.evaluate({**ALL_CLEAR, fact: True, "zhima_score": 520})
    assert likelier.causes[0].cause_id == "SCORE_LOW"
    assert likelier.get(cause_id).status is CauseStatus.RULED_OUT


def test_an_occupation_not_stated_is_never_a_cause(engine):
    assert engine.evaluate({}).get("PROFILE_MISMATCH").status is CauseStatus.RULED_OUT
    assert "stated_occupation_or_region" not in engine.askable_facts


def test_profile_mismatch_never_advises_a_new_job_or_city(engine):
    advice = engine.evaluate({**ALL_CLEAR, "stated_occupation_or_region": True}).get("PROFILE_MISMATCH").advice
    assert advice.startswith("这一条不需要、也不建议您为此换工作或换城市")


@pytest.mark.parametrize(
    ("fact", "text", "expected"),
    [
        ("active_account", "用得挺多的", True),
        ("active_account", "很少", False),
        ("had_jiebei_before", "没开过", False),
        ("had_jiebei_before", "开过", True),
        ("shows_xinyongdai", "不是信用贷", False),
        ("high_debt", "借呗利息怎么算", None),
    ],
)
def test_a_reply_is_read_with_the_pending_facts_reply_patterns(engine, fact, text, expected):
    assert engine.read_reply(fact, text) is expected


def test_reading_a_reply_to_an_unknown_fact_is_an_error(engine):
    with pytest.raises(ValueError, match="unknown fact 'no_such_fact'"):
        engine.read_reply("no_such_fact", "是")


@pytest.mark.parametrize(
    ("text", "cause_id"),
    [
        ("我从来没有逾期过", "OVERDUE_RECORD"),
        ("我有逾期记录吗 不可能", "OVERDUE_RECORD"),
        ("账户没有风险提示啊", "ACCOUNT_RISK"),
        ("我是学生吗", None),  # a cause that is not disputable
        ("你好", None),
    ],
)
def test_a_disputed_record_names_its_cause(engine, text, cause_id):
    assert engine.disputed_cause(engine.extract_facts(text)) == cause_id


def test_disputable_causes_are_the_rules_that_say_so(engine):
    """Adding ``appeal: if_disputed`` to a rule is all a new disputable cause needs."""
    rules = {}
    for path in sorted((DEFAULT_DATA_DIR / "rules").glob("*.yml")):
        for rule in yaml.safe_load(path.read_text(encoding="utf-8"))["rules"]:
            rules[rule["id"]] = rule
    disputable = {cause_id for cause_id, rule in rules.items() if rule.get("appeal") == "if_disputed"}
    found = set()
    for cause_id in disputable:
        fact = rules[cause_id]["when"]["fact"]
        found.add(engine.disputed_cause({fact: True}))
    assert disputable == found == {"OVERDUE_RECORD", "ACCOUNT_RISK"}
    assert engine.disputed_cause({"is_student": True}) is None
