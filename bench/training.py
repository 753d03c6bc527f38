"""Training time: a full training with an empty cache, then a retraining after one new FAQ.

Both run on a copy of the project in a scratch directory, so the repository's
``data/`` and ``models/`` are never touched. The retraining uses the Rasa
training cache the first training filled, as a developer's machine would.
"""

from __future__ import annotations

import logging
import os
import shutil
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import yaml

from devstack.servers import VENV_BIN, base_env

logger = logging.getLogger(__name__)

REPO = Path(__file__).resolve().parents[1]
NEW_FAQ = REPO / "examples" / "faq" / "new_faq.yml"
PROJECT_FILES = ("config.yml", "domain.yml", "data", "lexicon")


def copy_project(target: Path, epochs: int | None) -> None:
    """Copies what training reads; ``epochs`` overrides every ``epochs`` in config.yml."""
    target.mkdir(parents=True, exist_ok=True)
    for name in PROJECT_FILES:
        source = REPO / name
        if source.is_dir():
            shutil.copytree(source, target / name)
        else:
            shutil.copy2(source, target / name)
    if epochs is not None:
        config = yaml.safe_load((target / "config.yml").read_text(encoding="utf-8"))
        for component in config["pipeline"] + config.get("policies", []):
            if "epochs" in component:
                component["epochs"] = epochs
        (target / "config.yml").write_text(yaml.safe_dump(config, allow_unicode=True, sort_keys=False), "utf-8")


def timed(
    command: list[str], cwd: Path, env: dict[str, str], log: Path, label: str, progress: Callable[[str], None]
) -> float:
    """Runs ``command`` with its output in ``log``, reporting every 30 s; returns wall seconds."""
    with log.open("ab") as handle:
        handle.write(f"\n=== {' '.join(command)}\n".encode())
        handle.flush()
        start = time.perf_counter()
        process = subprocess.Popen(command, cwd=cwd, env=env, stdout=handle, stderr=subprocess.STDOUT)
        next_report = 30.0
        while process.poll() is None:
            time.sleep(1)
            elapsed = time.perf_counter() - start
            if elapsed >= next_report:
                progress(f"  {label}: {elapsed:.0f} s ...")
                next_report += 30
        seconds = time.perf_counter() - start
    if process.returncode != 0:
        tail = "\n".join(log.read_text(encoding="utf-8", errors="replace").splitlines()[-30:])
        raise RuntimeError(f"{label} failed with code {process.returncode}; {log}:\n{tail}")
    return seconds


def measure_training(workdir: Path, epochs: int | None, progress: Callable[[str], None]) -> dict[str, Any]:
    """Measures the full training and the retraining after importing ``examples/faq/new_faq.yml``.

    Args:
        workdir: Scratch directory.
        epochs: Epoch override (quick runs), or None for config.yml as it is.
        progress: Called with one line per step.

    Returns:
        The ``training`` section of the results.
    """
    project = workdir / "project"
    if project.exists():
        shutil.rmtree(project)
    copy_project(project, epochs)
    cache = workdir / "train-cache"
    if cache.exists():
        shutil.rmtree(cache)
    env = base_env()
    env["RASA_CACHE_DIRECTORY"] = str(cache)
    log = workdir / "training.log"
    train = [str(VENV_BIN / "rasa"), "train", "--out", "models", "--fixed-model-name", "bench"]

    progress("training: full `rasa train` with an empty cache")
    full = timed(train, project, env, log, "full training", progress)
    progress(f"  full training took {full:.0f} s")

    faq_command = [sys.executable, "-m", "faqtool", "import", str(NEW_FAQ), "--data-dir", str(project / "data")]
    subprocess.run(faq_command, cwd=REPO, env=env, check=True, capture_output=True)
    progress(f"training: retraining after importing {NEW_FAQ.relative_to(REPO)} (cache warm)")
    retrain = timed(train, project, env, log, "retraining", progress)
    progress(f"  retraining took {retrain:.0f} s")
    model = project / "models" / "bench.tar.gz"
    return {
        "full_training_seconds": full,
        "retraining_after_new_faq_seconds": retrain,
        "new_faq_file": str(NEW_FAQ.relative_to(REPO)),
        "epochs_override": epochs,
        "model_megabytes": os.path.getsize(model) / 1e6 if model.exists() else None,
    }
