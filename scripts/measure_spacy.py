"""Measures what spaCy's Chinese pipeline could add to score extraction.

No pretrained Chinese spaCy model can be installed here, so the candidate is
a blank ``zh`` pipeline with the jieba segmenter and a rule-based ``Matcher``
for numbers (``LIKE_NUM``) next to a score cue. This script runs it and the
project's own ``find_score_mentions`` over every annotated ``zhima_score`` in
a data file and prints how many of them each finds, with the right value.

Usage: python scripts/measure_spacy.py [--data tests/nlu/heldout.yml] [--out FILE]
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path


def spacy_mentions(nlp, matcher, text: str) -> list[str]:
    """The number tokens the spaCy Matcher finds next to a score cue."""
    doc = nlp(text)
    return [token.text for _, start, end in matcher(doc) for token in doc[start:end] if token.like_num]


def main(argv: Sequence[str] | None = None) -> int:
    """Runs the comparison and prints (and optionally writes) the counts."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, default=Path("tests/nlu/heldout.yml"))
    parser.add_argument("--out", type=Path, default=None, help="write the counts as JSON")
    args = parser.parse_args(argv)

    import spacy
    from rasa.shared.nlu.training_data.loading import load_data
    from spacy.matcher import Matcher

    from jiebei_nlu.normalize import normalize_text
    from jiebei_nlu.numbers import find_score_mentions, parse_number

    nlp = spacy.blank("zh", config={"nlp": {"tokenizer": {"segmenter": "jieba"}}})
    matcher = Matcher(nlp.vocab)
    cue = {"TEXT": {"IN": ["芝麻分", "芝麻", "信用分", "分数", "芝麻信用", "分"]}}
    matcher.add("SCORE_AFTER_CUE", [[cue, {"OP": "?", "IS_PUNCT": False, "LIKE_NUM": False}, {"LIKE_NUM": True}]])
    matcher.add("SCORE_BEFORE_FEN", [[{"LIKE_NUM": True}, {"TEXT": "分"}]])

    counts = {"annotated": 0, "spacy_span_found": 0, "spacy_value_parsed": 0, "project_value_found": 0}
    for message in load_data(str(args.data)).training_examples:
        for entity in message.get("entities") or []:
            if entity.get("entity") != "zhima_score":
                continue
            counts["annotated"] += 1
            expected = int(entity["value"])
            text = normalize_text(message.get("text"))
            found = spacy_mentions(nlp, matcher, text)
            if found:
                counts["spacy_span_found"] += 1
                # spaCy only locates a number; its value still needs a parser.
                numbers = [parse_number(number) for number in found]
                if any(n is not None and n.value == expected for n in numbers):
                    counts["spacy_value_parsed"] += 1
            if any(m.value == expected for m in find_score_mentions(text)):
                counts["project_value_found"] += 1

    print(json.dumps(counts, ensure_ascii=False, indent=2))
    if args.out:
        args.out.write_text(json.dumps(counts, ensure_ascii=False, indent=2) + "\n", "utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
