"""Ticket numbers that can be read out over the phone.

A number is ``"JB"`` followed by six characters from an alphabet without the
look-alikes 0/O and 1/I/L, e.g. ``"JB7K3M9Q"``: 31**6 (about 887 million)
possible numbers. The store retries with a new number on the rare collision.
"""

from __future__ import annotations

import re
import secrets

PREFIX = "JB"
ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
BODY_LENGTH = 6

_NUMBER = re.compile(rf"{PREFIX}[{ALPHABET}]{{{BODY_LENGTH}}}")
_SEPARATORS = re.compile(r"[\s\-_.]")
# Ticket numbers as typed in a message: "JB7K3M9Q", "jb 7k3-m9q".
_CANDIDATE = re.compile(r"(?<![0-9a-z])jb(?:[\s\-_.]*[0-9a-z]){6}(?![0-9a-z])", re.IGNORECASE)


def new_ticket_number() -> str:
    """Draw a random ticket number from a cryptographic source.

    Returns:
        A number such as ``"JB7K3M9Q"``.
    """
    body = "".join(secrets.choice(ALPHABET) for _ in range(BODY_LENGTH))
    return PREFIX + body


HANDOFF_PREFIX = "RG"


def new_handoff_reference() -> str:
    """Draw a random reference for a handoff request, e.g. ``"RG4T8KWD"``.

    Random like ticket numbers, so a reference tells nothing about how many
    requests there were.
    """
    return HANDOFF_PREFIX + "".join(secrets.choice(ALPHABET) for _ in range(BODY_LENGTH))


def normalize_ticket_number(text: str) -> str:
    """Turn a number as typed or dictated into its canonical form.

    Upper-cases and removes spaces, hyphens, dots and underscores, so
    ``"jb 7k3-m9q"`` becomes ``"JB7K3M9Q"``. The result may still be invalid:
    check it with :func:`is_ticket_number`.

    Args:
        text: The number as typed.

    Returns:
        The canonical spelling.
    """
    return _SEPARATORS.sub("", text).upper()


def is_ticket_number(text: str) -> bool:
    """Tell whether ``text`` is a well-formed canonical ticket number.

    Args:
        text: A canonical number (see :func:`normalize_ticket_number`).

    Returns:
        True when it has the prefix and six characters of the alphabet.
    """
    return _NUMBER.fullmatch(text) is not None


def find_ticket_number(text: str) -> str | None:
    """Find a ticket number written in any common way in a message ("jb 7k3-m9q").

    Args:
        text: The message text.

    Returns:
        The canonical spelling of the first "JB" + six characters found (it
        may still be malformed: check it with :func:`is_ticket_number`), or None.
    """
    match = _CANDIDATE.search(text or "")
    return normalize_ticket_number(match.group(0)) if match else None
