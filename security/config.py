"""Security settings, read from the environment in one place.

Variables:
    JIEBEI_ACTION_TOKEN: the shared secret the Rasa server sends to the action
        server (``Authorization: Bearer ...``, set in endpoints.yml). At least
        32 characters. ``make`` generates one into ``var/secrets/`` on first
        use (``scripts/secret.sh``); never commit it.
    JIEBEI_FIELD_KEY: the key that seals the appeal phone number in the
        conversation between two turns (a Fernet key: 32 random bytes,
        url-safe base64). Only the action server needs it.
    JIEBEI_CHAT_AUTH: ``anonymous`` (the local demo: the client chooses its
        conversation id) or ``jwt`` (production: every connection carries a
        signed token naming the customer, and the customer id is the
        conversation id). Default ``anonymous``.
    JIEBEI_CHAT_JWT_SECRET: the HS256 secret of those tokens (at least 32
        characters); required when JIEBEI_CHAT_AUTH is ``jwt``.
    JIEBEI_MAX_MESSAGE_CHARS: longer messages get a polite reply instead of a
        parse (default 1000).
    JIEBEI_SENDER_RATE / JIEBEI_CLIENT_RATE: messages allowed per conversation
        and per client address, as ``<count>/<seconds>`` (defaults ``20/60``
        and ``60/60``).
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from enum import Enum

from security import TEXTS

MIN_SECRET_CHARS = 32
DEFAULT_MAX_MESSAGE_CHARS = 1000
DEFAULT_SENDER_RATE = "20/60"
DEFAULT_CLIENT_RATE = "60/60"


class ConfigError(ValueError):
    """A security setting is missing or invalid.

    This module's messages are Chinese, from ``texts.yml``: ``python -m
    security`` shows them to staff.
    """


class ChatAuth(str, Enum):
    """How the chat channels know who is talking."""

    ANONYMOUS = "anonymous"
    JWT = "jwt"


@dataclass(frozen=True)
class Rate:
    """At most ``count`` messages in any ``seconds``-long window."""

    count: int
    seconds: float


@dataclass(frozen=True)
class ChannelSettings:
    """What the chat channels enforce.

    Attributes:
        auth: Anonymous demo sessions, or customer JWTs.
        jwt_secret: The HS256 secret (None when anonymous).
        max_message_chars: The longest message that is parsed.
        sender_rate: Messages allowed per conversation.
        client_rate: Messages allowed per client address.
    """

    auth: ChatAuth = ChatAuth.ANONYMOUS
    jwt_secret: str | None = None
    max_message_chars: int = DEFAULT_MAX_MESSAGE_CHARS
    sender_rate: Rate = Rate(20, 60)
    client_rate: Rate = Rate(60, 60)


def _env(environ: Mapping[str, str] | None) -> Mapping[str, str]:
    return os.environ if environ is None else environ


def _secret(env: Mapping[str, str], name: str) -> str:
    value = env.get(name, "")
    if not value:
        raise ConfigError(TEXTS("secret_missing", name=name))
    if len(value) < MIN_SECRET_CHARS:
        raise ConfigError(TEXTS("secret_too_short", name=name, minimum=MIN_SECRET_CHARS, length=len(value)))
    return value


def action_token(environ: Mapping[str, str] | None = None) -> str:
    """The shared secret of the action server.

    Raises:
        ConfigError: JIEBEI_ACTION_TOKEN is unset or too short.
    """
    return _secret(_env(environ), "JIEBEI_ACTION_TOKEN")


def field_key(environ: Mapping[str, str] | None = None) -> str:
    """The key that seals slot values.

    Raises:
        ConfigError: JIEBEI_FIELD_KEY is unset or too short.
    """
    return _secret(_env(environ), "JIEBEI_FIELD_KEY")


def parse_rate(name: str, text: str) -> Rate:
    """Reads ``"20/60"`` as 20 messages per 60 seconds.

    Raises:
        ConfigError: Not two positive numbers separated by ``/``.
    """
    count_text, _, seconds_text = text.partition("/")
    try:
        count, seconds = int(count_text), float(seconds_text)
    except ValueError:
        count, seconds = 0, 0.0
    if count <= 0 or seconds <= 0:
        raise ConfigError(TEXTS("rate_malformed", name=name, value=text))
    return Rate(count, seconds)


def channel_settings(environ: Mapping[str, str] | None = None) -> ChannelSettings:
    """Reads the chat channels' settings.

    Raises:
        ConfigError: An unknown JIEBEI_CHAT_AUTH, a missing or short JWT
            secret in ``jwt`` mode, or a malformed limit.
    """
    env = _env(environ)
    auth_text = env.get("JIEBEI_CHAT_AUTH") or ChatAuth.ANONYMOUS.value
    try:
        auth = ChatAuth(auth_text)
    except ValueError:
        choices = TEXTS("chat_auth_separator").join(mode.value for mode in ChatAuth)
        raise ConfigError(TEXTS("chat_auth_unknown", choices=choices, value=auth_text)) from None
    secret = _secret(env, "JIEBEI_CHAT_JWT_SECRET") if auth is ChatAuth.JWT else None
    limit_text = env.get("JIEBEI_MAX_MESSAGE_CHARS") or str(DEFAULT_MAX_MESSAGE_CHARS)
    if not limit_text.isdigit() or int(limit_text) <= 0:
        raise ConfigError(TEXTS("max_message_chars_malformed", value=limit_text))
    return ChannelSettings(
        auth=auth,
        jwt_secret=secret,
        max_message_chars=int(limit_text),
        sender_rate=parse_rate("JIEBEI_SENDER_RATE", env.get("JIEBEI_SENDER_RATE") or DEFAULT_SENDER_RATE),
        client_rate=parse_rate("JIEBEI_CLIENT_RATE", env.get("JIEBEI_CLIENT_RATE") or DEFAULT_CLIENT_RATE),
    )
