"""The production topology on one machine: ``make prod`` / ``make prod-down``.

PostgreSQL (conversations and tickets, each its own database), Redis
(conversation locks, the conversations' fallback while PostgreSQL is down),
two or more action servers and two or more Rasa replicas, the widget page,
and nginx in front of it all on one public address. Every process is a child
in its own process group with its log in ``<root>/log``; ``<root>/state.json``
records them so that ``down`` (another process) can stop them.

The same class starts the topology for the fault tests (``tests/prod``), on
free ports in a temporary folder. Settings come from the environment with
safe defaults (:meth:`ProdConfig.from_env`); secrets are generated into
``var/secrets`` on first use unless the environment has them.
"""

from __future__ import annotations

import argparse
import base64
import json
import logging
import os
import re
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from devstack.postgres import PostgresServer, binaries_present, server_account
from devstack.servers import (
    REPO,
    VENV_BIN,
    ManagedServer,
    ServerStartError,
    base_env,
    free_port,
    group_pids,
    rss_bytes,
    url_ok,
)

logger = logging.getLogger(__name__)

TEMPLATE = REPO / "deploy" / "nginx.conf.template"
# The command of each role: the same script the Docker image runs.
ENTRYPOINT = REPO / "deploy" / "entrypoint.sh"
SECRET_NAMES = {
    "JIEBEI_ACTION_TOKEN": "action_token",
    "JIEBEI_FIELD_KEY": "field_key",
    "JIEBEI_CHAT_JWT_SECRET": "chat_jwt",
    "PROD_DB_PASSWORD": "prod_db_password",
    "REDIS_PASSWORD": "prod_redis_password",
}
NGINX_WORKER_USER, NGINX_WORKER_GROUP = "nobody", "nogroup"
# Which secrets each role gets; every other process gets none.
ROLE_SECRETS = {
    "rasa": ("JIEBEI_ACTION_TOKEN", "JIEBEI_CHAT_JWT_SECRET", "REDIS_PASSWORD"),
    "actions": ("JIEBEI_ACTION_TOKEN", "JIEBEI_FIELD_KEY"),
    # The demo page plays the host page: it signs the demo customers' tokens.
    "widget": ("JIEBEI_CHAT_JWT_SECRET",),
}
ALL_SECRET_VARIABLES = {*SECRET_NAMES, "RASA_API_JWT_SECRET", "DATABASE_URL", "TRACKER_DB_PASSWORD"}
TRACKER_DB = "trackers"
TICKET_DB = "tickets"


class ProdError(RuntimeError):
    """The topology cannot start (a missing program, a busy port, a process that died)."""


def local_secret(name: str) -> str:
    """The local secret ``name`` from var/secrets (scripts/secret.sh creates it)."""
    return subprocess.run(
        [str(REPO / "scripts" / "secret.sh"), name], capture_output=True, text=True, check=True
    ).stdout.strip()


def _int(env: Mapping[str, str], name: str, default: int, minimum: int = 1) -> int:
    text = env.get(name) or str(default)
    if not text.isdigit() or int(text) < minimum:
        raise ProdError(f"{name} must be an integer >= {minimum}, got {text!r}")
    return int(text)


@dataclass
class ProdConfig:
    """Where everything listens and lives.

    Attributes:
        root: Folder of the data, logs and state (``var/prod``).
        public_port: nginx's port: the web chat, REST and socket.io.
        rasa_replicas / action_replicas: How many of each.
        model: The trained model every replica loads.
        ports: Internal ports by process name (loopback only).
        secrets: The secrets, by environment variable name.
        postgres_dir: PostgreSQL's folder (``<root>/postgres`` when None);
            PostgreSQL runs as its own user, which must be able to reach it.
        nginx_rate / nginx_burst: nginx's limit per client address.
        replica_env: Extra environment of the Rasa replicas (a load test
            from one address lifts their per-address limit).
    """

    root: Path
    public_port: int
    rasa_replicas: int
    action_replicas: int
    model: Path
    ports: dict[str, int] = field(default_factory=dict)
    secrets: dict[str, str] = field(default_factory=dict)
    postgres_dir: Path | None = None
    nginx_rate: str = "5r/s"
    nginx_burst: int = 20
    replica_env: dict[str, str] = field(default_factory=dict)

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> ProdConfig:
        """Reads PROD_PORT (8000), PROD_RASA_REPLICAS (2), PROD_ACTION_REPLICAS (2),
        PROD_BASE_PORT (18000: internal ports from there), PROD_DIR (var/prod), MODEL.

        Raises:
            ProdError: A malformed number.
        """
        env = os.environ if environ is None else environ
        base = _int(env, "PROD_BASE_PORT", 18000, minimum=1024)
        config = cls(
            root=Path(env.get("PROD_DIR") or REPO / "var" / "prod"),
            public_port=_int(env, "PROD_PORT", 8000),
            rasa_replicas=_int(env, "PROD_RASA_REPLICAS", 2),
            action_replicas=_int(env, "PROD_ACTION_REPLICAS", 2),
            model=Path(env.get("MODEL") or REPO / "models" / "current.tar.gz"),
            nginx_rate=env.get("PROD_NGINX_RATE") or "5r/s",
        )
        if not re.fullmatch(r"\d+r/[sm]", config.nginx_rate):
            raise ProdError(f"PROD_NGINX_RATE must look like 5r/s, got {config.nginx_rate!r}")
        config.ports = config.port_plan(lambda offset: base + offset)
        config.secrets = {name: env.get(name) or local_secret(file) for name, file in SECRET_NAMES.items()}
        return config

    @classmethod
    def for_tests(cls, root: Path, model: Path, rasa_replicas: int = 2, action_replicas: int = 2) -> ProdConfig:
        """Free ports, a temporary folder and fresh secrets."""
        config = cls(root, free_port(), rasa_replicas, action_replicas, model)
        config.postgres_dir = Path(tempfile.mkdtemp(prefix="prod-pg-"))
        config.ports = config.port_plan(lambda _offset: free_port())
        config.secrets = {name: secrets.token_urlsafe(32) for name in SECRET_NAMES}
        config.secrets["JIEBEI_FIELD_KEY"] = base64.urlsafe_b64encode(secrets.token_bytes(32)).decode("ascii")
        return config

    def port_plan(self, pick: Callable[[int], int]) -> dict[str, int]:
        """The internal ports, each from ``pick(offset)``."""
        ports = {"postgres": pick(32), "redis": pick(79), "actions-lb": pick(50), "widget": pick(80)}
        ports.update({f"rasa-{i}": pick(100 + i) for i in range(1, self.rasa_replicas + 1)})
        ports.update({f"actions-{i}": pick(150 + i) for i in range(1, self.action_replicas + 1)})
        return ports

    def lift_limits(self) -> None:
        """No per-address limits: a load test or benchmark sends everything from 127.0.0.1.

        The limits themselves are tested by the security suite.
        """
        self.nginx_rate, self.nginx_burst = "100000r/s", 100000
        self.replica_env = {"JIEBEI_CLIENT_RATE": "1000000/1", "JIEBEI_SENDER_RATE": "1000000/1"}

    def replicas(self, kind: str) -> list[str]:
        """Names of the replicas of ``kind`` ("rasa" or "actions"), in order."""
        numbered = [name for name in self.ports if name.startswith(f"{kind}-") and name[len(kind) + 1 :].isdigit()]
        return sorted(numbered, key=lambda name: int(name.rsplit("-", 1)[1]))

    @property
    def public_url(self) -> str:
        return f"http://localhost:{self.public_port}"

    @property
    def log_dir(self) -> Path:
        return self.root / "log"

    @property
    def state_file(self) -> Path:
        return self.root / "state.json"


def create_tracker_tables(database_url: str) -> None:
    """Creates the table of Rasa's SQL tracker store if it is missing."""
    import sqlalchemy as sa  # noqa: PLC0415 - heavy imports, only for `up`
    from rasa.core.tracker_store import SQLTrackerStore  # noqa: PLC0415

    engine = sa.create_engine(database_url)
    try:
        SQLTrackerStore.SQLEvent.metadata.create_all(engine)
    finally:
        engine.dispose()


def render_nginx(config: ProdConfig, prefix: Path) -> str:
    """nginx.conf for ``config`` from deploy/nginx.conf.template."""

    def servers(kind: str, extra: str) -> str:
        return "\n".join(f"        server 127.0.0.1:{config.ports[name]} {extra};" for name in config.replicas(kind))

    values = {
        "@USER@": f"user {NGINX_WORKER_USER} {NGINX_WORKER_GROUP};" if os.geteuid() == 0 else "",
        "@PREFIX@": str(prefix),
        "@PUBLIC_PORT@": str(config.public_port),
        "@RATE@": config.nginx_rate,
        "@BURST@": str(config.nginx_burst),
        "@WIDGET_PORT@": str(config.ports["widget"]),
        "@ACTION_LB_PORT@": str(config.ports["actions-lb"]),
        "@RASA_SERVERS@": servers("rasa", "max_fails=1 fail_timeout=10s"),
        "@ACTION_SERVERS@": servers("actions", "max_fails=1 fail_timeout=5s"),
    }
    text = TEMPLATE.read_text(encoding="utf-8")
    for placeholder, value in values.items():
        text = text.replace(placeholder, value)
    return text


class Topology:
    """Starts, inspects, breaks and stops the production topology."""

    def __init__(self, config: ProdConfig) -> None:
        self.config = config
        self.servers: dict[str, ManagedServer] = {}
        self.postgres = PostgresServer(
            config.postgres_dir or config.root / "postgres",
            config.ports["postgres"],
            server_account(),
            config.secrets["PROD_DB_PASSWORD"],
        )

    # ----------------------------------------------------------- the parts

    def _env(self, role: str | None = None) -> dict[str, str]:
        """The environment of one role: only the secrets that role needs (ROLE_SECRETS)."""
        env = base_env()
        for name in ALL_SECRET_VARIABLES:
            env.pop(name, None)
        env.update({name: self.config.secrets[name] for name in ROLE_SECRETS.get(role or "", ())})
        env["VENV"] = str(VENV_BIN.parent)  # deploy/entrypoint.sh runs from it
        return env

    def database_url(self, database: str) -> str:
        return self.postgres.url(database)

    def _redis(self) -> ManagedServer:
        port = self.config.ports["redis"]
        # The password in a private file, not on the command line (ps shows that).
        conf = self.config.root / "redis.conf"
        conf.touch(mode=0o600)
        conf.write_text(
            f"port {port}\nbind 127.0.0.1\nrequirepass {self.config.secrets['REDIS_PASSWORD']}\n"
            'save ""\nappendonly no\nmaxmemory-policy noeviction\n',
            encoding="utf-8",
        )
        return ManagedServer(
            "redis", ["redis-server", str(conf)], f"tcp://127.0.0.1:{port}", self.config.log_dir, env=self._env()
        )

    def _action_server(self, name: str) -> ManagedServer:
        port = self.config.ports[name]
        env = self._env("actions")
        env.update(
            {
                "DATABASE_URL": self.database_url(TICKET_DB),
                "TICKETS_OUTBOX_PATH": str(self.config.root / f"outbox-{name}.jsonl"),
            }
        )
        env["PORT"] = str(port)
        command = [str(ENTRYPOINT), "actions"]
        return ManagedServer(name, command, f"http://127.0.0.1:{port}/health", self.config.log_dir, env=env)

    def tracker_db_env(self) -> dict[str, str]:
        """Where the conversations are (endpoints.prod.yml / endpoints.postgres.yml read these)."""
        return {
            "ACTION_ENDPOINT_URL": f"http://127.0.0.1:{self.config.ports['actions-lb']}/webhook",
            "TRACKER_DB_HOST": "127.0.0.1",
            "TRACKER_DB_PORT": str(self.config.ports["postgres"]),
            "TRACKER_DB_NAME": TRACKER_DB,
            "TRACKER_DB_USER": self.postgres.user,
            "TRACKER_DB_PASSWORD": self.config.secrets["PROD_DB_PASSWORD"],
        }

    def _rasa(self, name: str) -> ManagedServer:
        port = self.config.ports[name]
        env = self._env("rasa")
        env.update(
            {
                **self.tracker_db_env(),
                "REDIS_HOST": "127.0.0.1",
                "REDIS_PORT": str(self.config.ports["redis"]),
                "JIEBEI_CHAT_AUTH": "jwt",
                # The client address behind nginx, for the replica's own limits.
                "SANIC_PROXIES_COUNT": "1",
                **self.config.replica_env,
            }
        )
        env.update({"PORT": str(port), "MODEL": str(self.config.model), "CORS_ORIGINS": self.config.public_url})
        command = [str(ENTRYPOINT), "rasa"]
        return ManagedServer(name, command, f"http://127.0.0.1:{port}/", self.config.log_dir, env=env)

    def _widget(self) -> ManagedServer:
        port = self.config.ports["widget"]
        env = self._env("widget")
        env["JIEBEI_CHAT_AUTH"] = "jwt"
        env.update({"PORT": str(port), "PUBLIC_URL": self.config.public_url})
        command = [str(ENTRYPOINT), "widget"]
        return ManagedServer("widget", command, f"http://127.0.0.1:{port}/widget.js", self.config.log_dir, env=env)

    def _nginx(self) -> ManagedServer:
        prefix = self.config.root / "nginx"
        temporary = [prefix / "tmp" / kind for kind in ("body", "proxy", "fastcgi", "uwsgi", "scgi")]
        for folder in temporary:
            folder.mkdir(parents=True, exist_ok=True)
            if os.geteuid() == 0:  # the workers run as nobody (the "user" line of the config)
                shutil.chown(folder, NGINX_WORKER_USER, NGINX_WORKER_GROUP)
        conf = prefix / "nginx.conf"
        conf.write_text(render_nginx(self.config, prefix), encoding="utf-8")
        command = ["nginx", "-p", str(prefix), "-e", str(prefix / "error.log"), "-c", str(conf), "-g", "daemon off;"]
        ready = f"http://127.0.0.1:{self.config.public_port}/healthz"
        return ManagedServer("nginx", command, ready, self.config.log_dir, env=self._env())

    # ------------------------------------------------------------ lifecycle

    def check_prerequisites(self) -> None:
        """Raises ProdError naming what is missing or busy."""
        missing = [program for program in ("nginx", "redis-server") if shutil.which(program) is None]
        if not binaries_present():
            missing.append("postgresql-15")
        if missing:
            raise ProdError(f"missing: {', '.join(missing)} (scripts/install_system_deps.sh installs them)")
        if not self.config.model.is_file():
            raise ProdError(f"no trained model at {self.config.model} (make train)")
        for name, port in [("public", self.config.public_port), *self.config.ports.items()]:
            if url_ok(f"tcp://127.0.0.1:{port}"):
                raise ProdError(f"port {port} ({name}) is in use: is the topology already up? (make prod-down)")

    def start_postgres(self) -> None:
        self.postgres.init()
        self.postgres.start()
        for database in (TRACKER_DB, TICKET_DB):
            self.postgres.ensure_database(database)
        # The conversation table, created here once: replicas starting together race for it.
        create_tracker_tables(self.database_url(TRACKER_DB))
        # Ticket tables: the migrations run once here, not in every action server.
        env = self._env("migrate")
        env["DATABASE_URL"] = self.database_url(TICKET_DB)
        subprocess.run([str(ENTRYPOINT), "migrate"], env=env, check=True, cwd=REPO)

    def start(self) -> None:
        """Starts every part and waits until each answers; stops what started on failure."""
        self.config.root.mkdir(parents=True, exist_ok=True)
        self.config.log_dir.mkdir(parents=True, exist_ok=True)
        self.check_prerequisites()
        try:
            print("starting PostgreSQL and Redis ...", flush=True)
            self.start_postgres()
            self._start_all([self._redis()])
            print("starting the action servers and the Rasa replicas (a minute or two) ...", flush=True)
            actions = [self._action_server(name) for name in self.config.replicas("actions")]
            replicas = [self._rasa(name) for name in self.config.replicas("rasa")]
            self._start_all([*actions, *replicas, self._widget()])
            self._start_all([self._nginx()])
        except Exception:
            self.stop()
            raise
        self.write_state()

    def _start_all(self, servers: list[ManagedServer]) -> None:
        """Starts servers in parallel (the replicas load their models at the same time)."""
        errors: list[BaseException] = []

        def start(server: ManagedServer) -> None:
            try:
                server.start()
            except BaseException as error:  # noqa: BLE001 - reported below
                errors.append(error)

        threads = [threading.Thread(target=start, args=(server,)) for server in servers]
        for server in servers:
            self.servers[server.name] = server
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        if errors:
            raise ProdError("; ".join(str(error) for error in errors))

    def stop(self) -> None:
        """Stops every process (nginx first, PostgreSQL last)."""
        for name in sorted(self.servers, key=_stop_order):
            self.servers[name].stop()
        self.postgres.stop()
        self.config.state_file.unlink(missing_ok=True)

    # ------------------------------------------------ faults (for the tests)

    def kill(self, name: str) -> None:
        """SIGKILL a process group, as a lost machine would."""
        server = self.servers[name]
        if server.process is not None and server.process.poll() is None:
            os.killpg(server.process.pid, signal.SIGKILL)
            server.process.wait(timeout=10)

    def restart(self, name: str) -> None:
        self.servers[name].stop()
        self.servers[name].start()

    def wait_until_balanced(self, timeout: float = 30) -> None:
        """Waits until nginx passes calls to the action servers again.

        nginx skips a server for ``fail_timeout`` seconds after it failed, even
        when it is back sooner.

        Raises:
            ProdError: Not within ``timeout`` seconds.
        """
        url = f"http://127.0.0.1:{self.config.ports['actions-lb']}/health"
        deadline = time.monotonic() + timeout
        while not url_ok(url):
            if time.monotonic() > deadline:
                raise ProdError(f"nginx did not reach an action server within {timeout:.0f} s")
            time.sleep(0.5)

    # ---------------------------------------------------------- bookkeeping

    def write_state(self) -> None:
        state = {
            "public_url": self.config.public_url,
            "postgres": str(self.postgres.base),
            "processes": {
                name: server.process.pid for name, server in self.servers.items() if server.process is not None
            },
        }
        self.config.state_file.write_text(json.dumps(state, indent=2), encoding="utf-8")

    def memory(self) -> dict[str, int]:
        """Resident memory of each process group, in bytes."""
        return {name: server.rss()["group"] for name, server in self.servers.items()}


def _stop_order(name: str) -> int:
    return {"nginx": 0, "widget": 1}.get(name, 3 if name.startswith("actions") else 2 if name.startswith("rasa") else 4)


def down(config: ProdConfig) -> int:
    """Stops a topology that another process started (reads state.json)."""
    if not config.state_file.is_file():
        print(f"nothing to stop: {config.state_file} does not exist")
        return 0
    state = json.loads(config.state_file.read_text(encoding="utf-8"))
    for name, pgid in sorted(state["processes"].items(), key=lambda item: _stop_order(item[0])):
        if not group_pids(pgid):
            continue
        os.killpg(pgid, signal.SIGTERM)
        deadline = time.monotonic() + 20
        while group_pids(pgid) and time.monotonic() < deadline:
            time.sleep(0.2)
        if group_pids(pgid):
            os.killpg(pgid, signal.SIGKILL)
        print(f"stopped {name}")
    PostgresServer(Path(state["postgres"]), 0, server_account()).stop()
    print("stopped postgres")
    config.state_file.unlink()
    return 0


def status(config: ProdConfig) -> int:
    """Prints each process, alive or not, with its memory; 1 if any is down."""
    if not config.state_file.is_file():
        print("the production topology is not running (make prod)")
        return 1
    state = json.loads(config.state_file.read_text(encoding="utf-8"))
    healthy = True
    for name, pgid in sorted(state["processes"].items()):
        pids = group_pids(pgid)
        healthy = healthy and bool(pids)
        memory = sum(rss_bytes(pid) for pid in pids) / 2**20
        print(f"  {name:<12} {'up' if pids else 'DOWN':<5} {memory:7.0f} MiB")
    print(f"  address: {state['public_url']}")
    return 0 if healthy else 1


def staff_command(config: ProdConfig, arguments: list[str]) -> tuple[list[str], dict[str, str]]:
    """The staff command (``python -m review ...``) for the topology's databases, and its environment.

    The passwords go to the command's environment only, never to the screen.
    """
    topology = Topology(config)
    env = {
        **os.environ,
        **topology.tracker_db_env(),
        "JIEBEI_ACTION_TOKEN": config.secrets["JIEBEI_ACTION_TOKEN"],
        "DATABASE_URL": topology.database_url(TICKET_DB),
    }
    return [sys.executable, "-m", "review", *arguments, "--endpoints", "endpoints.postgres.yml"], env


def staff(config: ProdConfig, arguments: list[str]) -> int:
    """Runs a staff command against the running topology; its exit code."""
    if not config.state_file.is_file():
        print("the production topology is not running (make prod)", file=sys.stderr)
        return 1
    command, env = staff_command(config, arguments)
    return subprocess.run(command, env=env, cwd=REPO, check=False).returncode


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("command", choices=["up", "down", "status", "staff"])
    parser.add_argument("arguments", nargs=argparse.REMAINDER, help="staff: the review command and its options")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING)
    try:
        config = ProdConfig.from_env()
        if args.command == "down":
            return down(config)
        if args.command == "status":
            return status(config)
        if args.command == "staff":
            return staff(config, args.arguments)
        topology = Topology(config)
        topology.start()
    except (ProdError, ServerStartError, subprocess.CalledProcessError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    print(
        f"\n借呗助手 production topology is up: {config.rasa_replicas} Rasa replicas, "
        f"{config.action_replicas} action servers, PostgreSQL, Redis, nginx.\n"
        f'  web chat and REST: {config.public_url}  (REST needs a customer token: README, "Security")\n'
        f"  logs:   {config.log_dir}\n"
        f"  status: make prod-status    stop: make prod-down"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
