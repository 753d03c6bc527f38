"""The staff-facing text of faqtool, kept in ``texts.yml`` beside this module."""

from __future__ import annotations

from pathlib import Path

from stafftext import Texts

TEXTS = Texts(Path(__file__).with_name("texts.yml"))
