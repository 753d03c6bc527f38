"""Extract facts from one user message with the text patterns of ``facts.yml``.

For a bool fact, every match of its ``affirm`` and ``deny`` patterns is a
candidate. A match contained in a longer match (of either list) is dropped,
so ``没毕业`` wins over ``毕业``. A match preceded in its clause by an
uncertainty cue (不知道, 有没有, ...) is ignored; a match preceded directly by
a negation cue (没, 不是, 从来没, ...) flips its value. When candidates
disagree, the last one in the message wins (people correct themselves).

For an int fact, the first pattern that matches gives the number (group 1).
A number outside the fact's ``valid_range`` is not returned; if the fact has
an out-of-range flag, the flag is returned as true instead.
"""

from __future__ import annotations

from collections.abc import Mapping

from eligibility.schema import ExtractionSettings, FactDef


def extract_facts(text: str) -> dict[str, object]:
    """Find facts stated in one message, using the default data directory.

    Args:
        text: Normalised simplified-Chinese message text.

    Returns:
        Facts found, by name, e.g. ``{"has_overdue": True, "zhima_score": 750}``.
    """
    from eligibility.loader import load_engine  # Deferred: the loader imports the engine.

    return load_engine().extract_facts(text)


def extract(text: str, facts: Mapping[str, FactDef], cues: ExtractionSettings) -> dict[str, object]:
    """Find facts stated in ``text``.

    Args:
        text: Normalised simplified-Chinese message text.
        facts: Fact definitions with their patterns.
        cues: Negation / uncertainty cues.

    Returns:
        Facts found, by name.
    """
    found: dict[str, object] = {}
    if not text:
        return found
    for fact in facts.values():
        if fact.type == "int":
            _extract_number(text, fact, found)
            continue
        value = _extract_bool(text, fact, cues)
        if value is not None:
            found[fact.name] = value
    return found


def _extract_number(text: str, fact: FactDef, found: dict[str, object]) -> None:
    for regex in fact.value_patterns:
        match = regex.search(text)
        if match is None:
            continue
        number = int(match.group(1))
        if fact.valid_range is None or fact.valid_range[0] <= number <= fact.valid_range[1]:
            found[fact.name] = number
        elif fact.out_of_range_flag is not None:
            found[fact.out_of_range_flag] = True
        return


def _extract_bool(text: str, fact: FactDef, cues: ExtractionSettings) -> bool | None:
    spans: list[tuple[int, int, bool]] = []
    for value, patterns in ((True, fact.affirm_patterns), (False, fact.deny_patterns)):
        for regex in patterns:
            spans.extend((m.start(), m.end(), value) for m in regex.finditer(text) if m.end() > m.start())
    if not spans:
        return None
    kept = [
        span
        for span in spans
        if not any(
            other[0] <= span[0] and span[1] <= other[1] and other[1] - other[0] > span[1] - span[0] for other in spans
        )
    ]
    result: bool | None = None
    last_start = -1
    for start, _end, value in kept:
        clause_start = 0
        for brk in cues.clause_break.finditer(text, 0, start):
            clause_start = brk.end()
        before = text[clause_start:start]
        if cues.uncertainty.search(before):
            continue
        if cues.negation.search(before):
            value = not value
        if start > last_start:
            result, last_start = value, start
    return result
