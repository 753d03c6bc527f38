"""Benchmark the eligibility engine: profiles evaluated per second on one core.

Wall-clock and CPU-time rates are both reported, with the load average: on a
shared machine the wall-clock rate drops when other processes compete.

Generates random profiles (each fact known with some probability), evaluates
them with ``Engine.evaluate`` and reads the parts of the diagnosis the
dialogue uses (``top(3)``, ``next_fact``, ``decisive``). Prints a JSON report
and writes it to ``--out``.

Usage::

    .venv/bin/python scripts/bench_engine.py --profiles 20000 --out bench/engine.json
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import platform
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from eligibility import load_engine  # noqa: E402
from eligibility.loader import DEFAULT_DATA_DIR  # noqa: E402

logger = logging.getLogger(__name__)


def generate_profiles(count: int, known_share: float, seed: int) -> list[dict[str, object]]:
    """Build random profiles over the engine's facts.

    Args:
        count: Number of profiles.
        known_share: Probability that a given fact is known in a profile.
        seed: Random seed, for repeatable runs.

    Returns:
        The profiles.
    """
    rng = random.Random(seed)
    engine = load_engine()
    ints = {"zhima_score": (300, 960), "age": (16, 65)}
    profiles = []
    for _ in range(count):
        profile: dict[str, object] = {}
        for name in engine.fact_names:
            if name == "score_out_of_range" or rng.random() >= known_share:
                continue
            if name in ints:
                profile[name] = rng.randint(*ints[name])
            else:
                profile[name] = rng.random() < 0.5
        profiles.append(profile)
    return profiles


def run(profiles: list[dict[str, object]], repeat: int) -> dict[str, object]:
    """Time the evaluation of every profile, ``repeat`` times; keep the best run.

    Args:
        profiles: Profiles to evaluate.
        repeat: Number of timed passes.

    Returns:
        The report.
    """
    engine = load_engine()
    best = best_cpu = float("inf")
    decisive = 0
    for _ in range(repeat):
        decisive = 0
        start, start_cpu = time.perf_counter(), time.process_time()
        for profile in profiles:
            diagnosis = engine.evaluate(profile)
            diagnosis.top(3)
            if diagnosis.decisive:
                decisive += 1
            _ = diagnosis.next_fact
        best = min(best, time.perf_counter() - start)
        best_cpu = min(best_cpu, time.process_time() - start_cpu)
    return {
        "profiles": len(profiles),
        "repeat": repeat,
        "seconds_best_pass": round(best, 4),
        "profiles_per_second": round(len(profiles) / best),
        "microseconds_per_profile": round(best / len(profiles) * 1e6, 2),
        "profiles_per_cpu_second": round(len(profiles) / best_cpu),
        "load_average_1min": os.getloadavg()[0],
        "decisive_share": round(decisive / len(profiles), 3),
        "rules": len(engine.cause_ids),
        "data_dir": str(DEFAULT_DATA_DIR),
        "python": platform.python_version(),
    }


def main(argv: list[str] | None = None) -> int:
    """Parse arguments, run the benchmark, print and write the JSON report."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--profiles", type=int, default=20000, help="profiles per pass (default 20000)")
    parser.add_argument("--repeat", type=int, default=3, help="timed passes; the best is kept (default 3)")
    parser.add_argument("--known", type=float, default=0.5, help="share of facts known per profile (default 0.5)")
    parser.add_argument("--seed", type=int, default=7, help="random seed (default 7)")
    parser.add_argument("--out", type=Path, default=Path("bench/engine.json"), help="JSON output path")
    args = parser.parse_args(argv)
    profiles = generate_profiles(args.profiles, args.known, args.seed)
    report = run(profiles, args.repeat)
    report["known_share"] = args.known
    text = json.dumps(report, indent=2, ensure_ascii=False)
    print(text)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(text + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
