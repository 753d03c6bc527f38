"""The project's servers, set up for the integration tests.

The process handling is in ``devstack/servers.py`` (shared with the
benchmark); this module adds the test settings: logs in
``test-artifacts/servers/``, the model and credentials the tests use, and the
start-up timeout (``TEST_SERVER_STARTUP_TIMEOUT``, seconds).
"""

from __future__ import annotations

import os
from dataclasses import dataclass

from devstack import servers as devstack
from devstack.servers import (  # noqa: F401 (re-exported)
    REPO,
    ManagedServer,
    ServerStartError,
    free_port,
    wait_for_workers,
)

ARTIFACTS = REPO / "test-artifacts"
LOG_DIR = ARTIFACTS / "servers"
MODEL = REPO / os.environ.get("MODEL", "models/current.tar.gz")
STARTUP_TIMEOUT = float(os.environ.get("TEST_SERVER_STARTUP_TIMEOUT", "300"))
CREDENTIALS = os.environ.get("TEST_CREDENTIALS", "credentials.yml")


def managed(name: str, command: list[str], ready_url: str) -> ManagedServer:
    """A helper process for a test, logging to ``test-artifacts/servers/<name>.log``."""
    return ManagedServer(name=name, command=command, ready_url=ready_url, log_dir=LOG_DIR)


def redis_server(port: int) -> ManagedServer:
    """A throw-away Redis server."""
    return devstack.redis_server(port, LOG_DIR)


def action_server(port: int) -> ManagedServer:
    """The project's action server."""
    server = devstack.action_server(port, LOG_DIR)
    server.startup_timeout = STARTUP_TIMEOUT
    return server


def rasa_server(
    port: int, action_port: int, cors_origins: list[str], endpoints: str = "endpoints.yml", api: bool = False
) -> ManagedServer:
    """The Rasa server with the trained model, the test credentials and CORS for the widget page.

    ``api`` opens Rasa's HTTP API (trackers) without a token: loopback test servers only.
    """
    extra = ["--cors", *cors_origins] if cors_origins else []
    extra += ["--enable-api"] if api else []
    server = devstack.rasa_server(
        MODEL, port, action_port, LOG_DIR, credentials=CREDENTIALS, endpoints=endpoints, extra_args=extra
    )
    server.startup_timeout = STARTUP_TIMEOUT
    return server


@dataclass
class RasaStack:
    """The running action server and Rasa server; the Rasa server can be stopped and restarted.

    Attributes:
        actions: The action server.
        rasa: The Rasa server.
        url: Base URL of the Rasa server (the widget's data-server).
    """

    actions: ManagedServer
    rasa: ManagedServer
    url: str

    def stop_rasa(self) -> None:
        """Stops the Rasa server (the action server keeps running)."""
        self.rasa.stop()

    def start_rasa(self) -> None:
        """Starts the Rasa server again on the same port and waits until it is ready."""
        self.rasa.start()
