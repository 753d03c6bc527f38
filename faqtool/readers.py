"""Readers for FAQ input files: spreadsheets saved as CSV, and YAML lists."""

from __future__ import annotations

import csv
import io
import logging
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from faqtool.model import Button, InputRecord, Issue, Location, Question, Severity, error, warning
from faqtool.textio import (
    DecodeError,
    clean_answer,
    clean_line,
    forbidden_character,
    read_text,
    split_questions,
)
from faqtool.texts import TEXTS
from stafftext import LIST_SEPARATOR

logger = logging.getLogger(__name__)

CSV_COLUMNS = {
    "key": "key",
    "键": "key",
    "question": "question",
    "问题": "question",
    "answer": "answer",
    "答案": "answer",
    "buttons": "buttons",
    "按钮": "buttons",
}
REQUIRED_COLUMNS = ("key", "question", "answer")
CHINESE_NAMES = {"key": "键", "question": "问题", "answer": "答案", "buttons": "按钮"}
YAML_FIELDS = ("key", "questions", "answer", "buttons")
EXTENSIONS = (".csv", ".yml", ".yaml")
SPREADSHEET_EXTENSIONS = (".xls", ".xlsx", ".ods", ".numbers")

_BUTTON_SEPARATORS = re.compile("[;\uff1b]")
_TITLE_SEPARATORS = re.compile("[=\uff1d]")


@dataclass(frozen=True)
class ReadResult:
    """What one input file yielded.

    Attributes:
        records: The rows or items that name a key.
        issues: Problems found while reading.
        encoding: The encoding that decoded the file, if it was decoded.
    """

    records: tuple[InputRecord, ...]
    issues: tuple[Issue, ...]
    encoding: str | None


def read_input(path: Path, display: str | None = None) -> ReadResult:
    """Read one FAQ input file, choosing the reader by its extension.

    Args:
        path: The file.
        display: How to name the file in messages (defaults to ``str(path)``).

    Returns:
        The records and any problems found.
    """
    name = display if display is not None else str(path)
    suffix = path.suffix.lower()
    if suffix not in EXTENSIONS:
        if not suffix:
            problem = TEXTS("missing_extension")
        elif suffix in SPREADSHEET_EXTENSIONS:
            problem = TEXTS("unknown_extension_spreadsheet", suffix=suffix)
        else:
            problem = TEXTS("unknown_extension", suffix=suffix)
        return ReadResult((), (error(Location(name), problem),), None)
    try:
        decoded = read_text(path, name)
    except DecodeError as exc:
        return ReadResult((), (exc.issue,), None)
    logger.debug("read %s as %s", name, decoded.encoding)
    if suffix == ".csv":
        records, issues = _read_csv(decoded.text, name)
    else:
        records, issues = _read_yaml(decoded.text, name)
    return ReadResult(tuple(records), tuple(issues), decoded.encoding)


def parse_buttons(cell: str, location: Location) -> tuple[tuple[Button, ...], list[Issue]]:
    """Parse a buttons cell: ``标题=/payload`` pairs separated by ``;``.

    Args:
        cell: The raw cell text.
        location: The row, for messages.

    Returns:
        The buttons and any problems found.
    """
    buttons: list[Button] = []
    issues: list[Issue] = []
    for part in _BUTTON_SEPARATORS.split(cell):
        if not part.strip():
            continue
        pieces = _TITLE_SEPARATORS.split(part, maxsplit=1)
        if len(pieces) != 2:
            issues.append(error(location, TEXTS("button_format", button=clean_line(part))))
            continue
        title, payload = clean_line(pieces[0]), clean_line(pieces[1])
        if not title or not payload:
            issues.append(error(location, TEXTS("button_incomplete", button=clean_line(part))))
            continue
        buttons.append(Button(title=title, payload=payload))
    return tuple(buttons), issues


def _field_names() -> dict[str, str]:
    """How findings name each column or field, by its English name."""
    return {
        "key": TEXTS("field_key"),
        "question": TEXTS("field_question"),
        "answer": TEXTS("field_answer"),
        "buttons": TEXTS("field_buttons"),
    }


def _check_characters(text: str, field: str, location: Location) -> list[Issue]:
    bad = forbidden_character(text)
    if bad is None:
        return []
    return [error(location, TEXTS("control_character", field=_field_names()[field], char=bad))]


def _read_csv(text: str, name: str) -> tuple[list[InputRecord], list[Issue]]:
    reader = csv.reader(io.StringIO(text, newline=""))
    rows: list[tuple[int, list[str]]] = []
    try:
        for index, row in enumerate(reader):
            # A spreadsheet row is one CSV record, even when a cell spans
            # several text lines; the header is row 1.
            rows.append((index + 1, row))
    except csv.Error as exc:
        return [], [error(Location(name, len(rows) + 1), TEXTS("cannot_parse_csv", reason=exc))]

    header_row = next(((number, row) for number, row in rows if any(cell.strip() for cell in row)), None)
    if header_row is None:
        return [], [error(Location(name), TEXTS("file_empty"))]
    header_number, header = header_row
    header_location = Location(name, header_number)

    issues: list[Issue] = []
    columns: dict[str, int] = {}
    for position, cell in enumerate(header):
        label = clean_line(cell).casefold()
        if not label:
            continue
        column = CSV_COLUMNS.get(label)
        if column is None:
            issues.append(warning(header_location, TEXTS("unknown_column", column=clean_line(cell))))
        elif column in columns:
            issues.append(
                error(header_location, TEXTS("duplicate_column", column=column, chinese=CHINESE_NAMES[column]))
            )
        else:
            columns[column] = position
    missing = [column for column in REQUIRED_COLUMNS if column not in columns]
    for column in missing:
        issues.append(error(header_location, TEXTS("missing_column", column=column, chinese=CHINESE_NAMES[column])))
    if missing:
        return [], issues

    def cell_of(row: list[str], column: str) -> str:
        position = columns.get(column)
        if position is None or position >= len(row):
            return ""
        return row[position]

    records: list[InputRecord] = []
    for number, row in rows:
        if number <= header_number or not any(value.strip() for value in row):
            continue
        location = Location(name, number)
        raw_key = cell_of(row, "key")
        key = clean_line(raw_key)
        row_issues: list[Issue] = []
        for column in ("key", "question", "answer", "buttons"):
            row_issues += _check_characters(cell_of(row, column), column, location)
        if not key:
            row_issues.append(error(location, TEXTS("empty_key_in_row")))
        if row_issues:
            issues += row_issues
            continue
        questions = tuple(Question(text, location) for text in split_questions(cell_of(row, "question")))
        answer = clean_answer(cell_of(row, "answer")) or None
        buttons: tuple[Button, ...] | None = None
        if cell_of(row, "buttons").strip():
            buttons, button_issues = parse_buttons(cell_of(row, "buttons"), location)
            issues += button_issues
        if not questions and answer is None and buttons is None:
            issues.append(warning(location, TEXTS("empty_row", faq_key=key)))
        records.append(InputRecord(key, questions, answer, buttons, location))
    if not records and not any(issue.severity is Severity.ERROR for issue in issues):
        issues.append(error(header_location, TEXTS("no_rows")))
    return records, issues


def _read_yaml(text: str, name: str) -> tuple[list[InputRecord], list[Issue]]:
    loader = yaml.SafeLoader(text)
    try:
        root = loader.get_single_node()
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark is not None else None
        problem = getattr(exc, "problem", None) or str(exc)
        return [], [error(Location(name, line), TEXTS("invalid_yaml", problem=problem))]
    try:
        if root is None:
            return [], [error(Location(name), TEXTS("file_empty"))]
        if not isinstance(root, yaml.SequenceNode):
            return [], [error(Location(name, root.start_mark.line + 1), TEXTS("expected_item_list"))]
        records: list[InputRecord] = []
        issues: list[Issue] = []
        for index, item in enumerate(root.value, start=1):
            record, item_issues = _read_yaml_item(loader, item, name, index)
            issues += item_issues
            if record is not None:
                records.append(record)
        if not root.value:
            issues.append(error(Location(name), TEXTS("file_empty")))
        return records, issues
    finally:
        loader.dispose()


def _node_location(name: str, node: yaml.Node, index: int) -> Location:
    return Location(name, node.start_mark.line + 1, index)


def _scalar_text(loader: yaml.SafeLoader, node: yaml.Node) -> Any:
    return loader.construct_object(node, deep=True)


def _read_yaml_item(
    loader: yaml.SafeLoader, item: yaml.Node, name: str, index: int
) -> tuple[InputRecord | None, list[Issue]]:
    location = _node_location(name, item, index)
    if not isinstance(item, yaml.MappingNode):
        return None, [error(location, TEXTS("item_not_mapping"))]
    issues: list[Issue] = []
    fields: dict[str, yaml.Node] = {}
    for key_node, value_node in item.value:
        field = _scalar_text(loader, key_node)
        if field not in YAML_FIELDS:
            issues.append(
                error(
                    _node_location(name, key_node, index),
                    TEXTS("unknown_field", field=field, expected=LIST_SEPARATOR.join(YAML_FIELDS)),
                )
            )
            continue
        fields[field] = value_node

    key_value = _scalar_text(loader, fields["key"]) if "key" in fields else None
    if key_value is None or (isinstance(key_value, str) and not key_value.strip()):
        issues.append(error(location, TEXTS("empty_key")))
        return None, issues
    if not isinstance(key_value, str):
        issues.append(error(location, TEXTS("key_not_text", value=repr(key_value))))
        return None, issues
    key = clean_line(key_value)

    questions: list[Question] = []
    if "questions" in fields:
        node = fields["questions"]
        nodes = node.value if isinstance(node, yaml.SequenceNode) else [node]
        for question_node in nodes:
            value = _scalar_text(loader, question_node)
            question_location = _node_location(name, question_node, index)
            if value is None:
                continue
            if not isinstance(value, str):
                issues.append(error(question_location, TEXTS("question_not_text", value=repr(value))))
                continue
            if len(value.strip().splitlines()) > 1:
                issues.append(error(question_location, TEXTS("question_multiline")))
                continue
            issues += _check_characters(value, "question", question_location)
            cleaned = clean_line(value)
            if cleaned:
                questions.append(Question(cleaned, question_location))

    answer: str | None = None
    if "answer" in fields:
        value = _scalar_text(loader, fields["answer"])
        if value is not None and not isinstance(value, str):
            issues.append(error(location, TEXTS("answer_not_text", value=repr(value))))
        elif value is not None:
            issues += _check_characters(value, "answer", location)
            answer = clean_answer(value) or None

    buttons: tuple[Button, ...] | None = None
    if "buttons" in fields:
        buttons, button_issues = _read_yaml_buttons(loader, fields["buttons"], name, index)
        issues += button_issues
    return InputRecord(key, tuple(questions), answer, buttons, location), issues


def _read_yaml_buttons(
    loader: yaml.SafeLoader, node: yaml.Node, name: str, index: int
) -> tuple[tuple[Button, ...] | None, list[Issue]]:
    value = _scalar_text(loader, node)
    if value is None or value == []:
        return None, []
    location = _node_location(name, node, index)
    if not isinstance(value, list):
        return None, [error(location, TEXTS("buttons_not_list"))]
    buttons: list[Button] = []
    issues: list[Issue] = []
    for button in value:
        if not isinstance(button, dict) or set(button) != {"title", "payload"}:
            issues.append(error(location, TEXTS("button_fields", button=repr(button))))
            continue
        title, payload = button["title"], button["payload"]
        if not isinstance(title, str) or not isinstance(payload, str):
            issues.append(error(location, TEXTS("button_not_text", button=repr(button))))
            continue
        title, payload = clean_line(title), clean_line(payload)
        if not title or not payload:
            issues.append(error(location, TEXTS("button_incomplete_item", button=repr(button))))
            continue
        issues += _check_characters(title + payload, "buttons", location)
        buttons.append(Button(title, payload))
    return tuple(buttons), issues
