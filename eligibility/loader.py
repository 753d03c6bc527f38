"""Load and validate the YAML data directory into an :class:`Engine`.

Layout of a data directory::

    vocabulary.yml   the cause ids and Chinese labels of the contract
    facts.yml        fact definitions: type, question, priors, text patterns
    engine.yml       thresholds
    rules/*.yml      one or more rules per file (one cause per rule)

Every problem raises :class:`RuleFileError` naming the file and the rule,
cause or fact id.
"""

from __future__ import annotations

import logging
import re
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from eligibility.conditions import BOOL_OPS, RANGE_OPS, Condition, Leaf, Node, Op, leaves_of, make_test
from eligibility.engine import Engine
from eligibility.errors import RuleFileError
from eligibility.model import Cause, Checklist, Question, QuestionKind
from eligibility.schema import ExtractionSettings, FactDef, Rule, Settings, Support

logger = logging.getLogger(__name__)

DEFAULT_DATA_DIR = Path(__file__).resolve().parent / "data"

_FACT_TYPES = ("bool", "int")
_APPEAL_VALUES = ("never", "if_disputed", "always")
_P_MIN = 0.01
_P_MAX = 0.99


def load_engine(path: str | Path | None = None) -> Engine:
    """Load, validate and compile a data directory (cached per directory).

    Args:
        path: Data directory; the package's ``eligibility/data`` by default.

    Returns:
        The engine. Repeated calls with the same directory return the same
        object.

    Raises:
        RuleFileError: If a file is missing or invalid.
    """
    directory = Path(path).resolve() if path is not None else DEFAULT_DATA_DIR
    return _load_cached(directory)


@lru_cache(maxsize=8)
def _load_cached(directory: Path) -> Engine:
    causes = _load_vocabulary(directory / "vocabulary.yml")
    facts, buttons, extraction = _load_facts(directory / "facts.yml")
    settings = _load_settings(directory / "engine.yml")
    rules = _load_rules(directory / "rules", causes, facts)
    checklist = _load_checklist(directory / "checklist.yml", facts) if (directory / "checklist.yml").is_file() else None
    vocabulary_path = directory / "vocabulary.yml"
    defined = {rule.cause.id for rule in rules}
    for cause_id in causes:
        if cause_id not in defined:
            raise RuleFileError(vocabulary_path, cause_id, "no rule file defines this cause", kind="cause")
    order = list(causes)
    rules.sort(key=lambda rule: order.index(rule.cause.id))
    logger.info("Loaded %d eligibility rules from %s", len(rules), directory)
    return Engine(tuple(rules), facts, settings, buttons, extraction, checklist)


def _read_yaml(path: Path) -> Any:
    if not path.is_file():
        raise RuleFileError(path, None, "file not found")
    try:
        with path.open(encoding="utf-8") as handle:
            return yaml.safe_load(handle)
    except yaml.YAMLError as error:
        raise RuleFileError(path, None, f"invalid YAML: {error}") from error


def _mapping(path: Path, data: Any, key: str) -> Any:
    if not isinstance(data, dict) or key not in data:
        raise RuleFileError(path, None, f"expected a mapping with the key '{key}'")
    return data[key]


def _text(path: Path, item: str, entry: dict[str, Any], key: str, kind: str = "rule") -> str:
    value = entry.get(key)
    if not isinstance(value, str) or not value.strip():
        raise RuleFileError(path, item, f"missing text '{key}'", kind=kind)
    return value.strip()


def _load_vocabulary(path: Path) -> dict[str, str]:
    entries = _mapping(path, _read_yaml(path), "causes")
    if not isinstance(entries, list) or not entries:
        raise RuleFileError(path, None, "'causes' must be a non-empty list")
    causes: dict[str, str] = {}
    for index, entry in enumerate(entries):
        if not isinstance(entry, dict) or not isinstance(entry.get("id"), str) or not entry["id"]:
            raise RuleFileError(path, None, f"cause #{index + 1} has no id")
        cause_id = entry["id"]
        if cause_id in causes:
            raise RuleFileError(path, cause_id, "duplicate id", kind="cause")
        label = entry.get("label")
        if not isinstance(label, str) or not label.strip():
            raise RuleFileError(path, cause_id, "missing label", kind="cause")
        if label in causes.values():
            raise RuleFileError(path, cause_id, f"duplicate label '{label}'", kind="cause")
        causes[cause_id] = label
    return causes


def _compile_regexes(path: Path, name: str, patterns: Any, what: str) -> tuple[re.Pattern[str], ...]:
    if patterns is None:
        return ()
    if not isinstance(patterns, list) or not all(isinstance(p, str) and p for p in patterns):
        raise RuleFileError(path, name, f"'{what}' must be a list of regular expressions", kind="fact")
    compiled = []
    for pattern in patterns:
        try:
            compiled.append(re.compile(pattern))
        except re.error as error:
            raise RuleFileError(path, name, f"invalid pattern {pattern!r} in '{what}': {error}", kind="fact") from error
    return tuple(compiled)


def _load_facts(
    path: Path,
) -> tuple[dict[str, FactDef], tuple[tuple[str, str], ...], ExtractionSettings]:
    data = _read_yaml(path)
    entries = _mapping(path, data, "facts")
    if not isinstance(entries, dict) or not entries:
        raise RuleFileError(path, None, "'facts' must be a non-empty mapping")
    buttons = _load_buttons(path, data.get("yes_no_buttons"))
    extraction = _load_extraction(path, data.get("extraction"))
    facts: dict[str, FactDef] = {}
    for name, entry in entries.items():
        if not isinstance(entry, dict):
            raise RuleFileError(path, str(name), "definition must be a mapping", kind="fact")
        facts[name] = _load_fact(path, str(name), entry)
    for fact in facts.values():
        if fact.out_of_range_flag is not None:
            flag = facts.get(fact.out_of_range_flag)
            if flag is None or flag.type != "bool":
                raise RuleFileError(
                    path, fact.name, f"out_of_range_flag '{fact.out_of_range_flag}' is not a bool fact", kind="fact"
                )
    return facts, buttons, extraction


def _load_fact(path: Path, name: str, entry: dict[str, Any]) -> FactDef:
    fact_type = entry.get("type")
    if fact_type not in _FACT_TYPES:
        raise RuleFileError(path, name, f"type must be one of {', '.join(_FACT_TYPES)}", kind="fact")
    askable = entry.get("askable", True)
    if not isinstance(askable, bool):
        raise RuleFileError(path, name, "'askable' must be true or false", kind="fact")
    question = _text(path, name, entry, "question", kind="fact") if askable else ""
    valid_range = None
    if "valid_range" in entry:
        valid_range = _int_pair(path, name, entry["valid_range"], "valid_range", kind="fact")
    patterns = entry.get("patterns") or {}
    outcomes: tuple[tuple[object, float], ...]
    if fact_type == "bool":
        prior = entry.get("prior")
        if isinstance(prior, bool) or not isinstance(prior, (int, float)) or not 0 < prior < 1:
            raise RuleFileError(path, name, "bool fact needs a 'prior' between 0 and 1", kind="fact")
        outcomes = ((True, float(prior)), (False, 1.0 - float(prior)))
        if not isinstance(patterns, dict) or set(patterns) - {"affirm", "deny"}:
            raise RuleFileError(path, name, "'patterns' of a bool fact takes 'affirm' and 'deny' lists", kind="fact")
        affirm = _compile_regexes(path, name, patterns.get("affirm"), "affirm")
        deny = _compile_regexes(path, name, patterns.get("deny"), "deny")
        values: tuple[re.Pattern[str], ...] = ()
    else:
        outcomes = _load_samples(path, name, entry.get("samples"), valid_range)
        values = _compile_regexes(path, name, patterns or None, "patterns")
        for regex in values:
            if regex.groups < 1:
                raise RuleFileError(path, name, f"pattern {regex.pattern!r} needs a group for the number", kind="fact")
        affirm = deny = ()
    flag = entry.get("out_of_range_flag")
    if flag is not None and (fact_type != "int" or valid_range is None or not isinstance(flag, str)):
        raise RuleFileError(path, name, "'out_of_range_flag' needs an int fact with a valid_range", kind="fact")
    unstated = entry.get("unstated")
    if unstated is not None and (fact_type != "bool" or askable or not isinstance(unstated, bool)):
        raise RuleFileError(path, name, "'unstated' needs a bool fact with askable: false", kind="fact")
    replies = entry.get("replies") or {}
    if replies and (
        fact_type != "bool" or not askable or not isinstance(replies, dict) or set(replies) - {"affirm", "deny"}
    ):
        raise RuleFileError(
            path, name, "'replies' takes 'affirm' and 'deny' lists, for an askable bool fact", kind="fact"
        )
    reply_affirm = _compile_regexes(path, name, replies.get("affirm"), "replies.affirm")
    reply_deny = _compile_regexes(path, name, replies.get("deny"), "replies.deny")
    return FactDef(
        name, fact_type, askable, question, outcomes, valid_range, flag, affirm, deny, values, unstated,
        reply_affirm, reply_deny,
    )  # fmt: skip


def _load_samples(
    path: Path, name: str, samples: Any, valid_range: tuple[int, int] | None
) -> tuple[tuple[object, float], ...]:
    if not isinstance(samples, dict) or not samples:
        raise RuleFileError(path, name, "int fact needs 'samples': a mapping of value to weight", kind="fact")
    total = 0.0
    for value, weight in samples.items():
        if isinstance(value, bool) or not isinstance(value, int):
            raise RuleFileError(path, name, f"sample {value!r} is not an integer", kind="fact")
        if valid_range is not None and not valid_range[0] <= value <= valid_range[1]:
            raise RuleFileError(path, name, f"sample {value} is outside valid_range", kind="fact")
        if isinstance(weight, bool) or not isinstance(weight, (int, float)) or weight <= 0:
            raise RuleFileError(path, name, f"sample {value} needs a positive weight", kind="fact")
        total += weight
    return tuple((value, weight / total) for value, weight in samples.items())


CHECKLIST_FACT = "checklist"


def _load_checklist(path: Path, facts: dict[str, FactDef]) -> Checklist:
    """The checklist question; its facts must be askable facts of the right type."""
    data = _read_yaml(path)
    if not isinstance(data, dict):
        raise RuleFileError(path, None, "expected a mapping")
    text = _text(path, CHECKLIST_FACT, data, "question", kind="checklist")
    after = data.get("after")
    if not isinstance(after, int) or isinstance(after, bool) or after < 0:
        raise RuleFileError(path, None, "'after' must be a number of questions (0 or more)")
    none = data.get("none")
    if not isinstance(none, dict) or not none:
        raise RuleFileError(path, None, "'none' must map facts to their value when none applies")
    for name, value in none.items():
        fact = facts.get(name)
        if fact is None or not fact.askable or fact.type != "bool" or not isinstance(value, bool):
            raise RuleFileError(path, str(name), "must be an askable bool fact with a true/false value", kind="fact")
    number = data.get("number")
    if number is not None and (number not in facts or facts[number].type != "int"):
        raise RuleFileError(path, str(number), "'number' must name an int fact", kind="fact")
    buttons = _load_buttons(path, data.get("buttons"), "buttons")
    question = Question(fact=CHECKLIST_FACT, text=text, kind=QuestionKind.YES_NO, buttons=buttons)
    return Checklist(question=question, after=after, none=dict(none), number_fact=number)


def _load_buttons(path: Path, buttons: Any, key: str = "yes_no_buttons") -> tuple[tuple[str, str], ...]:
    if not isinstance(buttons, list) or not buttons:
        raise RuleFileError(path, None, f"'{key}' must be a list of {{title, payload}}")
    pairs = []
    for button in buttons:
        if (
            not isinstance(button, dict)
            or not isinstance(button.get("title"), str)
            or not isinstance(button.get("payload"), str)
        ):
            raise RuleFileError(path, None, f"each {key} entry needs a 'title' and a 'payload'")
        pairs.append((button["title"], button["payload"]))
    return tuple(pairs)


def _load_extraction(path: Path, section: Any) -> ExtractionSettings:
    if not isinstance(section, dict):
        raise RuleFileError(path, None, "missing 'extraction' section")
    cues = {}
    for key in ("negation_cues", "uncertainty_cues"):
        words = section.get(key)
        if not isinstance(words, list) or not all(isinstance(w, str) and w for w in words):
            raise RuleFileError(path, None, f"'extraction.{key}' must be a list of words")
        # Longest first so that e.g. 从来没 wins over 没.
        cues[key] = "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))
    window = section.get("negation_window", 2)
    breaks = section.get("clause_breaks")
    if isinstance(window, bool) or not isinstance(window, int) or window < 0:
        raise RuleFileError(path, None, "'extraction.negation_window' must be a non-negative integer")
    if not isinstance(breaks, str) or not breaks:
        raise RuleFileError(path, None, "'extraction.clause_breaks' must be a string of characters")
    return ExtractionSettings(
        negation=re.compile(f"(?:{cues['negation_cues']})[^{re.escape(breaks)}]{{0,{window}}}$"),
        uncertainty=re.compile(f"(?:{cues['uncertainty_cues']})"),
        clause_break=re.compile(f"[{re.escape(breaks)}]"),
    )


def _load_settings(path: Path) -> Settings:
    data = _read_yaml(path)
    values = {}
    for key in ("decisive_confidence", "possible_cap", "min_impact", "max_overturn"):
        number = data.get(key) if isinstance(data, dict) else None
        if isinstance(number, bool) or not isinstance(number, (int, float)) or not 0 <= number <= 1:
            raise RuleFileError(path, None, f"'{key}' must be a number between 0 and 1")
        values[key] = float(number)
    return Settings(**values)


def _load_rules(directory: Path, causes: dict[str, str], facts: dict[str, FactDef]) -> list[Rule]:
    files = sorted(directory.glob("*.yml")) if directory.is_dir() else []
    if not files:
        raise RuleFileError(directory, None, "no rule files (*.yml)")
    labels = {label: cause_id for cause_id, label in causes.items()}
    seen: dict[str, Path] = {}
    rules: list[Rule] = []
    for path in files:
        entries = _mapping(path, _read_yaml(path), "rules")
        if not isinstance(entries, list) or not entries:
            raise RuleFileError(path, None, "'rules' must be a non-empty list")
        for index, entry in enumerate(entries):
            if not isinstance(entry, dict) or not isinstance(entry.get("id"), str) or not entry["id"]:
                raise RuleFileError(path, None, f"rule #{index + 1} has no id")
            rule_id = entry["id"]
            if rule_id in seen:
                raise RuleFileError(path, rule_id, f"duplicate id (already defined in {seen[rule_id]})")
            seen[rule_id] = path
            rules.append(_load_rule(path, rule_id, entry, causes, labels, facts))
    return rules


def _load_rule(
    path: Path,
    rule_id: str,
    entry: dict[str, Any],
    causes: dict[str, str],
    labels: dict[str, str],
    facts: dict[str, FactDef],
) -> Rule:
    label = entry.get("label")
    if not isinstance(label, str) or not label.strip():
        raise RuleFileError(path, rule_id, "missing label")
    if label not in labels:
        raise RuleFileError(path, rule_id, f"label '{label}' is not in the vocabulary")
    if rule_id not in causes:
        raise RuleFileError(path, rule_id, "id is not a cause of the vocabulary")
    if labels[label] != rule_id:
        raise RuleFileError(path, rule_id, f"label '{label}' belongs to cause {labels[label]} in the vocabulary")
    explanation = _text(path, rule_id, entry, "explanation")
    advice = _text(path, rule_id, entry, "advice")
    weight = entry.get("weight")
    if isinstance(weight, bool) or not isinstance(weight, (int, float)) or not 0 < weight <= 1:
        raise RuleFileError(path, rule_id, "'weight' must be a number in (0, 1]")
    appeal = entry.get("appeal", "never")
    if appeal not in _APPEAL_VALUES:
        raise RuleFileError(path, rule_id, f"'appeal' must be one of {', '.join(_APPEAL_VALUES)}")
    residual = entry.get("residual", False)
    if not isinstance(residual, bool):
        raise RuleFileError(path, rule_id, "'residual' must be true or false")
    if "when" not in entry:
        raise RuleFileError(path, rule_id, "missing condition 'when'")
    when = _condition(path, rule_id, entry["when"], facts)
    supports = []
    for support in entry.get("supports") or []:
        boost = support.get("boost") if isinstance(support, dict) else None
        if isinstance(boost, bool) or not isinstance(boost, (int, float)) or not 0 < boost < 1:
            raise RuleFileError(path, rule_id, "each support needs a 'boost' between 0 and 1")
        leaf_data = {k: v for k, v in support.items() if k != "boost"}
        supports.append(Support(_leaf(path, rule_id, leaf_data, facts), float(boost)))
    leaves = leaves_of(when)
    cause = Cause(
        id=rule_id,
        label=label,
        explanation=explanation,
        advice=advice,
        appeal_recommended=appeal == "always",
        appeal_if_disputed=appeal in ("always", "if_disputed"),
    )
    read = {leaf.fact for leaf in leaves} | {support.leaf.fact for support in supports}
    return Rule(
        cause=cause,
        weight=float(weight),
        residual=residual,
        when=when,
        leaves=leaves,
        supports=tuple(supports),
        facts=frozenset(read),
        evaluate=when.compile(),
    )


def _condition(path: Path, rule_id: str, data: Any, facts: dict[str, FactDef]) -> Condition:
    if not isinstance(data, dict):
        raise RuleFileError(path, rule_id, "a condition must be a mapping")
    kinds = [key for key in ("all", "any") if key in data]
    if not kinds:
        return _leaf(path, rule_id, data, facts)
    if len(kinds) > 1 or len(data) > 1:
        raise RuleFileError(path, rule_id, "a node takes exactly one key: 'all' or 'any'")
    children = data[kinds[0]]
    if not isinstance(children, list) or not children:
        raise RuleFileError(path, rule_id, f"'{kinds[0]}' must be a non-empty list")
    return Node(kinds[0], tuple(_condition(path, rule_id, child, facts) for child in children))


def _leaf(path: Path, rule_id: str, data: dict[str, Any], facts: dict[str, FactDef]) -> Leaf:
    if set(data) != {"fact", "op", "value"}:
        raise RuleFileError(path, rule_id, f"a condition needs exactly fact, op and value (got {sorted(data)})")
    fact_name = data["fact"]
    fact = facts.get(fact_name) if isinstance(fact_name, str) else None
    if fact is None:
        raise RuleFileError(path, rule_id, f"unknown fact '{fact_name}'")
    try:
        op = Op(data["op"])
    except ValueError:
        raise RuleFileError(path, rule_id, f"unknown operator '{data['op']}'") from None
    value = data["value"]
    if fact.type == "bool":
        if op not in BOOL_OPS:
            raise RuleFileError(path, rule_id, f"operator '{op.value}' does not apply to bool fact '{fact.name}'")
        if not isinstance(value, bool):
            raise RuleFileError(path, rule_id, f"value of bool fact '{fact.name}' must be true or false")
    elif op in RANGE_OPS:
        value = _int_pair(path, rule_id, value, f"value of '{op.value}'")
    elif isinstance(value, bool) or not isinstance(value, int):
        raise RuleFileError(path, rule_id, f"value of int fact '{fact.name}' must be an integer")
    test = make_test(op, value)
    p_true = sum(p for outcome, p in fact.outcomes if test(outcome))
    return Leaf(fact.name, op, value, test, min(max(p_true, _P_MIN), _P_MAX))


def _int_pair(path: Path, item: str, value: Any, what: str, kind: str = "rule") -> tuple[int, int]:
    if (
        not isinstance(value, list)
        or len(value) != 2
        or any(isinstance(v, bool) or not isinstance(v, int) for v in value)
        or value[0] > value[1]
    ):
        raise RuleFileError(path, item, f"{what} must be [low, high] integers", kind=kind)
    return (value[0], value[1])
