"""Fixtures for faqtool tests: a small project in a temporary directory."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from faqtool_helpers import CONVERSATION_NLU, CREDIT_LIMIT_FAQ

from faqtool.cli import cli


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A project directory (the current directory) with a small data/ tree."""
    (tmp_path / "data" / "nlu").mkdir(parents=True)
    (tmp_path / "data" / "faq").mkdir()
    (tmp_path / "data" / "nlu" / "conversation.yml").write_text(CONVERSATION_NLU, encoding="utf-8")
    (tmp_path / "data" / "faq" / "credit_limit.yml").write_text(CREDIT_LIMIT_FAQ, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    return tmp_path


@pytest.fixture
def run() -> Callable[..., Result]:
    """Invoke the faqtool CLI with arguments, in the current directory."""

    def invoke(*args: str) -> Result:
        return CliRunner().invoke(cli, list(args), catch_exceptions=False)

    return invoke
