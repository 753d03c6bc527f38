"""Support staff learn from real conversations: ``python -m review --help``.

``unanswered`` lists (and exports as an FAQ spreadsheet) the questions the
assistant did not answer well; ``report`` writes an HTML page of figures.
Both read the tracker store of an endpoints file; :mod:`review.analysis`
does the counting without Rasa.
"""

from __future__ import annotations

from pathlib import Path

from stafftext import Texts

# What the commands and the report show staff (Chinese), read from texts.yml.
TEXTS = Texts(Path(__file__).with_name("texts.yml"))
