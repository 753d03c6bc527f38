"""Browser tests of the widget against the real Rasa server and action server.

The servers start once for the module (the trained model models/current.tar.gz
must exist); the outage test stops and restarts the Rasa server, so it runs last.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect
from widget_page import BOT_BUBBLES, ask, ask_and_settle, conversation, send, session_id, wait_for_bot_count
from widget_servers import RasaStack, WidgetSite, start_site

from tests.support.simulator import NOTHING_EXPLAINS_IT, Customer, play

pytestmark = pytest.mark.integration

RESTART_TIMEOUT_MS = 60_000


@pytest.fixture(scope="module")
def site(rasa_stack: RasaStack, site_port: int) -> Iterator[WidgetSite]:
    yield from start_site(site_port, rasa_stack.url)


@pytest.fixture()
def page(page_factory: Any, site: WidgetSite) -> Any:
    opened = page_factory(site.url, site.dialogs)
    wait_for_bot_count(opened, 1)  # the greeting answers the silent /greet
    return opened


def test_question_gets_a_bot_reply(page: Any, artifacts_dir: Path) -> None:
    ask(page, "芝麻分高为什么开不了借呗")
    log = conversation(page)
    question = log.index(("user", "芝麻分高为什么开不了借呗"))
    replies = [text for sender, text in log[question + 1 :] if sender == "bot"]
    assert replies and all(replies)
    page.screenshot(path=str(artifacts_dir / "widget-conversation.png"))


def test_quick_reply_click_shows_its_title_and_gets_a_reply(page: Any) -> None:
    first = page.locator(".jw-quick-btn").first
    title = first.inner_text().strip()
    assert title
    bots = page.locator(BOT_BUBBLES).count()
    first.click()
    wait_for_bot_count(page, bots + 1)
    log = conversation(page)
    user_turns = [text for sender, text in log if sender == "user"]
    assert user_turns == [title]
    assert log.index(("user", title)) < len(log) - 1  # a bot reply follows it


def test_conversation_survives_a_reload(page: Any, rasa_stack: RasaStack) -> None:
    ask(page, "借呗怎么开通")
    before = conversation(page)
    sid = session_id(page, rasa_stack.url)
    page.reload()
    wait_for_bot_count(page, sum(1 for sender, _ in before if sender == "bot"))
    assert conversation(page) == before
    assert session_id(page, rasa_stack.url) == sid
    ask(page, "谢谢")  # the same session goes on after the reload
    log = conversation(page)
    assert ("user", "谢谢") in log[len(before) :]
    assert log[-1][0] == "bot"


def test_html_typed_by_the_user_is_shown_as_text(page: Any, site: WidgetSite) -> None:
    attacks = ["<img src=x onerror=alert(1)>", "<script>window.__xss=1</script>"]
    for attack in attacks:
        ask(page, attack)
    user_turns = [text for sender, text in conversation(page) if sender == "user"]
    assert user_turns == attacks
    assert page.locator(".jw-log img, .jw-log script").count() == 0
    page.wait_for_timeout(300)  # give an injected onerror handler time to run
    assert page.evaluate("() => window.__xss") is None
    assert site.dialogs == []


def test_a_customer_who_only_types_gets_a_diagnosis_and_files_an_appeal(page: Any, artifacts_dir: Path) -> None:
    customer = Customer(NOTHING_EXPLAINS_IT, "芝麻分720为什么开不了借呗", seed=11, interrupt=True)
    conversation_played = play(
        lambda _sender, text: [{"text": t} for t in ask_and_settle(page, text)], "widget", customer, "风控策略调整"
    )
    assert conversation_played.succeeded, conversation_played.turns

    for step in ["好的 帮我申诉", "我一直按时还款 芝麻分也高 不知道为什么开不了", "13812344321", "同意"]:
        replies = ask_and_settle(page, step)
        assert 1 <= len(replies) <= 3, (step, replies)
    assert "联系手机：138****4321" in replies[-1]
    filed = "\n".join(ask_and_settle(page, "确认提交"))
    [number] = set(re.findall(r"JB[0-9A-Z]{6}", filed))
    assert number in "\n".join(ask_and_settle(page, "我的申诉进度怎么样了"))
    page.screenshot(path=str(artifacts_dir / "widget-typed-appeal.png"), full_page=True)


def test_outage_is_announced_and_a_queued_message_is_sent_after_restart(page: Any, rasa_stack: RasaStack) -> None:
    rasa_stack.stop_rasa()
    notice = page.locator(".jw-notice")
    expect(notice).to_have_text("连接已断开，正在重连…", timeout=15_000)

    send(page, "借呗被关了怎么办")
    pending = page.locator(".jw-msg--pending")
    expect(pending).to_have_count(1)
    expect(pending.locator(".jw-pending")).to_have_text("等待发送")

    page.reload()  # the queue is kept across a reload while offline
    expect(page.locator(".jw-msg--pending .jw-bubble")).to_have_text("借呗被关了怎么办")
    expect(notice).to_have_text("暂时无法连接服务器，正在重试…")  # never connected since the reload
    bots = page.locator(BOT_BUBBLES).count()

    rasa_stack.start_rasa()
    expect(page.locator(".jw-msg--pending")).to_have_count(0, timeout=RESTART_TIMEOUT_MS)
    wait_for_bot_count(page, bots + 1, timeout=RESTART_TIMEOUT_MS)
    log = conversation(page)
    position = log.index(("user", "借呗被关了怎么办"))
    assert [sender for sender, _ in log[position + 1 :]][:1] == ["bot"]
