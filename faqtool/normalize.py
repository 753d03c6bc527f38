"""The form in which questions are compared to find duplicates."""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from functools import lru_cache

logger = logging.getLogger(__name__)

# Rasa entity annotations: [text](entity), [text](entity:value), [text]{...}.
_ENTITY_ANNOTATION = re.compile(r"\[([^\]]+)\](?:\([^)]*\)|\{[^}]*\})")


@lru_cache(maxsize=1)
def _project_normalizer() -> Callable[[str], str] | None:
    """Return ``jiebei_nlu.normalize.normalize_text`` if it can be imported."""
    try:
        from jiebei_nlu.normalize import normalize_text
    except Exception:  # noqa: BLE001 - any import failure means "not available"
        logger.info("jiebei_nlu.normalize unavailable; comparing questions by whitespace only")
        return None
    return normalize_text


def strip_annotations(example: str) -> str:
    """Replace Rasa entity annotations in a training example by their text."""
    return _ENTITY_ANNOTATION.sub(r"\1", example)


def comparison_form(text: str) -> str:
    """Return the form used to decide whether two questions are the same.

    Whitespace runs are collapsed; when the project's text normaliser is
    importable it is applied as well, so that questions the model would see
    as identical are also identical here.

    Args:
        text: A question or training example (annotations are removed).

    Returns:
        The comparison key.
    """
    collapsed = " ".join(strip_annotations(text).split())
    normalizer = _project_normalizer()
    if normalizer is not None:
        collapsed = " ".join(normalizer(collapsed).split())
    return collapsed
