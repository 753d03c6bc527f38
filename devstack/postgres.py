"""A PostgreSQL 15 server in a folder of our own: for ``make prod`` and for the tests.

``initdb`` once, then ``pg_ctl start``/``stop`` on a loopback port, as the
``postgres`` (or ``nobody``) user when running as root (PostgreSQL refuses to
run as root). With a password the cluster uses scram-sha-256; without one
(tests) it trusts loopback connections.
"""

from __future__ import annotations

import os
import pwd
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

import psycopg2

from devstack.servers import free_port

PG_BIN = Path(os.environ.get("TICKETS_PG_BIN", "/usr/lib/postgresql/15/bin"))
PG_USER = "tickets"


class PostgresError(RuntimeError):
    """initdb or pg_ctl failed (the message has their output)."""


def server_account() -> str | None:
    """The user to run PostgreSQL as, or None to run as ourselves."""
    if os.geteuid() != 0:
        return None
    for name in ("postgres", "nobody"):
        try:
            pwd.getpwnam(name)
        except KeyError:
            continue
        return name
    raise PostgresError("running as root and neither 'postgres' nor 'nobody' exists")


def binaries_present() -> bool:
    return (PG_BIN / "initdb").exists()


@dataclass
class PostgresServer:
    """A PostgreSQL cluster in ``base/data``, listening on 127.0.0.1:``port``."""

    base: Path
    port: int
    account: str | None
    password: str | None = None
    user: str = PG_USER

    @property
    def data_dir(self) -> Path:
        return self.base / "data"

    @property
    def log_path(self) -> Path:
        return self.base / "server.log"

    def _run(self, *command: str) -> subprocess.CompletedProcess[str]:
        prefix = [] if self.account is None else ["runuser", "-u", self.account, "--"]
        return subprocess.run([*prefix, *command], capture_output=True, text=True, timeout=120, check=False)

    def _own(self, path: Path) -> None:
        if self.account is not None:
            entry = pwd.getpwnam(self.account)
            os.chown(path, entry.pw_uid, entry.pw_gid)

    def init(self) -> None:
        """Creates the cluster if ``data_dir`` has none."""
        if (self.data_dir / "PG_VERSION").exists():
            return
        self.base.mkdir(parents=True, exist_ok=True)
        self._own(self.base)
        auth = ["-A", "trust"]
        if self.password is not None:
            pwfile = self.base / "pwfile"
            pwfile.write_text(self.password + "\n", encoding="utf-8")
            pwfile.chmod(0o600)
            self._own(pwfile)
            auth = ["-A", "scram-sha-256", f"--pwfile={pwfile}"]
        try:
            init = self._run(
                str(PG_BIN / "initdb"), "-D", str(self.data_dir), "-U", self.user, *auth,
                "-E", "UTF8", "--no-locale", "--no-sync",
            )  # fmt: skip
        finally:
            (self.base / "pwfile").unlink(missing_ok=True)
        if init.returncode != 0:
            raise PostgresError(f"initdb failed: {init.stderr}")

    def start(self, fast: bool = False) -> None:
        """Starts the server on ``port`` and waits until it accepts connections.

        Args:
            fast: Turn off fsync (tests: the data is thrown away).
        """
        options = f"-p {self.port} -k {self.base} -c listen_addresses=127.0.0.1"
        if fast:
            options += " -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
        started = self._run(
            str(PG_BIN / "pg_ctl"), "-D", str(self.data_dir), "-l", str(self.log_path),
            "-o", options, "-w", "-t", "60", "start",
        )  # fmt: skip
        if started.returncode != 0:
            log = self.log_path.read_text(errors="replace") if self.log_path.exists() else ""
            raise PostgresError(f"pg_ctl start failed: {started.stderr}\n{log[-2000:]}")

    def stop(self) -> None:
        """Stops the server (fast shutdown); the data stays."""
        self._run(str(PG_BIN / "pg_ctl"), "-D", str(self.data_dir), "-m", "fast", "-w", "stop")

    def running(self) -> bool:
        return self._run(str(PG_BIN / "pg_ctl"), "-D", str(self.data_dir), "status").returncode == 0

    def remove(self) -> None:
        """Stops the server and deletes its folder."""
        self.stop()
        shutil.rmtree(self.base, ignore_errors=True)

    def url(self, database: str) -> str:
        """SQLAlchemy URL of ``database`` on this server."""
        secret = f":{quote(self.password, safe='')}" if self.password else ""
        return f"postgresql+psycopg2://{self.user}{secret}@127.0.0.1:{self.port}/{database}"

    def connect(self, database: str = "postgres") -> psycopg2.extensions.connection:
        return psycopg2.connect(
            host="127.0.0.1", port=self.port, user=self.user, password=self.password, dbname=database
        )

    def admin(self, statement: str, database: str = "postgres") -> None:
        """Runs one statement outside a transaction (CREATE DATABASE ...)."""
        connection = self.connect(database)
        try:
            connection.autocommit = True
            with connection.cursor() as cursor:
                cursor.execute(statement)
        finally:
            connection.close()

    def ensure_database(self, name: str) -> None:
        connection = self.connect()
        try:
            connection.autocommit = True
            with connection.cursor() as cursor:
                cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,))
                if cursor.fetchone() is None:
                    cursor.execute(f'CREATE DATABASE "{name}"')
        finally:
            connection.close()


def throwaway_server() -> PostgresServer:
    """A trusting server in a new temporary folder on a free port, started (tests)."""
    account = server_account()
    base = Path(tempfile.mkdtemp(prefix="tickets-pg-"))
    server = PostgresServer(base, 0, account)
    server.init()
    error: PostgresError | None = None
    for _ in range(3):  # a free port may be taken between the check and the start
        server.port = free_port()
        try:
            server.start(fast=True)
            return server
        except PostgresError as failure:
            error = failure
    raise error or PostgresError("could not start PostgreSQL")
