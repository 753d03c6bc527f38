"""Validated, compiled definitions built from the YAML data files."""

from __future__ import annotations

import re
from dataclasses import dataclass

from eligibility.conditions import Condition, Evaluator, Leaf
from eligibility.model import Cause


@dataclass(frozen=True, slots=True)
class FactDef:
    """One fact of the vocabulary.

    Attributes:
        name: Fact name, e.g. ``"has_overdue"``.
        type: ``"bool"`` or ``"int"``.
        askable: Whether the assistant may ask the user for it.
        question: The Chinese question (empty when not askable).
        outcomes: Hypothetical values with their probabilities: ``True`` /
            ``False`` from the prior for bool facts, the samples for int facts.
        valid_range: Inclusive range of plausible values (int facts) or None.
        out_of_range_flag: Bool fact set true when a value falls outside
            ``valid_range`` (and false when inside), or None.
        affirm_patterns: Regexes whose match means the fact is true (bool).
        deny_patterns: Regexes whose match means the fact is false (bool).
        value_patterns: Regexes with one group holding the number (int).
        unstated: Value a fact that is never asked takes while the user has
            not stated it (``unstated: false`` in the file), or None.
        reply_affirm: Regexes that mean yes only as a reply to this fact's
            question ("用得挺多的" to "您平时会经常用支付宝吗？").
        reply_deny: The same for no; read before ``reply_affirm``.
    """

    name: str
    type: str
    askable: bool
    question: str
    outcomes: tuple[tuple[object, float], ...]
    valid_range: tuple[int, int] | None
    out_of_range_flag: str | None
    affirm_patterns: tuple[re.Pattern[str], ...]
    deny_patterns: tuple[re.Pattern[str], ...]
    value_patterns: tuple[re.Pattern[str], ...]
    unstated: bool | None = None
    reply_affirm: tuple[re.Pattern[str], ...] = ()
    reply_deny: tuple[re.Pattern[str], ...] = ()


@dataclass(frozen=True, slots=True)
class Support:
    """A signal that raises a possible cause's confidence when it holds."""

    leaf: Leaf
    boost: float


@dataclass(frozen=True, slots=True)
class Rule:
    """A compiled rule for one cause.

    Attributes:
        cause: The cause and its texts.
        weight: Confidence when the rule is matched.
        residual: Catch-all rule, ruled out whenever another cause matches.
        when: The condition tree.
        leaves: The leaves of ``when``.
        supports: Signals that raise the confidence of a possible cause.
        facts: Every fact the rule reads (conditions and supports).
        evaluate: Compiled evaluator of ``when``.
    """

    cause: Cause
    weight: float
    residual: bool
    when: Condition
    leaves: tuple[Leaf, ...]
    supports: tuple[Support, ...]
    facts: frozenset[str]
    evaluate: Evaluator


@dataclass(frozen=True, slots=True)
class ExtractionSettings:
    """Cues used by ``extract_facts`` around pattern matches.

    Attributes:
        negation: Matches a negation cue right before a pattern match.
        uncertainty: Matches an uncertainty cue before a match in the clause.
        clause_break: Characters that end a clause.
    """

    negation: re.Pattern[str]
    uncertainty: re.Pattern[str]
    clause_break: re.Pattern[str]


@dataclass(frozen=True, slots=True)
class Settings:
    """Engine-wide numbers from ``engine.yml``.

    Attributes:
        decisive_confidence: Minimum confidence of a matched best cause for
            the diagnosis to be decisive.
        possible_cap: Upper bound of a possible cause's probability factor.
        min_impact: Smallest expected confidence change that makes a fact
            worth asking.
        max_overturn: Largest chance that a still-possible cause holds for a
            matched residual (catch-all) cause to be decisive.
    """

    decisive_confidence: float
    possible_cap: float
    min_impact: float
    max_overturn: float
