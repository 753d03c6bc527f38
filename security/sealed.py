"""Sealing a value the action server needs on a later turn (the appeal phone number).

The conversation, with its slots, is kept by the Rasa server's tracker store.
A sealed value is encrypted and authenticated (Fernet: AES-128-CBC and
HMAC-SHA256) with a key only the action server holds (``JIEBEI_FIELD_KEY``),
so the tracker store, its backups and the Rasa server see ``sealed:v1:...``
and nothing else. A value sealed with another key, altered, or older than
:data:`MAX_AGE_SECONDS` does not open.
"""

from __future__ import annotations

from cryptography.fernet import Fernet, InvalidToken

from security.config import ConfigError, field_key

PREFIX = "sealed:v1:"
# A conversation session expires long before this.
MAX_AGE_SECONDS = 24 * 3600


def _fernet(key: str | None) -> Fernet:
    try:
        return Fernet(key if key is not None else field_key())
    except ValueError as error:
        raise ConfigError(f"JIEBEI_FIELD_KEY is not a Fernet key (32 bytes, url-safe base64): {error}") from None


def is_sealed(value: object) -> bool:
    """Whether ``value`` is a sealed string (masking leaves those alone)."""
    return isinstance(value, str) and value.startswith(PREFIX)


def seal(value: str, key: str | None = None) -> str:
    """Encrypts ``value`` for the action server.

    Args:
        value: The clear text, e.g. a phone number.
        key: The Fernet key; JIEBEI_FIELD_KEY when None.

    Raises:
        ConfigError: No usable key.
    """
    return PREFIX + _fernet(key).encrypt(value.encode("utf-8")).decode("ascii")


def unseal(value: object, key: str | None = None) -> str | None:
    """Opens a value made by :func:`seal`.

    Args:
        value: A slot value.
        key: The Fernet key; JIEBEI_FIELD_KEY when None.

    Returns:
        The clear text, or None when ``value`` is not sealed, was sealed with
        another key, was altered or is too old.

    Raises:
        ConfigError: No usable key.
    """
    if not isinstance(value, str) or not value.startswith(PREFIX):
        return None
    try:
        return _fernet(key).decrypt(value[len(PREFIX) :].encode("ascii"), ttl=MAX_AGE_SECONDS).decode("utf-8")
    except (InvalidToken, UnicodeError):
        return None
