"""`make bench`: run every benchmark of 借呗助手 and write the results.

Sections (all by default, in this order):

- ``engine``: eligibility engine throughput (scripts/bench_engine.py);
- ``latency``: REST turns and ``/model/parse`` at 1, 8 and 32 clients with the
  real action server, plus the resident memory of both servers;
- ``training``: full training time and retraining after one new FAQ;
- ``quality``: project pipeline vs stock Rasa Chinese pipeline (held-out,
  noisy held-out, the real-user dev set ``../shared/realusers/dev.tsv`` when
  present, k-fold cross-validation). Last, because it is long: the
  stock pipeline trains for 12 to 16 minutes a model on 2 fast cores, and
  for over 90 on a slow 2-core machine.

The full run writes ``bench/results.json`` and ``bench/RESULTS.md``. ``--quick``
(2 folds, few epochs, few requests) and ``--only`` write to
``results/bench-quick/`` instead, so a trial never overwrites the committed
results.

Usage::

    .venv/bin/python -m bench.run            # full run (about 2 hours on 2 fast cores)
    .venv/bin/python -m bench.run --folds 0  # without cross-validation (45 minutes to 2 hours)
    .venv/bin/python -m bench.run --quick    # trial run
    .venv/bin/python -m bench.run --quick --only latency
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bench import latency, machine, quality, realusers, report, training
from devstack import servers

logger = logging.getLogger(__name__)

REPO = Path(__file__).resolve().parents[1]
SECTIONS = ("engine", "latency", "training", "quality")
LEVELS = (1, 8, 32)
FULL_REQUESTS = {1: 100, 8: 240, 32: 320}
QUICK_REQUESTS = {1: 20, 8: 40, 32: 64}
HELDOUT = REPO / "tests" / "nlu" / "heldout.yml"
DEFAULT_MODEL = REPO / "models" / "current.tar.gz"


class Progress:
    """Prints timestamped progress lines (elapsed time since the start)."""

    def __init__(self) -> None:
        self.start = time.monotonic()

    def __call__(self, line: str) -> None:
        elapsed = int(time.monotonic() - self.start)
        print(f"[bench {elapsed // 60:02d}:{elapsed % 60:02d}] {line}", flush=True)


def ensure_model(model: Path, train: bool, progress: Progress) -> bool:
    """Trains the project model with `make train` when it is missing or stale.

    Args:
        model: The model the servers load.
        train: Run `make train` (False: use the model as it is).
        progress: Progress printer.

    Returns:
        Whether the model is up to date with its inputs.
    """
    if train and model == DEFAULT_MODEL:
        progress("checking the trained model (make train; trains when data/config changed) ...")
        subprocess.run(["make", "--no-print-directory", "train"], cwd=REPO, check=True)
    if not model.exists():
        raise SystemExit(f"error: {model} is missing (run make train)")
    if model != DEFAULT_MODEL:
        return True
    return subprocess.run(["make", "-q", "train"], cwd=REPO, check=False).returncode == 0


def describe_noisy_set(noisy: Path, progress: Progress) -> dict[str, Any]:
    """Checks the committed noisy file against its generator and describes its typos."""
    from bench.noise import SEED, generate, load_heldout, render_yaml, typo_coverage

    examples = generate(load_heldout(HELDOUT))
    matches = render_yaml(examples, SEED) == noisy.read_text(encoding="utf-8")
    if not matches:
        progress(f"WARNING: {noisy} differs from what bench/noise.py generates; run python -m bench.noise")
    kinds: dict[str, int] = {}
    for example in examples:
        for kind in example.kinds:
            kinds[kind] = kinds.get(kind, 0) + 1
    return {"file_matches_generator": matches, "noise_kinds": kinds, "typos": typo_coverage(examples)}


def run_engine(quick: bool, workdir: Path, progress: Progress) -> dict[str, Any]:
    """Runs scripts/bench_engine.py and returns its report."""
    progress("engine: scripts/bench_engine.py")
    out = workdir / "engine.json"
    args = ["--profiles", "2000", "--repeat", "1"] if quick else []
    subprocess.run(
        [sys.executable, "scripts/bench_engine.py", *args, "--out", str(out)], cwd=REPO, check=True, capture_output=True
    )
    result = json.loads(out.read_text(encoding="utf-8"))
    progress(f"  {result['profiles_per_second']} profiles/s")
    return result


@dataclass(frozen=True)
class ServingSetup:
    """One way of running the Rasa server for the latency section.

    Attributes:
        name: Key in the results.
        workers: Sanic workers (``SANIC_WORKERS``).
        endpoints: Endpoints file; with more than one worker it must keep
            conversations and locks in Redis.
        description: One line for the report.
    """

    name: str
    workers: int
    endpoints: str
    description: str

    @property
    def needs_redis(self) -> bool:
        return self.endpoints == "endpoints.redis.yml"


SERVING_SETUPS = (
    ServingSetup("one_worker", 1, "endpoints.yml", "1 Sanic worker, in-memory tracker and lock store (`make run`)"),
    ServingSetup(
        "two_workers_redis",
        2,
        "endpoints.redis.yml",
        "2 Sanic workers, tracker and lock store in Redis "
        "(`SANIC_WORKERS=2 ENDPOINTS=endpoints.redis.yml make run`)",
    ),
)


def run_serving(model: Path, setup: ServingSetup, quick: bool, workdir: Path, progress: Progress) -> dict[str, Any]:
    """Starts the servers of ``setup``, measures latency and memory, stops them."""
    logs = workdir / setup.name
    started: list[servers.ManagedServer] = []
    action_port, rasa_port = servers.free_port(), servers.free_port()
    actions = servers.action_server(action_port, logs)
    # Appeals are filed into a scratch database, never into the project's.
    actions.env["DATABASE_URL"] = f"sqlite:///{logs / 'bench_tickets.db'}"
    actions.env["TICKETS_OUTBOX_PATH"] = str(logs / "bench_tickets_outbox.jsonl")
    rasa = servers.rasa_server(
        model, rasa_port, action_port, logs, endpoints=setup.endpoints, extra_args=["--enable-api"]
    )
    rasa.env["SANIC_WORKERS"] = str(setup.workers)
    memory: dict[str, Any] = {}
    try:
        if setup.needs_redis:
            redis_port = servers.free_port()
            redis = servers.redis_server(redis_port, logs)
            progress(f"latency [{setup.name}]: starting Redis")
            redis.start(timeout=30)
            started.append(redis)
            rasa.env.update({"REDIS_HOST": "127.0.0.1", "REDIS_PORT": str(redis_port)})
        progress(f"latency [{setup.name}]: starting the action server")
        startup = {"action_server_seconds": actions.start()}
        started.append(actions)
        progress(f"latency [{setup.name}]: starting the Rasa server ({setup.workers} worker(s); loads the model)")
        started.append(rasa)
        rasa.start()
        servers.wait_for_workers(rasa, setup.workers)
        startup["rasa_server_seconds"] = time.monotonic() - rasa.started_at
        progress(f"  ready in {startup['rasa_server_seconds']:.0f} s")

        def record_warm() -> None:
            memory["after_warmup"] = {"rasa_server": rasa.rss(), "action_server": actions.rss()}

        result = asyncio.run(
            latency.run_latency(
                f"http://127.0.0.1:{rasa_port}",
                LEVELS,
                QUICK_REQUESTS if quick else FULL_REQUESTS,
                warmup=5 if quick else 20,
                progress=lambda line: progress(f"[{setup.name}] {line}"),
                on_warm=record_warm,
            )
        )
        memory["after_load"] = {"rasa_server": rasa.rss(), "action_server": actions.rss()}
    finally:
        for server in reversed(started):
            server.stop()
    result["startup"] = startup
    result["memory"] = memory
    result["model"] = str(model.relative_to(REPO)) if model.is_relative_to(REPO) else str(model)
    result["sanic_workers"] = setup.workers
    result["endpoints"] = setup.endpoints
    result["description"] = setup.description
    return result


def run_latency_section(model: Path, quick: bool, workdir: Path, progress: Progress) -> dict[str, Any]:
    """Measures every serving setup; a setup that needs a missing program is reported, not run."""
    setups: dict[str, Any] = {}
    for setup in SERVING_SETUPS:
        if setup.needs_redis and shutil.which("redis-server") is None:
            reason = "redis-server is not installed (make system-deps)"
            progress(f"latency [{setup.name}]: skipped: {reason}")
            setups[setup.name] = {"not_available": reason, "description": setup.description}
            continue
        setups[setup.name] = run_serving(model, setup, quick, workdir, progress)
    return {"setups": setups}


def main(argv: Sequence[str] | None = None) -> int:
    """Command-line entry point."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="2 folds, few epochs and requests (a trial run)")
    parser.add_argument("--only", default=",".join(SECTIONS), help=f"comma-separated sections of {SECTIONS}")
    parser.add_argument(
        "--folds", type=int, default=None, help="cross-validation folds (default 5, quick 2; 0 skips it)"
    )
    parser.add_argument("--epochs", type=int, default=None, help="epoch override for every trained component")
    parser.add_argument("--model", type=Path, default=DEFAULT_MODEL)
    parser.add_argument("--no-train", action="store_true", help="use the model as it is, even when stale")
    parser.add_argument("--out-dir", type=Path, default=None)
    parser.add_argument("--keep", action="store_true", help="keep the scratch directory (logs, models)")
    args = parser.parse_args(argv)
    sections = [s.strip() for s in args.only.split(",") if s.strip()]
    if args.folds is not None and (args.folds < 0 or args.folds == 1):
        parser.error("--folds must be 0 (no cross-validation) or at least 2")
    unknown = set(sections) - set(SECTIONS)
    if unknown:
        parser.error(f"unknown sections {sorted(unknown)}; choose from {SECTIONS}")
    full_run = (
        not args.quick
        and not args.no_train
        and args.folds is None
        and args.epochs is None
        and set(sections) == set(SECTIONS)
    )
    out_dir = args.out_dir or (REPO / "bench" if full_run else REPO / "results" / "bench-quick")
    folds = args.folds if args.folds is not None else (2 if args.quick else 5)
    epochs = args.epochs if args.epochs is not None else (quality.QUICK_EPOCHS if args.quick else None)

    progress = Progress()
    results: dict[str, Any] = {
        "machine": machine.describe(),
        "run": {
            "quick": args.quick,
            "full_run": full_run,
            "sections": sections,
            "folds": folds,
            "epochs_override": epochs,
        },
    }
    load = results["machine"]["load_average_at_start"]
    progress(f"{'full' if full_run else 'partial/quick'} benchmark; load average {load}")
    workdir = Path(tempfile.mkdtemp(prefix="jiebei-bench-"))
    progress(f"scratch directory (logs, models): {workdir}")
    try:
        if "engine" in sections:
            results["engine"] = run_engine(args.quick, workdir, progress)
        if "latency" in sections:
            up_to_date = ensure_model(args.model.resolve(), not args.no_train, progress)
            results["latency"] = run_latency_section(args.model.resolve(), args.quick, workdir, progress)
            results["latency"]["model_up_to_date"] = up_to_date
        if "training" in sections:
            results["training"] = training.measure_training(workdir / "training", epochs, progress)
        if "quality" in sections:
            noisy = REPO / "bench" / "data" / "heldout_noisy.yml"
            dev_set = realusers.DEV_SET if realusers.DEV_SET.is_file() else None
            if dev_set is None:
                progress(f"quality: real-user section SKIPPED, {realusers.DEV_SET} is absent")
            results["quality"] = quality.run_quality(
                quality.Settings(folds=folds, epochs=epochs),
                HELDOUT,
                noisy,
                workdir / "quality",
                progress,
                dev_set=dev_set,
            )
            results["quality"]["noisy_set"] = describe_noisy_set(noisy, progress)
    except BaseException:
        progress(f"FAILED; logs and partial results kept in {workdir}")
        raise
    if not args.keep:
        shutil.rmtree(workdir, ignore_errors=True)
    results["machine"]["load_average_at_end"] = [round(x, 2) for x in os.getloadavg()]
    results["run"]["wall_seconds"] = round(time.monotonic() - progress.start)

    out_dir.mkdir(parents=True, exist_ok=True)
    (out_dir / "results.json").write_text(json.dumps(results, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    (out_dir / "RESULTS.md").write_text(report.render(results), encoding="utf-8")
    progress(f"wrote {out_dir / 'RESULTS.md'} and {out_dir / 'results.json'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
