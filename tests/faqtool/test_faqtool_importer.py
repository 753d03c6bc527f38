"""Library-level behaviour: all-or-nothing writes and question comparison."""

from __future__ import annotations

import os
import sys
import types
from pathlib import Path

import pytest
from faqtool_helpers import CREDIT_LIMIT_FAQ, HEADER, annual_fee_rows, snapshot, write_csv

from faqtool import importer, normalize
from faqtool.importer import ApplyError, apply_plan, build_plan


def test_failed_rename_restores_every_file(project, monkeypatch):
    write_csv(project / "my_faq.csv", [HEADER, ["credit_limit", "借呗额度可以自己调吗", ""]] + annual_fee_rows()[1:])
    plan = build_plan([Path("my_faq.csv")], Path("data"))
    assert [change.key for change in plan.changes] == ["credit_limit", "annual_fee"]
    before = snapshot(project / "data")
    real_replace = os.replace
    calls = []

    def failing_replace(source, target):
        calls.append(target)
        if len(calls) == 2:
            raise OSError(28, "No space left on device")
        real_replace(source, target)

    monkeypatch.setattr(importer.os, "replace", failing_replace)
    with pytest.raises(ApplyError) as raised:
        apply_plan(plan)
    assert str(raised.value) == "无法写入 data/faq/annual_fee.yml：No space left on device（已替换的文件均已还原）"
    assert snapshot(project / "data") == before
    assert (project / "data" / "faq" / "credit_limit.yml").read_text(encoding="utf-8") == CREDIT_LIMIT_FAQ


def test_file_changed_after_planning_is_not_overwritten(project):
    write_csv(project / "my_faq.csv", [HEADER, ["credit_limit", "借呗额度可以自己调吗", ""]])
    plan = build_plan([Path("my_faq.csv")], Path("data"))
    edited = CREDIT_LIMIT_FAQ.replace("借呗额度怎么提高", "借呗额度怎样提高")
    (project / "data" / "faq" / "credit_limit.yml").write_text(edited, encoding="utf-8")
    with pytest.raises(ApplyError) as raised:
        apply_plan(plan)
    assert str(raised.value) == "data/faq/credit_limit.yml 在导入期间被改动过，请重新运行导入"
    assert (project / "data" / "faq" / "credit_limit.yml").read_text(encoding="utf-8") == edited
    assert not [path for path in (project / "data" / "faq").iterdir() if path.name.startswith(".")]


def test_plan_with_errors_is_never_applied(project):
    write_csv(project / "my_faq.csv", [HEADER, ["annual_fee", "借呗有年费吗", ""]])
    plan = build_plan([Path("my_faq.csv")], Path("data"))
    assert plan.errors and not plan.changes
    with pytest.raises(ApplyError) as raised:
        apply_plan(plan)
    assert str(raised.value) == "有错误，不能写入"


def test_missing_faq_directory_is_created(project):
    (project / "data" / "faq" / "credit_limit.yml").unlink()
    (project / "data" / "faq").rmdir()
    write_csv(project / "my_faq.csv", annual_fee_rows())
    apply_plan(build_plan([Path("my_faq.csv")], Path("data")))
    assert (project / "data" / "faq" / "annual_fee.yml").is_file()


@pytest.fixture
def fresh_normalizer():
    normalize._project_normalizer.cache_clear()
    yield
    normalize._project_normalizer.cache_clear()


def test_questions_compare_by_whitespace_when_normaliser_is_missing(monkeypatch, fresh_normalizer):
    monkeypatch.setitem(sys.modules, "jiebei_nlu.normalize", None)
    assert normalize.comparison_form("  借呗  有 年费吗 ") == "借呗 有 年费吗"
    assert normalize.comparison_form("借呗有年费吗") != normalize.comparison_form("借唄有年費嗎")


def test_questions_compare_with_project_normaliser_when_importable(monkeypatch, fresh_normalizer):
    fake = types.ModuleType("jiebei_nlu.normalize")
    fake.normalize_text = lambda text: text.replace("唄", "呗").replace("年費", "年费").replace("嗎", "吗")
    monkeypatch.setitem(sys.modules, "jiebei_nlu.normalize", fake)
    assert normalize.comparison_form("借唄有年費嗎") == normalize.comparison_form("借呗有年费吗")


def test_entity_annotations_are_ignored_when_comparing(fresh_normalizer):
    assert normalize.strip_annotations('芝麻分[700](zhima_score)和[七百]{"entity": "zhima_score"}') == "芝麻分700和七百"
