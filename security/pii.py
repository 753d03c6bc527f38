"""Personal data in free text: phone, ID-card and bank-card numbers, codes, passwords.

:func:`scrub_sensitive` masks what nobody may store at all (ID-card and bank
numbers, verification codes, passwords): the appeal form uses it on the
description. :func:`mask_personal_data` also masks mobile numbers; it runs on
everything written to the tracker store, so a conversation at rest keeps no
number in clear. Digits typed full-width (１３８…) are recognised too.

Masking keeps the text's length and shape: a phone number keeps its first
three and last four digits (``138****5678``, as Chinese apps show them);
everything else becomes asterisks.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from enum import Enum
from typing import Any

# Full-width digits and letters map one to one onto ASCII, so spans found in
# the folded text are the spans of the original.
_FULL_WIDTH = {code: code - 0xFEE0 for code in range(0xFF01, 0xFF5F)}

# Order matters: an 18-character ID number is recognised before the
# longer-range bank-card pattern; its final X may arrive as * (the text
# normaliser turns mask-like letters into *).
_ID_CARD = re.compile(r"(?<![0-9A-Za-z])\d{17}[\dXx*](?![0-9A-Za-z])")
_BANK_CARD = re.compile(r"(?<!\d)(?:\d[ \-]?){15,18}\d(?!\d)")
_VERIFICATION_CODE = re.compile(r"((?:短信)?(?:验证码|校验码|动态码|短信码)[^0-9\n]{0,6}?)(\d{4,8})(?!\d)")
_PASSWORD = re.compile(r"((?:支付|登录|交易)?密码\s*(?:是|为|:|：)\s*)([^\s，。,.!！?？；;]{4,})")
# A mainland mobile number, with an optional +86 and any of the separators
# people type between digits (the same ones the appeal form accepts:
# tickets.read_mobile reads "1 3 8…", "(138)1234-5678", "138-1234 - 5678").
_SEP = r"[\s\-()]*"
_MOBILE = re.compile(rf"(?<!\d)(?:(?:\+|00)?86{_SEP})?\(?1{_SEP}[3-9](?:{_SEP}\d){{9}}(?!\d)")
_DIGIT = re.compile(r"\d")
# Every pattern needs a digit (\d: any script's, as the patterns read them), or
# 密码 (a password may be letters only): a text with neither, which is most of
# them, is returned as it is.
_MAY_HOLD_DATA = re.compile(r"\d|密码")


class SensitiveKind(str, Enum):
    """Kinds of personal data masked in free text."""

    ID_CARD = "id_card"
    BANK_CARD = "bank_card"
    VERIFICATION_CODE = "verification_code"
    PASSWORD = "password"
    PHONE = "phone"


@dataclass(frozen=True)
class ScrubbedText:
    """Free text with personal data masked.

    Attributes:
        text: The text with every match replaced by asterisks.
        found: The kinds of personal data that were masked.
    """

    text: str
    found: frozenset[SensitiveKind]


def _stars(match: re.Match[str]) -> str:
    return "*" * len(match.group(0))


def _keep_prefix_stars(match: re.Match[str]) -> str:
    return match.group(1) + "*" * len(match.group(2))


def _phone_stars(match: re.Match[str]) -> str:
    # Keep the operator prefix and the last four digits, separators as typed:
    # the 4th to 7th digits of the 11-digit number become stars.
    whole = match.group(0)
    digits = [m.start() for m in _DIGIT.finditer(whole)]
    number_start = len(digits) - 11  # after a country code, if any
    hidden = set(digits[number_start + 3 : number_start + 7])
    return "".join("*" if index in hidden else char for index, char in enumerate(whole))


_SECRETS: tuple[tuple[SensitiveKind, re.Pattern[str], Callable[[re.Match[str]], str]], ...] = (
    (SensitiveKind.ID_CARD, _ID_CARD, _stars),
    (SensitiveKind.BANK_CARD, _BANK_CARD, _stars),
    (SensitiveKind.VERIFICATION_CODE, _VERIFICATION_CODE, _keep_prefix_stars),
    (SensitiveKind.PASSWORD, _PASSWORD, _keep_prefix_stars),
)
_WITH_PHONE = (*_SECRETS[:1], (SensitiveKind.PHONE, _MOBILE, _phone_stars), *_SECRETS[1:])


def _mask(
    text: str, patterns: tuple[tuple[SensitiveKind, re.Pattern[str], Callable[[re.Match[str]], str]], ...]
) -> ScrubbedText:
    found: set[SensitiveKind] = set()
    if not _MAY_HOLD_DATA.search(text):
        return ScrubbedText(text=text, found=frozenset())
    folded = text.translate(_FULL_WIDTH)
    chars = list(text)
    for kind, pattern, replace in patterns:
        matched = False
        for match in pattern.finditer(folded):
            matched = True
            start, end = match.span()
            # Characters the mask keeps stay as typed (full-width or not).
            chars[start:end] = [
                kept if new == folded_char else new
                for kept, folded_char, new in zip(chars[start:end], match.group(0), replace(match), strict=False)
            ]
            found.add(kind)
        if matched:
            folded = "".join(chars).translate(_FULL_WIDTH)
    return ScrubbedText(text="".join(chars), found=frozenset(found))


def scrub_sensitive(text: str) -> ScrubbedText:
    """Masks ID-card numbers, bank-card numbers, verification codes and passwords.

    Args:
        text: Free text written by the user.

    Returns:
        The masked text and what was found. Mobile numbers stay (the appeal
        description may name the number to call).
    """
    return _mask(text, _SECRETS)


def mask_personal_data(text: str) -> ScrubbedText:
    """Masks everything :func:`scrub_sensitive` masks, and mobile numbers.

    Args:
        text: Any text: a user message, a slot value, a bot reply.

    Returns:
        The masked text and what was found.
    """
    return _mask(text, _WITH_PHONE)


def mask_json(value: Any, keep: Callable[[str], bool] = lambda _: False) -> Any:
    """Returns ``value`` with :func:`mask_personal_data` applied to every string in it.

    Args:
        value: JSON-like data (dicts, lists, strings, numbers).
        keep: Strings for which it answers True are left as they are (sealed
            values, whose ciphertext may contain digit runs).

    Returns:
        A masked copy; dict keys are not changed.
    """
    if isinstance(value, str):
        return value if keep(value) else mask_personal_data(value).text
    if isinstance(value, dict):
        return {key: mask_json(item, keep) for key, item in value.items()}
    if isinstance(value, list):
        return [mask_json(item, keep) for item in value]
    return value
