"""The action modules stay thin: short files, no module imported for another's constants or store."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ACTIONS = Path(__file__).resolve().parents[2] / "actions"
MAX_LINES = 300
MODULES = sorted(ACTIONS.glob("*.py"))


@pytest.mark.parametrize("path", MODULES, ids=[p.name for p in MODULES])
def test_no_action_module_is_over_the_limit(path):
    lines = len(path.read_text(encoding="utf-8").splitlines())
    assert lines <= MAX_LINES, f"{path.name} has {lines} lines: move pure code out of actions/ or split it"


@pytest.mark.parametrize("path", MODULES, ids=[p.name for p in MODULES])
def test_services_come_from_shared_only(path):
    """The engine and the ticket store are reached through actions.shared (tests replace them there)."""
    if path.name == "shared.py":
        return
    tree = ast.parse(path.read_text(encoding="utf-8"))
    imported = {
        alias.name
        for node in ast.walk(tree)
        if isinstance(node, ast.ImportFrom) and node.module in ("eligibility", "tickets")
        for alias in node.names
    }
    assert not imported & {"load_engine", "get_store", "build_store"}, path.name
