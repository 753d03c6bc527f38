"""Nothing invented about the user: a cause's text states only what the user said.

A cause is shown both when it is matched (the user's answers meet its rule)
and when it is only possible (facts still unknown), with the same texts. So a
text may state something about this user's account only where that cannot
be shown without the user having said it: the cause is never possible, and
when it is matched the facts the statement rests on are in its evidence.
"""

from __future__ import annotations

import itertools
import re

import pytest

from eligibility import CauseStatus, load_engine

# Wordings that state something about this user ("您提到的分数…", "您的账户
# 已经有…"), each with the facts one of which the user must have stated.
CLAIM = re.compile(r"您(?:提到|说过?|的账户已|已经|已|有|是|存在|没有|曾)|从您说的")
CLAIMS = {"您提到": {"zhima_score", "score_out_of_range"}}


@pytest.fixture(scope="module")
def engine():
    return load_engine()


def profiles(engine) -> list[dict]:
    """Nothing known, each fact stated alone either way, and pairs of stated facts."""
    values: dict[str, list] = {}
    for fact in engine.fact_names:
        values[fact] = [True, False] if engine.fact_type(fact) == "bool" else [70, 550, 720, 19, 30]
    single = [{fact: value} for fact, options in values.items() for value in options]
    pairs = [dict(a, **b) for a, b in itertools.combinations(single, 2) if a.keys() != b.keys()]
    return [{}] + single + pairs


def claims(text: str) -> list[str]:
    return [match.group(0) for match in CLAIM.finditer(text)]


def test_every_claim_in_a_cause_text_is_listed_with_its_facts(engine):
    for cause in engine.causes:
        for claim in claims(cause.explanation + cause.advice):
            assert claim in CLAIMS, (cause.id, claim)


def test_a_cause_that_states_something_about_the_user_rests_on_what_the_user_said(engine):
    checked = 0
    for profile in profiles(engine):
        for result in engine.evaluate(profile).causes:
            said = claims(result.explanation + result.advice)
            if not said or result.status is CauseStatus.RULED_OUT:
                continue
            assert result.status is CauseStatus.MATCHED, (result.cause_id, profile)
            assert any(e.holds for e in result.evidence), (result.cause_id, profile)
            for claim in said:
                assert set(profile) & CLAIMS[claim], (result.cause_id, claim, profile)
            checked += 1
    assert checked  # SCORE_OUT_OF_RANGE says "您提到的分数" and is matched by 70 or 980


def test_possible_causes_state_nothing_about_the_user(engine):
    for profile in profiles(engine):
        for result in engine.evaluate(profile).causes:
            if result.status is CauseStatus.POSSIBLE:
                assert not claims(result.explanation + result.advice), (result.cause_id, profile)
