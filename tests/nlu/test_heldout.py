"""Checks on the held-out NLU file: shape, coverage and independence from data/."""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import pytest
import yaml
from opencc import OpenCC

REPO_ROOT = Path(__file__).resolve().parents[2]
HELDOUT_PATH = REPO_ROOT / "tests" / "nlu" / "heldout.yml"
DATA_DIR = REPO_ROOT / "data"
MIN_EXAMPLES_PER_LABEL = 12
# Replies this short (是的 / 没有啊 / 不记得了) are so few that independently
# written sets share them; only longer messages count as leaked.
MIN_LEAK_FINGERPRINT_CHARS = 6

CONTRACT_LABELS = (
    "greet", "goodbye", "thank", "affirm", "deny", "bot_challenge",
    "human_handoff", "out_of_scope", "ask_why_cannot_open",
    "ask_open_requirements", "ask_jiebei_closed", "inform_score",
    "request_appeal", "check_appeal_status", "dont_know", "stop_diagnosis",
    "inform", "dispute_record",
    "faq/credit_limit", "faq/interest_rate", "faq/repayment", "faq/overdue",
    "faq/credit_report", "faq/disbursement", "faq/wangshangdai",
    "faq/close_jiebei", "faq/improve_score", "faq/huabei_relation",
    "faq/xinyongdai", "faq/loan_term", "faq/how_to_borrow", "faq/borrow_failed",
    "faq/loan_records", "faq/account_info", "faq/notification",
    "faq/loan_purpose",
)  # fmt: skip

_ENTITY_MARKUP = re.compile(r"\[([^\]]+)\](?:\([^)]*\)|\{[^}]*\})")
_ENTITY_JSON = re.compile(r"\[([^\]]+)\]\{([^}]*)\}")
_ENTITY_PLAIN = re.compile(r"\[([^\]]+)\]\(([^)]*)\)")
_NOISE = re.compile(r"[\s\W_]+", re.UNICODE)
_T2S = OpenCC("t2s")


def _examples_by_label(path: Path) -> dict[str, list[str]]:
    """Reads a Rasa NLU YAML file into {label: [raw example lines]}."""
    document = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    result: dict[str, list[str]] = {}
    for block in document.get("nlu") or []:
        if not isinstance(block, dict) or "intent" not in block:
            continue
        lines = str(block.get("examples") or "").splitlines()
        examples = [line.strip()[2:] for line in lines if line.strip().startswith("- ")]
        result.setdefault(str(block["intent"]), []).extend(examples)
    return result


def _fingerprint(example: str) -> str:
    """Plain text without entity markup, punctuation or spaces, in simplified script."""
    text = _ENTITY_MARKUP.sub(r"\1", example)
    return _NOISE.sub("", _T2S.convert(text)).lower()


HELDOUT = _examples_by_label(HELDOUT_PATH)


def test_heldout_file_declares_rasa_3_format() -> None:
    document = yaml.safe_load(HELDOUT_PATH.read_text(encoding="utf-8"))
    assert document["version"] == "3.1"
    assert isinstance(document["nlu"], list)


@pytest.mark.parametrize("label", CONTRACT_LABELS)
def test_every_contract_label_has_enough_examples(label: str) -> None:
    assert len(HELDOUT.get(label, [])) >= MIN_EXAMPLES_PER_LABEL


def test_no_example_appears_under_two_labels_or_twice() -> None:
    counts = Counter(_fingerprint(e) for examples in HELDOUT.values() for e in examples)
    assert [text for text, n in counts.items() if n > 1] == []


def test_every_inform_score_example_annotates_one_score() -> None:
    for example in HELDOUT["inform_score"]:
        assert len(_ENTITY_MARKUP.findall(example)) == 1, example


def test_score_annotations_hold_integers_in_sesame_range() -> None:
    values = []
    for examples in HELDOUT.values():
        for example in examples:
            for _, body in _ENTITY_JSON.findall(example):
                values.append(int(yaml.safe_load("{" + body + "}")["value"]))
            for span, entity in _ENTITY_PLAIN.findall(example):
                assert entity == "zhima_score", example
                values.append(int(span))
    assert values
    assert all(350 <= value <= 950 for value in values), values


def test_heldout_examples_never_appear_in_training_data() -> None:
    heldout = {
        fingerprint
        for examples in HELDOUT.values()
        for fingerprint in map(_fingerprint, examples)
        if len(fingerprint) >= MIN_LEAK_FINGERPRINT_CHARS
    }
    leaked = []
    for path in sorted(DATA_DIR.rglob("*.yml")):
        for examples in _examples_by_label(path).values():
            leaked.extend(f"{path.relative_to(REPO_ROOT)}: {e}" for e in examples if _fingerprint(e) in heldout)
    assert leaked == []
