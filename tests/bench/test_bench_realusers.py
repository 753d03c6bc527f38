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


def test_report_shows_both_pipelines_and_the_error_ratio():
    project = realusers.figures([prediction("repayment|", "repayment"), prediction("overdue|", "repayment")])
    stock = realusers.figures([prediction("repayment|", "overdue"), prediction("overdue|", "repayment")])
    lines = report._real_users({"dev_set": "/x/dev.tsv", **realusers.compare(project, stock)})
    assert "| resolution | 0.500 | 0.000 |" in lines
    assert "| covered questions answered with 猜您想问 | 0 | 0 |" in lines
    assert "| … whose buttons offer a right topic | – | – |" in lines
    assert lines[-1] == "The stock pipeline makes 2.00 times the project's errors."
