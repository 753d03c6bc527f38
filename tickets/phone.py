"""Mainland China mobile numbers: validation and masking.

The appeal form validates the number with :func:`is_valid_mobile` before it
reaches the store; anything that prints or logs a number uses
:func:`mask_phone`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import Enum

_MOBILE = re.compile(r"1[3-9]\d{9}")
_SEPARATORS = re.compile(r"[\s\-()]")
# Digit runs with the separators people type inside phone numbers.
_DIGIT_RUN = re.compile(r"\+?\d(?:[\s\-()]*\d)*")


class PhoneProblem(str, Enum):
    """Why a typed phone number was refused."""

    NO_DIGITS = "no_digits"
    WRONG_LENGTH = "wrong_length"
    NOT_MOBILE = "not_mobile"


@dataclass(frozen=True)
class PhoneCheck:
    """The outcome of reading a mobile number from a message.

    Attributes:
        number: The 11-digit number, or None when it was refused.
        problem: Why it was refused, or None.
        digit_count: Digits found in the longest run (for the message).
    """

    number: str | None
    problem: PhoneProblem | None = None
    digit_count: int = 0


def normalize_mobile(text: str) -> str:
    """Remove separators and a leading country code from a typed number.

    Args:
        text: The number as typed, e.g. ``"+86 138-1234-1234"``.

    Returns:
        The digits that remain, e.g. ``"13812341234"``. The result is not
        validated: pass it to :func:`is_valid_mobile`.
    """
    compact = _SEPARATORS.sub("", text.strip())
    for prefix in ("+86", "0086"):
        if compact.startswith(prefix):
            return compact[len(prefix) :]
    return compact


def is_valid_mobile(number: str) -> bool:
    """Tell whether ``number`` is an 11-digit mainland mobile number.

    Args:
        number: Digits only, already normalised (see :func:`normalize_mobile`).

    Returns:
        True for 11 ASCII digits starting with 13 to 19.
    """
    return _MOBILE.fullmatch(number) is not None


def mask_phone(number: str | None) -> str:
    """Hide the middle of a phone number for display and logs.

    Args:
        number: A stored phone number, or None.

    Returns:
        ``"138****1234"`` for an 11-digit number; for anything else, every
        character but the last two is replaced by ``*`` (empty for None), so
        no unexpected input is ever shown in clear.
    """
    if not number:
        return ""
    if len(number) == 11:
        return f"{number[:3]}****{number[7:]}"
    return "*" * max(len(number) - 2, 0) + number[-2:]


def read_mobile(text: str) -> PhoneCheck:
    """Read a mainland mobile number from a message such as "我的手机号138-1234-5678".

    Args:
        text: The message text.

    Returns:
        The number, or why none could be accepted.
    """
    runs = [normalize_mobile(run) for run in _DIGIT_RUN.findall(text or "")]
    runs = [run.lstrip("+") for run in runs if run]
    for run in runs:
        if is_valid_mobile(run):
            return PhoneCheck(number=run)
    if not runs:
        return PhoneCheck(number=None, problem=PhoneProblem.NO_DIGITS)
    longest = max(runs, key=len)
    if len(longest) != 11:
        return PhoneCheck(number=None, problem=PhoneProblem.WRONG_LENGTH, digit_count=len(longest))
    return PhoneCheck(number=None, problem=PhoneProblem.NOT_MOBILE, digit_count=11)
