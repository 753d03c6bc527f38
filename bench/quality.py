"""Understanding quality: the project's pipeline against the stock Rasa Chinese pipeline.

Both pipelines are trained NLU-only on the same ``data/`` and scored on the
held-out file, its noisy copy (``bench/data/heldout_noisy.yml``) and by
stratified k-fold cross-validation over the ``data/`` examples. Labels and
scores come from ``scripts/evaluate_nlu.py`` (intent, or the FAQ key for
``faq``; a fallback counts as a miss).

Every training runs in its own process (``python -m bench.quality worker``):
jieba's dictionary is global to a process, so the project's user dictionary
must never leak into the stock pipeline.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import random
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from bench import realusers
from devstack.servers import base_env
from scripts.evaluate_nlu import (
    Prediction,
    label_of_example,
    load_examples,
    predict,
    score_labels,
    summarise,
)

logger = logging.getLogger(__name__)

REPO = Path(__file__).resolve().parents[1]
PYTHON = sys.executable

# The default `rasa init` pipeline with JiebaTokenizer in place of the
# whitespace tokenizer: no dictionary, no normaliser, no custom components.
STOCK_PIPELINE: list[dict[str, Any]] = [
    {"name": "JiebaTokenizer"},
    {"name": "RegexFeaturizer"},
    {"name": "LexicalSyntacticFeaturizer"},
    {"name": "CountVectorsFeaturizer"},
    {"name": "CountVectorsFeaturizer", "analyzer": "char_wb", "min_ngram": 1, "max_ngram": 4},
    {"name": "DIETClassifier", "epochs": 100, "constrain_similarities": True},
    {"name": "EntitySynonymMapper"},
    {"name": "ResponseSelector", "epochs": 100, "constrain_similarities": True},
    {"name": "FallbackClassifier", "threshold": 0.3, "ambiguity_threshold": 0.1},
]
PIPELINES = ("project", "stock")
QUICK_EPOCHS = 15


@dataclass(frozen=True)
class Settings:
    """How much work the quality benchmark does.

    Attributes:
        folds: Number of cross-validation folds (0: no cross-validation).
        epochs: Epochs for every DIET/ResponseSelector, or None for each config's own.
        seed: Seed of the fold assignment.
    """

    folds: int
    epochs: int | None
    seed: int = 7


def write_config(pipeline: str, directory: Path, epochs: int | None) -> Path:
    """Writes the NLU config of ``pipeline`` ('project' or 'stock') to ``directory``."""
    if pipeline == "project":
        config = yaml.safe_load((REPO / "config.yml").read_text(encoding="utf-8"))
        config.pop("policies", None)
    else:
        config = {"recipe": "default.v1", "language": "zh", "pipeline": [dict(c) for c in STOCK_PIPELINE]}
    if epochs is not None:
        for component in config["pipeline"]:
            if "epochs" in component:
                component["epochs"] = epochs
    path = directory / f"config_{pipeline}.yml"
    path.write_text(yaml.safe_dump(config, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def stratified_folds(labels: Sequence[str], folds: int, seed: int) -> list[int]:
    """Assigns each example a fold so that every label is spread evenly.

    Examples of one label are shuffled with ``seed`` and dealt out in turn;
    the dealing continues across labels so fold sizes stay balanced.

    Args:
        labels: Label of each example, in a fixed order.
        folds: Number of folds.
        seed: Random seed.

    Returns:
        The fold index of each example.
    """
    rng = random.Random(seed)
    by_label: dict[str, list[int]] = {}
    for index, label in enumerate(labels):
        by_label.setdefault(label, []).append(index)
    assignment = [0] * len(labels)
    turn = 0
    for label in sorted(by_label):
        indices = by_label[label]
        rng.shuffle(indices)
        for index in indices:
            assignment[index] = turn % folds
            turn += 1
    return assignment


def write_folds(directory: Path, settings: Settings) -> list[tuple[Path, Path]]:
    """Splits the ``data/`` NLU examples into train/test files per fold.

    Responses, synonyms, regexes and lookup tables go with every training
    file; entity annotations are kept.

    Returns:
        (training file, test file) per fold.
    """
    from rasa.shared.data import get_data_files, is_nlu_file
    from rasa.shared.nlu.training_data.formats.rasa_yaml import RasaYAMLWriter
    from rasa.shared.nlu.training_data.loading import load_data
    from rasa.shared.nlu.training_data.training_data import TrainingData

    files = sorted(get_data_files([str(REPO / "data")], is_nlu_file))
    data = TrainingData().merge(*[load_data(f) for f in files])
    examples = sorted(
        data.intent_examples,
        key=lambda m: (m.get("intent_response_key") or m.get("intent"), m.get("text")),
    )
    labels = [label_of_example(m.get("intent_response_key") or m.get("intent")) for m in examples]
    assignment = stratified_folds(labels, settings.folds, settings.seed)
    writer = RasaYAMLWriter()
    paths = []
    for fold in range(settings.folds):
        parts = {}
        for name, in_test in (("train", False), ("test", True)):
            subset = [m for m, f in zip(examples, assignment, strict=True) if (f == fold) == in_test]
            part = TrainingData(
                training_examples=subset,
                entity_synonyms=data.entity_synonyms,
                regex_features=data.regex_features,
                lookup_tables=data.lookup_tables,
                responses=data.responses if name == "train" else None,
            )
            path = directory / f"fold{fold}_{name}.yml"
            path.write_text(writer.dumps(part), encoding="utf-8")
            parts[name] = path
        paths.append((parts["train"], parts["test"]))
    return paths


def run_worker(config: Path, train: Path, tests: dict[str, Path], out: Path, log: Path, cache: Path) -> dict[str, Any]:
    """Trains and evaluates one model in a child process and returns its result document."""
    command = [PYTHON, "-m", "bench.quality", "worker", "--config", str(config), "--train", str(train)]
    command += ["--out", str(out)]
    for name, path in tests.items():
        command += ["--test", f"{name}={path}"]
    env = _child_env(cache)
    with log.open("ab") as handle:
        completed = subprocess.run(command, cwd=REPO, env=env, stdout=handle, stderr=subprocess.STDOUT, check=False)
    if completed.returncode != 0:
        tail = "\n".join(log.read_text(encoding="utf-8", errors="replace").splitlines()[-30:])
        raise RuntimeError(f"training/evaluation failed ({' '.join(command)}); {log}:\n{tail}")
    return json.loads(out.read_text(encoding="utf-8"))


def _child_env(cache: Path) -> dict[str, str]:
    """The servers' environment (devstack) with a Rasa cache of this run's own."""
    return {**base_env(), "RASA_CACHE_DIRECTORY": str(cache)}


def _figures(predictions: Sequence[Prediction]) -> dict[str, Any]:
    summary = summarise(predictions)
    return {
        "examples": summary["examples"],
        "accuracy": summary["accuracy"],
        "macro_f1": summary["macro_f1"],
        "fallback_rate": summary["fallback_rate"],
        "per_label_f1": {s.label: s.f1 for s in score_labels(predictions)},
        "errors": summary["errors"],
    }


def _as_predictions(items: Sequence[dict[str, Any]]) -> list[Prediction]:
    return [Prediction(**item) for item in items]


def compare(project: dict[str, Any], stock: dict[str, Any]) -> dict[str, Any]:
    """Puts two figure sets side by side with the ratio project/stock."""

    def ratio(a: float, b: float) -> float | None:
        return a / b if b else None

    labels = sorted(set(project["per_label_f1"]) | set(stock["per_label_f1"]))
    return {
        "examples": project["examples"],
        **{
            metric: {
                "project": project[metric],
                "stock": stock[metric],
                "ratio": ratio(project[metric], stock[metric]),
            }
            for metric in ("accuracy", "macro_f1")
        },
        "fallback_rate": {"project": project["fallback_rate"], "stock": stock["fallback_rate"]},
        "per_label_f1": {
            label: {
                "project": project["per_label_f1"].get(label, 0.0),
                "stock": stock["per_label_f1"].get(label, 0.0),
            }
            for label in labels
        },
        "errors": {"project": project["errors"], "stock": stock["errors"]},
    }


def run_quality(
    settings: Settings,
    heldout: Path,
    noisy: Path,
    workdir: Path,
    progress: Callable[[str], None],
    dev_set: Path | None = None,
) -> dict[str, Any]:
    """Runs every training and evaluation of the quality benchmark.

    Args:
        settings: Folds and epochs.
        heldout: The held-out NLU file.
        noisy: Its noisy copy.
        dev_set: The real-user dev set, or None when it is absent.
        workdir: Scratch directory (configs, folds, models, logs).
        progress: Called with one line per step.

    Returns:
        The ``quality`` section of the results.
    """
    workdir.mkdir(parents=True, exist_ok=True)
    cache = workdir / "rasa-cache"
    log = workdir / "quality.log"
    folds = write_folds(workdir, settings) if settings.folds else []
    configs = {p: write_config(p, workdir, settings.epochs) for p in PIPELINES}
    steps = len(PIPELINES) * (1 + settings.folds)
    step = 0
    full: dict[str, dict[str, Any]] = {}
    cv: dict[str, list[dict[str, Any]]] = {p: [] for p in PIPELINES}
    timings: dict[str, list[float]] = {p: [] for p in PIPELINES}
    for pipeline in PIPELINES:
        step += 1
        progress(f"quality {step}/{steps}: {pipeline} pipeline, all of data/, held-out + noisy")
        result = run_worker(
            configs[pipeline],
            REPO / "data",
            {"heldout": heldout, "noisy": noisy, **({"realusers": dev_set} if dev_set else {})},
            workdir / f"{pipeline}_full.json",
            log,
            cache,
        )
        full[pipeline] = result
        timings[pipeline].append(result["train_seconds"])
        progress(
            f"  trained in {result['train_seconds']:.0f} s; held-out accuracy "
            f"{summarise(_as_predictions(result['predictions']['heldout']))['accuracy']:.3f}"
        )
        for fold, (train, test) in enumerate(folds):
            step += 1
            progress(f"quality {step}/{steps}: {pipeline} pipeline, fold {fold + 1}/{settings.folds}")
            result = run_worker(
                configs[pipeline], train, {"fold": test}, workdir / f"{pipeline}_fold{fold}.json", log, cache
            )
            cv[pipeline].extend(result["predictions"]["fold"])
            timings[pipeline].append(result["train_seconds"])
            progress(f"  trained in {result['train_seconds']:.0f} s")

    def figures(pipeline: str, name: str) -> dict[str, Any]:
        return _figures(_as_predictions(full[pipeline]["predictions"][name]))

    cv_figures = {p: _figures(_as_predictions(cv[p])) for p in PIPELINES} if folds else {}
    if dev_set:
        real = {p: realusers.figures(_as_predictions(full[p]["predictions"]["realusers"])) for p in PIPELINES}
        real_users: dict[str, Any] = {"dev_set": str(dev_set), **realusers.compare(real["project"], real["stock"])}
    else:
        real_users = {"skipped": f"the real-user dev set is absent ({realusers.DEV_SET})"}
    return {
        "settings": {"folds": settings.folds, "epochs_override": settings.epochs, "fold_seed": settings.seed},
        "stock_pipeline": STOCK_PIPELINE,
        "heldout": compare(figures("project", "heldout"), figures("stock", "heldout")),
        "noisy": compare(figures("project", "noisy"), figures("stock", "noisy")),
        "realusers": real_users,
        **({"cross_validation": compare(cv_figures["project"], cv_figures["stock"])} if folds else {}),
        "nlu_train_seconds": {p: timings[p] for p in PIPELINES},
    }


async def _worker(config: Path, train: Path, tests: dict[str, Path], out: Path) -> None:
    from rasa.model_training import train_nlu

    with tempfile.TemporaryDirectory(prefix="bench-model-") as models:
        start = time.perf_counter()
        model = await asyncio.to_thread(
            train_nlu, str(config), str(train), models, "bench", False, None, str(REPO / "domain.yml")
        )
        seconds = time.perf_counter() - start
        if not model:
            raise SystemExit(f"error: training with {config} produced no model")
        predictions = {}
        for name, path in tests.items():
            examples = realusers.load_dev_set(path) if path.suffix == ".tsv" else load_examples(path)
            predictions[name] = [vars(p) for p in await predict(Path(model), examples)]
    out.write_text(
        json.dumps({"train_seconds": seconds, "predictions": predictions}, ensure_ascii=False), encoding="utf-8"
    )


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the worker: ``python -m bench.quality worker --config ... --train ... --test name=path``."""
    parser = argparse.ArgumentParser(description="train one NLU model and evaluate it (benchmark worker)")
    parser.add_argument("mode", choices=["worker"])
    parser.add_argument("--config", type=Path, required=True)
    parser.add_argument("--train", type=Path, required=True)
    parser.add_argument("--test", action="append", default=[], help="name=path, repeatable")
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args(argv)
    tests = {}
    for item in args.test:
        name, _, path = item.partition("=")
        tests[name] = Path(path)
    logging.basicConfig(level=logging.WARNING)
    asyncio.run(_worker(args.config, args.train, tests, args.out))
    return 0


if __name__ == "__main__":
    sys.exit(main())
