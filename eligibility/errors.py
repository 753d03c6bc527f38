"""Errors raised while loading eligibility data files."""

from __future__ import annotations

from pathlib import Path


class RuleFileError(ValueError):
    """A rule, fact or vocabulary file is missing, malformed or inconsistent.

    The message always names the file and, where one applies, the rule id
    (or fact / cause id), followed by what is wrong, for example
    ``.../rules/overdue.yml: rule OVERDUE_RECORD: unknown fact 'has_overdu'``.

    Attributes:
        path: The file that failed validation.
        item: The rule, cause or fact id concerned, or ``None`` for a
            file-level problem.
        reason: What is wrong, without the location prefix.
    """

    def __init__(self, path: Path, item: str | None, reason: str, *, kind: str = "rule") -> None:
        self.path = path
        self.item = item
        self.reason = reason
        location = f"{path}: {kind} {item}" if item is not None else f"{path}"
        super().__init__(f"{location}: {reason}")
