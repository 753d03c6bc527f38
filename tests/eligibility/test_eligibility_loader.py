"""Loading validates the data files and names file and rule in every error."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from eligibility import DEFAULT_DATA_DIR, CauseStatus, RuleFileError, load_engine

OVERDUE_RULE = """rules:
  - id: OVERDUE_RECORD
    label: {label}
    weight: 0.9
    when: {{fact: {fact}, op: {op}, value: true}}
    explanation: {explanation}
    advice: 先还清欠款。
"""


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    target = tmp_path / "data"
    shutil.copytree(DEFAULT_DATA_DIR, target)
    return target.resolve()


def write_overdue(data_dir: Path, **fields: str) -> Path:
    values = {"label": "存在逾期记录", "fact": "has_overdue", "op": "eq", "explanation": "可能有逾期。"}
    values.update(fields)
    path = data_dir / "rules" / "overdue_record.yml"
    path.write_text(OVERDUE_RULE.format(**values), encoding="utf-8")
    return path


def load_error(data_dir: Path) -> str:
    with pytest.raises(RuleFileError) as excinfo:
        load_engine(data_dir)
    return str(excinfo.value)


def test_copied_data_loads(data_dir):
    assert len(load_engine(data_dir).cause_ids) == 17


@pytest.mark.parametrize(
    ("fields", "reason"),
    [
        ({"fact": "has_overdu"}, "unknown fact 'has_overdu'"),
        ({"op": "equals"}, "unknown operator 'equals'"),
        ({"op": "lt"}, "operator 'lt' does not apply to bool fact 'has_overdue'"),
        ({"label": "''"}, "missing label"),
        ({"label": "有逾期"}, "label '有逾期' is not in the vocabulary"),
        ({"label": "负债偏高"}, "label '负债偏高' belongs to cause HIGH_DEBT in the vocabulary"),
        ({"explanation": "''"}, "missing text 'explanation'"),
    ],
)
def test_broken_rule_names_file_and_rule(data_dir, fields, reason):
    path = write_overdue(data_dir, **fields)
    assert load_error(data_dir) == f"{path}: rule OVERDUE_RECORD: {reason}"


def test_duplicate_rule_id_names_both_files(data_dir):
    first = data_dir / "rules" / "overdue_record.yml"
    second = data_dir / "rules" / "zz_copy.yml"
    second.write_text(first.read_text(encoding="utf-8"), encoding="utf-8")
    assert load_error(data_dir) == f"{second}: rule OVERDUE_RECORD: duplicate id (already defined in {first})"


def test_rule_for_a_cause_outside_the_vocabulary_is_rejected(data_dir):
    path = data_dir / "rules" / "new.yml"
    path.write_text(
        "rules:\n  - id: NEW_CAUSE\n    label: 负债偏高\n    weight: 0.5\n"
        "    when: {fact: high_debt, op: eq, value: true}\n    explanation: 可能。\n    advice: 可能。\n",
        encoding="utf-8",
    )
    assert load_error(data_dir) == f"{path}: rule NEW_CAUSE: id is not a cause of the vocabulary"


def test_vocabulary_cause_without_rule_is_rejected(data_dir):
    (data_dir / "rules" / "student.yml").unlink()
    assert load_error(data_dir) == f"{data_dir / 'vocabulary.yml'}: cause STUDENT: no rule file defines this cause"


def test_duplicate_vocabulary_id_is_rejected(data_dir):
    path = data_dir / "vocabulary.yml"
    path.write_text(path.read_text(encoding="utf-8") + "  - id: STUDENT\n    label: 学生\n", encoding="utf-8")
    assert load_error(data_dir) == f"{path}: cause STUDENT: duplicate id"


def test_vocabulary_entry_without_label_is_rejected(data_dir):
    path = data_dir / "vocabulary.yml"
    path.write_text(path.read_text(encoding="utf-8") + "  - id: NEW_CAUSE\n", encoding="utf-8")
    assert load_error(data_dir) == f"{path}: cause NEW_CAUSE: missing label"


def test_invalid_yaml_names_the_file(data_dir):
    path = data_dir / "rules" / "overdue_record.yml"
    path.write_text("rules: [\n", encoding="utf-8")
    assert load_error(data_dir).startswith(f"{path}: invalid YAML: ")


def test_invalid_pattern_names_file_and_fact(data_dir):
    path = data_dir / "facts.yml"
    text = path.read_text(encoding="utf-8").replace("        - 拖欠\n", "        - 拖欠(\n", 1)
    path.write_text(text, encoding="utf-8")
    assert load_error(data_dir).startswith(f"{path}: fact has_overdue: invalid pattern '拖欠(' in 'affirm': ")


def test_fact_without_question_is_rejected(data_dir):
    path = data_dir / "facts.yml"
    text = path.read_text(encoding="utf-8").replace("    question: 您现在还是在校学生吗？\n", "", 1)
    path.write_text(text, encoding="utf-8")
    assert load_error(data_dir) == f"{path}: fact is_student: missing text 'question'"


def test_adding_a_cause_needs_only_data(data_dir):
    vocabulary = data_dir / "vocabulary.yml"
    vocabulary.write_text(
        vocabulary.read_text(encoding="utf-8") + "  - id: NEW_ACCOUNT\n    label: 新注册账户\n", encoding="utf-8"
    )
    (data_dir / "rules" / "new_account.yml").write_text(
        "rules:\n  - id: NEW_ACCOUNT\n    label: 新注册账户\n    weight: 0.7\n"
        "    when: {all: [{fact: active_account, op: eq, value: false}, {fact: age, op: lt, value: 25}]}\n"
        "    explanation: 账户较新时可能暂时无法评估。\n    advice: 一般多用几个月再看。\n",
        encoding="utf-8",
    )
    engine = load_engine(data_dir)
    result = engine.evaluate({"active_account": False, "age": 23}).get("NEW_ACCOUNT")
    assert result.status is CauseStatus.MATCHED
    assert {e.fact for e in result.evidence} == {"active_account", "age"}


NEVER_ASKED = "  stated_occupation_or_region:\n    type: bool\n"
FIRST_REPLY = "    replies:\n      affirm:\n        - '有过'\n"


@pytest.mark.parametrize(
    ("old", "new", "reason"),
    [
        (NEVER_ASKED, NEVER_ASKED + "    replies:\n      affirm: [是]\n", "'replies' takes 'affirm' and 'deny' lists"),
        (FIRST_REPLY, FIRST_REPLY.replace("'有过'", "'(有过'"), "invalid pattern '(有过' in 'replies.affirm'"),
    ],
)
def test_bad_reply_patterns_name_the_file_and_the_fact(data_dir, old, new, reason):
    facts = data_dir / "facts.yml"
    text = facts.read_text(encoding="utf-8")
    assert old in text
    facts.write_text(text.replace(old, new, 1), encoding="utf-8")
    assert str(facts) in load_error(data_dir)
    assert reason in load_error(data_dir)


def test_without_a_checklist_file_there_is_no_checklist(data_dir):
    (data_dir / "checklist.yml").unlink()
    assert load_engine(data_dir).checklist is None


@pytest.mark.parametrize(
    ("old", "new", "reason"),
    [
        ("after: 4", "after: -1", "'after' must be a number of questions (0 or more)"),
        ("  is_student: false", "  is_student: maybe", "fact is_student: must be an askable bool fact"),
        ("  is_student: false", "  no_such_fact: false", "fact no_such_fact: must be an askable bool fact"),
        ("  is_student: false", "  score_out_of_range: false", "fact score_out_of_range: must be an askable bool"),
        ("number: age", "number: has_overdue", "fact has_overdue: 'number' must name an int fact"),
        ("  - {title: 都没有, payload: /deny}", "  - {title: 都没有}", "each buttons entry needs a 'title'"),
    ],
)
def test_a_broken_checklist_names_the_file_and_the_problem(data_dir, old, new, reason):
    path = data_dir / "checklist.yml"
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new), encoding="utf-8")
    message = load_error(data_dir)
    assert "checklist.yml" in message and reason in message
