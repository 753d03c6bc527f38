"""Evaluate a trained model's understanding on a held-out NLU file.

A message's label is the intent Rasa returns or, for the retrieval intent
``faq``, the key of the selected response (``faq/interest_rate`` ->
``interest_rate``), as ``../shared/intents.md`` defines it. A message that
falls back (``nlu_fallback``) counts as a miss: the user did not get an answer.

Usage:
    python scripts/evaluate_nlu.py --model models/current.tar.gz \
        --data tests/nlu/heldout.yml --out results/nlu_heldout.json \
        --min-accuracy 0.90

Exits 1 when the accuracy is below ``--min-accuracy``.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import sys
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

logger = logging.getLogger(__name__)

FALLBACK_INTENT = "nlu_fallback"


@dataclass(frozen=True)
class Prediction:
    """One held-out example and what the model made of it."""

    text: str
    expected: str
    predicted: str
    confidence: float
    classifier_label: str
    # What "猜您想问" would offer for this parse (actions/suggest.py), best first.
    suggested: tuple[str, ...] = ()


@dataclass(frozen=True)
class LabelScore:
    """Precision, recall and F1 of one label."""

    label: str
    precision: float
    recall: float
    f1: float
    support: int


def label_of_example(intent: str) -> str:
    """Returns the contract label of a training-data intent name."""
    return intent.split("/", 1)[1] if "/" in intent else intent


def label_of_parse(parse: Mapping[str, Any], skip_fallback: bool = False) -> str:
    """Returns the contract label of a Rasa parse result.

    Args:
        parse: The dictionary returned by ``Agent.parse_message``.
        skip_fallback: Label with the best real intent even when the
            FallbackClassifier has replaced it with ``nlu_fallback``.

    Returns:
        The intent name, or the FAQ key for the retrieval intent ``faq``.
    """
    intent = (parse.get("intent") or {}).get("name") or ""
    if skip_fallback and intent == FALLBACK_INTENT:
        ranking = [item["name"] for item in parse.get("intent_ranking", []) if item.get("name") != FALLBACK_INTENT]
        intent = ranking[0] if ranking else intent
    if intent == "faq":
        # A ResponseSelector without `retrieval_intent` (the stock pipeline's)
        # reports under "default".
        selectors = parse.get("response_selector", {})
        selected = selectors.get("faq") or selectors.get("default") or {}
        key = selected.get("response", {}).get("intent_response_key") or ""
        return label_of_example(key) if key else "faq"
    return intent


def load_examples(path: Path) -> list[tuple[str, str]]:
    """Reads (text, label) pairs from a Rasa NLU YAML file."""
    from rasa.shared.nlu.training_data.loading import load_data

    data = load_data(str(path))
    pairs = []
    for message in data.intent_examples:
        intent = message.get("intent")
        response_key = message.get("intent_response_key")
        label = label_of_example(response_key or intent)
        pairs.append((message.get("text"), label))
    if not pairs:
        raise SystemExit(f"error: {path} holds no intent examples")
    return pairs


def score_labels(predictions: Sequence[Prediction]) -> list[LabelScore]:
    """Computes per-label precision, recall and F1."""
    true_positive: Counter[str] = Counter()
    predicted_count: Counter[str] = Counter()
    expected_count: Counter[str] = Counter()
    for item in predictions:
        expected_count[item.expected] += 1
        predicted_count[item.predicted] += 1
        if item.expected == item.predicted:
            true_positive[item.expected] += 1
    scores = []
    for label in sorted(expected_count):
        tp = true_positive[label]
        precision = tp / predicted_count[label] if predicted_count[label] else 0.0
        recall = tp / expected_count[label]
        f1 = 2 * precision * recall / (precision + recall) if tp else 0.0
        scores.append(LabelScore(label, precision, recall, f1, expected_count[label]))
    return scores


def summarise(predictions: Sequence[Prediction]) -> dict[str, Any]:
    """Builds the result document: overall figures, per-label scores, errors."""
    total = len(predictions)
    correct = sum(p.expected == p.predicted for p in predictions)
    classifier_correct = sum(p.expected == p.classifier_label for p in predictions)
    labels = score_labels(predictions)
    return {
        "examples": total,
        "accuracy": correct / total,
        "classifier_accuracy": classifier_correct / total,
        "fallback_rate": sum(p.predicted == FALLBACK_INTENT for p in predictions) / total,
        "macro_f1": sum(s.f1 for s in labels) / len(labels),
        "labels": [asdict(s) for s in labels],
        "errors": [asdict(p) for p in predictions if p.expected != p.predicted],
    }


def suggestions_of_parse(parse: Mapping[str, Any]) -> tuple[str, ...]:
    """What "猜您想问" would offer for a parse (``actions/suggest.py``), best first.

    A selector reported under "default" (the stock pipeline's) is read as the
    FAQ selector, as ``label_of_parse`` does.
    """
    from actions.suggest import rank_topics

    selectors = parse.get("response_selector") or {}
    if "faq" not in selectors and "default" in selectors:
        parse = {**parse, "response_selector": {**selectors, "faq": selectors["default"]}}
    return tuple(rank_topics(dict(parse)))


async def predict(model: Path, examples: Iterable[tuple[str, str]]) -> list[Prediction]:
    """Parses every example with the model."""
    from rasa.core.agent import Agent
    from rasa.utils.log_utils import configure_structlog

    configure_structlog(logging.WARNING)  # no per-message debug lines
    agent = Agent.load(str(model))
    predictions = []
    for text, expected in examples:
        parse = await agent.parse_message(text)
        predictions.append(
            Prediction(
                text=text,
                expected=expected,
                predicted=label_of_parse(parse),
                confidence=float((parse.get("intent") or {}).get("confidence") or 0),
                classifier_label=label_of_parse(parse, skip_fallback=True),
                suggested=suggestions_of_parse(parse),
            )
        )
    return predictions


def render_markdown(summary: Mapping[str, Any]) -> str:
    """Renders the summary as a markdown report."""
    lines = [
        f"examples: {summary['examples']}  ",
        f"accuracy (fallback counts as a miss): {summary['accuracy']:.3f}  ",
        f"accuracy of the classifier alone: {summary['classifier_accuracy']:.3f}  ",
        f"fallback rate: {summary['fallback_rate']:.3f}  ",
        f"macro F1: {summary['macro_f1']:.3f}",
        "",
        "| label | precision | recall | F1 | support |",
        "|---|---|---|---|---|",
    ]
    for s in summary["labels"]:
        lines.append(
            f"| {s['label']} | {s['precision']:.2f} | {s['recall']:.2f} " f"| {s['f1']:.2f} | {s['support']} |"
        )
    if summary["errors"]:
        lines += ["", "| text | expected | predicted | confidence |", "|---|---|---|---|"]
        for e in summary["errors"]:
            lines.append(f"| {e['text']} | {e['expected']} | {e['predicted']} " f"| {e['confidence']:.2f} |")
    return "\n".join(lines) + "\n"


def main(argv: Sequence[str] | None = None) -> int:
    """Command-line entry point."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--model", type=Path, required=True)
    parser.add_argument("--data", type=Path, required=True)
    parser.add_argument("--out", type=Path, required=True, help="JSON result file")
    parser.add_argument("--min-accuracy", type=float, default=None)
    args = parser.parse_args(argv)

    for path in (args.model, args.data):
        if not path.exists():
            parser.error(f"{path} does not exist")

    examples = load_examples(args.data)
    print(f"evaluating {len(examples)} held-out examples with {args.model} ...")
    summary = summarise(asyncio.run(predict(args.model, examples)))
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(summary, ensure_ascii=False, indent=2), "utf-8")
    markdown = render_markdown(summary)
    args.out.with_suffix(".md").write_text(markdown, "utf-8")
    print(markdown.split("\n\n")[0])
    print(f"per-label results: {args.out} and {args.out.with_suffix('.md')}")

    if args.min_accuracy is not None and summary["accuracy"] < args.min_accuracy:
        print(
            f"FAILED: accuracy {summary['accuracy']:.3f} is below " f"{args.min_accuracy:.2f}",
            file=sys.stderr,
        )
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
