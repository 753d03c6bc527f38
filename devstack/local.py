"""`make run` and `make shell`: the assistant on this machine for a developer.

The action server (and, for ``run``, the web chat page) start in the
background with the same start-up and readiness checks the tests use
(:class:`devstack.servers.ManagedServer`); the Rasa server or ``rasa shell``
then runs in the foreground. Ctrl+C stops everything. Ports and files come
from the environment: ``RASA_PORT`` (5005), ``ACTION_PORT`` (5055),
``WIDGET_PORT`` (8080), ``MODEL``, ``ENDPOINTS``; ``make run`` and ``make
shell`` side by side need different ports for the second.

Usage: python -m devstack.local run|shell
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
from dataclasses import dataclass

from devstack.servers import REPO, VENV_BIN, ManagedServer, ServerStartError, action_server, base_env

LOG_DIR = REPO / "var" / "log"


@dataclass(frozen=True)
class Settings:
    """What ``make run`` / ``make shell`` serve, from the environment."""

    model: str
    endpoints: str
    rasa_port: int
    action_port: int
    widget_port: int

    @classmethod
    def from_env(cls) -> Settings:
        env = os.environ
        try:
            return cls(
                model=env.get("MODEL", "models/current.tar.gz"),
                endpoints=env.get("ENDPOINTS", "endpoints.yml"),
                rasa_port=int(env.get("RASA_PORT", "5005")),
                action_port=int(env.get("ACTION_PORT", "5055")),
                widget_port=int(env.get("WIDGET_PORT", "8080")),
            )
        except ValueError as error:
            raise SystemExit(f"error: RASA_PORT, ACTION_PORT and WIDGET_PORT must be numbers ({error})") from None


def answers(host: str, port: int) -> bool:
    """Whether something accepts connections at ``host:port``."""
    try:
        with socket.create_connection((host, port), timeout=1):
            return True
    except OSError:
        return False


def problems(mode: str, settings: Settings) -> list[str]:
    """Why the servers cannot start, as messages naming the fix; empty when they can."""
    ports = [settings.rasa_port, settings.action_port] + ([settings.widget_port] if mode == "run" else [])
    found = [
        f"port {port} is already in use (another `make run` or `make shell`?). Stop it, or choose other ports "
        f"for this one: RASA_PORT=5006 ACTION_PORT=5056 WIDGET_PORT=8081 make {mode}"
        for port in ports
        if answers("127.0.0.1", port)
    ]
    endpoints = REPO / settings.endpoints
    if not endpoints.is_file():
        found.append(f"endpoints file {settings.endpoints} not found (ENDPOINTS=...)")
    elif "type: redis" in endpoints.read_text(encoding="utf-8"):
        host, port = os.environ.get("REDIS_HOST", "127.0.0.1"), int(os.environ.get("REDIS_PORT", "6379"))
        if not answers(host, port):
            found.append(
                f"{settings.endpoints} keeps conversations in Redis, but nothing answers at {host}:{port}: start "
                f"Redis (redis-server --port {port}), set REDIS_HOST/REDIS_PORT, or use the default endpoints.yml"
            )
    return found


def rasa_command(mode: str, settings: Settings) -> list[str]:
    """The foreground command: the Rasa server with the web chat's channels, or ``rasa shell``."""
    rasa = str(VENV_BIN / "rasa")
    common = ["--model", settings.model, "--endpoints", settings.endpoints, "--port", str(settings.rasa_port)]
    if mode == "shell":
        return [rasa, "shell", *common]
    command = [rasa, "run", *common, "--interface", os.environ.get("RASA_INTERFACE", "127.0.0.1")]
    command += ["--credentials", "credentials.yml"]
    command += ["--cors", os.environ.get("CORS_ORIGINS", f"http://localhost:{settings.widget_port}")]
    secret = os.environ.get("RASA_API_JWT_SECRET")
    if secret:
        # Rasa's HTTP API (/model/parse, /conversations ...) only on request, and then behind a JWT.
        command += ["--enable-api", "--jwt-secret", secret, "--jwt-method", "HS256"]
    return command


def banner(mode: str, settings: Settings) -> str:
    if mode == "shell":
        return "Type a message in Chinese, e.g. 芝麻分750为什么开不了借呗  (/stop to quit)"
    auth = os.environ.get("JIEBEI_CHAT_AUTH", "anonymous")
    sessions = auth + (
        " (demo: the client picks its conversation id; production sets JIEBEI_CHAT_AUTH=jwt)"
        if auth == "anonymous"
        else ""
    )
    api = (
        "enabled; every call needs a JWT signed with RASA_API_JWT_SECRET"
        if os.environ.get("RASA_API_JWT_SECRET")
        else "off"
    )
    rest = f'curl -s localhost:{settings.rasa_port}/webhooks/rest/webhook -d \'{{"sender":"me","message":"你好"}}\''
    return f"""
借呗助手 is starting (model: {settings.model}); the Rasa server needs about a minute to load.
  web chat:  http://localhost:{settings.widget_port}   (use localhost, not 127.0.0.1: CORS allows this origin)
  REST:      {rest}
  logs:      var/log/actions.log, var/log/widget.log; the Rasa server logs below
  sessions:  {sessions}
  HTTP API:  {api}
Stop with Ctrl+C.
"""


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if args not in (["run"], ["shell"]):
        print("usage: python -m devstack.local run|shell", file=sys.stderr)
        return 2
    mode, settings = args[0], Settings.from_env()
    found = problems(mode, settings)
    if found:
        for problem in found:
            print(f"error: {problem}", file=sys.stderr)
        return 1
    background: list[ManagedServer] = [action_server(settings.action_port, LOG_DIR)]
    if mode == "run":
        widget = [str(VENV_BIN / "python"), "widget/serve.py", "--port", str(settings.widget_port)]
        widget += ["--rasa-url", f"http://localhost:{settings.rasa_port}"]
        ready = f"http://127.0.0.1:{settings.widget_port}/widget.js"
        background.append(ManagedServer(name="widget", command=widget, ready_url=ready, log_dir=LOG_DIR))
    env = {**base_env(), "ACTION_ENDPOINT_URL": f"http://127.0.0.1:{settings.action_port}/webhook"}
    # SIGTERM (a supervisor, `timeout`) stops the servers as Ctrl+C does.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    foreground: subprocess.Popen[bytes] | None = None
    try:
        for server in background:
            print(f"starting {server.name} ...", end=" ", flush=True)
            seconds = server.start(timeout=120)
            print(f"ready ({seconds:.0f} s)")
        print(banner(mode, settings), flush=True)
        foreground = subprocess.Popen(rasa_command(mode, settings), cwd=REPO, env=env)
        return foreground.wait()
    except ServerStartError as error:
        print(f"\nerror: {error}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130
    finally:
        if foreground is not None and foreground.poll() is None:
            foreground.terminate()
            foreground.wait(timeout=30)
        for server in reversed(background):
            server.stop()


if __name__ == "__main__":
    sys.exit(main())
