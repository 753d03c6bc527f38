"""bench.compare pairs two benchmark runs on the real-user dev set question by question."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bench import compare


def results_file(path: Path, outcomes: str | None, dev_set: str = "/x/dev.tsv") -> Path:
    project = {"resolution": 0.5} | ({"outcomes": outcomes} if outcomes is not None else {})
    real = {"dev_set": dev_set, "project": project, "stock": {"outcomes": "W" * len(outcomes or "")}}
    path.write_text(json.dumps({"quality": {"realusers": real}}), encoding="utf-8")
    return path


def test_two_runs_are_compared_figure_by_figure(tmp_path: Path, capsys):
    before = results_file(tmp_path / "before.json", "R" * 150 + "W" * 50)
    after = results_file(tmp_path / "after.json", "R" * 190 + "F" * 10)

    assert compare.main([str(before), str(after)]) == 0

    out = capsys.readouterr().out
    assert "50 of 200 questions changed outcome" in out
    assert "| resolution | 0.750 | 0.950 | +0.200 | +" in out
    assert "| wrong and confident | 0.250 | 0.000 | -0.250 | -" in out
    assert "| errors | 50 | 10 | -40 | -" in out


def test_the_stock_pipeline_can_be_compared_too(tmp_path: Path, capsys):
    before = results_file(tmp_path / "before.json", "R" * 20)
    after = results_file(tmp_path / "after.json", "R" * 20)

    assert compare.main([str(before), str(after), "--pipeline", "stock"]) == 0

    assert "| wrong and confident | 1.000 | 1.000 | +0.000 | +0.000 to +0.000 |" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (None, "no per-question outcomes for the project pipeline"),
        ({"quality": {"realusers": {"skipped": "absent"}}}, "skipped the real-user section (absent)"),
        ({"latency": {}}, "no real-user section"),
        ({"quality": ["not", "a", "section"]}, "no real-user section"),
        ({"quality": {"realusers": {"project": "R"}}}, "no per-question outcomes"),
        ("{not json", "cannot read it"),
    ],
)
def test_a_run_that_cannot_be_compared_is_refused_with_the_reason(tmp_path: Path, capsys, content, message):
    good = results_file(tmp_path / "good.json", "R" * 10)
    bad = tmp_path / "bad.json"
    if content is None:
        results_file(bad, None)
    else:
        bad.write_text(content if isinstance(content, str) else json.dumps(content), encoding="utf-8")

    assert compare.main([str(good), str(bad)]) == 1

    assert message in capsys.readouterr().err


def test_runs_of_different_question_sets_are_not_paired(tmp_path: Path, capsys):
    before = results_file(tmp_path / "before.json", "R" * 10)
    after = results_file(tmp_path / "after.json", "R" * 11)

    assert compare.main([str(before), str(after)]) == 1

    assert "cannot be paired" in capsys.readouterr().err


def test_runs_of_different_dev_sets_are_not_paired(tmp_path: Path, capsys):
    before = results_file(tmp_path / "before.json", "R" * 10, dev_set="/x/dev.tsv")
    after = results_file(tmp_path / "after.json", "R" * 10, dev_set="/x/other.tsv")

    assert compare.main([str(before), str(after)]) == 1

    assert "different dev sets" in capsys.readouterr().err
