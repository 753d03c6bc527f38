"""Render the benchmark results as markdown (bench/RESULTS.md)."""

from __future__ import annotations

import argparse
import functools
import json
import logging
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from bench import realusers

logger = logging.getLogger(__name__)

# Goals the project set itself (README) and those of the real-user issue.
FAQ_P95_GOAL_MS = 60.0
THROUGHPUT_GOAL = 40.0
FULL_TRAINING_GOAL_S = 300.0
RETRAINING_GOAL_S = 120.0
HELDOUT_ACCURACY_GOAL = 0.93
# Real-user goals: figure key -> (name, target, at least (True) or at most).
REAL_USER_GOALS = {
    "covered_accuracy": ("covered accuracy", 0.93, True),
    "resolution": ("resolution", 0.92, True),
    "wrong_and_confident": ("wrong and confident", 0.04, False),
    "uncovered_not_answered": ("uncovered not answered", 0.60, True),
}
STOCK_ERROR_RATIO_GOAL = 2.0
QUALITY_SETS = (("heldout", "held-out"), ("noisy", "noisy held-out"), ("cross_validation", "cross-validation"))

REAL_USER_FIGURES = (*realusers.FIGURE_NAMES.items(), ("fallback_rate", "fallback rate"))


def _f(value: float | None, digits: int = 3) -> str:
    return "–" if value is None else f"{value:.{digits}f}"


def _verdict(met: bool | None) -> str:
    return "n/a" if met is None else ("met" if met else "**missed**")


def measured_sets(q: dict[str, Any]) -> list[tuple[str, str]]:
    """The quality sets of this run (cross-validation is skipped with ``--folds 0``)."""
    return [(key, name) for key, name in QUALITY_SETS if key in q]


def goals(results: dict[str, Any]) -> list[tuple[str, str, str, bool | None]]:
    """Evaluates each goal: (goal, target, measured, met)."""
    rows: list[tuple[str, str, str, bool | None]] = []
    q = results.get("quality")
    if q:
        sets = measured_sets(q)
        figures = [(name, metric, q[name][metric]) for name, _ in sets for metric in ("accuracy", "macro_f1")]
        ahead = all(f["project"] > f["stock"] for _, _, f in figures)
        gaps = {name: q[name]["macro_f1"]["project"] - q[name]["macro_f1"]["stock"] for name, _ in sets}
        behind = [f"{n} {m}" for n, m, f in figures if f["project"] <= f["stock"]]
        rows.append(
            (
                "project pipeline ahead of stock on every quality figure",
                f"{len(figures)} of {len(figures)}" + ("" if len(sets) == len(QUALITY_SETS) else " measured"),
                f"{len(figures) - len(behind)} of {len(figures)}"
                + (f" (not ahead: {', '.join(behind)})" if behind else ""),
                ahead,
            )
        )
        most = max(gaps, key=lambda k: gaps[k])
        rows.append(
            (
                "lead largest on the noisy set (macro-F1 difference)",
                "noisy",
                ", ".join(f"{k} {v:+.3f}" for k, v in gaps.items()),
                most == "noisy",
            )
        )
        held = q["heldout"]["accuracy"]["project"]
        rows.append(
            (
                "held-out intent accuracy",
                f">= {HELDOUT_ACCURACY_GOAL:.2f}",
                _f(held),
                held >= HELDOUT_ACCURACY_GOAL,
            )
        )
        rows += _real_user_goals(q.get("realusers") or {})
    setups = (results.get("latency") or {}).get("setups", {})
    for name, setup in setups.items():
        faq = setup.get("levels", {}).get("faq_turn", {})
        where = f"{setup['sanic_workers']} worker(s)" if "sanic_workers" in setup else name
        if "1" in faq:
            p95 = faq["1"]["p95_ms"]
            goal = f"<= {FAQ_P95_GOAL_MS:.0f} ms"
            rows.append((f"FAQ turn p95, 1 client, {where}", goal, f"{p95:.0f} ms", p95 <= FAQ_P95_GOAL_MS))
        if "8" in faq:
            rate = faq["8"]["messages_per_second"]
            goal = f">= {THROUGHPUT_GOAL:.0f} msg/s"
            rows.append(
                (f"FAQ turns per second, 8 clients, {where}", goal, f"{rate:.1f} msg/s", rate >= THROUGHPUT_GOAL)
            )
    t = results.get("training")
    if t:
        full = t["full_training_seconds"]
        retrain = t["retraining_after_new_faq_seconds"]
        rows.append(("full training", f"< {FULL_TRAINING_GOAL_S:.0f} s", f"{full:.0f} s", full < FULL_TRAINING_GOAL_S))
        rows.append(
            (
                "retraining after one new FAQ",
                f"< {RETRAINING_GOAL_S:.0f} s",
                f"{retrain:.0f} s",
                retrain < RETRAINING_GOAL_S,
            )
        )
    return rows


def _real_user_goals(real: dict[str, Any]) -> list[tuple[str, str, str, bool | None]]:
    """The real-user goals, or nothing when the section was skipped."""
    if "project" not in real:
        return []
    rows: list[tuple[str, str, str, bool | None]] = []
    bounds = _intervals(real) or {}
    for key, (name, target, at_least) in REAL_USER_GOALS.items():
        value = real["project"][key]
        met = None if value is None else (value >= target if at_least else value <= target)
        measured = _f(value) + _interval(bounds.get("project", {}).get(key), parenthesised=True)
        rows.append((f"real users: {name}", f"{'>=' if at_least else '<='} {target:.2f}", measured, met))
    ratio = real["stock_error_ratio"]
    rows.append(
        (
            "real users: the stock pipeline's errors, times the project's",
            f">= {STOCK_ERROR_RATIO_GOAL:.0f}",
            _f(ratio, 2) + _interval(bounds.get("stock_error_ratio"), 2, parenthesised=True),
            None if ratio is None else ratio >= STOCK_ERROR_RATIO_GOAL,
        )
    )
    return rows


def _intervals(real: dict[str, Any]) -> dict[str, Any] | None:
    """The 95 % intervals of a real-user section, computed from its per-question outcomes.

    None for runs before 2026-12-07 (night), which recorded no outcomes.
    """
    project, stock = real["project"].get("outcomes"), real["stock"].get("outcomes")
    return _intervals_of(project, stock) if project and stock else None


@functools.lru_cache(maxsize=4)
def _intervals_of(project: str, stock: str) -> dict[str, Any]:
    """One resampling per pair of outcome strings: the goals table and the real-user table share it."""
    return realusers.intervals(project, stock)


def _interval(bounds: Sequence[float] | None, digits: int = 3, parenthesised: bool = False) -> str:
    """``low–high`` (or `` (low–high)`` after a figure); nothing, or ``–`` in a column, when unknown."""
    if bounds is None:
        return "" if parenthesised else "–"
    text = f"{bounds[0]:.{digits}f}–{bounds[1]:.{digits}f}"
    return f" ({text})" if parenthesised else text


def _machine(results: dict[str, Any]) -> list[str]:
    m = results["machine"]
    run = results["run"]
    return [
        "## Machine",
        "",
        "| | |",
        "|---|---|",
        f"| date (UTC) | {m['date']} |",
        f"| CPU | {m['cpu_model']}, {m['cores']} cores |",
        f"| memory | {m['memory_gib']} GiB |",
        f"| OS | {m['os']} |",
        f"| Python / Rasa / rasa-sdk / TensorFlow / jieba | {m['python']} / {m['rasa']} / {m['rasa_sdk']} / "
        f"{m['tensorflow']} / {m['jieba']} |",
        f"| git commit | {m['git_commit']}"
        + (" plus uncommitted changes in the work tree" if m.get("git_uncommitted_changes") else "")
        + " |",
        f"| load average (1, 5, 15 min) at start / end | {m['load_average_at_start']} "
        f"/ {m.get('load_average_at_end')} |",
        f"| run | {'full' if run['full_run'] else ('quick' if run['quick'] else 'partial')}; "
        f"sections {', '.join(run['sections'])}; cross-validation folds {run['folds']}; "
        f"{run.get('wall_seconds', 0) / 60:.0f} min |",
        "",
    ]


def _quality(q: dict[str, Any]) -> list[str]:
    lines = [
        "## Understanding quality: project pipeline vs stock Rasa Chinese pipeline",
        "",
        "Stock = the `rasa init` pipeline with `JiebaTokenizer` (no dictionary) instead of the whitespace "
        "tokenizer; no normaliser, no user dictionary, no ZhimaScoreExtractor. Both trained NLU-only on the "
        "same `data/`. Label = intent, or the FAQ key for `faq`; a fallback counts as a miss. "
        + (
            f"Cross-validation: {q['settings']['folds']} stratified folds over the `data/` examples "
            f"(seed {q['settings']['fold_seed']})"
            if q["settings"]["folds"]
            else "**Cross-validation was not run in this run (`--folds 0`)**"
        )
        + (f"; **epochs overridden to {q['settings']['epochs_override']}**" if q["settings"]["epochs_override"] else "")
        + ".",
        "",
        "| set | examples | accuracy project | accuracy stock | ratio | macro-F1 project | macro-F1 stock | ratio "
        "| fallback project | fallback stock |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for key, name in measured_sets(q):
        s = q[key]
        lines.append(
            f"| {name} | {s['examples']} | {_f(s['accuracy']['project'])} | {_f(s['accuracy']['stock'])} "
            f"| {_f(s['accuracy']['ratio'], 2)} | {_f(s['macro_f1']['project'])} | {_f(s['macro_f1']['stock'])} "
            f"| {_f(s['macro_f1']['ratio'], 2)} | {_f(s['fallback_rate']['project'])} "
            f"| {_f(s['fallback_rate']['stock'])} |"
        )
    noisy = q.get("noisy_set")
    if noisy:
        typos = noisy["typos"]
        kinds = ", ".join(f"{k} {v}" for k, v in noisy["noise_kinds"].items())
        lines += [
            "",
            f"Noisy set (`bench/data/heldout_noisy.yml`, messages per kind of noise: {kinds}). "
            f"Of its typo variants, {', '.join(typos['variants_in_normaliser'])} are in the project normaliser's "
            f"table and {', '.join(typos['variants_not_in_normaliser'])} are not; "
            f"{typos['messages_with_only_known_typos']} of the {typos['messages_with_typos']} messages with typos "
            "contain only known ones, so part of the noisy-set lead comes from that table."
            + ("" if noisy["file_matches_generator"] else " **The file differs from its generator.**"),
        ]
    lines += _real_users(q.get("realusers"))
    lines += [
        "",
        "NLU training seconds per model (first = all of `data/`, then one per fold): "
        + "; ".join(f"{p}: {', '.join(f'{x:.0f}' for x in xs)}" for p, xs in q["nlu_train_seconds"].items()),
        "",
        "### F1 per label",
        "",
        "| label | held-out project | held-out stock | noisy project | noisy stock | CV project | CV stock |",
        "|---|---|---|---|---|---|---|",
    ]
    labels = sorted(set().union(*(q[key]["per_label_f1"] for key, _ in measured_sets(q))))
    for label in labels:
        cells = []
        for key, _ in QUALITY_SETS:
            row = q[key]["per_label_f1"].get(label) if key in q else None
            cells += [_f(row["project"], 2), _f(row["stock"], 2)] if row else ["–", "–"]
        lines.append(f"| {label} | " + " | ".join(cells) + " |")
    lines.append("")
    return lines


def _real_users(real: dict[str, Any] | None) -> list[str]:
    """The real-user dev set rows (bench/realusers.py), or why they are missing."""
    if not real:
        return []
    if "skipped" in real:
        return ["", f"**Real-user dev set: section skipped** ({real['skipped']})."]
    lines = [
        "",
        f"### Real users (`{Path(real['dev_set']).name}`, {real['project']['questions']} real questions, "
        "rules of `shared/realusers/score.py`)",
        "",
    ]
    bounds = _intervals(real)
    if bounds is None:
        lines += ["| figure | project | stock |", "|---|---|---|"]
    else:
        level = f"{bounds['level']:.0%} interval"
        lines += [f"| figure | project | {level} | stock | {level} |", "|---|---|---|---|---|"]
    project, stock = real["project"], real["stock"]
    for key, name in REAL_USER_FIGURES:
        lines.append(_real_user_row(name, _f(project[key]), _f(stock[key]), bounds, key))
    lines += [
        _real_user_row(
            "covered questions answered with 猜您想问",
            project.get("covered_suggesting", "–"),
            stock.get("covered_suggesting", "–"),
            bounds,
        ),
        _real_user_row(
            "… whose buttons offer a right topic",
            _f(project.get("right_topic_suggested")),
            _f(stock.get("right_topic_suggested")),
            bounds,
        ),
        _real_user_row("errors", project["error_count"], stock["error_count"], bounds),
        "",
    ]
    ratio = f"The stock pipeline makes {_f(real['stock_error_ratio'], 2)} times the project's errors"
    if bounds is None:
        lines.append(ratio + ".")
    else:
        if bounds["stock_error_ratio"] is not None:
            ratio += f" ({bounds['level']:.0%} interval {_interval(bounds['stock_error_ratio'], 2)})"
        lines.append(
            f"{ratio}. Intervals: {bounds['resamples']} resamples of the questions with replacement, both "
            "pipelines scored on the same draw; they show how far chance alone moves a figure on this many "
            "questions."
        )
    return lines


def _real_user_row(
    name: str, project: object, stock: object, bounds: dict[str, Any] | None, key: str | None = None
) -> str:
    """One row of the real-user table; interval cells (``–`` for a figure without one) when the run has them."""
    if bounds is None:
        return f"| {name} | {project} | {stock} |"
    project_bounds = bounds["project"].get(key) if key else None
    stock_bounds = bounds["stock"].get(key) if key else None
    return f"| {name} | {project} | {_interval(project_bounds)} | {stock} | {_interval(stock_bounds)} |"


def _latency(lat: dict[str, Any]) -> list[str]:
    lines = [
        "## Latency and throughput (HTTP, loopback, real action server)",
        "",
        "Every measured turn is the first user turn of a fresh conversation (own sender id), "
        "except `appeal_submit`: each client first answers the appeal form's questions (not measured, but "
        "they load the server and count in the wall time) and the measured turn is the confirmation that "
        "files the ticket. Clients send their next request as soon as the answer arrives. "
        "Rate = measured requests / wall time. The load generator runs on the same 2 cores.",
        "",
    ]
    for name, setup in lat["setups"].items():
        lines += [f"### {name}: {setup['description']}", ""]
        if "not_available" in setup:
            lines += [f"Not measured: {setup['not_available']}.", ""]
            continue
        lines += _setup(setup)
    return lines


def _setup(lat: dict[str, Any]) -> list[str]:
    lines = [
        f"Model `{lat['model']}`, endpoints `{lat['endpoints']}`.",
        "",
        "| scenario | clients | requests | p50 ms | p95 ms | p99 ms | max ms | msg/s | failures |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for name, scenario in lat["scenarios"].items():
        if "not_available" in scenario:
            lines.append(f"| {name} | – | – | – | – | – | – | – | not available: {scenario['not_available']} |")
            continue
        for clients, r in lat["levels"].get(name, {}).items():
            if not r["requests"]:
                lines.append(f"| {name} | {clients} | 0 | – | – | – | – | – | {r['failures']} |")
                continue
            lines.append(
                f"| {name} | {clients} | {r['requests']} | {r['p50_ms']:.0f} | {r['p95_ms']:.0f} | {r['p99_ms']:.0f} "
                f"| {r['max_ms']:.0f} | {r['messages_per_second']:.1f} | {r['failures']} |"
            )
    lines += ["", "What each scenario does (one unmeasured check before the run):", ""]
    for name, check in lat["checks"].items():
        text = check.get("text")
        detail = ", ".join(f"{k}: {v}" for k, v in check.items() if k != "text")
        lines.append(f"- `{name}`: 「{text}」 — {detail or 'see results.json'}")
    mem = lat.get("memory", {})
    lines += ["", "Memory (resident set size from /proc, all processes of each server):", ""]
    lines += ["| when | Rasa server | action server |", "|---|---|---|"]
    for when, values in mem.items():
        lines.append(
            f"| {when.replace('_', ' ')} | {values['rasa_server']['group'] / 2**20:.0f} MiB "
            f"| {values['action_server']['group'] / 2**20:.0f} MiB |"
        )
    start = lat.get("startup", {})
    lines += [
        "",
        f"Start-up: action server {start.get('action_server_seconds', 0):.0f} s, Rasa server "
        f"{start.get('rasa_server_seconds', 0):.0f} s (model loading, every worker).",
        "",
    ]
    return lines


def _training(t: dict[str, Any]) -> list[str]:
    lines = [
        "## Training time",
        "",
        "| step | seconds |",
        "|---|---|",
        f"| full `rasa train` (NLU + dialogue), empty cache | {t['full_training_seconds']:.0f} |",
        f"| retraining after `python -m faqtool import {t['new_faq_file']}` (cache warm) "
        f"| {t['retraining_after_new_faq_seconds']:.0f} |",
        "",
    ]
    if t.get("epochs_override"):
        lines.insert(2, f"**Epochs overridden to {t['epochs_override']}: not representative.**\n")
    return lines


def _engine(e: dict[str, Any]) -> list[str]:
    return [
        "## Eligibility engine (scripts/bench_engine.py)",
        "",
        f"{e['profiles_per_second']} profiles/s wall clock ({e['microseconds_per_profile']} µs each), "
        f"{e['profiles_per_cpu_second']} per CPU second; {e['profiles']} random profiles, {e['rules']} rules, "
        f"best of {e['repeat']} passes; load average {e['load_average_1min']:.2f}.",
        "",
    ]


def render(results: dict[str, Any]) -> str:
    """The whole markdown report."""
    lines = [
        "# Benchmark results",
        "",
        "Written by `make bench` (`bench/run.py`); raw numbers in `bench/results.json`. "
        "Do not edit by hand: rerun the benchmark.",
        "",
    ]
    lines += _machine(results)
    rows = goals(results)
    if rows:
        lines += ["## Goals", "", "| goal | target | measured | status |", "|---|---|---|---|"]
        lines += [f"| {g} | {target} | {measured} | {_verdict(met)} |" for g, target, measured, met in rows]
        lines.append("")
    if "quality" in results:
        lines += _quality(results["quality"])
    if "latency" in results:
        lines += _latency(results["latency"])
    if "training" in results:
        lines += _training(results["training"])
    if "engine" in results:
        lines += _engine(results["engine"])
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    """Renders a results file again, e.g. after the report gained a table: no figure is re-measured."""
    parser = argparse.ArgumentParser(description="render bench/results.json as markdown again")
    parser.add_argument("results", type=Path, nargs="?", default=Path(__file__).with_name("results.json"))
    parser.add_argument("--out", type=Path, help="where to write (default: RESULTS.md beside the results)")
    args = parser.parse_args(argv)
    try:
        results = json.loads(args.results.read_text(encoding="utf-8"))
        text = render(results)
    except (OSError, ValueError, KeyError) as error:
        print(f"error: cannot render {args.results}: {error!r}", file=sys.stderr)
        return 1
    out = args.out or args.results.with_name("RESULTS.md")
    out.write_text(text, encoding="utf-8")
    print(f"wrote {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
