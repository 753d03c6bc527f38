"""User text inside a bot message, shown as the user wrote it.

Rasa fills ``{slot}`` placeholders with ``str.format`` and gives up, sending
the raw template, when a filled value contains ``0[`` (its marker for an
unfilled placeholder); the widget reads ``**``, ``[text](url)`` and other
channels read HTML; the widget also links bare URLs. So any text a user (or staff) wrote that a response
repeats passes through :func:`as_literal`: the characters that mean something
to a template or to markup become their full-width forms, which read the same
in Chinese text and mean nothing to either, and ``://`` loses its colon
to a full-width one, so a typed address is not a link.
"""

from __future__ import annotations

_LITERAL = str.maketrans(
    {
        "{": "｛",
        "}": "｝",
        "[": "［",
        "]": "］",
        "*": "＊",
        "`": "｀",
        "<": "＜",
        ">": "＞",
        "_": "＿",
        "\\": "＼",
    }
)


def as_literal(text: str) -> str:
    """``text`` with template, markup and link characters replaced by full-width forms."""
    return text.translate(_LITERAL).replace("://", "：//")
