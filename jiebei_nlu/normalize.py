"""Text normaliser for user messages (pure Python, no Rasa import).

`normalize_text` makes the many ways users type the same thing look alike
before tokenisation:

1. traditional Chinese -> simplified (OpenCC ``t2s``);
2. full-width digits, Latin letters and the ideographic space -> half-width
   (Chinese punctuation such as ，。？ is kept as it is);
3. whitespace: strip, collapse runs to one space, drop spaces between two CJK
   characters;
4. mask characters (＊ × x X • ·) after or between digits -> ``*``
   ("7xx" -> "7**", "138＊＊＊＊1234" -> "138****1234");
5. variant spellings from ``data/variants.yml`` -> canonical spelling
   (借吧 -> 借呗, 芝麻份 -> 芝麻分 ...), longest match first.

Steps 1, 2, 4 and 5 replace character for character, so the length of the text
only changes where whitespace is removed. The result is idempotent:
``normalize_text(normalize_text(x)) == normalize_text(x)``.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

logger = logging.getLogger(__name__)

DEFAULT_VARIANTS_PATH = Path(__file__).resolve().parent / "data" / "variants.yml"

# Full-width forms that are converted; full-width punctuation is left alone.
_FULLWIDTH_OFFSET = 0xFEE0
_IDEOGRAPHIC_SPACE = "\u3000"

# Characters that hide digits ("7**", "138＊＊＊＊1234").
MASK_CHARS = "*＊×xX•·"
_MASK_RUN = re.compile(rf"(?<=[0-9])[{re.escape(MASK_CHARS)}]+")
_LATIN_LETTER = re.compile(r"[A-Za-z]")

# CJK ideographs plus CJK / full-width punctuation: a space between two of
# these carries no meaning in Chinese text.
_CJK = (
    "\u3000-\u303f"  # CJK symbols and punctuation
    "\u3400-\u4dbf"  # extension A
    "\u4e00-\u9fff"  # unified ideographs
    "\uf900-\ufaff"  # compatibility ideographs
    "\uff01-\uff0f\uff1a-\uff20\uff3b-\uff40\uff5b-\uff65"  # full-width punctuation
)
_SPACE_BETWEEN_CJK = re.compile(rf"(?<=[{_CJK}]) (?=[{_CJK}])")
_WHITESPACE_RUN = re.compile(r"\s+")
_OUTER_SPACE = re.compile(r"^ | $")

# Upper bound on normalisation passes; one pass is enough for every input we
# know of, the loop only guards against replacements creating new matches.
_MAX_PASSES = 4


class VariantFileError(ValueError):
    """A variant file is missing, unreadable or breaks one of its rules."""


@dataclass(frozen=True)
class VariantTable:
    """Variant spellings mapped to their canonical spelling.

    Attributes:
        replacements: variant -> canonical spelling.
        source: file the table was loaded from (for messages).
    """

    replacements: Mapping[str, str]
    source: str
    pattern: re.Pattern[str] | None = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        """Compile one regex that matches any variant, longest first."""
        compiled = None
        if self.replacements:
            ordered = sorted(self.replacements, key=lambda v: (-len(v), v))
            compiled = re.compile("|".join(re.escape(v) for v in ordered))
        object.__setattr__(self, "pattern", compiled)


@lru_cache(maxsize=1)
def _t2s_converter() -> Any:
    """Build the OpenCC converter once, on first use (loading takes ~0.1 s)."""
    from opencc import OpenCC

    return OpenCC("t2s")


def to_simplified(text: str) -> str:
    """Convert traditional Chinese to simplified, keeping the text length.

    OpenCC converts phrase by phrase; should a phrase mapping change the
    length, the text is converted character by character instead, and a
    character whose conversion is not a single character is kept.

    Args:
        text: any text.

    Returns:
        The simplified text, of the same length as ``text``.
    """
    converter = _t2s_converter()
    converted = converter.convert(text)
    if len(converted) == len(text):
        return converted
    chars = []
    for char in text:
        single = converter.convert(char)
        chars.append(single if len(single) == 1 else char)
    return "".join(chars)


def to_halfwidth(text: str) -> str:
    """Turn full-width digits, Latin letters and the ideographic space half-width.

    Full-width punctuation (，！？：；（） ...) is Chinese punctuation and stays.

    Args:
        text: any text.

    Returns:
        The converted text, of the same length as ``text``.
    """
    return "".join(_halfwidth_char(char) for char in text)


def _halfwidth_char(char: str) -> str:
    code = ord(char)
    if char == _IDEOGRAPHIC_SPACE:
        return " "
    if (
        0xFF10 <= code <= 0xFF19  # ０-９
        or 0xFF21 <= code <= 0xFF3A  # Ａ-Ｚ
        or 0xFF41 <= code <= 0xFF5A  # ａ-ｚ
    ):
        return chr(code - _FULLWIDTH_OFFSET)
    return char


def _tracked_sub(
    pattern: re.Pattern[str],
    replace: Callable[[re.Match[str]], str],
    text: str,
    origins: list[int],
) -> tuple[str, list[int]]:
    """``pattern.sub`` that also maps every output character to its source.

    A replacement of the same length as its match maps character by
    character; any other replacement maps all its characters to the start of
    the match.
    """
    pieces: list[str] = []
    new_origins: list[int] = []
    position = 0
    for match in pattern.finditer(text):
        pieces.append(text[position : match.start()])
        new_origins.extend(origins[position : match.start()])
        replacement = replace(match)
        pieces.append(replacement)
        if len(replacement) == match.end() - match.start():
            new_origins.extend(origins[match.start() : match.end()])
        else:
            new_origins.extend([origins[match.start()]] * len(replacement))
        position = match.end()
    pieces.append(text[position:])
    new_origins.extend(origins[position:])
    return "".join(pieces), new_origins


def _whitespace_step(text: str, origins: list[int]) -> tuple[str, list[int]]:
    text, origins = _tracked_sub(_WHITESPACE_RUN, lambda m: " ", text, origins)
    text, origins = _tracked_sub(_OUTER_SPACE, lambda m: "", text, origins)
    return _tracked_sub(_SPACE_BETWEEN_CJK, lambda m: "", text, origins)


def _mask_step(text: str, origins: list[int]) -> tuple[str, list[int]]:
    def replace(match: re.Match[str]) -> str:
        run = match.group(0)
        following = text[match.end() : match.end() + 1]
        if any(c in "xX" for c in run) and _LATIN_LETTER.fullmatch(following or "-"):
            return run
        return "*" * len(run)

    return _tracked_sub(_MASK_RUN, replace, text, origins)


def _variant_step(text: str, origins: list[int], table: VariantTable) -> tuple[str, list[int]]:
    if table.pattern is None:
        return text, origins
    return _tracked_sub(table.pattern, lambda m: table.replacements[m.group(0)], text, origins)


def normalize_whitespace(text: str) -> str:
    """Strip, collapse whitespace runs and drop spaces between CJK characters.

    Args:
        text: any text.

    Returns:
        The text with normalised whitespace.
    """
    return _whitespace_step(text, list(range(len(text))))[0]


def normalize_masks(text: str) -> str:
    """Replace runs of mask characters after a digit with ``*``.

    A run that contains the letter x/X and is directly followed by a Latin
    letter is part of a word ("5xl"), not a mask, and is kept.

    Args:
        text: any text.

    Returns:
        The text with masks as ``*``, of the same length as ``text``.
    """
    return _mask_step(text, list(range(len(text))))[0]


def load_variants(path: Path | str = DEFAULT_VARIANTS_PATH) -> VariantTable:
    """Load and validate a variant file.

    The file holds a mapping ``variants: {canonical: [variant, ...]}``.

    Args:
        path: the YAML file.

    Returns:
        The validated table.

    Raises:
        VariantFileError: the file cannot be read or an entry is invalid; the
            message names the file and the entry.
    """
    path = Path(path)
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise VariantFileError(f"{path}: cannot read the file ({exc})") from exc
    except yaml.YAMLError as exc:
        raise VariantFileError(f"{path}: not valid YAML ({exc})") from exc

    if not isinstance(raw, dict) or not isinstance(raw.get("variants"), dict):
        raise VariantFileError(f"{path}: expected a top-level mapping 'variants: {{canonical: [variant, ...]}}'")
    entries: dict[Any, Any] = raw["variants"]
    replacements: dict[str, str] = {}
    canonicals = [c for c in entries if isinstance(c, str)]

    for canonical, variants in entries.items():
        where = f"{path}: entry '{canonical}'"
        if not isinstance(canonical, str) or not canonical.strip():
            raise VariantFileError(f"{where}: the canonical spelling must be a non-empty string")
        _check_form(canonical, f"{where}: canonical spelling", to_simplified)
        if not isinstance(variants, list) or not variants:
            raise VariantFileError(f"{where}: expected a non-empty list of variants")
        for index, variant in enumerate(variants, start=1):
            label = f"{where}, variant {index} ('{variant}')"
            if not isinstance(variant, str) or not variant.strip():
                raise VariantFileError(f"{label}: must be a non-empty string")
            _check_form(variant, label, to_simplified)
            if variant == canonical:
                raise VariantFileError(f"{label}: is the canonical spelling itself")
            if variant in replacements:
                raise VariantFileError(f"{label}: already listed for '{replacements[variant]}'")
            inside = [c for c in canonicals if variant in c]
            if inside:
                raise VariantFileError(
                    f"{label}: occurs inside the canonical spelling '{inside[0]}', "
                    "so normalising twice would change the text again"
                )
            if len(variant) != len(canonical):
                logger.debug("%s: length differs from the canonical spelling", label)
            replacements[variant] = canonical

    logger.debug("Loaded %d variant spellings from %s", len(replacements), path)
    return VariantTable(replacements=replacements, source=str(path))


def _check_form(value: str, label: str, simplify: Callable[[str], str]) -> None:
    """Reject spellings that the earlier normalisation steps would change."""
    if simplify(value) != value:
        raise VariantFileError(
            f"{label}: write it in simplified Chinese ('{simplify(value)}'); "
            "traditional text is converted before variants are matched"
        )
    if normalize_masks(normalize_whitespace(to_halfwidth(value))) != value:
        raise VariantFileError(
            f"{label}: must not contain whitespace, full-width letters or digits, " "or mask characters after digits"
        )


@lru_cache(maxsize=1)
def default_variants() -> VariantTable:
    """The packaged variant table, loaded once on first use."""
    return load_variants(DEFAULT_VARIANTS_PATH)


@dataclass(frozen=True)
class NormalizedText:
    """A normalised text and where each of its characters came from.

    Attributes:
        text: the normalised text.
        origins: for each character of ``text``, its index in the original.
    """

    text: str
    origins: tuple[int, ...]

    def map_span(self, start: int, end: int) -> tuple[int, int] | None:
        """Map a span ``[start, end)`` of the original text onto ``text``.

        Args:
            start: start offset in the original text.
            end: end offset (exclusive) in the original text.

        Returns:
            The span in the normalised text, or ``None`` when nothing of the
            original span is left (for example a span of whitespace).
        """
        inside = [i for i, origin in enumerate(self.origins) if start <= origin < end]
        if not inside:
            return None
        return inside[0], inside[-1] + 1


def normalize_with_offsets(text: str, variants: VariantTable | None = None) -> NormalizedText:
    """Normalise a text and keep the mapping back to the original offsets.

    Args:
        text: the raw message text.
        variants: variant table to use; the packaged table by default.

    Returns:
        The normalised text with the source index of each character.
    """
    table = variants if variants is not None else default_variants()
    current = text
    origins = list(range(len(text)))
    for _ in range(_MAX_PASSES):
        step_text = to_simplified(current)
        step_text = to_halfwidth(step_text)
        step_origins = list(range(len(step_text)))
        step_text, step_origins = _whitespace_step(step_text, step_origins)
        step_text, step_origins = _mask_step(step_text, step_origins)
        step_text, step_origins = _variant_step(step_text, step_origins, table)
        if step_text == current:
            break
        current = step_text
        origins = [origins[i] for i in step_origins]
    return NormalizedText(text=current, origins=tuple(origins))


def normalize_text(text: str, variants: VariantTable | None = None) -> str:
    """Normalise a user message (see the module docstring for the steps).

    Args:
        text: the raw message text.
        variants: variant table to use; the packaged table by default.

    Returns:
        The normalised text.
    """
    if not text:
        return ""
    return normalize_with_offsets(text, variants).text
