"""faqtool's staff-facing text (texts.yml) uses full-width punctuation in its Chinese.

That every key is used and exists is checked for every tool in
tests/stafftext/test_texts.py.
"""

from __future__ import annotations

import re

from faqtool.texts import TEXTS

# Half-width punctuation touching a Chinese character: "文件是空的." or "键(x)".
# File names, YAML snippets and "file:line" keep theirs.
HALF_WIDTH_BESIDE_CHINESE = re.compile(r"[\u4e00-\u9fff][,.;:!?()\"]|[,;!?()\"][\u4e00-\u9fff]")


def test_punctuation_beside_chinese_is_full_width():
    assert [key for key, template in TEXTS.templates.items() if HALF_WIDTH_BESIDE_CHINESE.search(template)] == []
