"""The pure guards: settings, rate limits, customer tokens, body parsing, the token check."""

from __future__ import annotations

import time

import jwt
import pytest

from security.action_server import action_call_problem, authorized
from security.channels import BodyError, ChannelGuard, clean_text, parse_rest_body, without_repeats
from security.config import ChannelSettings, ChatAuth, ConfigError, Rate, action_token, channel_settings, parse_rate
from security.limits import RateLimiter
from security.tokens import TokenError, issue, verify

SECRET = "s" * 40


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_a_bucket_allows_a_burst_then_one_message_per_interval():
    clock = Clock()
    limiter = RateLimiter(Rate(3, 30), clock=clock)

    burst = [limiter.check("a").allowed for _ in range(4)]
    refused = limiter.check("a")
    clock.now += 10
    after_one_interval = limiter.check("a").allowed

    assert burst == [True, True, True, False]
    assert refused.retry_after == 10
    assert after_one_interval is True
    assert limiter.check("b").allowed is True  # another key has its own bucket


def test_the_limiter_forgets_the_least_recent_keys_beyond_its_bound():
    limiter = RateLimiter(Rate(1, 60), clock=Clock(), max_keys=2)
    limiter.check("a")
    limiter.check("b")
    limiter.check("c")

    assert limiter.check("a").allowed is True  # "a" was forgotten, so it starts afresh
    assert limiter.check("c").allowed is False


def test_a_token_names_its_customer():
    assert verify(issue("cust-1", SECRET), SECRET).customer_id == "cust-1"


@pytest.mark.parametrize(
    ("token", "reason"),
    [
        (None, "no token"),
        (issue("cust-1", SECRET, lifetime_seconds=60, now=time.time() - 120), "token expired"),
        (issue("cust-1", "t" * 40), "bad signature"),
        (jwt.encode({"sub": "cust-1"}, SECRET, algorithm="HS256"), "invalid token (MissingRequiredClaimError)"),
        (jwt.encode({"sub": "a b", "exp": time.time() + 86400}, SECRET, algorithm="HS256"), "no valid customer id"),
        (jwt.encode({"sub": 5, "exp": time.time() + 86400}, SECRET, algorithm="HS256"), "invalid token"),
    ],
)
def test_a_bad_token_is_refused_with_a_reason(token, reason):
    with pytest.raises(TokenError, match=reason.replace("(", r"\(").replace(")", r"\)")):
        verify(token, SECRET)


@pytest.mark.parametrize(
    ("environ", "message"),
    [
        ({"JIEBEI_CHAT_AUTH": "open"}, "JIEBEI_CHAT_AUTH 只能是 anonymous 或 jwt，现在是“open”"),
        ({"JIEBEI_CHAT_AUTH": "jwt"}, "JIEBEI_CHAT_JWT_SECRET 未设置（make 会用 scripts/secret.sh 生成一个）"),
        (
            {"JIEBEI_CHAT_AUTH": "jwt", "JIEBEI_CHAT_JWT_SECRET": "short"},
            "JIEBEI_CHAT_JWT_SECRET 至少要 32 个字符，现在只有 5 个",
        ),
        ({"JIEBEI_MAX_MESSAGE_CHARS": "-5"}, "JIEBEI_MAX_MESSAGE_CHARS 应为正整数，现在是“-5”"),
        ({"JIEBEI_SENDER_RATE": "fast"}, "JIEBEI_SENDER_RATE 应写成 20/60 这样的“消息数/秒数”，现在是“fast”"),
    ],
)
def test_bad_settings_are_clear_errors(environ, message):
    with pytest.raises(ConfigError) as raised:
        channel_settings(environ)
    assert str(raised.value) == message


def test_settings_have_safe_defaults():
    assert channel_settings({}) == ChannelSettings()
    assert parse_rate("X", "5/2.5") == Rate(5, 2.5)
    with pytest.raises(ConfigError, match="^JIEBEI_ACTION_TOKEN 未设置"):
        action_token({})


def test_the_action_token_check_is_exact():
    token = "k" * 40

    assert authorized(f"Bearer {token}", token)
    assert not authorized(f"Bearer {token}x", token)
    assert not authorized(token, token)
    assert not authorized(None, token)
    assert not authorized("Bearer ünïcode", token)


def test_a_real_action_call_has_no_problem():
    assert action_call_problem(b'{"next_action": "x", "tracker": {"sender_id": "s"}}') is None


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        (b"  ", "empty body"),
        (b"{", "not valid JSON"),
        (b'"text"', "must be a JSON object"),
        (b'{"sender": "a"}', "message must be a string"),
    ],
)
def test_rest_bodies_are_checked(raw, reason):
    with pytest.raises(BodyError, match=reason):
        parse_rest_body(raw)


def test_control_characters_and_surrogates_are_cleaned():
    assert clean_text("\x00你\x1b好\ud800\n") == "你好"


def test_in_anonymous_mode_the_client_names_the_conversation():
    guard = ChannelGuard(ChannelSettings())

    assert guard.identify(None, "my-session") == "my-session"
    with pytest.raises(BodyError):
        guard.identify(None, "x" * 200)


def test_in_jwt_mode_only_the_token_names_the_conversation():
    guard = ChannelGuard(ChannelSettings(auth=ChatAuth.JWT, jwt_secret=SECRET))

    assert guard.identify(issue("cust-7", SECRET), "someone-else") == "cust-7"
    with pytest.raises(TokenError):
        guard.identify(None, "someone-else")


def test_a_long_message_is_answered_politely_and_counts_against_the_rate():
    guard = ChannelGuard(ChannelSettings(max_message_chars=10, sender_rate=Rate(1, 60)))

    refusal = guard.check("s", "c", "长" * 11)
    again = guard.check("s", "c", "短")

    assert refusal is not None and refusal.status == 200 and "11个字" in refusal.text and "10个字" in refusal.text
    assert again is not None and again.status == 429 and again.retry_after == 60


def test_one_turn_never_repeats_a_message():
    apology, question = {"text": "抱歉"}, {"text": "您多大了？"}

    assert without_repeats([apology, apology, question, apology]) == [apology, question, apology]
