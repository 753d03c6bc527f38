"""Browser tests of the widget's rendering, accessibility and layout.

The chat server here is tests/widget/fake_rasa.py, which speaks Rasa's
socket.io protocol and answers from a fixed script, so bot messages with
markup, links and buttons can be chosen exactly. The tests against the real
Rasa server are in test_widget_rasa.py.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
import widget_servers as servers
import yaml
from rasa.core.nlg.interpolator import interpolate_text
from widget_page import BOT_BUBBLES, USER_BUBBLES, ask, bubble_texts, conversation, session_id, wait_for_bot_count
from widget_servers import WidgetSite, start_site

from security.display import as_literal
from tests.support.servers import REPO

pytestmark = pytest.mark.integration

HOSTILE_DESCRIPTION = "**我没逾期** [点我](https://example.com) <b>x</b> 0[ {phone}"


def appeal_summary() -> str:
    """The real summary template, filled by Rasa as the appeal form fills it."""
    domain = yaml.safe_load((REPO / "domain.yml").read_text(encoding="utf-8"))
    template = domain["responses"]["utter_ask_appeal_confirmed"][0]["text"]
    values = {"contested": "存在逾期记录", "description": as_literal(HOSTILE_DESCRIPTION), "phone": "138****4321"}
    return interpolate_text(template, values)


SCRIPT = {
    "/greet": [
        {
            "text": "welcome **friend**",
            "quick_replies": [
                {"content_type": "text", "title": "第一个选项", "payload": "/choose_one"},
                {"content_type": "text", "title": "第二个选项", "payload": "/choose_two"},
            ],
        }
    ],
    "/choose_one": [{"text": "payload one received"}],
    "markdown": [
        {"text": "line **bold** one\nsee [the guide](https://example.com/guide?a=1) or https://example.org/x"}
    ],
    "markup": [
        {
            "text": '<img src=x onerror="window.__xssBot=1"><script>window.__xssBot=2</script>'
            " [bad](javascript:window.__xssBot=3) [relative](/local)"
        }
    ],
    "summary": [{"text": appeal_summary()}],
    "masked": [{"text": "手机号 **138****4321**，备用 139****5678，**两处**都是"}],
    "image": [{"attachment": {"type": "image", "payload": {"src": "javascript:window.__xssBot=4"}}, "text": "pic"}],
}


@pytest.fixture(scope="module")
def fake_chat(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    script = tmp_path_factory.mktemp("fake_rasa") / "script.json"
    script.write_text(json.dumps(SCRIPT, ensure_ascii=False), encoding="utf-8")
    port = servers.free_port()
    server = servers.fake_rasa_server(port, script)
    server.start(timeout=60)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.stop()


@pytest.fixture(scope="module")
def site(fake_chat: str, site_port: int) -> Iterator[WidgetSite]:
    yield from start_site(site_port, fake_chat)


@pytest.fixture()
def page(page_factory: Any, site: WidgetSite) -> Any:
    opened = page_factory(site.url, site.dialogs)
    wait_for_bot_count(opened, 1)
    return opened


def test_greeting_is_requested_silently_and_shown_with_quick_replies(page: Any) -> None:
    assert conversation(page) == [("bot", "welcome friend")]
    assert page.locator(".jw-quick-btn").all_inner_texts() == ["第一个选项", "第二个选项"]


def test_quick_reply_shows_title_sends_payload_and_disappears(page: Any) -> None:
    page.locator(".jw-quick-btn", has_text="第一个选项").click()
    wait_for_bot_count(page, 2)
    assert conversation(page)[1:] == [("user", "第一个选项"), ("bot", "payload one received")]
    assert page.locator(".jw-quick-btn").count() == 0
    assert page.evaluate("() => document.activeElement.shadowRoot.activeElement.id") == "jw-input"


def test_a_masked_phone_keeps_its_asterisks_in_bold_and_in_plain_text(page: Any) -> None:
    ask(page, "masked")
    bubble = page.locator(BOT_BUBBLES).last
    assert bubble.locator("strong").all_inner_texts() == ["138****4321", "两处"]
    assert bubble.inner_text() == "手机号 138****4321，备用 139****5678，两处都是"


def test_the_appeal_summary_shows_hostile_words_as_written(page: Any) -> None:
    ask(page, "summary")
    bubble = page.locator(BOT_BUBBLES).last
    assert bubble.locator("strong, a, b").count() == 0
    assert "情况描述：＊＊我没逾期＊＊ ［点我］(https：//example.com) ＜b＞x＜/b＞ 0［ ｛phone｝" in bubble.inner_text()
    assert "联系手机：138****4321" in bubble.inner_text()


def test_bot_markdown_subset_renders_bold_breaks_and_http_links(page: Any) -> None:
    ask(page, "markdown")
    bubble = page.locator(BOT_BUBBLES).last
    assert bubble.locator("strong").all_inner_texts() == ["bold"]
    assert bubble.locator("br").count() == 1
    links = bubble.locator("a")
    assert links.count() == 2
    assert [links.nth(i).get_attribute("href") for i in range(2)] == [
        "https://example.com/guide?a=1",
        "https://example.org/x",
    ]
    for i in range(2):
        assert links.nth(i).get_attribute("target") == "_blank"
        assert links.nth(i).get_attribute("rel") == "noopener noreferrer"
    assert links.nth(0).inner_text() == "the guide"


def test_bot_markup_is_shown_as_text_and_unsafe_links_are_dropped(page: Any, site: WidgetSite) -> None:
    ask(page, "markup")
    bubble = page.locator(BOT_BUBBLES).last
    assert bubble.inner_text().startswith('<img src=x onerror="window.__xssBot=1"><script>window.__xssBot=2</script>')
    assert "[bad](javascript:window.__xssBot=3)" in bubble.inner_text()
    assert bubble.locator("img, script, a").count() == 0
    ask(page, "image")
    assert page.locator(BOT_BUBBLES).last.locator("img").count() == 0
    page.wait_for_timeout(300)  # give an injected onerror handler time to run
    assert page.evaluate("() => window.__xssBot") is None
    assert site.dialogs == []


def test_history_and_session_survive_a_reload(page: Any, site: WidgetSite) -> None:
    ask(page, "你好呀")
    before = conversation(page)
    sid = session_id(page, site_chat_url(page))
    page.reload()
    wait_for_bot_count(page, 2)
    assert conversation(page) == before
    assert session_id(page, site_chat_url(page)) == sid


def test_new_conversation_clears_history_and_changes_session(page: Any) -> None:
    ask(page, "第一轮")
    old = session_id(page, site_chat_url(page))
    page.locator(".jw-reset").click()
    page.wait_for_function(
        "() => document.querySelector('#jiebei-chat-widget').shadowRoot.querySelectorAll('.jw-msg').length === 1"
    )
    wait_for_bot_count(page, 1)
    assert conversation(page) == [("bot", "welcome friend")]
    new = session_id(page, site_chat_url(page))
    assert new and new != old


def test_keyboard_opens_and_closes_the_panel_with_focus_management(page: Any) -> None:
    page.locator(".jw-input").focus()
    page.keyboard.press("Escape")
    assert page.locator(".jw-panel").is_hidden()
    launcher = page.locator(".jw-launcher")
    assert launcher.get_attribute("aria-expanded") == "false"
    assert page.evaluate("() => document.activeElement.shadowRoot.activeElement.className").startswith("jw-launcher")
    page.keyboard.press("Enter")
    assert page.locator(".jw-panel").is_visible()
    assert launcher.get_attribute("aria-expanded") == "true"
    assert page.evaluate("() => document.activeElement.shadowRoot.activeElement.id") == "jw-input"


def test_messages_are_in_a_polite_live_log_and_controls_are_labelled(page: Any) -> None:
    log = page.locator(".jw-log")
    assert log.get_attribute("role") == "log"
    assert log.get_attribute("aria-live") == "polite"
    assert page.get_by_role("button", name="打开借呗助手对话").count() == 1
    assert page.get_by_role("button", name="关闭对话窗口").count() == 1
    assert page.get_by_role("textbox", name="输入您的问题").count() == 1
    assert page.get_by_role("dialog", name="借呗助手").count() == 1


def test_panel_fills_a_phone_sized_screen(page_factory: Any, site: WidgetSite) -> None:
    phone = page_factory(site.url, site.dialogs, viewport={"width": 375, "height": 667}, has_touch=True)
    wait_for_bot_count(phone, 1)
    box = phone.locator(".jw-panel").bounding_box()
    assert box == {"x": 0, "y": 0, "width": 375, "height": 667}
    input_box = phone.locator(".jw-input").bounding_box()
    assert input_box["y"] + input_box["height"] <= 667


def test_user_bubble_keeps_line_breaks_as_typed(page: Any) -> None:
    field = page.locator(".jw-input")
    field.fill("第一行")
    field.press("Shift+Enter")
    field.press_sequentially("第二行")
    field.press("Enter")
    wait_for_bot_count(page, 2)
    assert bubble_texts(page, USER_BUBBLES) == ["第一行\n第二行"]


def site_chat_url(page: Any) -> str:
    """The data-server of the widget script on the page."""
    return page.evaluate("() => document.querySelector('script[data-server]').dataset.server")
