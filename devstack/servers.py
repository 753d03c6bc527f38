"""Start and stop the project's servers (action server, Rasa server, helpers).

Used by the integration tests (``tests/support/servers.py``) and by the
benchmark (``bench/run.py``). Each server runs in its own process group, bound
to 127.0.0.1, with its output in ``<log_dir>/<name>.log``; a server that exits
or does not answer its readiness URL in time raises :class:`ServerStartError`
with the tail of its log.
"""

from __future__ import annotations

import base64
import logging
import os
import secrets
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.request
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

logger = logging.getLogger(__name__)

REPO = Path(__file__).resolve().parents[1]
VENV_BIN = Path(os.environ.get("VENV", REPO / ".venv")) / "bin"
# What each Sanic worker of `rasa run` logs once its model is loaded.
RASA_UP = "Rasa server is up and running"


class ServerStartError(RuntimeError):
    """A server exited or did not answer its readiness URL in time."""


def free_port() -> int:
    """Returns a TCP port that is free on 127.0.0.1 right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


# Secrets shared by the servers this process starts (unless the environment
# has its own): the action server's token and the sealed-slot key.
SESSION_SECRETS = {
    "JIEBEI_ACTION_TOKEN": secrets.token_urlsafe(32),
    "JIEBEI_FIELD_KEY": base64.urlsafe_b64encode(secrets.token_bytes(32)).decode("ascii"),
}


def base_env() -> dict[str, str]:
    """Returns the environment for child servers (no telemetry, UTF-8, repo on the path, secrets)."""
    env = {**SESSION_SECRETS, **os.environ}
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
    env.setdefault("SANIC_REQUEST_MAX_SIZE", "65536")
    # OpenBLAS threads would spin ~0.1 s after each matrix product, burning
    # the CPU other servers need (deploy/entrypoint.sh says more).
    env.setdefault("OPENBLAS_THREAD_TIMEOUT", "4")
    return env


def url_ok(url: str) -> bool:
    """Returns whether ``url`` answers within 2 seconds: HTTP 2xx, or a TCP connect for ``tcp://host:port``."""
    if url.startswith("tcp://"):
        host, _, port = url.removeprefix("tcp://").rpartition(":")
        try:
            with socket.create_connection((host, int(port)), timeout=2):
                return True
        except OSError:
            return False
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
class ManagedServer:
    """A child server process in its own process group, with a readiness URL.

    Attributes:
        name: Short name, also the log file name.
        command: The command line.
        ready_url: URL that answers HTTP 2xx once the server is ready
            (``tcp://host:port``: accepts connections).
        log_dir: Directory of the log file.
        env: Environment of the process.
        startup_timeout: Default seconds :meth:`start` waits for readiness.
    """

    name: str
    command: list[str]
    ready_url: str
    log_dir: Path
    env: dict[str, str] = field(default_factory=base_env)
    startup_timeout: float = 300
    process: subprocess.Popen[bytes] | None = None
    started_at: float = 0.0
    log_offset: int = 0

    @property
    def log_path(self) -> Path:
        return self.log_dir / f"{self.name}.log"

    def start(self, timeout: float | None = None) -> float:
        """Starts the process and waits until ``ready_url`` answers.

        Args:
            timeout: Seconds to wait for readiness (default: ``startup_timeout``).

        Returns:
            Seconds from start to ready.

        Raises:
            ServerStartError: The process exited or was not ready in time.
        """
        timeout = self.startup_timeout if timeout is None else timeout
        self.log_dir.mkdir(parents=True, exist_ok=True)
        with self.log_path.open("ab") as log:
            log.write(f"\n=== starting: {' '.join(self.command)}\n".encode())
            log.flush()
            self.log_offset = log.tell()
            start = self.started_at = time.monotonic()
            self.process = subprocess.Popen(
                self.command, cwd=REPO, env=self.env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
            )
        while time.monotonic() - start < timeout:
            if self.process.poll() is not None:
                raise ServerStartError(
                    f"{self.name} exited with code {self.process.returncode}; {self.log_path}:\n{self.log_tail()}"
                )
            if url_ok(self.ready_url):
                logger.info("%s ready at %s", self.name, self.ready_url)
                return time.monotonic() - start
            time.sleep(0.5)
        self.stop()
        raise ServerStartError(
            f"{self.name} did not answer {self.ready_url} within {timeout:.0f} s; {self.log_path}:\n{self.log_tail()}"
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

    def log_since_start(self) -> str:
        """What the server logged since its last :meth:`start` (the log file is appended to)."""
        try:
            with self.log_path.open("rb") as log:
                log.seek(self.log_offset)
                return log.read().decode("utf-8", errors="replace")
        except OSError:
            return ""

    def log_tail(self, lines: int = 30) -> str:
        """The last ``lines`` lines of the server's log."""
        try:
            return "\n".join(self.log_path.read_text(encoding="utf-8", errors="replace").splitlines()[-lines:])
        except OSError:
            return "(no log)"

    def rss(self) -> dict[str, int]:
        """Resident memory of the main process and of its whole process group, in bytes."""
        if self.process is None:
            return {"main": 0, "group": 0, "processes": 0}
        pids = group_pids(self.process.pid)
        return {"main": rss_bytes(self.process.pid), "group": sum(rss_bytes(p) for p in pids), "processes": len(pids)}


def action_server(port: int, log_dir: Path) -> ManagedServer:
    """The project's action server on 127.0.0.1 (tickets go where ``DATABASE_URL`` in its env points)."""
    return ManagedServer(
        name="actions",
        command=[str(VENV_BIN / "python"), "-m", "security.action_server", "--port", str(port)],
        ready_url=f"http://127.0.0.1:{port}/health",
        log_dir=log_dir,
    )


def rasa_server(
    model: Path,
    port: int,
    action_port: int,
    log_dir: Path,
    credentials: str = "credentials.yml",
    endpoints: str = "endpoints.yml",
    extra_args: Sequence[str] = (),
) -> ManagedServer:
    """The Rasa server on 127.0.0.1 with ``model``, calling the action server on ``action_port``.

    Args:
        model: The trained model.
        port: Port of the Rasa server.
        action_port: Port of the action server.
        log_dir: Directory of the log file.
        credentials: Channel credentials file (relative to the repository).
        endpoints: Endpoints file; ``endpoints.redis.yml`` needs ``REDIS_HOST``
            and ``REDIS_PORT`` in the server's env.
        extra_args: More ``rasa run`` arguments (``--enable-api``, ``--cors ...``).
    """
    env = base_env()
    env["ACTION_ENDPOINT_URL"] = f"http://127.0.0.1:{action_port}/webhook"
    # Tests and benchmarks send every conversation from 127.0.0.1: the
    # per-client limit would be theirs. The security tests set real limits.
    env.setdefault("JIEBEI_CLIENT_RATE", "1000000/1")
    env.setdefault("JIEBEI_SENDER_RATE", "1000000/1")
    command = [
        str(VENV_BIN / "rasa"),
        "run",
        "--model",
        str(model),
        "--interface",
        "127.0.0.1",
        "--port",
        str(port),
        "--credentials",
        credentials,
        "--endpoints",
        endpoints,
        *extra_args,
    ]
    return ManagedServer(name="rasa", command=command, ready_url=f"http://127.0.0.1:{port}/", env=env, log_dir=log_dir)


def wait_for_workers(rasa: ManagedServer, workers: int, timeout: float | None = None) -> None:
    """Waits until every Sanic worker of a started Rasa server has loaded the model.

    The readiness URL answers as soon as the first worker is up.

    Raises:
        ServerStartError: Not every worker logged its start in time.
    """
    timeout = rasa.startup_timeout if timeout is None else timeout
    deadline = time.monotonic() + timeout
    while rasa.log_since_start().count(RASA_UP) < workers:
        if time.monotonic() > deadline:
            raise ServerStartError(
                f"not all {workers} workers started in {timeout:.0f} s; {rasa.log_path}:\n{rasa.log_tail()}"
            )
        time.sleep(1)


def redis_server(port: int, log_dir: Path) -> ManagedServer:
    """A throw-away Redis server (Debian's ``redis-server``) on 127.0.0.1, without persistence."""
    return ManagedServer(
        name="redis",
        command=["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
        ready_url=f"tcp://127.0.0.1:{port}",
        log_dir=log_dir,
    )
