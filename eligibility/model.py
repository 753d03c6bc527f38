"""Value types returned by the eligibility engine."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import Enum


class CauseStatus(str, Enum):
    """How a cause relates to what is known about the user."""

    MATCHED = "matched"
    """The known facts satisfy the cause's rule."""
    POSSIBLE = "possible"
    """The rule can still hold: it depends on facts that are unknown."""
    RULED_OUT = "ruled_out"
    """The known facts contradict the rule (or another cause explains the case)."""


class QuestionKind(str, Enum):
    """How the assistant asks for a fact. Compares equal to its string value."""

    YES_NO = "yes_no"
    NUMBER = "number"


@dataclass(frozen=True, slots=True)
class Evidence:
    """One condition of a rule checked against a known fact.

    Attributes:
        fact: The fact name, e.g. ``"has_overdue"``.
        op: The operator of the condition, e.g. ``"eq"`` or ``"between"``.
        expected: The value the condition compares with.
        actual: The user's value of the fact.
        holds: Whether the condition is true for ``actual``.
    """

    fact: str
    op: str
    expected: object
    actual: object
    holds: bool


@dataclass(frozen=True, slots=True)
class Cause:
    """A cause of the vocabulary with its texts (static data from YAML).

    Attributes:
        id: Stable cause id, e.g. ``"OVERDUE_RECORD"``.
        label: Chinese label, verbatim from the contract table.
        explanation: Chinese text explaining the cause to the user.
        advice: Chinese text saying what the user can do.
        appeal_recommended: An appeal is advised whenever the cause applies.
        appeal_if_disputed: An appeal is advised if the user disputes the
            record behind the cause (e.g. an overdue they never had).
    """

    id: str
    label: str
    explanation: str
    advice: str
    appeal_recommended: bool
    appeal_if_disputed: bool


@dataclass(frozen=True, slots=True)
class CauseResult:
    """The outcome of one cause's rule for one profile.

    Attributes:
        cause: The cause and its texts.
        status: Matched, possible or ruled out.
        confidence: Likelihood score in ``[0, 1]``; 0 for ruled-out causes.
        evidence: Conditions checked against known facts. For a matched or
            possible cause, the conditions (and supporting signals) that hold;
            for a ruled-out cause, the conditions that fail.
        unknown_facts: Facts the rule needs that are unknown (possible causes).
        explained_by: For a catch-all cause ruled out because other causes
            matched, the ids of those causes; otherwise empty.
    """

    cause: Cause
    status: CauseStatus
    confidence: float
    evidence: tuple[Evidence, ...]
    unknown_facts: tuple[str, ...] = ()
    explained_by: tuple[str, ...] = ()

    @property
    def cause_id(self) -> str:
        """The cause id, e.g. ``"WANGSHANGDAI_OPENED"``."""
        return self.cause.id

    @property
    def label(self) -> str:
        """The Chinese label of the cause, verbatim from the contract."""
        return self.cause.label

    @property
    def explanation(self) -> str:
        """Chinese explanation text of the cause."""
        return self.cause.explanation

    @property
    def advice(self) -> str:
        """Chinese advice text of the cause."""
        return self.cause.advice

    @property
    def appeal_recommended(self) -> bool:
        """Whether this cause, when it applies, calls for an appeal."""
        return self.cause.appeal_recommended


@dataclass(frozen=True, slots=True)
class Diagnosis:
    """The engine's answer for one profile.

    Attributes:
        causes: Every cause, best first: matched causes, then possible ones,
            each group by decreasing confidence; ruled-out causes last.
        next_fact: The unknown fact whose answer is expected to move the
            confidences most (the next question worth asking), or ``None``
            when no unknown fact can change the outcome.
        decisive: The best cause is matched with a confidence at or above
            the configured threshold (and, for the catch-all
            ``POLICY_ADJUSTMENT``, the other causes are unlikely enough), so
            the dialogue can stop asking.
        appeal_recommended: The best cause is matched and calls for an
            appeal (e.g. ``POLICY_ADJUSTMENT``).
    """

    causes: tuple[CauseResult, ...]
    next_fact: str | None
    decisive: bool
    appeal_recommended: bool

    def top(self, n: int = 3) -> tuple[CauseResult, ...]:
        """Return up to ``n`` matched or possible causes, best first.

        Args:
            n: Maximum number of causes to return.

        Returns:
            The leading causes that are not ruled out.
        """
        live = [c for c in self.causes if c.status is not CauseStatus.RULED_OUT]
        return tuple(live[: max(n, 0)])

    def get(self, cause_id: str) -> CauseResult:
        """Return the result for one cause id.

        Args:
            cause_id: A cause id of the vocabulary.

        Returns:
            That cause's result.

        Raises:
            KeyError: If no cause has this id.
        """
        for result in self.causes:
            if result.cause.id == cause_id:
                return result
        raise KeyError(cause_id)


@dataclass(frozen=True, slots=True)
class Checklist:
    """One question naming the rarer situations at once (``checklist.yml``).

    Attributes:
        question: The question; its ``fact`` is ``"checklist"``, not a fact.
        after: Asked only after this many ordinary questions.
        none: Fact -> value when the user says none of them applies.
        number_fact: The int fact a bare number in the reply gives.
    """

    question: Question
    after: int
    none: Mapping[str, bool]
    number_fact: str | None

    @property
    def facts(self) -> tuple[str, ...]:
        """The facts the checklist asks about."""
        return (*self.none, *([self.number_fact] if self.number_fact else []))


@dataclass(frozen=True, slots=True)
class Question:
    """How the assistant asks the user for one fact.

    Attributes:
        fact: The fact the answer fills.
        text: The Chinese question.
        kind: ``"yes_no"`` (answered with buttons) or ``"number"`` (free text).
        buttons: ``(title, payload)`` pairs; empty for number questions.
    """

    fact: str
    text: str
    kind: QuestionKind
    buttons: tuple[tuple[str, str], ...]
