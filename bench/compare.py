"""Compare the project's real-user figures of two benchmark runs, question by question.

Each run's ``results.json`` records the outcome of every dev-set question
(``quality.realusers.project.outcomes``, from 2026-12-07 on). This pairs the
two runs on the same questions and prints how each figure moved, with a
95 % interval of the move (paired bootstrap, ``bench.realusers.differences``):
an interval that holds 0 is a move that chance alone could make on this many
questions.

Usage::

    .venv/bin/python -m bench.compare BEFORE.json AFTER.json [--pipeline stock]
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from bench import realusers

FIGURE_NAMES = {**realusers.FIGURE_NAMES, "errors": "errors"}


class RunError(ValueError):
    """A results file that cannot be compared (unreadable, or without per-question outcomes)."""


def real_users_of(path: Path, pipeline: str) -> dict[str, Any]:
    """The real-user section of one pipeline in a results file.

    Args:
        path: A ``results.json`` written by ``bench.run``.
        pipeline: ``project`` or ``stock``.

    Returns:
        ``{"dev_set": path or None, "outcomes": one letter per question}``.

    Raises:
        RunError: If the file is unreadable, is not JSON, skipped the section
            or predates the per-question outcomes.
    """
    try:
        results = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        raise RunError(f"{path}: cannot read it ({error})") from error
    quality = results.get("quality") if isinstance(results, dict) else None
    real = quality.get("realusers") if isinstance(quality, dict) else None
    if not isinstance(real, dict) or not real:
        raise RunError(f"{path}: no real-user section (the run measured no quality)")
    if "skipped" in real:
        raise RunError(f"{path}: the run skipped the real-user section ({real['skipped']})")
    figures = real.get(pipeline)
    outcomes = figures.get("outcomes") if isinstance(figures, dict) else None
    if not outcomes or not isinstance(outcomes, str):
        raise RunError(f"{path}: no per-question outcomes for the {pipeline} pipeline (a run before 2026-12-07)")
    return {"dev_set": real.get("dev_set"), "outcomes": outcomes}


def render(before: Path, after: Path, moved: dict[str, Any]) -> str:
    """The comparison as a markdown table.

    Args:
        before: The earlier run's file (named in the heading).
        after: The later run's file.
        moved: What `bench.realusers.differences` returned for the two runs.

    Returns:
        A heading line and one table row per figure.
    """
    level = f"{moved['level']:.0%} interval"
    lines = [
        f"{before} -> {after}: {moved['changed']} of {moved['questions']} questions changed outcome",
        "",
        f"| figure | before | after | difference | {level} |",
        "|---|---|---|---|---|",
    ]
    for figure, name in FIGURE_NAMES.items():
        row = moved["figures"][figure]
        digits = 0 if figure == "errors" else 3
        lines.append(
            f"| {name} | {_number(row['before'], digits)} | {_number(row['after'], digits)} "
            f"| {_number(row['difference'], digits, signed=True)} | {_bounds(row['interval'], digits)} |"
        )
    return "\n".join(lines)


def _number(value: float | None, digits: int, signed: bool = False) -> str:
    """A figure with ``digits`` decimals (a sign in front when ``signed``), ``–`` when unknown."""
    if value is None:
        return "–"
    return f"{value:+.{digits}f}" if signed else f"{value:.{digits}f}"


def _bounds(bounds: Sequence[float] | None, digits: int) -> str:
    """An interval of a move as ``low to high``, both signed; ``–`` when unknown."""
    if bounds is None:
        return "–"
    return f"{_number(bounds[0], digits, signed=True)} to {_number(bounds[1], digits, signed=True)}"


def main(argv: Sequence[str] | None = None) -> int:
    """Prints how the real-user figures moved between two runs; exit code 1 with the reason if they cannot be paired."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("before", type=Path, help="results.json of the earlier run")
    parser.add_argument("after", type=Path, help="results.json of the later run")
    parser.add_argument("--pipeline", choices=("project", "stock"), default="project")
    args = parser.parse_args(argv)
    try:
        first = real_users_of(args.before, args.pipeline)
        second = real_users_of(args.after, args.pipeline)
        if first["dev_set"] and second["dev_set"] and Path(first["dev_set"]).name != Path(second["dev_set"]).name:
            raise RunError(f"the runs measured different dev sets ({first['dev_set']}, {second['dev_set']})")
        moved = realusers.differences(first["outcomes"], second["outcomes"])
    except ValueError as error:  # RunError, or outcomes that cannot be paired
        print(f"error: {error}", file=sys.stderr)
        return 1
    print(render(args.before, args.after, moved))
    return 0


if __name__ == "__main__":
    sys.exit(main())
