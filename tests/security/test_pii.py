"""Masking personal data in free text and in JSON (security.pii)."""

from __future__ import annotations

import pytest

from security.pii import ScrubbedText, SensitiveKind, mask_json, mask_personal_data, scrub_sensitive
from tickets import read_mobile

ID_NUMBER = "11010519491231002X"
CARD_NUMBER = "6222021234567890123"


def test_scrubbing_reports_every_kind_found():
    scrubbed = scrub_sensitive(f"身份证{ID_NUMBER}，卡号{CARD_NUMBER}，验证码 5566")

    assert scrubbed.found == {SensitiveKind.ID_CARD, SensitiveKind.BANK_CARD, SensitiveKind.VERIFICATION_CODE}
    assert not any(ch.isdigit() for ch in scrubbed.text)


def test_scrubbing_leaves_ordinary_numbers_and_phones_alone():
    text = "芝麻分720，逾期了3天，2023年12月还清的，手机13812345678"

    scrubbed = scrub_sensitive(text)

    assert scrubbed.text == text
    assert scrubbed.found == frozenset()


@pytest.mark.parametrize(
    ("text", "expected", "kind"),
    [
        ("13812345678", "138****5678", SensitiveKind.PHONE),
        ("我手机13912345678谢谢", "我手机139****5678谢谢", SensitiveKind.PHONE),
        ("电话138 1234 5678", "电话138 **** 5678", SensitiveKind.PHONE),
        ("+86-138-1234-5678", "+86-138-****-5678", SensitiveKind.PHONE),
        ("008613812345678", "0086138****5678", SensitiveKind.PHONE),
        ("1 3 8 1 2 3 4 5 6 7 8", "1 3 8 * * * * 5 6 7 8", SensitiveKind.PHONE),
        ("138 1234  5678", "138 ****  5678", SensitiveKind.PHONE),
        ("(138)1234-5678", "(138)****-5678", SensitiveKind.PHONE),
        ("138-1234 - 5678", "138-**** - 5678", SensitiveKind.PHONE),
        ("手机１３８１２３４５６７８", "手机１３８****５６７８", SensitiveKind.PHONE),
        (f"身份证{ID_NUMBER}", "身份证" + "*" * 18, SensitiveKind.ID_CARD),
        (f"卡号{CARD_NUMBER}", "卡号" + "*" * 19, SensitiveKind.BANK_CARD),
        ("卡号6222 0212 3456 7890", "卡号" + "*" * 19, SensitiveKind.BANK_CARD),
        ("验证码是482913", "验证码是******", SensitiveKind.VERIFICATION_CODE),
        ("支付密码是abc123", "支付密码是******", SensitiveKind.PASSWORD),
    ],
)
def test_personal_data_is_masked_in_place(text, expected, kind):
    masked = mask_personal_data(text)

    assert masked.text == expected
    assert masked.found == {kind}


@pytest.mark.parametrize(
    "text",
    [
        "借了30000块",
        "芝麻分720分",
        "20240315那天还的",
        "工单号JB7K3M9Q",
        "额度从5000降到2000",
        "12812345678",  # not a mobile prefix
        "1381234567",  # ten digits
        "晚上10点半",
    ],
)
def test_ordinary_numbers_are_not_masked(text):
    assert mask_personal_data(text).text == text


@pytest.mark.parametrize("text", ["1 3 8 1 2 3 4 5 6 7 8", "138 1234  5678", "(138)1234-5678", "138-1234 - 5678"])
def test_every_number_the_appeal_form_accepts_is_masked(text):
    assert read_mobile(text).number == "13812345678"
    assert "1234" not in mask_personal_data(text).text.replace(" ", "").replace("-", "")


def test_json_is_masked_everywhere_but_in_kept_strings():
    data = {
        "text": "我手机13812345678",
        "parse_data": {"entities": [{"value": "13812345678", "start": 3}]},
        "sealed": "keep:13812345678",
        "count": 13812345678,
    }

    masked = mask_json(data, keep=lambda value: value.startswith("keep:"))

    assert masked == {
        "text": "我手机138****5678",
        "parse_data": {"entities": [{"value": "138****5678", "start": 3}]},
        "sealed": "keep:13812345678",
        "count": 13812345678,
    }


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # Digits of any script are digits to the patterns, so to the shortcut too.
        ("验证码𝟏𝟐𝟑𝟒𝟓𝟔", "验证码******"),
        ("验证码١٢٣٤٥٦", "验证码******"),
        ("身份证" + "١" * 17 + "٢", "身份证" + "*" * 18),
        # A password may hold no digit at all.
        ("支付密码是abcdef", "支付密码是******"),
    ],
)
def test_texts_without_ascii_digits_are_still_masked(text, expected):
    assert mask_personal_data(text).text == expected


@pytest.mark.parametrize("text", ["借呗怎么还款", "我的借呗被关了怎么办", "", "密", "码"])
def test_a_text_with_no_digit_and_no_password_comes_back_as_it_is(text):
    assert mask_personal_data(text) == ScrubbedText(text=text, found=frozenset())
