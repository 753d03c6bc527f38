"""Generate the noisy copy of the held-out NLU file.

Every held-out message gets one or more kinds of noise that real users
produce, drawn with a fixed seed so the output is the same on every machine:

- typos from ``TYPOS`` (借呗 -> 借吧 / 借贝 / 接呗 ...). Some variants are in
  the project's normaliser table, some deliberately are not (借杯, 芝麻风,
  额渡 ...), so the set does not only test that table;
- the whole message in traditional characters (OpenCC ``s2t``);
- the last digits of a stated score masked (750 -> 7**, 7xx, 7××);
- filler words before the message (那个 / 就是 / 请问 / 呃 / 啊 ...) and a
  particle or emoji after it.

Entity markup is dropped: the benchmark scores labels only.

Usage::

    .venv/bin/python -m bench.noise            # writes bench/data/heldout_noisy.yml
"""

from __future__ import annotations

import argparse
import logging
import random
import re
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

logger = logging.getLogger(__name__)

REPO = Path(__file__).resolve().parents[1]
HELDOUT = REPO / "tests" / "nlu" / "heldout.yml"
NOISY = REPO / "bench" / "data" / "heldout_noisy.yml"
SEED = 20240611

# canonical spelling -> typos users make for it.
TYPOS: dict[str, tuple[str, ...]] = {
    "借呗": ("借吧", "借贝", "接呗", "借杯"),
    "芝麻分": ("芝麻份", "芝麻风"),
    "花呗": ("花贝", "花杯"),
    "额度": ("额渡",),
    "开通": ("开同",),
    "逾期": ("愈期",),
    "征信": ("征心",),
    "利息": ("利心",),
}
PREFIXES = ("那个", "就是", "请问", "呃", "啊", "那个就是", "呃 请问", "你好 请问")
SUFFIXES = ("啊", "呢", "哈", "😅", "🙏", "😭", "🤔", "～", "！！", "？？")
MASKS = ("**", "xx", "××", "＊＊")

_DIGITS = re.compile(r"(?<![0-9])([1-9])([0-9]{2})(?![0-9])")
# Only numbers that are scores are masked ("886" for goodbye is not).
_SCORE_CONTEXT = re.compile(r"芝麻|分")


@dataclass(frozen=True)
class NoisyExample:
    """One held-out message and its noisy copy.

    Attributes:
        intent: Intent name as written in the held-out file (``faq/<key>``).
        original: Original text (entity markup removed).
        noisy: The text with noise.
        kinds: The kinds of noise applied.
    """

    intent: str
    original: str
    noisy: str
    kinds: tuple[str, ...]


def _typos(text: str, rng: random.Random) -> str:
    for canonical in sorted(TYPOS, key=len, reverse=True):
        if canonical in text and rng.random() < 0.7:
            text = text.replace(canonical, rng.choice(TYPOS[canonical]))
    return text


def _mask(text: str, rng: random.Random) -> str:
    return _DIGITS.sub(lambda m: m.group(1) + rng.choice(MASKS), text)


def _traditional(text: str) -> str:
    from opencc import OpenCC

    return OpenCC("s2t").convert(text)


def add_noise(text: str, rng: random.Random) -> tuple[str, tuple[str, ...]]:
    """Returns ``text`` with noise and the kinds applied (at least one).

    Args:
        text: A plain message (no entity markup).
        rng: The random generator (its state advances).
    """
    kinds = []
    out = _typos(text, rng)
    if out != text:
        kinds.append("typo")
    if _SCORE_CONTEXT.search(text) and _DIGITS.search(out) and rng.random() < 0.8:
        out = _mask(out, rng)
        kinds.append("masked_digits")
    if rng.random() < 0.3:
        converted = _traditional(out)
        if converted != out:
            out = converted
            kinds.append("traditional")
    if rng.random() < 0.5 or not kinds:
        out = rng.choice(PREFIXES) + ("，" if rng.random() < 0.5 else " ") + out
        kinds.append("filler")
    if rng.random() < 0.5:
        out = out + rng.choice(SUFFIXES)
        kinds.append("suffix")
    return out, tuple(kinds)


def load_heldout(path: Path) -> list[tuple[str, str]]:
    """Reads (intent, plain text) pairs in file order; FAQ intents as ``faq/<key>``."""
    from rasa.shared.nlu.training_data.loading import load_data

    pairs = []
    for message in load_data(str(path)).intent_examples:
        intent = message.get("intent_response_key") or message.get("intent")
        pairs.append((intent, message.get("text")))
    return pairs


def generate(pairs: Sequence[tuple[str, str]], seed: int = SEED) -> list[NoisyExample]:
    """Adds noise to every message; each message has its own seeded generator."""
    examples = []
    for index, (intent, text) in enumerate(pairs):
        rng = random.Random(f"{seed}:{index}")
        noisy, kinds = add_noise(text, rng)
        examples.append(NoisyExample(intent, text, noisy, kinds))
    return examples


def render_yaml(examples: Sequence[NoisyExample], seed: int) -> str:
    """Renders the examples as Rasa NLU YAML, grouped by intent in file order."""
    groups: dict[str, list[str]] = {}
    for example in examples:
        if "[" in example.noisy or "\n" in example.noisy:
            raise ValueError(f"noisy text would break the YAML: {example.noisy!r}")
        groups.setdefault(example.intent, []).append(example.noisy)
    lines = [
        "# Noisy copy of tests/nlu/heldout.yml for the benchmark. GENERATED: do not edit.",
        f"# Regenerate with `.venv/bin/python -m bench.noise` (seed {seed}).",
        "# Never train on this file: it is held-out data.",
        'version: "3.1"',
        "",
        "nlu:",
    ]
    for intent, texts in groups.items():
        lines.append(f"- intent: {intent}")
        lines.append("  examples: |")
        lines.extend(f"    - {text}" for text in texts)
        lines.append("")
    return "\n".join(lines)


def typo_coverage(examples: Sequence[NoisyExample]) -> dict[str, object]:
    """How much of the typo noise the project's normaliser table already knows.

    Returns:
        The typo variants in the normaliser's table, those not in it, and the
        share of messages with a typo whose typos are all in the table.
    """
    from jiebei_nlu.normalize import default_variants

    table = default_variants().replacements
    variants = sorted({v for options in TYPOS.values() for v in options})
    with_typo = [e for e in examples if "typo" in e.kinds]
    known = [e for e in with_typo if all(v in table for v in variants if v in e.noisy or _trad(v) in e.noisy)]
    return {
        "variants_in_normaliser": [v for v in variants if v in table],
        "variants_not_in_normaliser": [v for v in variants if v not in table],
        "messages_with_typos": len(with_typo),
        "messages_with_only_known_typos": len(known),
    }


def _trad(text: str) -> str:
    return _traditional(text)


def main(argv: Sequence[str] | None = None) -> int:
    """Writes the noisy held-out file and prints a summary."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--heldout", type=Path, default=HELDOUT)
    parser.add_argument("--out", type=Path, default=NOISY)
    parser.add_argument("--seed", type=int, default=SEED)
    args = parser.parse_args(argv)
    examples = generate(load_heldout(args.heldout), args.seed)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(render_yaml(examples, args.seed), encoding="utf-8")
    counts: dict[str, int] = {}
    for example in examples:
        for kind in example.kinds:
            counts[kind] = counts.get(kind, 0) + 1
    print(f"wrote {len(examples)} noisy messages to {args.out}; noise kinds: {counts}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
