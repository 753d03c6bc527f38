"""A customer who never clicks: the diagnosis, the appeal and the lookup, all typed."""

from __future__ import annotations

import re

import pytest

from tests.support.rest import send, texts
from tests.support.simulator import NOTHING_EXPLAINS_IT, Customer, play

pytestmark = pytest.mark.integration

TICKET = re.compile(r"JB[0-9A-Z]{6}")


def test_a_customer_who_only_types_files_an_appeal_and_looks_it_up(stack):
    user = "e2e-typist"
    customer = Customer(NOTHING_EXPLAINS_IT, "芝麻分720为什么开不了借呗", seed=5, interrupt=False)
    conversation = play(lambda s, m: send(stack.url, s, m), user, customer, "风控策略调整")
    assert conversation.succeeded, conversation.turns

    steps = [
        "好的 我要申诉",
        "我一直按时还款 也天天用支付宝 不明白为什么开不了",
        "13812344321",
        "同意",
    ]
    for step in steps:
        replies = texts(send(stack.url, user, step))
        assert 1 <= len(replies) <= 3, (step, replies)
    assert "138****4321" in replies[-1]

    filed = "\n".join(texts(send(stack.url, user, "确认提交")))
    [number] = set(TICKET.findall(filed))

    status = "\n".join(texts(send(stack.url, user, "我的申诉进度怎么样了")))
    assert number in status


def test_opening_the_appeal_asks_one_question_and_nothing_else(stack):
    replies = texts(send(stack.url, "e2e-appeal-opening", "我要申诉"))
    assert len(replies) == 2
    assert "您要申诉的是哪一项" in replies[-1]
