"""Decoding input files and cleaning the text read from them."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from faqtool.model import Issue, Location, error
from faqtool.texts import TEXTS

# Characters YAML cannot carry in a block scalar, plus line/paragraph
# separators that would silently break a line in two.
_FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x84\x86-\x9f\ud800-\udfff\ufffe\uffff]")
_ZERO_WIDTH = re.compile("[\u200b\u2060\ufeff]")
_QUESTION_SEPARATORS = re.compile("[|\uff5c]")


class DecodeError(Exception):
    """Raised when an input file cannot be read as text."""

    def __init__(self, issue: Issue) -> None:
        super().__init__(str(issue))
        self.issue = issue


@dataclass(frozen=True)
class DecodedText:
    """The text of an input file and the encoding that decoded it.

    Attributes:
        text: The decoded text, without a byte-order mark.
        encoding: ``"UTF-8"`` or ``"GB18030"`` (a superset of GBK).
    """

    text: str
    encoding: str


def read_text(path: Path, display: str) -> DecodedText:
    """Read a file as UTF-8 (with or without BOM), else as GB18030.

    Excel in mainland China saves "CSV" as GBK; GB18030 decodes every GBK
    file. UTF-8 is tried first and strictly, so a UTF-8 file is never
    mistaken for GBK.

    Args:
        path: The file to read.
        display: How to name the file in messages.

    Returns:
        The decoded text and the encoding used.

    Raises:
        DecodeError: The file cannot be read, is empty, or decodes with
            neither encoding.
    """
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise DecodeError(error(Location(display), TEXTS("cannot_read_file", reason=exc.strerror))) from exc
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise DecodeError(error(Location(display), TEXTS("file_is_utf16")))
    for codec, name in (("utf-8-sig", "UTF-8"), ("gb18030", "GB18030")):
        try:
            text = raw.decode(codec, errors="strict")
        except UnicodeDecodeError:
            continue
        if not text.strip():
            raise DecodeError(error(Location(display), TEXTS("file_empty")))
        return DecodedText(text=text, encoding=name)
    raise DecodeError(error(Location(display), TEXTS("cannot_decode")))


def forbidden_character(text: str) -> str | None:
    """Return a description of the first control character in text, if any."""
    match = _FORBIDDEN.search(text)
    if match is None:
        return None
    return f"U+{ord(match.group()):04X}"


def clean_line(text: str) -> str:
    """Drop zero-width characters and collapse whitespace in one line."""
    return " ".join(_ZERO_WIDTH.sub("", text).split())


def split_questions(cell: str) -> list[str]:
    """Split a cell into question variants (newlines or ``|`` separate them).

    Args:
        cell: The raw cell text.

    Returns:
        Non-empty, whitespace-collapsed variants in cell order.
    """
    variants = []
    for line in cell.splitlines():
        for part in _QUESTION_SEPARATORS.split(line):
            cleaned = clean_line(part)
            if cleaned:
                variants.append(cleaned)
    return variants


def clean_answer(text: str) -> str:
    """Normalise an answer: unified line breaks, no trailing spaces, trimmed.

    Args:
        text: The raw answer.

    Returns:
        The answer with lines joined by ``\\n``, each line right-stripped and
        the whole text stripped.
    """
    lines = [_ZERO_WIDTH.sub("", line).rstrip() for line in text.splitlines()]
    return "\n".join(lines).strip()
