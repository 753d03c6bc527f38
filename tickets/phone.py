"""Mainland China mobile numbers: validation and masking.

The appeal form validates the number with :func:`is_valid_mobile` before it
reaches the store; anything that prints or logs a number uses
:func:`mask_phone`.
"""

from __future__ import annotations

import re

_MOBILE = re.compile(r"1[3-9]\d{9}")
_SEPARATORS = re.compile(r"[\s\-()]")


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
            return compact[len(prefix):]
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
