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
and the stock pipeline's error ratio one, so that a difference between two
runs or two pipelines can be told from noise.
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
        "stock_error_ratio": [low, high] or None}``; a figure with no
        question to count in some resample (covered or uncovered) has None.

    Raises:
        ValueError: If the two outcome strings differ in length or are empty.
    """
    if len(project) != len(stock) or not project:
        raise ValueError(f"outcomes of {len(project)} and {len(stock)} questions cannot be paired")
    draws = np.random.default_rng(seed).integers(0, len(project), size=(resamples, len(project)))
    tail = (1 - INTERVAL_LEVEL) / 2 * 100

    def interval(values: np.ndarray) -> list[float] | None:
        if not np.all(np.isfinite(values)):
            return None
        low, high = np.percentile(values, [tail, 100 - tail])
        return [float(low), float(high)]

    def resampled(outcomes: str) -> tuple[dict[str, list[float] | None], np.ndarray]:
        letters = np.array(list(outcomes))
        right = np.isin(letters, [RIGHT, RIGHT.lower()])[draws]
        covered = np.char.isupper(letters)[draws]
        confident = np.isin(letters, [CONFIDENTLY_WRONG, CONFIDENTLY_WRONG.lower()])[draws]
        with np.errstate(divide="ignore", invalid="ignore"):
            figures = {
                "resolution": interval(right.mean(axis=1)),
                "covered_accuracy": interval((right & covered).sum(axis=1) / covered.sum(axis=1)),
                "uncovered_not_answered": interval((right & ~covered).sum(axis=1) / (~covered).sum(axis=1)),
                "wrong_and_confident": interval(confident.mean(axis=1)),
            }
        return figures, (~right).sum(axis=1)

    project_figures, project_errors = resampled(project)
    stock_figures, stock_errors = resampled(stock)
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = interval(stock_errors / project_errors)
    return {
        "level": INTERVAL_LEVEL,
        "resamples": resamples,
        "project": project_figures,
        "stock": stock_figures,
        "stock_error_ratio": ratio,
    }


def compare(project: dict[str, Any], stock: dict[str, Any]) -> dict[str, Any]:
    """Both pipelines' figures, how many times the project's errors the stock pipeline makes, and the intervals."""
    ratio = stock["error_count"] / project["error_count"] if project["error_count"] else None
    return {
        "project": project,
        "stock": stock,
        "stock_error_ratio": ratio,
        "intervals": intervals(project["outcomes"], stock["outcomes"]),
    }
