"""Missing system prerequisites: skip the test locally, fail it under CI.

CI (``CI`` set to anything but 0/false/no) installs every prerequisite
(scripts/install_system_deps.sh, `npm ci`, `make train`), so there a missing
one is a broken set-up, not a reason to skip.
"""

from __future__ import annotations

import importlib
import os
from types import ModuleType
from typing import NoReturn

import pytest


def running_in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() not in ("", "0", "false", "no")


def skip_or_fail(reason: str) -> NoReturn:
    """Skips the test; under CI, fails it."""
    if running_in_ci():
        pytest.fail(f"required under CI: {reason}")
    pytest.skip(reason)


def require(condition: bool, reason: str) -> None:
    """:func:`skip_or_fail` with ``reason`` unless ``condition`` holds."""
    if not condition:
        skip_or_fail(reason)


def import_or_fail(name: str) -> ModuleType:
    """Imports module ``name``; when it is missing, :func:`skip_or_fail`."""
    try:
        return importlib.import_module(name)
    except ImportError as error:
        skip_or_fail(f"module {name} is missing ({error})")
