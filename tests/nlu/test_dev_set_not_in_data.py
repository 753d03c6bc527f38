"""The real-user dev set is for measuring only: nothing in data/ copies or nearly copies it.

Examples are compared by their sets of character pairs (after removing
punctuation, spaces and entity markup, traditional -> simplified): two
messages sharing 70 % or more of their pairs are one message reworded by a
character or two. Messages of five characters or fewer (借呗怎么还) are
shared by any two sets written apart and are not compared.
"""

from __future__ import annotations

from bench.realusers import DEV_SET, load_dev_set
from tests.nlu.test_heldout import DATA_DIR, MIN_LEAK_FINGERPRINT_CHARS, REPO_ROOT, _examples_by_label, _fingerprint
from tests.support.prerequisites import require

NEAR_COPY = 0.7


def _pairs(fingerprint: str) -> frozenset[str]:
    return frozenset(fingerprint[i : i + 2] for i in range(len(fingerprint) - 1))


def _overlap(a: frozenset[str], b: frozenset[str]) -> float:
    return len(a & b) / len(a | b) if a | b else 0.0


def test_overlap_of_character_pairs() -> None:
    assert _overlap(_pairs("借呗怎么还款"), _pairs("借呗怎么还款")) == 1.0
    # One character changed in six: two of the five pairs differ.
    assert _overlap(_pairs("借呗怎么还款"), _pairs("借呗咋么还款")) == 3 / 7
    assert _overlap(_pairs("借呗"), _pairs("花呗")) == 0.0


def test_no_training_example_copies_a_dev_set_question() -> None:
    require(DEV_SET.is_file(), f"the real-user dev set is not at {DEV_SET}")
    dev = [
        (text, _pairs(fingerprint))
        for text, _ in load_dev_set(DEV_SET)
        if len(fingerprint := _fingerprint(text)) >= MIN_LEAK_FINGERPRINT_CHARS
    ]
    near = []
    for path in sorted(DATA_DIR.rglob("*.yml")):
        for examples in _examples_by_label(path).values():
            for example in examples:
                fingerprint = _fingerprint(example)
                if len(fingerprint) < MIN_LEAK_FINGERPRINT_CHARS:
                    continue
                pairs = _pairs(fingerprint)
                near.extend(
                    f"{path.relative_to(REPO_ROOT)}: {example}" for _, d in dev if _overlap(pairs, d) >= NEAR_COPY
                )
    assert near == []
