"""Condition trees: ``all`` / ``any`` nodes over ``{fact, op, value}`` leaves.

A condition is evaluated against a dict of *known* facts (unknown facts are
absent) with three-valued logic, and also yields a probability that it holds:
a known leaf is 1 or 0, an unknown leaf has the probability precomputed from
the fact's prior (bool) or sample distribution (int). ``all`` multiplies and
``any`` combines as ``1 - prod(1 - p)``, treating leaves as independent.

Trees are compiled once, at load time, into nested closures.
"""

from __future__ import annotations

import operator
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from enum import Enum
from typing import Any, cast

TRUE = 1
FALSE = 0
UNKNOWN = -1

Outcome = tuple[int, float]
"""``(state, probability)``: state is TRUE, FALSE or UNKNOWN."""

Evaluator = Callable[[Mapping[str, object]], Outcome]

_TRUE_OUTCOME: Outcome = (TRUE, 1.0)
_FALSE_OUTCOME: Outcome = (FALSE, 0.0)


class Op(str, Enum):
    """Comparison operators a leaf may use."""

    EQ = "eq"
    NE = "ne"
    LT = "lt"
    LE = "le"
    GT = "gt"
    GE = "ge"
    BETWEEN = "between"
    """Inclusive range ``[low, high]``."""
    OUTSIDE = "outside"
    """Outside the inclusive range ``[low, high]``."""


BOOL_OPS = frozenset({Op.EQ, Op.NE})
RANGE_OPS = frozenset({Op.BETWEEN, Op.OUTSIDE})

# Operands are typed ``Any``: typeshed declares the ordering operators over
# comparable protocols, and the loader has already checked that a leaf's
# constant has the type of its fact (bool or int).
_BINARY: dict[Op, Callable[[Any, Any], bool]] = {
    Op.EQ: operator.eq,
    Op.NE: operator.ne,
    Op.LT: operator.lt,
    Op.LE: operator.le,
    Op.GT: operator.gt,
    Op.GE: operator.ge,
}


def make_test(op: Op, value: object) -> Callable[[Any], bool]:
    """Build a one-argument predicate for ``fact <op> value``.

    Args:
        op: The operator.
        value: The constant, already validated by the loader: a bool or int,
            or an ``(low, high)`` int pair for range operators.

    Returns:
        A function telling whether a fact value (of the fact's type)
        satisfies the condition.
    """
    if op is Op.BETWEEN:
        low, high = cast("tuple[int, int]", value)
        return lambda v: low <= v <= high
    if op is Op.OUTSIDE:
        low, high = cast("tuple[int, int]", value)
        return lambda v: not (low <= v <= high)
    compare = _BINARY[op]
    return lambda v: compare(v, value)


@dataclass(frozen=True, slots=True)
class Leaf:
    """A compiled ``{fact, op, value}`` condition.

    Attributes:
        fact: Fact name.
        op: Operator.
        value: Constant compared with.
        test: Predicate over a known fact value.
        p_unknown: Probability that the condition holds when the fact is unknown.
    """

    fact: str
    op: Op
    value: object
    test: Callable[[object], bool]
    p_unknown: float

    def compile(self) -> Evaluator:
        """Return a fast evaluator for this leaf."""
        fact = self.fact
        test = self.test
        unknown: Outcome = (UNKNOWN, self.p_unknown)

        def evaluate(facts: Mapping[str, object]) -> Outcome:
            value = facts.get(fact)
            if value is None:
                return unknown
            return _TRUE_OUTCOME if test(value) else _FALSE_OUTCOME

        return evaluate


@dataclass(frozen=True, slots=True)
class Node:
    """An ``all`` or ``any`` node over child conditions."""

    kind: str
    children: tuple[Leaf | Node, ...]

    def leaves(self) -> tuple[Leaf, ...]:
        """Return every leaf under this node, depth first."""
        found: list[Leaf] = []
        for child in self.children:
            if isinstance(child, Leaf):
                found.append(child)
            else:
                found.extend(child.leaves())
        return tuple(found)

    def compile(self) -> Evaluator:
        """Return a fast evaluator for this node."""
        children = tuple(child.compile() for child in self.children)
        if self.kind == "all":

            def evaluate_all(facts: Mapping[str, object]) -> Outcome:
                probability = 1.0
                unknown = False
                for child in children:
                    state, p = child(facts)
                    if state == FALSE:
                        return _FALSE_OUTCOME
                    if state == UNKNOWN:
                        unknown = True
                        probability *= p
                return (UNKNOWN, probability) if unknown else _TRUE_OUTCOME

            return evaluate_all

        def evaluate_any(facts: Mapping[str, object]) -> Outcome:
            miss = 1.0
            unknown = False
            for child in children:
                state, p = child(facts)
                if state == TRUE:
                    return _TRUE_OUTCOME
                if state == UNKNOWN:
                    unknown = True
                    miss *= 1.0 - p
            return (UNKNOWN, 1.0 - miss) if unknown else _FALSE_OUTCOME

        return evaluate_any


Condition = Leaf | Node


def leaves_of(condition: Condition) -> tuple[Leaf, ...]:
    """Return the leaves of a condition tree (a leaf is its own tree)."""
    return (condition,) if isinstance(condition, Leaf) else condition.leaves()
