"""User text never breaks a template or the widget's markdown.

The values a response repeats from what a user (or staff) wrote pass through
``as_literal``; here every domain template that takes such a value is filled
by Rasa's own interpolator with hostile and random text.
"""

from __future__ import annotations

import random
import re
from pathlib import Path

import pytest
import yaml
from rasa.core.nlg.interpolator import interpolate_text

from security.display import as_literal

DOMAIN = yaml.safe_load((Path(__file__).resolve().parents[2] / "domain.yml").read_text(encoding="utf-8"))
# Placeholders whose value can hold words a person wrote (actions/appeal*.py).
USER_VALUES = ("contested", "description", "resolution")
# What the widget reads as markup (widget/public/widget.js) and what Rasa's
# interpolator reads as a placeholder.
MARKUP = re.compile(r"\*\*|\[[^\]]*\]\(|[{}<>`]|https?://")
HOSTILE = [
    "0[",
    "我的0[数据不对",
    "{contested}",
    "{0[description]}",
    "a}b{c",
    "{{双括号}}",
    "**粗体**和*斜体*",
    "`代码`",
    "[点这里](https://example.com)",
    '<img src=x onerror="alert(1)">',
    "<script>alert(1)</script>",
    "下划线_强调_",
    "反斜杠\\n不是换行",
    "百分号%s %d",
    "138****4321",
]
ALPHABET = list("{}[]()0*`<>_\\%$#!:/ \n") + list("借呗逾期申诉记录不对")


def templates_with_user_values() -> list[tuple[str, str]]:
    found = []
    for name, variants in DOMAIN["responses"].items():
        for variant in variants:
            text = variant.get("text", "")
            if any("{" + value + "}" in text for value in USER_VALUES):
                found.append((name, text))
    return found


def fuzz_values(count: int = 200, seed: int = 16) -> list[str]:
    rng = random.Random(seed)
    return ["".join(rng.choice(ALPHABET) for _ in range(rng.randint(1, 24))) for _ in range(count)]


def fill(template: str, user_text: str) -> tuple[str, str]:
    """Rasa's result and the expected text, with every user value set to ``user_text``."""
    values = {name: as_literal(user_text) for name in USER_VALUES}
    values.update(phone="138****4321", number="JB7K3M9Q", created="2026-12-01", min_chars="10", max_chars="300")
    expected = template
    for name, value in values.items():
        expected = expected.replace("{" + name + "}", value)
    return interpolate_text(template, values), expected


def test_the_templates_that_repeat_user_words_are_found():
    names = {name for name, _ in templates_with_user_values()}
    assert {"utter_ask_appeal_confirmed", "utter_ask_appeal_description", "utter_appeal_status_resolved"} <= names


@pytest.mark.parametrize("user_text", HOSTILE + fuzz_values())
def test_user_text_fills_every_template_literally(user_text):
    for name, template in templates_with_user_values():
        result, expected = fill(template, user_text)
        assert result == expected, name
        assert as_literal(user_text) in result, name


@pytest.mark.parametrize("user_text", HOSTILE + fuzz_values())
def test_user_text_adds_no_markup(user_text):
    assert not MARKUP.search(as_literal(user_text))
    assert "*" not in as_literal(user_text) and "[" not in as_literal(user_text)


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ("我的0[数据", "我的0［数据"),
        ("**粗**", "＊＊粗＊＊"),
        ("<b>x</b>", "＜b＞x＜/b＞"),
        ("{x}", "｛x｝"),
        ("看 https://example.com", "看 https：//example.com"),
        ("逾期记录不对", "逾期记录不对"),
    ],
)
def test_literal_forms_read_the_same(text, shown):
    assert as_literal(text) == shown


def test_without_literal_forms_rasa_would_send_the_raw_template():
    """Why as_literal exists: the failure it prevents is real."""
    template = "申诉事项：{contested}\n情况描述：{description}"
    assert interpolate_text(template, {"contested": "存在逾期记录", "description": "我的0[数据"}) == template
