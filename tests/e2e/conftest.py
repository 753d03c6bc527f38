"""The real action server and Rasa server, shared by the end-to-end tests.

The Rasa server opens its HTTP API on loopback, so a test can read what
happened in a conversation (tests/e2e/test_button_walk.py). The action
server files tickets into a fresh PostgreSQL database that the tests start
(the production set-up), so the tests can check what the staff CLI sees and
changes. Without PostgreSQL binaries they skip, except under CI.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.support import servers
from tests.support.postgres import start_or_skip


@dataclass(frozen=True)
class Stack:
    """Where the running servers are, and the ticket database they use."""

    url: str
    database_url: str
    outbox_path: Path


@pytest.fixture(scope="session")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    if not servers.MODEL.is_file():
        pytest.fail(f"no trained model at {servers.MODEL} (run `make train`)")
    postgres = start_or_skip()
    try:
        postgres.admin("CREATE DATABASE tickets_e2e")
        database_url = postgres.url("tickets_e2e")
        outbox_path = tmp_path_factory.mktemp("tickets") / "outbox.jsonl"
        action_port, rasa_port = servers.free_port(), servers.free_port()
        actions = servers.action_server(action_port)
        actions.env.update({"DATABASE_URL": database_url, "TICKETS_OUTBOX_PATH": str(outbox_path)})
        rasa = servers.rasa_server(rasa_port, action_port, [], api=True)
        try:
            actions.start()
            rasa.start()
            yield Stack(f"http://127.0.0.1:{rasa_port}", database_url, outbox_path)
        finally:
            rasa.stop()
            actions.stop()
    finally:
        postgres.remove()
