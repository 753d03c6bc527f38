"""The safety net finds fraud, bereavement, harassment and distress, and nothing else."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from rasa.shared.nlu.training_data.message import Message

from jiebei_nlu.components import SafetyNet as SafetyNetComponent
from jiebei_nlu.normalize import normalize_text
from jiebei_nlu.safety import SafetyFileError, default_safety_net, load_safety_net


@pytest.mark.parametrize(
    ("text", "intent"),
    [
        ("他说是蚂蚁员工 让我把验证码报给他", "report_fraud"),
        ("有人冒充客服打电话给我", "report_fraud"),
        ("交两百块手续费就能帮我开借呗 靠谱吗", "report_fraud"),
        ("对方让我开屏幕共享", "report_fraud"),
        ("说能帮我注销校园贷", "report_fraud"),
        ("我好像被骗了", "report_fraud"),
        ("有中介说付费就能提额 能信吗", "report_fraud"),
        ("对方说降息要先交钱", "report_fraud"),
        ("来电说要帮我解冻借呗额度", "report_fraud"),
        ("客服要我先汇款验证一下", "report_fraud"),
        ("我老公上个月过世了 他的借呗怎么办", "bereavement_debt"),
        ("父亲去世 借呗欠款谁来还", "bereavement_debt"),
        ("催收一直给我同事打电话", "collection_harassment"),
        ("被暴力催收了", "collection_harassment"),
        ("一天接到五十个电话", "collection_harassment"),
        ("还不起了 真的不想活了", "repayment_distress"),
        ("压力太大 快撑不住了", "repayment_distress"),
    ],
)
def test_a_safety_case_is_found(text, intent):
    assert default_safety_net().match(normalize_text(text)) == intent


@pytest.mark.parametrize(
    "text",
    [
        "换了新手机短信验证码一直不来",
        "换了手机号验证码发到哪",
        "我妈的借呗没了",
        "我哥走了以后借呗还能用吗",
        "借呗利息怎么算",
        "催收短信是借呗发的吗",
        "借呗被关了",
        "钱还上当天就被关了",
        "交了钱还款怎么还显示没还",
    ],
)
def test_ordinary_questions_are_not_safety_cases(text):
    assert default_safety_net().match(normalize_text(text)) is None


def test_the_component_puts_the_safety_intent_first_and_keeps_the_ranking():
    message = Message(
        data={
            "text": "有人冒充客服让我转账",
            "intent": {"name": "faq", "confidence": 0.9},
            "intent_ranking": [{"name": "faq", "confidence": 0.9}, {"name": "report_fraud", "confidence": 0.1}],
        }
    )
    SafetyNetComponent.create(SafetyNetComponent.get_default_config(), None, None, None).process([message])  # type: ignore[arg-type]
    assert message.get("intent") == {"name": "report_fraud", "confidence": 1.0}
    assert [r["name"] for r in message.get("intent_ranking")] == ["report_fraud", "faq"]


def _ranked(text: str, ranking: list[tuple[str, float]]) -> Message:
    entries = [{"name": name, "confidence": confidence} for name, confidence in ranking]
    return Message(data={"text": text, "intent": entries[0], "intent_ranking": entries})


@pytest.mark.parametrize(
    ("ranking", "expected"),
    [
        # Unsure between an FAQ and a scam: the scam wins.
        ([("faq", 0.55), ("report_fraud", 0.4)], {"name": "report_fraud", "confidence": 0.4}),
        # The fallback stays behind a safety intent too.
        (
            [("nlu_fallback", 0.5), ("faq", 0.45), ("collection_harassment", 0.35)],
            {"name": "collection_harassment", "confidence": 0.35},
        ),
        # Below the least confidence nothing changes.
        ([("faq", 0.75), ("report_fraud", 0.25)], {"name": "faq", "confidence": 0.75}),
    ],
)
def test_a_likely_safety_intent_wins_at_the_configured_confidence(ranking, expected):
    config = {**SafetyNetComponent.get_default_config(), "min_confidence": 0.3}
    message = _ranked("说不清楚的一句话", ranking)
    SafetyNetComponent.create(config, None, None, None).process([message])  # type: ignore[arg-type]
    assert message.get("intent") == expected
    assert message.get("intent_ranking")[0] == expected


def test_by_default_only_patterns_make_a_safety_case():
    message = _ranked("说不清楚的一句话", [("faq", 0.55), ("report_fraud", 0.45)])
    SafetyNetComponent.create(SafetyNetComponent.get_default_config(), None, None, None).process([message])  # type: ignore[arg-type]
    assert [r["name"] for r in message.get("intent_ranking")] == ["faq", "report_fraud"]
    assert message.get("intent") == {"name": "faq", "confidence": 0.55}


@pytest.mark.parametrize("least", [0, 1.5, "0.3", True])
def test_a_bad_least_confidence_is_refused(least):
    expected = f"SafetyNet: min_confidence must be a number above 0 and at most 1, got {least!r}"
    with pytest.raises(ValueError, match=f"^{re.escape(expected)}$"):
        SafetyNetComponent({"patterns_path": None, "min_confidence": least})


@pytest.mark.parametrize(
    ("content", "error"),
    [
        ("intents: []\n", "'intents' must map"),
        ("intents:\n  report_fraud: []\n", "intent report_fraud: give a non-empty list"),
        ("intents:\n  report_fraud: ['(unclosed']\n", "intent report_fraud: bad pattern"),
    ],
)
def test_a_bad_pattern_file_is_refused_with_the_file_named(tmp_path: Path, content, error):
    path = tmp_path / "safety.yml"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(SafetyFileError, match=error):
        load_safety_net(path)


def test_every_safety_intent_has_its_response(domain_file=Path("domain.yml")):
    import yaml

    domain = yaml.safe_load(domain_file.read_text(encoding="utf-8"))
    for intent in default_safety_net().intents:
        assert intent in domain["intents"]
        assert f"utter_safety_{intent}" in domain["responses"]
