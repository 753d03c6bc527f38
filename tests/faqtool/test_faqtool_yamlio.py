"""The FAQ file writer: exact layout, round trip and refusal of unsafe text."""

from __future__ import annotations

import pytest
import yaml

from faqtool.model import Button, FaqDocument, ResponseVariant
from faqtool.yamlio import FaqFileError, emit_document, parse_document

TRICKY_TITLES = [
    "yes",
    "No",
    "1.0",
    "0o12",
    "a: b",
    "#标签",
    "- 列表",
    "'引号'",
    '"双引号"',
    "null",
    "~",
    "标题 #注释",
    "结尾冒号:",
    "@人工",
    "[方括号]",
    "{花括号}",
]

DOCUMENTS = [
    FaqDocument("plain_key", ("问题一", "问题二"), (ResponseVariant("一行答案。"),)),
    FaqDocument(
        "multi_line",
        ("带 空格 的问题", "- 以横线开头", "# 以井号开头", "含有: 冒号", "'单引号'", "[实体](zhima_score)"),
        (
            ResponseVariant(
                "第一段。\n\n  缩进的第二段\n\t制表符开头\n\u3000\u3000全角空格开头\n最后一行：以支付宝页面为准。"
            ),
        ),
    ),
    FaqDocument(
        "buttons_key",
        ("问题",),
        (ResponseVariant("答案", tuple(Button(title, f"/intent_{i}") for i, title in enumerate(TRICKY_TITLES))),),
    ),
    FaqDocument(
        "payloads",
        ("问题",),
        (ResponseVariant("答案", (Button("带实体", '/inform{"zhima_score": 700}'), Button("文本", "我要转人工"))),),
    ),
    FaqDocument(
        "two_variants", ("问题",), (ResponseVariant("答案一"), ResponseVariant("答案二", (Button("好", "/affirm"),)))
    ),
]


@pytest.mark.parametrize("document", DOCUMENTS, ids=lambda document: document.key)
def test_written_document_reads_back_unchanged(document):
    assert parse_document(emit_document(document), document.key) == document


@pytest.mark.parametrize("document", DOCUMENTS, ids=lambda document: document.key)
def test_written_document_is_what_rasa_style_yaml_readers_see(document):
    data = yaml.safe_load(emit_document(document))
    assert data["version"] == "3.1"
    assert data["nlu"] == [
        {"intent": f"faq/{document.key}", "examples": "".join(f"- {example}\n" for example in document.examples)}
    ]
    expected = []
    for variant in document.responses:
        item: dict = {"text": variant.text}
        if variant.buttons:
            item["buttons"] = [{"title": b.title, "payload": b.payload} for b in variant.buttons]
        expected.append(item)
    assert data["responses"] == {f"utter_faq/{document.key}": expected}


def test_titles_are_plain_when_safe_and_quoted_otherwise():
    document = FaqDocument(
        "k",
        ("问题",),
        (
            ResponseVariant(
                "答案", (Button("转人工", "/human_handoff"), Button("yes", "/affirm"), Button("标题 #注释", "/x"))
            ),
        ),
    )
    assert emit_document(document).splitlines()[-6:] == [
        "    - title: 转人工",
        "      payload: /human_handoff",
        '    - title: "yes"',
        "      payload: /affirm",
        '    - title: "标题 #注释"',
        "      payload: /x",
    ]


def test_emitting_twice_gives_identical_text():
    assert emit_document(DOCUMENTS[1]) == emit_document(DOCUMENTS[1])


@pytest.mark.parametrize(
    "document",
    [
        FaqDocument("bad_example", ("两行\n问题",), (ResponseVariant("答案"),)),
        FaqDocument("bad_answer", ("问题",), (ResponseVariant("  以空格开头"),)),
        FaqDocument("bad_answer", ("问题",), (ResponseVariant("结尾换行\n"),)),
    ],
)
def test_text_that_would_not_round_trip_is_refused(document):
    with pytest.raises(FaqFileError) as raised:
        emit_document(document)
    assert str(raised.value).startswith(f"faq/{document.key} 无法安全写入：")


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('version: "3.1"\nrules: []\nstories: []\n', "多出了顶层部分：rules、stories"),
        (
            'version: "3.1"\nnlu:\n- intent: faq/other\n  examples: |\n    - 问\n',
            "nlu 必须只有一项：意图 faq/k 及其 examples",
        ),
        (
            "nlu:\n- intent: faq/k\n  examples: |\n    - 问\n"
            "responses:\n  utter_faq/k:\n  - text: 答\n    image: x.png\n",
            "utter_faq/k 的每个变体只能含 text 和可选的 buttons",
        ),
        (
            "nlu:\n- intent: faq/k\n  examples: |\n    问题没有横线\nresponses:\n  utter_faq/k:\n  - text: 答\n",
            "faq/k 的例句行 '问题没有横线' 不是以“- ”开头",
        ),
        ("- 不是映射\n", "应为包含 version、nlu 和 responses 的映射"),
        ("nlu:\n- intent: faq/k\n  examples: |\n    - 问\nresponses: {}\n", "responses 必须只含 utter_faq/k"),
    ],
)
def test_files_of_another_shape_are_rejected(text, message):
    with pytest.raises(FaqFileError) as raised:
        parse_document(text, "k")
    assert str(raised.value) == message


def test_invalid_yaml_is_rejected_with_the_parsers_reason():
    with pytest.raises(FaqFileError) as raised:
        parse_document("nlu: [\n", "k")
    assert str(raised.value).startswith("YAML 格式有误：while parsing a flow node")


def test_hand_written_file_with_comments_is_read():
    text = (
        "# comment\nversion: '3.1'\nnlu:\n- intent: faq/k\n  examples: |\n    - 问一\n\n    - 问二\n"
        "responses:\n  utter_faq/k:\n  - text: |\n      答案\n"
    )
    assert parse_document(text, "k") == FaqDocument("k", ("问一", "问二"), (ResponseVariant("答案"),))
