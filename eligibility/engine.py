"""The eligibility engine: ranks causes for a profile of facts.

Confidence model: a matched rule has its ``weight`` as confidence; a possible
rule has ``weight * min(p + boosts, possible_cap)`` where ``p`` is the
probability that its condition holds given the known facts (unknown leaves
take their prior, see :mod:`eligibility.conditions`) and ``boosts`` come from
supporting signals that hold; a ruled-out rule has 0. A *residual* (catch-all)
rule is ruled out as soon as any other rule matches.

Ranking: matched, then possible, then ruled out; within a group by decreasing
confidence, then vocabulary order.

Next question: for every unknown askable fact, the engine tries each
hypothetical value (with its probability) and sums the expected absolute
change of all confidences; the fact with the largest expected change wins.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping
from typing import NamedTuple

from eligibility.conditions import FALSE, TRUE, UNKNOWN
from eligibility.extraction import extract
from eligibility.model import Cause, CauseResult, CauseStatus, Checklist, Diagnosis, Evidence, Question, QuestionKind
from eligibility.schema import ExtractionSettings, FactDef, Rule, Settings

logger = logging.getLogger(__name__)

_STATUS = {TRUE: CauseStatus.MATCHED, UNKNOWN: CauseStatus.POSSIBLE, FALSE: CauseStatus.RULED_OUT}
_RANK = {TRUE: 0, UNKNOWN: 1, FALSE: 2}
_CACHE_LIMIT = 4096


class Engine:
    """Evaluates profiles against compiled rules. Build it with ``load_engine``.

    An engine is immutable after construction and safe to share between
    threads.
    """

    def __init__(
        self,
        rules: tuple[Rule, ...],
        facts: dict[str, FactDef],
        settings: Settings,
        yes_no_buttons: tuple[tuple[str, str], ...],
        extraction: ExtractionSettings,
        checklist: Checklist | None = None,
    ) -> None:
        """Store compiled data and precompute indexes.

        Args:
            rules: Compiled rules in vocabulary order.
            facts: Fact definitions by name, in asking-priority order.
            settings: Thresholds.
            yes_no_buttons: ``(title, payload)`` buttons of yes/no questions.
            extraction: Cues for :meth:`extract_facts`.
            checklist: The question naming the rarer situations, if any.
        """
        self._rules = rules
        self._facts = facts
        self._settings = settings
        self._extraction = extraction
        self._checklist = checklist
        self._ranged = tuple(f for f in facts.values() if f.valid_range is not None)
        self._unstated = tuple((f.name, f.unstated) for f in facts.values() if f.unstated is not None)
        self._compiled = tuple(_CompiledRule(rule, i, settings.possible_cap) for i, rule in enumerate(rules))
        self._plain = tuple(i for i, rule in enumerate(rules) if not rule.residual)
        self._residual = tuple(i for i, rule in enumerate(rules) if rule.residual)
        self._plans = tuple(self._plan(fact) for fact in facts.values() if fact.askable)
        self._askable = tuple(f for f in facts.values() if f.askable)
        self._questions = {
            f.name: Question(
                fact=f.name,
                text=f.question,
                kind=QuestionKind.YES_NO if f.type == "bool" else QuestionKind.NUMBER,
                buttons=yes_no_buttons if f.type == "bool" else (),
            )
            for f in self._askable
        }

    def _plan(self, fact: FactDef) -> _FactPlan:
        """Precompute how a hypothetical answer for ``fact`` moves the confidences.

        Rules that read only this fact are *static*: while the fact is unknown
        their outcome is fixed, so their confidence change for each answer is
        computed here once. Other readers are evaluated at question time.
        """
        touched = {fact.name}
        if fact.out_of_range_flag is not None:
            touched.add(fact.out_of_range_flag)
        static = [i for i in self._plain if self._rules[i].facts == {fact.name}]
        dynamic = tuple(i for i in self._plain if self._rules[i].facts & touched and i not in static)
        residual = frozenset(i for i in self._residual if self._rules[i].facts & touched)
        values = []
        for value, probability in fact.outcomes:
            delta = 0.0
            matches = False
            for i in static:
                before = self._compiled[i].outcome({})
                after = self._compiled[i].outcome({fact.name: value})
                delta += abs(after.confidence - before.confidence)
                matches = matches or after.state == TRUE
            values.append((value, probability, delta, matches))
        return _FactPlan(fact.name, fact.out_of_range_flag, bool(static), dynamic, residual, tuple(values))

    @property
    def checklist(self) -> Checklist | None:
        """The question naming the rarer situations at once, if the data has one."""
        return self._checklist

    @property
    def causes(self) -> tuple[Cause, ...]:
        """The causes with their labels and texts, in vocabulary order."""
        return tuple(rule.cause for rule in self._rules)

    def disputed_cause(self, mentioned: Mapping[str, object]) -> str | None:
        """The cause a user disputes when their message mentions its record.

        A cause whose rule says ``appeal: if_disputed`` is disputed when the
        message states any value of a fact its ``when`` condition reads ("我
        从来没逾期过" mentions ``has_overdue``).

        Args:
            mentioned: Facts found in the message (``extract_facts``).

        Returns:
            The first such cause id in vocabulary order, or None.
        """
        for rule in self._rules:
            if rule.cause.appeal_if_disputed and any(leaf.fact in mentioned for leaf in rule.leaves):
                return rule.cause.id
        return None

    def fact_type(self, fact: str) -> str:
        """``"bool"`` or ``"int"``; KeyError for an unknown fact."""
        return self._facts[fact].type

    @property
    def cause_ids(self) -> tuple[str, ...]:
        """The cause ids, in vocabulary order."""
        return tuple(rule.cause.id for rule in self._rules)

    @property
    def askable_facts(self) -> tuple[str, ...]:
        """The facts the assistant may ask about, in the order of ``facts.yml``."""
        return tuple(f.name for f in self._askable)

    @property
    def fact_names(self) -> tuple[str, ...]:
        """The fact names, in the order of ``facts.yml``."""
        return tuple(self._facts)

    def question(self, fact: str) -> Question:
        """Return how to ask the user for a fact.

        Args:
            fact: An askable fact name.

        Returns:
            The question, with buttons for yes/no facts.

        Raises:
            ValueError: If the fact is unknown or never asked.
        """
        try:
            return self._questions[fact]
        except KeyError:
            raise ValueError(f"no question for fact {fact!r}") from None

    def extract_facts(self, text: str) -> dict[str, object]:
        """Find facts stated in one normalised user message.

        Args:
            text: Simplified-Chinese message text.

        Returns:
            Facts found, by name (bool or int values).
        """
        return extract(text, self._facts, self._extraction)

    def read_reply(self, fact: str, text: str) -> bool | None:
        """Read a reply to the question about ``fact`` with that fact's reply patterns.

        Args:
            fact: The fact whose question the reply answers.
            text: Normalised simplified-Chinese reply.

        Returns:
            True or False when a reply pattern matches (``deny`` first), else None.
        """
        definition = self._facts.get(fact)
        if definition is None:
            raise ValueError(f"unknown fact {fact!r}")
        for value, patterns in ((False, definition.reply_deny), (True, definition.reply_affirm)):
            if any(regex.search(text) for regex in patterns):
                return value
        return None

    def evaluate(self, profile: Mapping[str, object], skip: Iterable[str] = ()) -> Diagnosis:
        """Rank every cause for a profile.

        A fact that is missing or ``None`` is unknown. An int fact outside its
        ``valid_range`` is treated as unknown and sets its out-of-range flag
        (a 芝麻分 of 70 sets ``score_out_of_range``); a value inside the range
        sets the flag to false, whatever the profile says (the stated score
        is the newer information). Integral floats are accepted for int facts.

        Args:
            profile: Facts by name.
            skip: Unknown facts never to propose as the next question, e.g.
                those the user already answered with "不知道".

        Returns:
            The diagnosis.

        Raises:
            ValueError: If the profile names an unknown fact or a value has
                the wrong type.
        """
        facts = self._normalise(profile)
        outcomes = [rule.outcome(facts) for rule in self._compiled]
        matched = tuple(outcomes[i].result.cause.id for i in self._plain if outcomes[i].state == TRUE)
        if matched:
            for i in self._residual:
                if outcomes[i].state != FALSE:
                    outcomes[i] = self._compiled[i].superseded(matched)
        next_fact = self._next_fact(facts, outcomes, len(matched), frozenset(skip))
        outcomes.sort()  # By (rank, -confidence, rule_index): rule_index is unique.
        best = outcomes[0].result
        best_matched = best.status is CauseStatus.MATCHED
        # The catch-all ranking first means nothing the user said explains the
        # refusal: that alone is a reason to offer an appeal.
        best_residual = self._rules[outcomes[0].rule_index].residual and best.status is not CauseStatus.RULED_OUT
        return Diagnosis(
            causes=tuple([outcome.result for outcome in outcomes]),
            next_fact=next_fact,
            decisive=best_matched and self._is_decisive(outcomes),
            appeal_recommended=(best_matched or best_residual) and best.cause.appeal_recommended,
        )

    def _is_decisive(self, ranked: list[_Outcome]) -> bool:
        """Tell whether a matched best cause is settled enough to stop asking.

        Its confidence must reach ``decisive_confidence``. A residual
        (catch-all) cause is overturned as soon as any other cause matches,
        so it is only settled when the chance that at least one still-possible
        cause holds is at most ``max_overturn``.
        """
        best = ranked[0]
        if best.confidence < self._settings.decisive_confidence:
            return False
        if not self._rules[best.rule_index].residual:
            return True
        stays = 1.0
        for outcome in ranked[1:]:
            if outcome.state == UNKNOWN:
                stays *= 1.0 - outcome.probability
        return 1.0 - stays <= self._settings.max_overturn

    def _normalise(self, profile: Mapping[str, object]) -> dict[str, object]:
        facts: dict[str, object] = {}
        for name, value in profile.items():
            if value is None:
                continue
            fact = self._facts.get(name)
            if fact is None:
                raise ValueError(f"unknown fact {name!r}")
            if fact.type == "bool":
                if not isinstance(value, bool):
                    raise ValueError(f"fact {name!r} must be a bool, got {type(value).__name__}")
            elif isinstance(value, float) and value.is_integer():
                value = int(value)
            elif isinstance(value, bool) or not isinstance(value, int):
                raise ValueError(f"fact {name!r} must be an int, got {type(value).__name__}")
            facts[name] = value
        for fact in self._ranged:
            if fact.name in facts:
                _apply_range(facts, fact)
        for name, value in self._unstated:
            facts.setdefault(name, value)
        return facts

    def _next_fact(
        self, facts: dict[str, object], outcomes: list[_Outcome], matched: int, skip: frozenset[str]
    ) -> str | None:
        compiled = self._compiled
        open_rules = [outcome.state == UNKNOWN for outcome in outcomes]
        # Once a cause matched, residual rules stay ruled out whatever the answer.
        residual_open = () if matched else tuple(i for i in self._residual if open_rules[i])
        best: str | None = None
        best_impact = self._settings.min_impact
        for plan in self._plans:
            name = plan.name
            if name in facts or name in skip:
                continue
            dynamic = [i for i in plan.dynamic if open_rules[i]]
            residual = [i for i in residual_open if i in plan.residual]
            if not (plan.has_static or dynamic or residual):
                continue
            flag = plan.flag
            flag_before = facts.get(flag) if flag is not None else None
            if flag_before:
                # The answer would clear a set out-of-range flag: decided rules
                # can change too, so weigh this question the slow, general way.
                impact = self._impact_overriding_flag(facts, outcomes, plan)
                if impact > best_impact:
                    best, best_impact = name, impact
                continue
            impact = 0.0
            for value, probability, delta, now_matched in plan.values:
                if dynamic or residual:
                    # Hypothetical answer; samples lie inside valid_range (checked at load).
                    facts[name] = value
                    if flag is not None:
                        facts[flag] = False
                    for i in dynamic:
                        state, confidence = compiled[i].score(facts)
                        delta += abs(confidence - outcomes[i].confidence)
                        now_matched = now_matched or state == TRUE
                    if not now_matched:
                        for i in residual:
                            delta += abs(compiled[i].score(facts)[1] - outcomes[i].confidence)
                    del facts[name]
                    if flag is not None:
                        del facts[flag]
                if now_matched:
                    # Another cause would match: open residual causes drop to 0.
                    for i in residual_open:
                        delta += outcomes[i].confidence
                impact += probability * delta
            if impact > best_impact:
                best, best_impact = name, impact
        return best

    def _impact_overriding_flag(self, facts: dict[str, object], outcomes: list[_Outcome], plan: _FactPlan) -> float:
        """Expected confidence change of a question, re-scoring every rule."""
        impact = 0.0
        for value, probability, _delta, _matches in plan.values:
            hypothesis = dict(facts)
            hypothesis[plan.name] = value
            hypothesis[plan.flag] = False  # type: ignore[index]
            scores = [rule.score(hypothesis) for rule in self._compiled]
            if any(scores[i][0] == TRUE for i in self._plain):
                for i in self._residual:
                    scores[i] = (FALSE, 0.0)
            impact += probability * sum(abs(scores[i][1] - outcomes[i].confidence) for i in range(len(scores)))
        return impact


class _FactPlan(NamedTuple):
    """Precomputed data for weighing the question about one fact."""

    name: str
    flag: str | None
    has_static: bool
    dynamic: tuple[int, ...]
    residual: frozenset[int]
    values: tuple[tuple[object, float, float, bool], ...]
    """(value, probability, confidence change of static readers, a static reader matches)."""


class _Outcome(NamedTuple):
    """A rule's outcome for some facts, with its ready-made result."""

    rank: int
    negative_confidence: float
    rule_index: int
    """Position of the rule in vocabulary order (unique, breaks ties when sorting)."""
    state: int
    confidence: float
    result: CauseResult
    probability: float
    """Chance that the rule holds (1 matched, 0 ruled out)."""


class _CompiledRule:
    """A rule with a memo of outcomes keyed by the values of the facts it reads.

    A rule's outcome depends only on the facts it reads, so results (immutable
    values) are memoised per combination of those values; the memo is bounded
    and simply cleared when full.
    """

    __slots__ = ("_cache", "_index", "_possible_cap", "_read", "_superseded", "rule")

    def __init__(self, rule: Rule, index: int, possible_cap: float) -> None:
        self.rule = rule
        self._index = index
        self._possible_cap = possible_cap
        self._read = tuple(sorted(rule.facts))
        self._cache: dict[object, _Outcome] = {}
        self._superseded: dict[tuple[str, ...], _Outcome] = {}

    def outcome(self, facts: Mapping[str, object]) -> _Outcome:
        """Return the rule's outcome for normalised facts."""
        read = self._read
        key = facts.get(read[0]) if len(read) == 1 else tuple(map(facts.get, read))
        found = self._cache.get(key)
        if found is None:
            found = self._compute(facts)
            if len(self._cache) >= _CACHE_LIMIT:
                self._cache.clear()
            self._cache[key] = found
        return found

    def score(self, facts: Mapping[str, object]) -> tuple[int, float]:
        """Return ``(state, confidence)`` only, for hypothetical facts.

        Uses the memo when it holds these values, but does not build (or
        memoise) a result on a miss: hypotheses are many and short-lived.
        """
        read = self._read
        key = facts.get(read[0]) if len(read) == 1 else tuple(map(facts.get, read))
        found = self._cache.get(key)
        if found is not None:
            return found.state, found.confidence
        state, probability = self._state(facts)
        return state, round(self.rule.weight * probability, 4)

    def _state(self, facts: Mapping[str, object]) -> tuple[int, float]:
        """Return the state and the probability factor of the confidence."""
        rule = self.rule
        state, probability = rule.evaluate(facts)
        if state == UNKNOWN:
            for support in rule.supports:
                value = facts.get(support.leaf.fact)
                if value is not None and support.leaf.test(value):
                    probability += support.boost
            probability = min(probability, self._possible_cap)
        return state, probability

    def superseded(self, matched: tuple[str, ...]) -> _Outcome:
        """Return the ruled-out outcome of a residual rule explained by ``matched``."""
        found = self._superseded.get(matched)
        if found is None:
            result = CauseResult(self.rule.cause, CauseStatus.RULED_OUT, 0.0, (), (), matched)
            found = _Outcome(_RANK[FALSE], -0.0, self._index, FALSE, 0.0, result, 0.0)
            if len(self._superseded) >= _CACHE_LIMIT:
                self._superseded.clear()
            self._superseded[matched] = found
        return found

    def _compute(self, facts: Mapping[str, object]) -> _Outcome:
        rule = self.rule
        state, probability = self._state(facts)
        confidence = round(rule.weight * probability, 4)
        wanted = state != FALSE
        evidence: list[Evidence] = []
        unknown: list[str] = []
        for leaf in rule.leaves:
            value = facts.get(leaf.fact)
            if value is None:
                if leaf.fact not in unknown:
                    unknown.append(leaf.fact)
                continue
            holds = leaf.test(value)
            if holds == wanted:
                evidence.append(Evidence(leaf.fact, leaf.op.value, leaf.value, value, holds))
        if wanted:
            for support in rule.supports:
                value = facts.get(support.leaf.fact)
                if value is not None and support.leaf.test(value):
                    leaf = support.leaf
                    evidence.append(Evidence(leaf.fact, leaf.op.value, leaf.value, value, True))
        result = CauseResult(
            cause=rule.cause,
            status=_STATUS[state],
            confidence=confidence,
            evidence=tuple(evidence),
            unknown_facts=tuple(unknown) if state == UNKNOWN else (),
        )
        return _Outcome(_RANK[state], -confidence, self._index, state, confidence, result, probability)


def _apply_range(facts: dict[str, object], fact: FactDef) -> None:
    """Drop an implausible int value and set the fact's out-of-range flag."""
    low, high = fact.valid_range  # type: ignore[misc]
    inside = low <= facts[fact.name] <= high  # type: ignore[operator]
    if not inside:
        del facts[fact.name]
    flag = fact.out_of_range_flag
    if flag is not None:
        facts[flag] = not inside
