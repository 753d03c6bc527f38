"""Sealing a value the action server needs on a later turn (the appeal phone number).

The conversation, with its slots, is kept by the Rasa server's tracker store.
A sealed value is encrypted and authenticated (Fernet: AES-128-CBC and
HMAC-SHA256) with a key only the action server holds (``JIEBEI_FIELD_KEY``),
so the tracker store, its backups and the Rasa server see ``sealed:v1:...``
and nothing else. A value sealed with another key, altered, or older than
:data:`MAX_AGE_SECONDS` does not open.
"""

from __future__ import annotations

import base64
import binascii
import re

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


# A Fernet token: version 0x80 ("gAAAAA" in base64), timestamp, IV, at least
# one AES block, HMAC; url-safe base64 without spaces.
_TOKEN = re.compile(r"gAAAAA[A-Za-z0-9_\-]{70,}={0,2}")
_FERNET_OVERHEAD = 57  # version 1 + timestamp 8 + IV 16 + HMAC 32 bytes


def is_sealed(value: object) -> bool:
    """Whether ``value`` has the shape of a sealed value (masking leaves only those alone).

    A message that merely starts with the prefix is not one: the rest must
    be a well-formed Fernet token, so free text cannot dodge the masking.
    """
    if not isinstance(value, str) or not value.startswith(PREFIX):
        return False
    token = value[len(PREFIX) :]
    if not _TOKEN.fullmatch(token):
        return False
    try:
        size = len(base64.urlsafe_b64decode(token))
    except (binascii.Error, ValueError):
        return False
    return size >= _FERNET_OVERHEAD + 16 and (size - _FERNET_OVERHEAD) % 16 == 0


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
