"""The goals of bench/RESULTS.md, and rendering a results file again."""

from __future__ import annotations

import json
from pathlib import Path

from bench import realusers, report
from bench.quality import compare
from scripts.evaluate_nlu import Prediction


def prediction(expected: str, predicted: str) -> Prediction:
    return Prediction(text="问题", expected=expected, predicted=predicted, confidence=0.9, classifier_label=predicted)


def figures(accuracy: float) -> dict:
    return {
        "examples": 10,
        "accuracy": accuracy,
        "macro_f1": accuracy,
        "fallback_rate": 0.0,
        "per_label_f1": {},
        "errors": [],
    }


def quality(real: dict) -> dict:
    return {
        "settings": {"folds": 0, "epochs_override": None, "fold_seed": 7},
        "heldout": report_pair(0.95, 0.91),
        "noisy": report_pair(0.90, 0.78),
        "realusers": real,
        "nlu_train_seconds": {"project": [40.0], "stock": [900.0]},
    }


def report_pair(project: float, stock: float) -> dict:
    return compare(figures(project), figures(stock))


def real_users() -> dict:
    # Project: 3 of 4 right, one confident error; stock: every answer wrong.
    project = realusers.figures(
        [
            prediction("repayment|", "repayment"),
            prediction("overdue|", "overdue"),
            prediction("uncovered|", "nlu_fallback"),
            prediction("credit_limit|", "repayment"),
        ]
    )
    stock = realusers.figures(
        [
            prediction("repayment|", "overdue"),
            prediction("overdue|", "repayment"),
            prediction("uncovered|", "repayment"),
            prediction("credit_limit|", "overdue"),
        ]
    )
    return {"dev_set": "/x/dev.tsv", **realusers.compare(project, stock)}


def goal_rows(results: dict) -> dict[str, tuple[str, str, bool | None]]:
    return {goal: (target, measured, met) for goal, target, measured, met in report.goals(results)}


def test_the_real_user_goals_are_judged_against_their_targets():
    real = real_users()
    rows = goal_rows({"quality": quality(real)})
    bounds = realusers.intervals(real["project"]["outcomes"], real["stock"]["outcomes"])
    resolution = bounds["project"]["resolution"]
    wrong = bounds["project"]["wrong_and_confident"]

    assert rows["held-out intent accuracy"] == (">= 0.93", "0.950", True)
    assert rows["real users: resolution"] == (">= 0.92", f"0.750 ({resolution[0]:.3f}–{resolution[1]:.3f})", False)
    covered = bounds["project"]["covered_accuracy"]
    assert rows["real users: covered accuracy"] == (">= 0.93", f"0.667 ({covered[0]:.3f}–{covered[1]:.3f})", False)
    assert rows["real users: wrong and confident"] == ("<= 0.04", f"0.250 ({wrong[0]:.3f}–{wrong[1]:.3f})", False)
    assert rows["real users: uncovered not answered"] == (">= 0.60", "1.000 (1.000–1.000)", True)
    ratio = bounds["stock_error_ratio"]
    assert rows["real users: the stock pipeline's errors, times the project's"] == (
        ">= 2",
        f"4.00 ({ratio[0]:.2f}–{ratio[1]:.2f})",
        True,
    )


def test_a_skipped_real_user_section_has_no_goal_rows():
    rows = goal_rows({"quality": quality({"skipped": "the real-user dev set is absent (x)"})})

    assert "held-out intent accuracy" in rows
    assert not [goal for goal in rows if goal.startswith("real users")]


def test_the_faq_latency_goal_is_at_most_60_ms():
    def latency(p95: float) -> dict:
        level = {"1": {"p95_ms": p95}}
        return {"latency": {"setups": {"one_worker": {"sanic_workers": 1, "levels": {"faq_turn": level}}}}}

    assert goal_rows(latency(60.0))["FAQ turn p95, 1 client, 1 worker(s)"] == ("<= 60 ms", "60 ms", True)
    assert goal_rows(latency(61.0))["FAQ turn p95, 1 client, 1 worker(s)"][2] is False


def test_a_results_file_is_rendered_again_beside_itself(tmp_path: Path):
    results = tmp_path / "results.json"
    results.write_text(json.dumps({"quality": quality(real_users()), **machine()}), encoding="utf-8")

    assert report.main([str(results)]) == 0

    text = (tmp_path / "RESULTS.md").read_text(encoding="utf-8")
    assert "| real users: resolution | >= 0.92 | 0.750 (" in text
    assert "| covered questions answered with 猜您想问 | 0 | – | 0 | – |" in text


def test_an_unreadable_results_file_is_an_error_not_a_report(tmp_path: Path, capsys):
    results = tmp_path / "results.json"
    results.write_text("{not json", encoding="utf-8")

    assert report.main([str(results), "--out", str(tmp_path / "out.md")]) == 1
    assert "cannot render" in capsys.readouterr().err
    assert not (tmp_path / "out.md").exists()


def machine() -> dict:
    return {
        "machine": {
            "date": "2026-12-07T00:00:00+00:00",
            "cpu_model": "cpu",
            "cores": 2,
            "memory_gib": 4,
            "os": "Linux",
            "python": "3.10",
            "rasa": "3.6.21",
            "rasa_sdk": "3.6.2",
            "tensorflow": "2.12.0",
            "jieba": "0.42.1",
            "git_commit": "abc1234",
            "load_average_at_start": [0.0, 0.0, 0.0],
        },
        "run": {"full_run": False, "quick": False, "sections": ["quality"], "folds": 0, "wall_seconds": 60},
    }
