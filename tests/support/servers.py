"""Start and stop the project's servers for integration tests.

Each server runs in its own process group with its output in
``test-artifacts/servers/<name>.log``; a server that does not become ready in
time fails the test with the tail of its log.
"""

from __future__ import annotations

import logging
import os
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

logger = logging.getLogger(__name__)

REPO = Path(__file__).resolve().parents[2]
VENV_BIN = Path(os.environ.get("VENV", REPO / ".venv")) / "bin"
ARTIFACTS = REPO / "test-artifacts"
LOG_DIR = ARTIFACTS / "servers"
MODEL = REPO / os.environ.get("MODEL", "models/current.tar.gz")
STARTUP_TIMEOUT = float(os.environ.get("TEST_SERVER_STARTUP_TIMEOUT", "300"))
CREDENTIALS = os.environ.get("TEST_CREDENTIALS", "credentials.yml")


class ServerStartError(RuntimeError):
    """A server exited or did not answer its readiness URL in time."""


def free_port() -> int:
    """Returns a TCP port that is free on 127.0.0.1 right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def base_env() -> dict[str, str]:
    """Returns the environment for child servers (no telemetry, UTF-8, repo on the path)."""
    env = dict(os.environ)
    env.update(
        {
            "RASA_TELEMETRY_ENABLED": "false",
            "PYTHONPATH": str(REPO),
            "PYTHONIOENCODING": "utf-8",
            "LC_ALL": "C.UTF-8",
            "LANG": "C.UTF-8",
            "TF_CPP_MIN_LOG_LEVEL": "2",
            "SQLALCHEMY_SILENCE_UBER_WARNING": "1",
        }
    )
    return env


@dataclass
class ManagedServer:
    """A child server process with a readiness URL.

    Attributes:
        name: Short name, also the log file name.
        command: The command line.
        ready_url: URL that answers HTTP 2xx once the server is ready.
        env: Environment of the process.
    """

    name: str
    command: list[str]
    ready_url: str
    env: dict[str, str] = field(default_factory=base_env)
    process: subprocess.Popen[bytes] | None = None

    @property
    def log_path(self) -> Path:
        return LOG_DIR / f"{self.name}.log"

    def start(self, timeout: float = STARTUP_TIMEOUT) -> None:
        """Starts the process and waits until ``ready_url`` answers.

        Args:
            timeout: Seconds to wait for readiness.

        Raises:
            ServerStartError: The process exited or was not ready in time.
        """
        LOG_DIR.mkdir(parents=True, exist_ok=True)
        log = self.log_path.open("ab")
        log.write(f"\n=== starting: {' '.join(self.command)}\n".encode())
        log.flush()
        self.process = subprocess.Popen(
            self.command, cwd=REPO, env=self.env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
        )
        log.close()
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise ServerStartError(
                    f"{self.name} exited with code {self.process.returncode}; {self.log_path}:\n{self.log_tail()}"
                )
            if url_ok(self.ready_url):
                logger.info("%s ready at %s", self.name, self.ready_url)
                return
            time.sleep(0.5)
        self.stop()
        raise ServerStartError(
            f"{self.name} did not answer {self.ready_url} within {timeout:.0f} s "
            f"(set TEST_SERVER_STARTUP_TIMEOUT to wait longer); {self.log_path}:\n{self.log_tail()}"
        )

    def stop(self) -> None:
        """Stops the process group: SIGTERM, then SIGKILL after 20 s."""
        if self.process is None or self.process.poll() is not None:
            return
        pgid = self.process.pid  # start_new_session: the group id is the child's pid
        os.killpg(pgid, signal.SIGTERM)
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(pgid, signal.SIGKILL)
            self.process.wait(timeout=10)

    def log_tail(self, lines: int = 30) -> str:
        try:
            return "\n".join(self.log_path.read_text(encoding="utf-8", errors="replace").splitlines()[-lines:])
        except OSError:
            return "(no log)"


def url_ok(url: str) -> bool:
    """Returns whether ``url`` answers with HTTP 2xx within 2 seconds."""
    try:
        with urllib.request.urlopen(url, timeout=2) as response:  # noqa: S310 (local test URL)
            return 200 <= response.status < 300
    except (urllib.error.URLError, OSError):
        return False


def action_server(port: int) -> ManagedServer:
    """The project's action server."""
    return ManagedServer(
        name="actions",
        command=[str(VENV_BIN / "rasa"), "run", "actions", "--actions", "actions", "--port", str(port)],
        ready_url=f"http://127.0.0.1:{port}/health",
    )


def rasa_server(port: int, action_port: int, cors_origins: list[str]) -> ManagedServer:
    """The Rasa server with the trained model, the socket.io channel and CORS for the widget page."""
    env = base_env()
    env["ACTION_ENDPOINT_URL"] = f"http://127.0.0.1:{action_port}/webhook"
    return ManagedServer(
        name="rasa",
        command=[
            str(VENV_BIN / "rasa"),
            "run",
            "--model",
            str(MODEL),
            "--port",
            str(port),
            "--credentials",
            CREDENTIALS,
            "--endpoints",
            "endpoints.yml",
            "--cors",
            *cors_origins,
        ],
        ready_url=f"http://127.0.0.1:{port}/",
        env=env,
    )


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
