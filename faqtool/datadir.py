"""What the project's training data already holds (for duplicate checks)."""

from __future__ import annotations

import logging
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

import yaml

from faqtool.model import Issue, Location, warning
from faqtool.normalize import comparison_form
from faqtool.texts import TEXTS

logger = logging.getLogger(__name__)

DATA_SUFFIXES = (".yml", ".yaml")


@dataclass(frozen=True)
class KnownExample:
    """A training example found under the data directory.

    Attributes:
        intent: The intent it trains (``faq/<key>`` for FAQ keys).
        text: The example as written (annotations included).
        location: File and line where it is.
    """

    intent: str
    text: str
    location: Location


@dataclass(frozen=True)
class ExampleIndex:
    """Training examples by comparison form, and the files defining intents.

    Attributes:
        by_form: Comparison form -> examples with that form.
        intent_files: Intent -> files that hold examples of it.
        issues: Files that could not be read (reported as warnings).
    """

    by_form: dict[str, tuple[KnownExample, ...]]
    intent_files: dict[str, tuple[str, ...]]
    issues: tuple[Issue, ...]

    def matches(self, question: str) -> tuple[KnownExample, ...]:
        """Return the examples that count as the same question."""
        return self.by_form.get(comparison_form(question), ())


def data_files(data_dir: Path) -> list[Path]:
    """List the YAML files under the data directory, in a stable order."""
    return sorted(
        path
        for path in data_dir.rglob("*")
        if path.is_file()
        and path.suffix in DATA_SUFFIXES
        and not any(part.startswith(".") for part in path.relative_to(data_dir).parts)
    )


def scan_data_dir(data_dir: Path) -> ExampleIndex:
    """Collect every intent example under ``data_dir``.

    Args:
        data_dir: The project's data directory (``data``).

    Returns:
        The index. Files that are not valid YAML are skipped with a warning
        (Rasa itself will refuse them when training).
    """
    by_form: dict[str, list[KnownExample]] = defaultdict(list)
    intent_files: dict[str, list[str]] = defaultdict(list)
    issues: list[Issue] = []
    if not data_dir.is_dir():
        return ExampleIndex({}, {}, ())
    for path in data_files(data_dir):
        display = str(path)
        try:
            examples = list(_examples_in_file(path, display))
        except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
            issues.append(warning(Location(display), TEXTS("data_file_skipped", reason=exc)))
            continue
        for example in examples:
            by_form[comparison_form(example.text)].append(example)
            if display not in intent_files[example.intent]:
                intent_files[example.intent].append(display)
    return ExampleIndex(
        by_form={form: tuple(found) for form, found in by_form.items()},
        intent_files={intent: tuple(files) for intent, files in intent_files.items()},
        issues=tuple(issues),
    )


def _scalar_value(node: yaml.Node) -> str | None:
    return node.value if isinstance(node, yaml.ScalarNode) else None


def _mapping(node: yaml.Node) -> dict[str, yaml.Node]:
    if not isinstance(node, yaml.MappingNode):
        return {}
    return {str(key.value): value for key, value in node.value if isinstance(key, yaml.ScalarNode)}


def _examples_in_file(path: Path, display: str) -> list[KnownExample]:
    root = yaml.compose(path.read_text(encoding="utf-8"), Loader=yaml.SafeLoader)
    nlu = _mapping(root).get("nlu") if root is not None else None
    if not isinstance(nlu, yaml.SequenceNode):
        return []
    found: list[KnownExample] = []
    for item in nlu.value:
        fields = _mapping(item)
        intent = _scalar_value(fields["intent"]) if "intent" in fields else None
        examples = fields.get("examples")
        if not intent or examples is None:
            continue
        if isinstance(examples, yaml.ScalarNode):
            found += _block_examples(intent, examples, display)
        elif isinstance(examples, yaml.SequenceNode):
            # Rasa also accepts "- text: ..." items (with metadata).
            for entry in examples.value:
                text_node = _mapping(entry).get("text")
                text = _scalar_value(text_node) if text_node is not None else None
                if text:
                    line = text_node.start_mark.line + 1 if text_node is not None else None
                    found.append(KnownExample(intent, text.strip(), Location(display, line)))
    return found


def _block_examples(intent: str, node: yaml.ScalarNode, display: str) -> list[KnownExample]:
    found = []
    literal = node.style == "|"
    for offset, line in enumerate(node.value.splitlines()):
        stripped = line.strip()
        if not stripped.startswith("- "):
            continue
        # In a literal block the n-th content line is n lines below the "|".
        number = node.start_mark.line + 2 + offset if literal else None
        found.append(KnownExample(intent, stripped[2:].strip(), Location(display, number)))
    return found
