"""Real-user figures of the benchmark follow the rules of shared/realusers/score.py."""

from __future__ import annotations

from pathlib import Path

import pytest

from bench import realusers, report
from scripts.evaluate_nlu import Prediction

HEADER = "row_id\tside\tlabel\tsecond_label\tsentence\n"


def prediction(expected: str, predicted: str, suggested: tuple[str, ...] = ()) -> Prediction:
    return Prediction(
        text="问题",
        expected=expected,
        predicted=predicted,
        confidence=0.9,
        classifier_label=predicted,
        suggested=suggested,
    )


def test_dev_set_rows_become_pairs_and_fragments_are_left_out(tmp_path: Path):
    dev = tmp_path / "dev.tsv"
    dev.write_text(
        HEADER + "1\ta\trepayment\toverdue\t句子一\n2\tb\tnot_a_question\t\t半句\n3\ta\tuncovered\t\t句子三\n"
    )
    assert realusers.load_dev_set(dev) == [("句子一", "repayment|overdue"), ("句子三", "uncovered|")]


def test_a_dev_set_without_its_columns_is_refused(tmp_path: Path):
    dev = tmp_path / "dev.tsv"
    dev.write_text("label\tsentence\nrepayment\t句子\n")
    with pytest.raises(ValueError, match="missing column"):
        realusers.load_dev_set(dev)


def test_figures_count_second_labels_uncovered_and_confident_errors():
    figures = realusers.figures(
        [
            prediction("repayment|overdue", "overdue"),  # right by the second label
            prediction("repayment|", "interest_rate"),  # wrong and confident
            prediction("credit_limit|", "nlu_fallback"),  # wrong, not confident
            prediction("uncovered|", "out_of_scope"),  # right: not answered
        ]
    )
    assert figures["resolution"] == 0.5
    assert figures["covered_accuracy"] == pytest.approx(1 / 3)
    assert figures["uncovered_not_answered"] == 1.0
    assert figures["wrong_and_confident"] == 0.25
    assert figures["fallback_rate"] == 0.5
    assert figures["error_count"] == 2


def test_figures_say_how_often_the_suggestions_offer_a_right_topic():
    figures = realusers.figures(
        [
            prediction("repayment|overdue", "nlu_fallback", ("interest_rate", "overdue")),  # by the second label
            prediction("credit_limit|", "nlu_fallback", ("repayment", "interest_rate")),  # not offered
            prediction("credit_limit|", "nlu_fallback", ()),  # nothing offered
            prediction("uncovered|", "nlu_fallback", ("repayment",)),  # uncovered: not counted
            prediction("overdue|", "out_of_scope", ("overdue",)),  # out_of_scope gets no suggestions
            prediction("overdue|", "overdue", ("overdue",)),  # answered
        ]
    )
    assert figures["covered_suggesting"] == 3
    assert figures["right_topic_suggested"] == pytest.approx(1 / 3)
    assert figures["resolution"] == pytest.approx(2 / 6)


def test_no_covered_fallback_leaves_the_suggestion_share_empty():
    figures = realusers.figures([prediction("repayment|", "repayment", ("repayment",))])
    assert figures["covered_suggesting"] == 0
    assert figures["right_topic_suggested"] is None


def test_not_answering_is_right_only_when_the_first_label_is_uncovered():
    # score.py's rule: a covered question with "uncovered" as its second label
    # must be answered with its label; a fallback is a miss there.
    assert realusers.is_right("uncovered|interest_rate", "nlu_fallback")
    assert realusers.is_right("uncovered|interest_rate", "interest_rate")
    assert not realusers.is_right("disbursement|uncovered", "nlu_fallback")
    assert not realusers.is_right("disbursement|uncovered", "out_of_scope")
    assert realusers.is_right("disbursement|uncovered", "disbursement")


def test_report_says_plainly_when_the_section_was_skipped():
    lines = report._real_users({"skipped": "the real-user dev set is absent (x)"})
    assert lines[-1] == "**Real-user dev set: section skipped** (the real-user dev set is absent (x))."


def test_report_shows_both_pipelines_the_error_ratio_and_the_intervals():
    # 40 questions: the project misses the last 10, the stock pipeline the last 20.
    expected = ["repayment|"] * 40
    project = realusers.figures([prediction(e, "repayment" if i < 30 else "overdue") for i, e in enumerate(expected)])
    stock = realusers.figures([prediction(e, "repayment" if i < 20 else "overdue") for i, e in enumerate(expected)])
    real = realusers.compare(project, stock)
    bounds = realusers.intervals(project["outcomes"], stock["outcomes"])
    low, high = bounds["project"]["resolution"]
    ratio_low, ratio_high = bounds["stock_error_ratio"]

    lines = report._real_users({"dev_set": "/x/dev.tsv", **real})

    assert "| figure | project | 95% interval | stock | 95% interval |" in lines
    assert f"\n| resolution | 0.750 | {low:.3f}–{high:.3f} | 0.500 | " in "\n".join(lines)
    assert "| covered questions answered with 猜您想问 | 0 | – | 0 | – |" in lines
    assert "| … whose buttons offer a right topic | – | – | – | – |" in lines
    assert lines[-1].startswith(
        f"The stock pipeline makes 2.00 times the project's errors (95% interval {ratio_low:.2f}–{ratio_high:.2f})."
    )


def test_a_run_without_intervals_renders_as_it_was_written():
    project = realusers.figures([prediction("repayment|", "repayment"), prediction("overdue|", "repayment")])
    stock = realusers.figures([prediction("repayment|", "overdue"), prediction("overdue|", "repayment")])
    for figures in (project, stock):
        del figures["outcomes"]  # results.json of runs before the intervals
    real = realusers.compare(project, stock)

    lines = report._real_users({"dev_set": "/x/dev.tsv", **real})

    assert "| resolution | 0.500 | 0.000 |" in lines
    assert "| covered questions answered with 猜您想问 | 0 | 0 |" in lines
    assert lines[-1] == "The stock pipeline makes 2.00 times the project's errors."


def test_each_question_gets_an_outcome_letter_in_order():
    figures = realusers.figures(
        [
            prediction("repayment|", "repayment"),
            prediction("repayment|", "overdue"),
            prediction("repayment|", "nlu_fallback"),
            prediction("uncovered|", "nlu_fallback"),
            prediction("uncovered|", "overdue"),
        ]
    )
    assert figures["outcomes"] == "RWFrw"


def outcomes(right: int, wrong: int) -> str:
    return "R" * right + "W" * wrong


def test_a_pipeline_against_itself_has_an_error_ratio_of_exactly_one():
    # Paired: each resample scores both on the same questions. Unpaired
    # resamples of two copies would give a wide ratio interval around 1.
    bounds = realusers.intervals(outcomes(80, 20), outcomes(80, 20))
    assert bounds["stock_error_ratio"] == [1.0, 1.0]


def test_the_interval_holds_the_figure_and_narrows_with_more_questions():
    small = realusers.intervals(outcomes(80, 20), outcomes(60, 40))["project"]["resolution"]
    large = realusers.intervals(outcomes(800, 200), outcomes(600, 400))["project"]["resolution"]

    assert small[0] < 0.8 < small[1]
    assert large[0] < 0.8 < large[1]
    assert large[1] - large[0] < (small[1] - small[0]) / 2


def test_the_figures_of_the_intervals_follow_score_py():
    bounds = realusers.intervals("RRRW" * 25 + "rf" * 5, "RWWW" * 25 + "ww" * 5)

    assert bounds["stock"]["uncovered_not_answered"] == [0.0, 0.0]
    assert bounds["stock"]["wrong_and_confident"][0] > 0.6
    assert bounds["project"]["covered_accuracy"][0] < 0.75 < bounds["project"]["covered_accuracy"][1]
    assert bounds["project"]["wrong_and_confident"][0] < 0.23 < bounds["project"]["wrong_and_confident"][1]
    assert 2.0 < bounds["stock_error_ratio"][0] < 3.0 < bounds["stock_error_ratio"][1]


def test_intervals_are_reproducible_from_their_seed():
    first = realusers.intervals(outcomes(80, 20), outcomes(60, 40), seed=1)
    assert realusers.intervals(outcomes(80, 20), outcomes(60, 40), seed=1) == first
    assert realusers.intervals(outcomes(80, 20), outcomes(60, 40), seed=2) != first


def test_a_figure_no_resample_can_count_has_no_interval():
    # No uncovered question at all, and the project makes no error: no ratio.
    bounds = realusers.intervals(outcomes(10, 0), outcomes(5, 5))
    assert bounds["project"]["uncovered_not_answered"] is None
    assert bounds["stock_error_ratio"] is None


def test_a_rare_kind_of_question_gets_an_interval_from_the_resamples_that_hold_it():
    # 2 uncovered questions in 60: about one resample in 15 draws neither.
    project = "R" * 58 + "rf"
    bounds = realusers.intervals(project, project)
    assert bounds["project"]["uncovered_not_answered"] == [0.0, 1.0]


@pytest.mark.parametrize(
    ("first", "second", "message"),
    [
        (outcomes(10, 0), outcomes(10, 1), "cannot be paired"),
        ("", "", "cannot be paired"),
        ("RRX", "RRR", "unknown outcome letter"),
        ("RRr", "RRR", "disagree on which questions are covered"),
    ],
)
def test_outcomes_that_are_not_the_same_questions_are_not_paired(first: str, second: str, message: str):
    with pytest.raises(ValueError, match=message):
        realusers.intervals(first, second)
    with pytest.raises(ValueError, match=message):
        realusers.differences(first, second)


def test_a_run_against_itself_moved_nothing():
    moved = realusers.differences(outcomes(80, 20), outcomes(80, 20))
    assert moved["changed"] == 0
    assert moved["figures"]["resolution"] == {"before": 0.8, "after": 0.8, "difference": 0.0, "interval": [0.0, 0.0]}


def test_a_move_of_a_few_questions_is_within_chance_and_a_large_one_is_not():
    few = realusers.differences(outcomes(160, 40), outcomes(163, 37))["figures"]["resolution"]
    many = realusers.differences(outcomes(160, 40), outcomes(190, 10))["figures"]["resolution"]

    assert few["difference"] == pytest.approx(0.015)
    assert few["interval"][0] <= 0 <= few["interval"][1]
    assert many["difference"] == pytest.approx(0.15)
    assert many["interval"][0] > 0


def test_a_move_counts_errors_and_names_figures_without_questions():
    moved = realusers.differences("RRWF", "RRRF")
    assert moved["figures"]["errors"]["difference"] == -1
    assert moved["figures"]["uncovered_not_answered"]["before"] is None
    assert moved["figures"]["uncovered_not_answered"]["interval"] is None
