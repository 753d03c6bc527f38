"""Plain data types shared by the faqtool modules."""

from __future__ import annotations

import enum
from dataclasses import dataclass

from faqtool.texts import TEXTS


class Severity(enum.Enum):
    """How serious a finding is: errors block an import, warnings do not."""

    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True)
class Location:
    """Where a finding comes from, as the person who wrote the file sees it.

    Attributes:
        file: The path as given on the command line (or under the data dir).
        line: Spreadsheet row (CSV) or text line (YAML), 1-based; ``None``
            when the finding is about the whole file.
        item: 1-based item index of a YAML input list, if any.
    """

    file: str
    line: int | None = None
    item: int | None = None

    @property
    def where(self) -> str:
        """``file`` or ``file:line`` (the item, if any, is shown by `Issue`)."""
        return self.file if self.line is None else f"{self.file}:{self.line}"

    def __str__(self) -> str:
        return self.where


@dataclass(frozen=True)
class Issue:
    """One validation finding.

    Attributes:
        severity: Error or warning.
        location: Where the problem is.
        message: What is wrong, in one line.
    """

    severity: Severity
    location: Location
    message: str

    def __str__(self) -> str:
        """The finding as staff read it: ``file:line: message``."""
        message = self.message
        if self.severity is Severity.WARNING:
            message = TEXTS("warning", message=message)
        if self.location.item is None:
            return f"{self.location.where}: {message}"
        return TEXTS("issue_in_item", location=self.location.where, item=self.location.item, message=message)


def error(location: Location, message: str) -> Issue:
    """Build an error finding."""
    return Issue(Severity.ERROR, location, message)


def warning(location: Location, message: str) -> Issue:
    """Build a warning finding."""
    return Issue(Severity.WARNING, location, message)


@dataclass(frozen=True)
class Button:
    """A quick-reply button shown under an answer.

    Attributes:
        title: Text on the button.
        payload: What is sent when it is pressed, usually ``/intent_name``.
    """

    title: str
    payload: str


@dataclass(frozen=True)
class Question:
    """One question variant read from an input file.

    Attributes:
        text: The question as it will be written to the training data.
        location: Where it was read.
    """

    text: str
    location: Location


@dataclass(frozen=True)
class InputRecord:
    """One CSV row or one YAML item, before records of a key are combined.

    Attributes:
        key: The FAQ key as written (validated later).
        questions: Question variants found in this record.
        answer: The answer text, or ``None`` when the record gives none.
        buttons: The buttons, or ``None`` when the record gives none.
        location: Where the record starts.
    """

    key: str
    questions: tuple[Question, ...]
    answer: str | None
    buttons: tuple[Button, ...] | None
    location: Location


@dataclass(frozen=True)
class FaqEntry:
    """Everything the input says about one FAQ key.

    Attributes:
        key: The FAQ key (``faq/<key>``).
        questions: Distinct question variants in input order.
        answer: The answer, or ``None`` when no record gave one.
        buttons: The buttons, or ``None`` when no record gave any.
        location: The first record of the key.
    """

    key: str
    questions: tuple[Question, ...]
    answer: str | None
    buttons: tuple[Button, ...] | None
    location: Location


@dataclass(frozen=True)
class ResponseVariant:
    """One variant of a response: its text and optional buttons."""

    text: str
    buttons: tuple[Button, ...] = ()


@dataclass(frozen=True)
class FaqDocument:
    """The content of one ``data/faq/<key>.yml`` file.

    Attributes:
        key: The FAQ key.
        examples: Training examples of ``faq/<key>``, one per line.
        responses: Variants of ``utter_faq/<key>`` (normally exactly one).
    """

    key: str
    examples: tuple[str, ...]
    responses: tuple[ResponseVariant, ...]
