"""The production topology (devstack/prod.py) on loopback, for the fault tests.

Two Rasa replicas, two action servers, PostgreSQL, Redis and nginx, on free
ports in a temporary folder, with fresh secrets. The tests break parts of it
and must leave it whole again (each restores what it broke).
"""

from __future__ import annotations

import json
import shutil
import tempfile
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from devstack.prod import ProdConfig, Topology
from security.tokens import issue
from tests.support import servers
from tests.support.prerequisites import require


@pytest.fixture(scope="session")
def topology() -> Iterator[Topology]:
    if not servers.MODEL.is_file():
        pytest.fail(f"no trained model at {servers.MODEL} (run `make train`)")
    # Not under pytest's private temporary folder: nginx's workers (nobody)
    # and PostgreSQL (postgres) must reach their folders.
    root = Path(tempfile.mkdtemp(prefix="prod-topology-"))
    root.chmod(0o755)
    config = ProdConfig.for_tests(root, servers.MODEL)
    config.lift_limits()  # every client comes from 127.0.0.1
    prod = Topology(config)
    try:
        prod.check_prerequisites()
    except Exception as error:  # noqa: BLE001 - reported as a skip (a failure under CI)
        require(False, str(error))
    prod.start()
    try:
        yield prod
    finally:
        prod.stop()
        prod.postgres.remove()
        shutil.rmtree(root, ignore_errors=True)


class Customer:
    """A customer talking REST through nginx with their own token."""

    def __init__(self, topology: Topology, customer_id: str) -> None:
        self.id = customer_id
        self.url = f"http://127.0.0.1:{topology.config.public_port}/webhooks/rest/webhook"
        self.token = issue(customer_id, topology.config.secrets["JIEBEI_CHAT_JWT_SECRET"])

    def say(self, message: str) -> list[dict[str, Any]]:
        """One message; returns the bot's messages (raises on an HTTP error)."""
        request = urllib.request.Request(
            self.url,
            data=json.dumps({"message": message}).encode("utf-8"),
            headers={"Content-Type": "application/json", "Authorization": f"Bearer {self.token}"},
        )
        with urllib.request.urlopen(request, timeout=120) as response:  # noqa: S310 (loopback)
            return json.loads(response.read().decode("utf-8"))

    def texts(self, message: str) -> list[str]:
        return [reply.get("text", "") for reply in self.say(message)]


@pytest.fixture()
def customer(topology: Topology, request: pytest.FixtureRequest) -> Customer:
    return Customer(topology, "c-" + request.node.name[:40].replace("[", "-").replace("]", "").replace("_", "-"))


def tracker_events(topology: Topology, sender: str) -> list[dict[str, Any]]:
    """The conversation's events as stored in PostgreSQL."""
    connection = topology.postgres.connect("trackers")
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT data FROM events WHERE sender_id = %s ORDER BY id", (sender,))
            return [json.loads(data) for (data,) in cursor.fetchall()]
    finally:
        connection.close()


def tickets_of(topology: Topology, sender: str) -> list[str]:
    connection = topology.postgres.connect("tickets")
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT number FROM tickets WHERE sender_id = %s", (sender,))
            return [number for (number,) in cursor.fetchall()]
    finally:
        connection.close()


def http_status(url: str) -> int:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:  # noqa: S310 (loopback)
            return response.status
    except urllib.error.HTTPError as error:
        return error.code
