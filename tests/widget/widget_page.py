"""Helpers that read and drive the widget inside a Playwright page."""

from __future__ import annotations

from typing import Any

REPLY_TIMEOUT_MS = 20_000

USER_BUBBLES = ".jw-msg--user .jw-bubble"
BOT_BUBBLES = ".jw-msg--bot .jw-bubble"


def bubble_texts(page: Any, selector: str = ".jw-msg .jw-bubble") -> list[str]:
    """Returns the visible text of the matching bubbles, in order."""
    return [text.strip() for text in page.locator(selector).all_inner_texts()]


def conversation(page: Any) -> list[tuple[str, str]]:
    """Returns the log as (sender, text) pairs, sender being 'user' or 'bot'."""
    rows = page.locator(".jw-msg")
    result = []
    for index in range(rows.count()):
        row = rows.nth(index)
        sender = "user" if "jw-msg--user" in (row.get_attribute("class") or "") else "bot"
        result.append((sender, row.locator(".jw-bubble").inner_text().strip()))
    return result


def wait_for_bot_count(page: Any, minimum: int, timeout: int = REPLY_TIMEOUT_MS) -> None:
    """Waits until at least ``minimum`` bot bubbles are shown."""
    page.locator(BOT_BUBBLES).nth(minimum - 1).wait_for(state="visible", timeout=timeout)


def send(page: Any, text: str) -> None:
    """Types ``text`` in the input and presses Enter."""
    field = page.locator(".jw-input")
    field.fill(text)
    field.press("Enter")


def ask(page: Any, text: str, timeout: int = REPLY_TIMEOUT_MS) -> None:
    """Sends ``text`` and waits for a bot bubble after it."""
    before = page.locator(BOT_BUBBLES).count()
    send(page, text)
    wait_for_bot_count(page, before + 1, timeout)


def ask_and_settle(page: Any, text: str, quiet_ms: int = 1500) -> list[str]:
    """Sends ``text`` and returns every bot bubble of the turn, once no more arrive for ``quiet_ms``."""
    before = page.locator(BOT_BUBBLES).count()
    send(page, text)
    wait_for_bot_count(page, before + 1)
    count = page.locator(BOT_BUBBLES).count()
    while True:
        page.wait_for_timeout(quiet_ms)
        now = page.locator(BOT_BUBBLES).count()
        if now == count:
            return bubble_texts(page, BOT_BUBBLES)[before:]
        count = now


def session_id(page: Any, server_url: str) -> str | None:
    """Returns the session id the widget stored for ``server_url``."""
    return page.evaluate("key => window.localStorage.getItem(key)", f"jiebei-widget:{server_url}:session")
