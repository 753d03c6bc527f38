"""Reading and writing ``data/faq/<key>.yml`` files.

The writer is a small emitter for this one fixed shape rather than a generic
YAML dump: the layout matches the hand-written files, Chinese is never
escaped, and the same document always gives the same bytes. Every emitted
text is parsed back and compared before it is returned, so a file that would
not round-trip is never written.
"""

from __future__ import annotations

import json
import re
from typing import Any

import yaml

from faqtool.model import Button, FaqDocument, ResponseVariant
from faqtool.textio import clean_answer
from faqtool.texts import TEXTS
from stafftext import LIST_SEPARATOR

RASA_FORMAT_VERSION = "3.1"

_PLAIN_FIRST_CHAR = re.compile(r"[^\s\-?:,\[\]{}#&*!|>'\"%@`0-9+.~]")
_SPECIAL_WORDS = {"true", "false", "yes", "no", "on", "off", "y", "n", "null", "~"}


class FaqFileError(ValueError):
    """A FAQ data file does not have the shape faqtool reads and writes."""


def _scalar(value: str) -> str:
    """Render a one-line string as a plain scalar when safe, else quoted."""
    plain = (
        bool(value)
        and _PLAIN_FIRST_CHAR.match(value) is not None
        and value == value.strip()
        and ": " not in value
        and " #" not in value
        and not value.endswith(":")
        and value.casefold() not in _SPECIAL_WORDS
    )
    if plain:
        try:
            plain = yaml.safe_load(f"k: {value}") == {"k": value}
        except yaml.YAMLError:
            plain = False
    return value if plain else json.dumps(value, ensure_ascii=False)


def emit_document(document: FaqDocument) -> str:
    """Write a FAQ document as YAML text in the project's layout.

    Args:
        document: The document; answers must already be cleaned
            (see :func:`faqtool.textio.clean_answer`) and examples must be
            single lines.

    Returns:
        The file content, ending with a newline.

    Raises:
        FaqFileError: The document cannot be written so that it reads back
            identically (for example an example containing a line break).
    """
    key = document.key
    lines = [f'version: "{RASA_FORMAT_VERSION}"', "nlu:", f"- intent: faq/{key}", "  examples: |"]
    lines += [f"    - {example}" for example in document.examples]
    lines += ["responses:", f"  utter_faq/{key}:"]
    for variant in document.responses:
        lines.append("  - text: |-")
        lines += [f"      {line}" if line else "" for line in variant.text.split("\n")]
        if variant.buttons:
            lines.append("    buttons:")
            for button in variant.buttons:
                lines.append(f"    - title: {_scalar(button.title)}")
                lines.append(f"      payload: {_scalar(button.payload)}")
    text = "\n".join(lines) + "\n"
    try:
        parsed = parse_document(text, key)
    except FaqFileError as exc:
        raise FaqFileError(TEXTS("unsafe_to_write", faq_key=key, reason=exc)) from exc
    if parsed != document:
        raise FaqFileError(TEXTS("would_not_read_back", faq_key=key))
    return text


def _examples(value: Any, key: str) -> tuple[str, ...]:
    if not isinstance(value, str):
        raise FaqFileError(TEXTS("examples_not_block", faq_key=key))
    examples = []
    for line in value.splitlines():
        stripped = line.strip()
        if not stripped:
            continue
        if not stripped.startswith("- "):
            raise FaqFileError(TEXTS("example_without_dash", faq_key=key, line=repr(stripped)))
        examples.append(stripped[2:].strip())
    return tuple(examples)


def _buttons(value: Any, key: str) -> tuple[Button, ...]:
    if value is None:
        return ()
    if not isinstance(value, list):
        raise FaqFileError(TEXTS("file_buttons_not_list", faq_key=key))
    buttons = []
    for item in value:
        if (
            not isinstance(item, dict)
            or set(item) != {"title", "payload"}
            or not all(isinstance(item[field], str) for field in ("title", "payload"))
        ):
            raise FaqFileError(TEXTS("file_button_fields", faq_key=key, button=repr(item)))
        buttons.append(Button(title=item["title"], payload=item["payload"]))
    return tuple(buttons)


def parse_document(text: str, key: str) -> FaqDocument:
    """Read a FAQ data file of the shape :func:`emit_document` writes.

    Hand-written files are accepted too (comments, other quoting, ``|`` or
    ``|-``), as long as they hold exactly one ``faq/<key>`` intent and its
    ``utter_faq/<key>`` response; answers are cleaned as imported ones are.

    Args:
        text: The file content.
        key: The FAQ key the file must hold.

    Returns:
        The document.

    Raises:
        FaqFileError: The file is not valid YAML or has another shape.
    """
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise FaqFileError(TEXTS("invalid_yaml", problem=exc)) from exc
    if not isinstance(data, dict):
        raise FaqFileError(TEXTS("expected_document"))
    unknown = sorted(set(map(str, data)) - {"version", "nlu", "responses"})
    if unknown:
        raise FaqFileError(TEXTS("unexpected_sections", sections=LIST_SEPARATOR.join(unknown)))
    nlu = data.get("nlu")
    intent = f"faq/{key}"
    if (
        not isinstance(nlu, list)
        or len(nlu) != 1
        or not isinstance(nlu[0], dict)
        or nlu[0].get("intent") != intent
        or set(nlu[0]) != {"intent", "examples"}
    ):
        raise FaqFileError(TEXTS("nlu_shape", intent=intent))
    responses = data.get("responses")
    name = f"utter_faq/{key}"
    if not isinstance(responses, dict) or set(responses) != {name} or not isinstance(responses[name], list):
        raise FaqFileError(TEXTS("responses_shape", name=name))
    variants = []
    for variant in responses[name]:
        if not isinstance(variant, dict) or "text" not in variant or not set(variant) <= {"text", "buttons"}:
            raise FaqFileError(TEXTS("variant_shape", name=name))
        if not isinstance(variant["text"], str):
            raise FaqFileError(TEXTS("text_not_string", name=name))
        variants.append(ResponseVariant(clean_answer(variant["text"]), _buttons(variant.get("buttons"), key)))
    return FaqDocument(key=key, examples=_examples(nlu[0]["examples"], key), responses=tuple(variants))
