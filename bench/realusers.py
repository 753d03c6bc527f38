"""The real-user figures: project and stock pipelines on ``../shared/realusers/dev.tsv``.

The dev set (real customer questions, labelled with the intent catalogue) is
for measuring only: nothing here copies it anywhere. A question is right
when the parsed label is its label or its second label; a question whose
first label is ``uncovered`` is right when it is not answered as something
else (a fallback, out_of_scope or human_handoff). *Wrong and confident* is a wrong label that
is not one of those: the worst outcome for a user. These are the rules of
``../shared/realusers/score.py``, applied to the benchmark's own predictions
so that both pipelines are measured in the same run.

595 questions leave room for chance: :func:`intervals` resamples them (the
same resample for both pipelines) and gives each figure a 95 % interval,
and the stock pipeline's error ratio one; :func:`differences` does the same
for the move of each figure between two runs (``python -m bench.compare``),
so that a difference between two runs or two pipelines can be told from
noise.
"""

from __future__ import annotations

import csv
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from scripts.evaluate_nlu import FALLBACK_INTENT

REPO = Path(__file__).resolve().parents[1]
DEV_SET = REPO.parent / "shared" / "realusers" / "dev.tsv"
NOT_ANSWERED = frozenset({FALLBACK_INTENT, "out_of_scope", "human_handoff"})
UNCOVERED = "uncovered"
SKIPPED_LABEL = "not_a_question"
# Golds travel through the worker's (text, expected) pairs as "label|second".
GOLD_SEPARATOR = "|"
# One letter per question in ``figures()["outcomes"]``: right, wrong and
# confident, not answered (wrongly); upper case for a covered question,
# lower case for an uncovered one.
RIGHT, CONFIDENTLY_WRONG, NOT_ANSWERED_WRONG = "R", "W", "F"
OUTCOME_LETTERS = "RWFrwf"
# The figures of score.py, by their key in figures() and in the intervals.
FIGURE_NAMES = {
    "resolution": "resolution",
    "covered_accuracy": "covered accuracy",
    "uncovered_not_answered": "uncovered not answered",
    "wrong_and_confident": "wrong and confident",
}
INTERVAL_LEVEL = 0.95
RESAMPLES = 2000
RESAMPLE_SEED = 20261207


def load_dev_set(path: Path) -> list[tuple[str, str]]:
    """Reads ``(sentence, "label|second_label")`` pairs, fragments left out.

    Args:
        path: The dev set (tab-separated: row_id, side, label, second_label, sentence).

    Returns:
        One pair per question.

    Raises:
        ValueError: If a column is missing or the file holds no question.
    """
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle, delimiter="\t")
        missing = {"label", "second_label", "sentence"} - set(reader.fieldnames or ())
        if missing:
            raise ValueError(f"{path}: missing column(s) {', '.join(sorted(missing))}")
        pairs = [
            (row["sentence"], f"{row['label']}{GOLD_SEPARATOR}{row['second_label'] or ''}")
            for row in reader
            if row["label"] != SKIPPED_LABEL
        ]
    if not pairs:
        raise ValueError(f"{path}: no questions")
    return pairs


def golds(expected: str) -> set[str]:
    """The labels that count as right for one ``"label|second"`` gold."""
    return set(expected.split(GOLD_SEPARATOR)) - {""}


def is_right(expected: str, predicted: str) -> bool:
    """Whether one prediction counts as right (see the module docstring).

    Not answering is right only when the first label is ``uncovered``; a
    covered question whose second label is ``uncovered`` must get its label.
    """
    if expected.partition(GOLD_SEPARATOR)[0] == UNCOVERED:
        return predicted in NOT_ANSWERED or predicted in golds(expected)
    return predicted in golds(expected)


def figures(predictions: Sequence[Any]) -> dict[str, Any]:
    """Resolution, covered accuracy, uncovered not answered, wrong and confident.

    Also how often "猜您想问" helps: of the covered questions that fall back
    (``nlu_fallback``, which the dialogue answers with it),
    the share whose buttons offer a right label. That is not counted as
    resolved: the customer still has to recognise the topic and click.

    Args:
        predictions: Objects with ``text``, ``expected`` ("label|second"),
            ``predicted`` (the parsed label) and ``suggested`` (the labels
            "猜您想问" offers for the parse).

    Returns:
        The figures, the number of errors, the errors themselves and the
        outcome of each question in order (see :func:`outcome`).
    """
    rows = [(p.expected.split(GOLD_SEPARATOR)[0], p.predicted, is_right(p.expected, p.predicted)) for p in predictions]
    covered = [r for r in rows if r[0] != UNCOVERED]
    uncovered = [r for r in rows if r[0] == UNCOVERED]
    errors = [p for p, r in zip(predictions, rows, strict=True) if not r[2]]
    suggesting = [p for p, r in zip(predictions, rows, strict=True) if r[0] != UNCOVERED and r[1] == FALLBACK_INTENT]
    return {
        "questions": len(rows),
        "resolution": sum(r[2] for r in rows) / len(rows),
        "covered_accuracy": sum(r[2] for r in covered) / len(covered) if covered else None,
        "uncovered_not_answered": sum(r[2] for r in uncovered) / len(uncovered) if uncovered else None,
        "wrong_and_confident": sum(1 for r in rows if not r[2] and r[1] not in NOT_ANSWERED) / len(rows),
        "fallback_rate": sum(1 for r in rows if r[1] in NOT_ANSWERED) / len(rows),
        "covered_suggesting": len(suggesting),
        "right_topic_suggested": (
            sum(1 for p in suggesting if golds(p.expected) & set(p.suggested)) / len(suggesting) if suggesting else None
        ),
        "error_count": len(errors),
        "errors": [{"expected": p.expected, "predicted": p.predicted} for p in errors],
        "outcomes": "".join(outcome(p.expected, p.predicted) for p in predictions),
    }


def outcome(expected: str, predicted: str) -> str:
    """One question's outcome as a letter (``R``, ``W`` or ``F``; lower case when uncovered)."""
    if is_right(expected, predicted):
        letter = RIGHT
    elif predicted in NOT_ANSWERED:
        letter = NOT_ANSWERED_WRONG
    else:
        letter = CONFIDENTLY_WRONG
    return letter.lower() if expected.partition(GOLD_SEPARATOR)[0] == UNCOVERED else letter


def intervals(project: str, stock: str, resamples: int = RESAMPLES, seed: int = RESAMPLE_SEED) -> dict[str, Any]:
    """95 % intervals of the figures and of the stock pipeline's error ratio (paired bootstrap).

    Each resample draws as many questions as there are, with replacement,
    and scores both pipelines on the same draw, so the ratio's interval
    reflects how the two differ on the same questions. The interval is the
    2.5th to 97.5th percentile of the resampled figure.

    Args:
        project: The project's outcomes (``figures()["outcomes"]``).
        stock: The stock pipeline's outcomes for the same questions in the same order.
        resamples: How many resamples.
        seed: Seed of the draw, so that a report can be reproduced.

    Returns:
        ``{"level", "resamples", "project": {figure: [low, high]}, "stock": {...},
        "stock_error_ratio": [low, high] or None}``. A figure is taken over
        the resamples that hold something to count (with 10 uncovered
        questions in 595, a few of 2,000 draw none of them); None when no
        resample does.

    Raises:
        ValueError: If the outcome strings cannot be paired (see `differences`).
    """
    project_draws, stock_draws = _paired_resamples(project, stock, resamples, seed)
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = _interval(stock_draws.pop("errors") / project_draws.pop("errors"))
    return {
        "level": INTERVAL_LEVEL,
        "resamples": resamples,
        "project": {figure: _interval(values) for figure, values in project_draws.items()},
        "stock": {figure: _interval(values) for figure, values in stock_draws.items()},
        "stock_error_ratio": ratio,
    }


def differences(before: str, after: str, resamples: int = RESAMPLES, seed: int = RESAMPLE_SEED) -> dict[str, Any]:
    """How each figure moved from one run to another, with a 95 % interval of the move (paired bootstrap).

    Args:
        before: One run's outcomes (``figures()["outcomes"]``).
        after: Another run's outcomes for the same questions in the same order.
        resamples: How many resamples.
        seed: Seed of the draw.

    Returns:
        ``{"level", "resamples", "questions", "changed", "figures": {figure: {"before", "after",
        "difference", "interval"}}}``: ``changed`` counts the questions whose
        outcome differs; ``errors`` is a count, the other figures are shares.
        An interval that holds 0 is a move chance alone could make.

    Raises:
        ValueError: If the outcome strings are empty, differ in length, hold
            a letter that is not an outcome, or disagree on which questions
            are covered (then they are not the same questions).
    """
    before_draws, after_draws = _paired_resamples(before, after, resamples, seed)
    before_all, after_all = _figures_of(before), _figures_of(after)
    figures = {}
    for figure, values in before_draws.items():
        with np.errstate(invalid="ignore"):
            moved = after_draws[figure] - values
        first, second = before_all[figure], after_all[figure]
        figures[figure] = {
            "before": first,
            "after": second,
            "difference": None if first is None or second is None else second - first,
            "interval": _interval(moved),
        }
    changed = sum(1 for x, y in zip(before, after, strict=True) if x != y)
    return {
        "level": INTERVAL_LEVEL,
        "resamples": resamples,
        "questions": len(before),
        "changed": changed,
        "figures": figures,
    }


def _paired_resamples(
    first: str, second: str, resamples: int, seed: int
) -> tuple[dict[str, np.ndarray], dict[str, np.ndarray]]:
    """Both outcome strings scored on the same resamples of their questions."""
    if len(first) != len(second) or not first:
        raise ValueError(f"outcomes of {len(first)} and {len(second)} questions cannot be paired")
    unknown = set(first + second) - set(OUTCOME_LETTERS)
    if unknown:
        raise ValueError(f"unknown outcome letter(s) {''.join(sorted(unknown))}; outcomes are {OUTCOME_LETTERS}")
    if [letter.isupper() for letter in first] != [letter.isupper() for letter in second]:
        raise ValueError("the outcomes disagree on which questions are covered: not the same questions")
    draws = np.random.default_rng(seed).integers(0, len(first), size=(resamples, len(first)))
    return _resampled(first, draws), _resampled(second, draws)


def _resampled(outcomes: str, draws: np.ndarray) -> dict[str, np.ndarray]:
    """Each figure of ``score.py`` (and the error count) on each resample; NaN where a share has no question."""
    letters = np.array(list(outcomes))
    right = np.isin(letters, [RIGHT, RIGHT.lower()])[draws]
    covered = np.char.isupper(letters)[draws]
    confident = np.isin(letters, [CONFIDENTLY_WRONG, CONFIDENTLY_WRONG.lower()])[draws]
    with np.errstate(divide="ignore", invalid="ignore"):
        return {
            "resolution": right.mean(axis=1),
            "covered_accuracy": (right & covered).sum(axis=1) / covered.sum(axis=1),
            "uncovered_not_answered": (right & ~covered).sum(axis=1) / (~covered).sum(axis=1),
            "wrong_and_confident": confident.mean(axis=1),
            "errors": (~right).sum(axis=1).astype(float),
        }


def _figures_of(outcomes: str) -> dict[str, float | None]:
    """The figures of the outcomes themselves (no resampling)."""
    everything = np.arange(len(outcomes))[np.newaxis, :]
    return {
        figure: (float(values[0]) if np.isfinite(values[0]) else None)
        for figure, values in _resampled(outcomes, everything).items()
    }


def _interval(values: np.ndarray) -> list[float] | None:
    """The central 95 % of the resampled values that are defined; None when none is."""
    defined = values[np.isfinite(values)]
    if not defined.size:
        return None
    tail = (1 - INTERVAL_LEVEL) / 2 * 100
    low, high = np.percentile(defined, [tail, 100 - tail])
    return [float(low), float(high)]


def compare(project: dict[str, Any], stock: dict[str, Any]) -> dict[str, Any]:
    """Both pipelines' figures and how many times the project's errors the stock pipeline makes.

    The intervals are not stored: the report computes them from the outcomes.
    """
    ratio = stock["error_count"] / project["error_count"] if project["error_count"] else None
    return {"project": project, "stock": stock, "stock_error_ratio": ratio}
