"""Tests for jiebei_nlu.normalize."""

from __future__ import annotations

from pathlib import Path

import pytest

from jiebei_nlu.normalize import (
    VariantFileError,
    default_variants,
    load_variants,
    normalize_text,
    normalize_with_offsets,
)

VARIANT_ROWS = [
    ("借吧开不了", "借呗开不了"),
    ("借贝开不了", "借呗开不了"),
    ("借被关了", "借呗关了"),
    ("接呗额度", "借呗额度"),
    ("节呗额度", "借呗额度"),
    ("芝麻份720", "芝麻分720"),
    ("芝麻粉七百", "芝麻分七百"),
    ("知麻分够吗", "芝麻分够吗"),
    ("花贝逾期了", "花呗逾期了"),
    ("花吧用得多", "花呗用得多"),
    ("网上贷和借呗", "网商贷和借呗"),
    ("网尚贷", "网商贷"),
    ("上征心吗", "上征信吗"),
    ("证信有问题", "征信有问题"),
    ("知麻信用分", "芝麻信用分"),
    ("支付包里的借呗", "支付宝里的借呗"),
]

TRADITIONAL_ROWS = [
    ("借唄開不了", "借呗开不了"),
    ("為什麼開通失敗", "为什么开通失败"),
    ("會上徵信嗎", "会上征信吗"),
    ("芝麻信用分數", "芝麻信用分数"),
    ("網商貸", "网商贷"),
]

FULLWIDTH_ROWS = [
    ("芝麻分７２０", "芝麻分720"),
    ("ＡＢＣ ａｂｃ", "ABC abc"),
    ("借呗，开不了！为什么？", "借呗，开不了！为什么？"),
    ("芝麻分：７５０（大概）", "芝麻分：750（大概）"),
]

MASK_ROWS = [
    ("芝麻分7**", "芝麻分7**"),
    ("芝麻分7xx", "芝麻分7**"),
    ("芝麻分7XX", "芝麻分7**"),
    ("芝麻分7××", "芝麻分7**"),
    ("芝麻分7••", "芝麻分7**"),
    ("芝麻分7··", "芝麻分7**"),
    ("芝麻分７ｘｘ", "芝麻分7**"),
    ("138＊＊＊＊1234", "138****1234"),
    ("138xxxx1234", "138****1234"),
    ("尺码5xl", "尺码5xl"),
    ("xx7", "xx7"),
    ("没有数字＊＊", "没有数字＊＊"),
]

WHITESPACE_ROWS = [
    ("  借呗开不了  ", "借呗开不了"),
    ("借呗  开不了", "借呗开不了"),
    ("借\t呗\n开不了", "借呗开不了"),
    ("借\u3000吧开不了", "借呗开不了"),
    ("芝麻分 720 为什么", "芝麻分 720 为什么"),
    ("hello    world", "hello world"),
    ("借呗 ， 开不了", "借呗，开不了"),
]

ALL_ROWS = VARIANT_ROWS + TRADITIONAL_ROWS + FULLWIDTH_ROWS + MASK_ROWS + WHITESPACE_ROWS


@pytest.mark.parametrize("raw, expected", VARIANT_ROWS)
def test_variant_spelling_becomes_canonical(raw: str, expected: str) -> None:
    assert normalize_text(raw) == expected


@pytest.mark.parametrize("variant, canonical", sorted(default_variants().replacements.items()))
def test_every_listed_variant_is_rewritten_inside_a_sentence(variant: str, canonical: str) -> None:
    assert normalize_text(f"我的{variant}怎么了") == f"我的{canonical}怎么了"


@pytest.mark.parametrize("raw, expected", TRADITIONAL_ROWS)
def test_traditional_text_becomes_simplified(raw: str, expected: str) -> None:
    assert normalize_text(raw) == expected


@pytest.mark.parametrize("raw, expected", FULLWIDTH_ROWS)
def test_fullwidth_digits_and_letters_become_halfwidth(raw: str, expected: str) -> None:
    assert normalize_text(raw) == expected


@pytest.mark.parametrize("raw, expected", MASK_ROWS)
def test_mask_characters_after_digits_become_asterisks(raw: str, expected: str) -> None:
    assert normalize_text(raw) == expected


@pytest.mark.parametrize("raw, expected", WHITESPACE_ROWS)
def test_whitespace_is_collapsed_and_dropped_between_cjk(raw: str, expected: str) -> None:
    assert normalize_text(raw) == expected


@pytest.mark.parametrize("raw", [raw for raw, _ in ALL_ROWS] + ["", "   "])
def test_normalising_twice_changes_nothing(raw: str) -> None:
    once = normalize_text(raw)
    assert normalize_text(once) == once


@pytest.mark.parametrize(
    "raw",
    [raw for raw, _ in VARIANT_ROWS + TRADITIONAL_ROWS + FULLWIDTH_ROWS + MASK_ROWS],
)
def test_character_substitutions_keep_the_length(raw: str) -> None:
    assert len(normalize_text(raw)) == len(raw)


def test_offsets_map_original_spans_to_normalised_text() -> None:
    raw = "  我的 芝麻份 是 七百二十 "
    result = normalize_with_offsets(raw)
    assert result.text == "我的芝麻分是七百二十"
    score_start = raw.index("七百二十")
    span = result.map_span(score_start, score_start + 4)
    assert span is not None
    assert result.text[span[0] : span[1]] == "七百二十"
    variant_start = raw.index("芝麻份")
    span = result.map_span(variant_start, variant_start + 3)
    assert span is not None
    assert result.text[span[0] : span[1]] == "芝麻分"


def test_span_of_removed_whitespace_maps_to_nothing() -> None:
    assert normalize_with_offsets("  借呗").map_span(0, 2) is None


def _write(tmp_path: Path, content: str) -> Path:
    path = tmp_path / "variants.yml"
    path.write_text(content, encoding="utf-8")
    return path


def test_longest_variant_wins(tmp_path: Path) -> None:
    table = load_variants(_write(tmp_path, "variants:\n  芝麻分: [芝麻份]\n  芝麻信用: [芝麻份信用]\n"))
    assert normalize_text("芝麻份信用七百", table) == "芝麻信用七百"
    assert normalize_text("芝麻份七百", table) == "芝麻分七百"


@pytest.mark.parametrize(
    "content, fragment",
    [
        ("variants:\n  借呗: [借唄]\n", "simplified"),
        ("variants:\n  借呗: [借]\n", "inside the canonical spelling '借呗'"),
        ("variants:\n  借呗: [借吧]\n  花呗: [借吧]\n", "already listed for '借呗'"),
        ("variants:\n  借呗: [借呗]\n", "canonical spelling itself"),
        ("variants:\n  借呗: 借吧\n", "non-empty list"),
        ("variants:\n  借呗: []\n", "non-empty list"),
        ("variants:\n  借呗: ['']\n", "non-empty string"),
        ("variants:\n  借呗: ['借 吧']\n", "whitespace"),
        ("借呗: [借吧]\n", "top-level mapping"),
        ("variants: [借吧\n", "not valid YAML"),
    ],
)
def test_invalid_variant_file_names_file_and_problem(tmp_path: Path, content: str, fragment: str) -> None:
    path = _write(tmp_path, content)
    with pytest.raises(VariantFileError) as excinfo:
        load_variants(path)
    message = str(excinfo.value)
    assert str(path) in message
    assert fragment in message


def test_invalid_entry_is_named_in_the_error(tmp_path: Path) -> None:
    path = _write(tmp_path, "variants:\n  借呗: [借吧]\n  花呗: [花贝, 花唄]\n")
    with pytest.raises(VariantFileError, match=r"entry '花呗', variant 2 \('花唄'\)"):
        load_variants(path)


def test_missing_variant_file_is_reported(tmp_path: Path) -> None:
    with pytest.raises(VariantFileError, match="cannot read"):
        load_variants(tmp_path / "absent.yml")
