"""FAQ answers at the grain people ask: a part of the topic, or the whole answer."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
import yaml
from rasa_sdk import Tracker

from actions.faq import MAX_PART_CHARS, ActionAnswerFaq, load_parts, part_for, parts
from actions.suggest import topic_button, topics
from tests.actions.conftest import responses

FAQ_DIR = Path(__file__).resolve().parents[2] / "data" / "faq"


def faq_message(text: str, key: str) -> dict:
    """A message the response selector put under ``faq/<key>``."""
    selected = {"response": {"intent_response_key": f"faq/{key}", "confidence": 0.9}, "ranking": []}
    intent = {"name": "faq", "confidence": 0.95}
    return {"text": text, "intent": intent, "entities": [], "response_selector": {"faq": selected}}


def tracker_with(message: dict) -> Tracker:
    return Tracker("test-user", {}, message, [], False, None, {}, "action_listen")


# Questions as customers type them, each with the part it asks about.
PART_QUESTIONS = [
    ("repayment", "提前还要手续费吗", "early_fee"),
    ("repayment", "提前还款收不收违约金", "early_fee"),
    ("repayment", "手续费 提前还清的话", "early_fee"),
    ("repayment", "利息是算到哪天", "interest_until"),
    ("repayment", "今天还的话利息算到什么时候", "interest_until"),
    ("repayment", "还款日能改吗", "change_due_date"),
    ("repayment", "能不能推迟还款日", "change_due_date"),
    ("repayment", "这个月能晚几天还不", "change_due_date"),
    ("repayment", "借唄還款日可以換嗎", "change_due_date"),
    ("repayment", "到期了会自动扣吗", "auto_debit"),
    ("repayment", "先扣余额宝还是银行卡", "auto_debit"),
    ("repayment", "从哪扣钱啊", "auto_debit"),
    ("repayment", "等额本息跟先息后本啥区别", "methods"),
    ("repayment", "每个月还的一样吗", "methods"),
    ("repayment", "能提前还吗", "early"),
    ("repayment", "想一次性还清", "early"),
    ("credit_limit", "额度没了还要还钱吗", "still_repay"),
    ("credit_limit", "借呗被关了之前借的还得还吗", "still_repay"),
    ("credit_limit", "额度清零了 欠的是不是不用还了吗", "still_repay"),
    ("credit_limit", "还完了额度怎么没恢复", "restored"),
    ("credit_limit", "额度啥时候能回来", "restored"),
    ("interest_rate", "罚息怎么算", "penalty"),
    ("interest_rate", "逾期了利息多收多少", "penalty"),
    ("interest_rate", "年化是多少", "annual"),
    ("interest_rate", "借一万一年多少利息", "annual"),
    ("overdue", "逾期一天上征信吗", "credit_report"),
    ("loan_term", "已经借了12期能改成6期吗", "change_taken"),
    ("loan_term", "期限能改吗", "change_taken"),
    ("loan_records", "结清证明在哪开", "settlement"),
    ("loan_records", "借款记录能删除吗", "delete"),
]

# Questions about the whole topic: no part, the whole answer.
WHOLE_QUESTIONS = [
    ("repayment", "借呗怎么还款"),
    ("repayment", "在哪还钱"),
    ("credit_limit", "额度怎么提高"),
    ("interest_rate", "借呗利息怎么算"),
    ("overdue", "逾期了怎么办"),
    ("loan_term", "借呗能分几期"),
    ("loan_records", "怎么查借款记录"),
    ("how_to_borrow", "提前还了能再借吗"),
]


@pytest.mark.parametrize(("key", "text", "part_id"), PART_QUESTIONS)
def test_a_question_about_one_part_gets_that_part(key, text, part_id):
    part = part_for(key, text)
    assert part is not None and part.part_id == part_id


@pytest.mark.parametrize(("key", "text"), WHOLE_QUESTIONS)
def test_a_question_about_the_topic_gets_no_part(key, text):
    assert part_for(key, text) is None


def test_every_part_has_a_question_here():
    tested = {(key, part_id) for key, _, part_id in PART_QUESTIONS}
    assert tested == {(key, part.part_id) for key, entries in parts().items() for part in entries}


def test_a_part_is_sent_with_a_button_for_the_whole_topic(dispatcher, domain):
    asyncio.run(ActionAnswerFaq().run(dispatcher, tracker_with(faq_message("提前还要手续费吗", "repayment")), domain))
    [message] = dispatcher.messages
    assert message["text"] == part_for("repayment", "提前还要手续费吗").text
    assert message["buttons"] == [topic_button("repayment")]


def test_a_topic_question_gets_the_whole_answer(dispatcher, domain):
    asyncio.run(ActionAnswerFaq().run(dispatcher, tracker_with(faq_message("借呗怎么还款", "repayment")), domain))
    assert responses(dispatcher) == ["utter_faq/repayment"]


def test_a_topic_button_gets_the_whole_answer(dispatcher, domain):
    message = {
        "text": '/choose_faq{"faq_key": "repayment"}',
        "intent": {"name": "choose_faq", "confidence": 1.0},
        "entities": [{"entity": "faq_key", "value": "repayment"}],
    }
    asyncio.run(ActionAnswerFaq().run(dispatcher, tracker_with(message), domain))
    assert responses(dispatcher) == ["utter_faq/repayment"]


def test_a_key_imported_by_staff_is_answered_without_a_topic_title(dispatcher, domain):
    domain = dict(domain, responses=dict(domain["responses"], **{"utter_faq/annual_fee": [{"text": "没有年费"}]}))
    asyncio.run(ActionAnswerFaq().run(dispatcher, tracker_with(faq_message("借呗有年费吗", "annual_fee")), domain))
    assert responses(dispatcher) == ["utter_faq/annual_fee"]


@pytest.mark.parametrize(
    "message",
    [
        {"text": "/choose_faq", "intent": {"name": "choose_faq"}, "entities": []},
        {"text": "x", "intent": {"name": "choose_faq"}, "entities": [{"entity": "faq_key", "value": "no_such_key"}]},
        faq_message("借呗那个", "no_such_key"),
    ],
)
def test_an_unknown_faq_key_asks_to_rephrase(dispatcher, domain, message):
    asyncio.run(ActionAnswerFaq().run(dispatcher, tracker_with(message), domain))
    assert responses(dispatcher) == ["utter_ask_rephrase"]


def test_every_key_with_parts_is_an_faq_key_with_a_topic_title():
    keys = {path.stem for path in FAQ_DIR.glob("*.yml")}
    assert set(parts()) <= keys & set(topics()["faq"])


def faq_answers() -> list[tuple[str, str]]:
    answers = []
    for path in sorted(FAQ_DIR.glob("*.yml")):
        for name, variants in yaml.safe_load(path.read_text(encoding="utf-8"))["responses"].items():
            answers += [(name, variant["text"]) for variant in variants]
    answers += [(f"{key}/{part.part_id}", part.text) for key, entries in parts().items() for part in entries]
    return answers


@pytest.mark.parametrize(("name", "text"), faq_answers())
def test_every_answer_is_short_and_says_nin(name, text):
    assert len(text) <= MAX_PART_CHARS, (name, len(text))
    assert "你" not in text, name


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("- 1\n", "expected FAQ keys mapped to lists of parts"),
        ("repayment: []\n", "'repayment' must be a non-empty list of parts"),
        ("repayment:\n- {id: a, text: 答}\n", "repayment[0]: a part has exactly 'id', 'asks' and 'text'"),
        ("repayment:\n- {id: a, asks: [x], text: ''}\n", "repayment/a: 'text' is empty"),
        ("repayment:\n- {id: a, asks: [], text: 答}\n", "repayment/a: 'asks' must be a non-empty list of regexes"),
        ("repayment:\n- {id: a, asks: ['(x'], text: 答}\n", "repayment/a: pattern does not compile"),
        (f"repayment:\n- {{id: a, asks: [x], text: {'长' * 151}}}\n", "'text' has 151 characters, at most 150"),
    ],
)
def test_a_malformed_parts_file_is_refused_with_the_place(tmp_path, content, message):
    path = tmp_path / "faq_parts.yml"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(ValueError) as error:
        load_parts(path)
    assert message in str(error.value) and str(path) in str(error.value)
