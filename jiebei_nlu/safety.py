"""The safety net: patterns that make a message a safety case.

A classifier can miss a scam or a user in distress; these cases must reach
a person every time. ``jiebei_nlu/data/safety.yml`` maps each safety intent
to regular expressions over normalised text; the first intent with a
matching pattern wins. Pure Python: the Rasa component lives in
``jiebei_nlu.components``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml

DEFAULT_SAFETY_PATH = Path(__file__).with_name("data") / "safety.yml"


class SafetyFileError(ValueError):
    """The safety pattern file is missing, malformed or holds a bad pattern."""


@dataclass(frozen=True)
class SafetyNet:
    """Compiled patterns by safety intent, in file order."""

    patterns: tuple[tuple[str, tuple[re.Pattern[str], ...]], ...]

    def match(self, text: str) -> str | None:
        """The safety intent whose pattern matches ``text``, or None."""
        for intent, regexes in self.patterns:
            if any(regex.search(text) for regex in regexes):
                return intent
        return None

    @property
    def intents(self) -> tuple[str, ...]:
        return tuple(intent for intent, _ in self.patterns)


def load_safety_net(path: str | Path = DEFAULT_SAFETY_PATH) -> SafetyNet:
    """Loads and compiles the pattern file.

    Raises:
        SafetyFileError: Naming the file, the intent and what is wrong.
    """
    path = Path(path)
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError) as error:
        raise SafetyFileError(f"{path}: cannot read the safety patterns: {error}") from error
    intents = data.get("intents")
    if not isinstance(intents, dict) or not intents:
        raise SafetyFileError(f"{path}: 'intents' must map each safety intent to a list of patterns")
    compiled = []
    for intent, patterns in intents.items():
        if not isinstance(patterns, list) or not patterns or not all(isinstance(p, str) and p for p in patterns):
            raise SafetyFileError(f"{path}: intent {intent}: give a non-empty list of patterns")
        regexes = []
        for pattern in patterns:
            try:
                regexes.append(re.compile(pattern))
            except re.error as error:
                raise SafetyFileError(f"{path}: intent {intent}: bad pattern {pattern!r}: {error}") from error
        compiled.append((str(intent), tuple(regexes)))
    return SafetyNet(tuple(compiled))


@lru_cache(maxsize=1)
def default_safety_net() -> SafetyNet:
    """The packaged patterns, loaded once."""
    return load_safety_net()
