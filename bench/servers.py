"""Start and stop the action server and the Rasa server for the benchmark.

Mirrors ``tests/widget/widget_servers.py`` (own process group, readiness URL,
log file) with what the benchmark needs on top: loopback-only binding, the
HTTP API for ``/model/parse``, and the resident memory of each server.
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

REPO = Path(__file__).resolve().parents[1]
VENV_BIN = Path(os.environ.get("VENV", REPO / ".venv")) / "bin"


class ServerStartError(RuntimeError):
    """A server exited or did not answer its readiness URL in time."""


def free_port() -> int:
    """Returns a TCP port that is free on 127.0.0.1 right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def base_env() -> dict[str, str]:
    """Environment of the child servers: no telemetry, UTF-8, the repo on the path."""
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
            "SANIC_HOST": "127.0.0.1",
        }
    )
    return env


def url_ok(url: str) -> bool:
    """Returns whether ``url`` answers HTTP 2xx within 2 seconds."""
    try:
        with urllib.request.urlopen(url, timeout=2) as response:  # noqa: S310 (loopback URL)
            return 200 <= response.status < 300
    except (urllib.error.URLError, OSError):
        return False


def rss_bytes(pid: int) -> int:
    """Resident memory of one process, from /proc/<pid>/status (0 if it is gone)."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024
    except OSError:
        return 0
    return 0


def group_pids(pgid: int) -> list[int]:
    """Processes of the process group ``pgid``."""
    pids = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[2]) == pgid:  # fields after ")": state, ppid, pgrp
            pids.append(int(entry.name))
    return pids


@dataclass
class Server:
    """A child server in its own process group.

    Attributes:
        name: Short name, also the log file name.
        command: Command line.
        ready_url: URL that answers 2xx once the server is ready.
        log_dir: Directory of the log file.
        env: Environment of the process.
    """

    name: str
    command: list[str]
    ready_url: str
    log_dir: Path
    env: dict[str, str] = field(default_factory=base_env)
    process: subprocess.Popen[bytes] | None = None

    @property
    def log_path(self) -> Path:
        return self.log_dir / f"{self.name}.log"

    def start(self, timeout: float = 300) -> float:
        """Starts the server and waits until it is ready.

        Returns:
            Seconds from start to ready.

        Raises:
            ServerStartError: The process exited or was not ready in time.
        """
        self.log_dir.mkdir(parents=True, exist_ok=True)
        with self.log_path.open("ab") as log:
            start = time.monotonic()
            self.process = subprocess.Popen(
                self.command, cwd=REPO, env=self.env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
            )
        while time.monotonic() - start < timeout:
            if self.process.poll() is not None:
                raise ServerStartError(f"{self.name} exited ({self.process.returncode}); see {self.log_path}")
            if url_ok(self.ready_url):
                return time.monotonic() - start
            time.sleep(0.5)
        self.stop()
        raise ServerStartError(f"{self.name} not ready within {timeout:.0f} s; see {self.log_path}")

    def stop(self) -> None:
        """SIGTERM to the process group, SIGKILL after 20 s."""
        if self.process is None or self.process.poll() is not None:
            return
        os.killpg(self.process.pid, signal.SIGTERM)
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=10)

    def rss(self) -> dict[str, int]:
        """Resident memory of the main process and of its whole process group, in bytes."""
        if self.process is None:
            return {"main": 0, "group": 0}
        pids = group_pids(self.process.pid)
        return {"main": rss_bytes(self.process.pid), "group": sum(rss_bytes(p) for p in pids), "processes": len(pids)}


def action_server(port: int, log_dir: Path) -> Server:
    """The project's action server on 127.0.0.1; appeals go to a scratch SQLite database in ``log_dir``."""
    env = base_env()
    env["DATABASE_URL"] = f"sqlite:///{log_dir / 'bench_tickets.db'}"
    env["TICKETS_OUTBOX_PATH"] = str(log_dir / "bench_tickets_outbox.jsonl")
    return Server(
        name="actions",
        command=[str(VENV_BIN / "rasa"), "run", "actions", "--actions", "actions", "--port", str(port)],
        ready_url=f"http://127.0.0.1:{port}/health",
        env=env,
        log_dir=log_dir,
    )


def rasa_server(model: Path, port: int, action_port: int, log_dir: Path) -> Server:
    """The Rasa server on 127.0.0.1 with the REST channel and the HTTP API."""
    env = base_env()
    env["ACTION_ENDPOINT_URL"] = f"http://127.0.0.1:{action_port}/webhook"
    return Server(
        name="rasa",
        command=[
            str(VENV_BIN / "rasa"),
            "run",
            "--model",
            str(model),
            "--interface",
            "127.0.0.1",
            "--port",
            str(port),
            "--enable-api",
            "--credentials",
            "credentials.yml",
            "--endpoints",
            "endpoints.yml",
        ],
        ready_url=f"http://127.0.0.1:{port}/status",
        env=env,
        log_dir=log_dir,
    )
