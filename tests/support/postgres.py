"""A throw-away PostgreSQL 15 server for tests.

``initdb`` into a temporary folder and ``pg_ctl start`` on a free loopback
port, as the ``postgres`` (or ``nobody``) user when the tests run as root.
When the binaries are missing, tests skip, except under CI (``CI`` set), where
they fail: scripts/install_system_deps.sh installs them.
"""

from __future__ import annotations

import os
import pwd
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

import psycopg2

from tests.support.prerequisites import skip_or_fail
from tests.support.servers import free_port

PG_BIN = Path(os.environ.get("TICKETS_PG_BIN", "/usr/lib/postgresql/15/bin"))
PG_USER = "tickets"


def _server_account() -> str | None:
    """Return the user to run PostgreSQL as, or None to run as ourselves."""
    if os.geteuid() != 0:
        return None
    for name in ("postgres", "nobody"):
        try:
            pwd.getpwnam(name)
        except KeyError:
            continue
        return name
    raise RuntimeError("running as root and neither 'postgres' nor 'nobody' exists")


@dataclass
class PostgresServer:
    """A PostgreSQL server in a temporary folder."""

    data_dir: Path
    port: int
    account: str | None

    def _run(self, *command: str) -> subprocess.CompletedProcess[str]:
        prefix = [] if self.account is None else ["runuser", "-u", self.account, "--"]
        return subprocess.run([*prefix, *command], capture_output=True, text=True, timeout=120, check=False)

    @classmethod
    def start(cls) -> PostgresServer:
        account = _server_account()
        base = Path(tempfile.mkdtemp(prefix="tickets-pg-"))
        if account is not None:
            entry = pwd.getpwnam(account)
            os.chown(base, entry.pw_uid, entry.pw_gid)
        server = cls(base / "data", 0, account)
        init = server._run(
            str(PG_BIN / "initdb"),
            "-D",
            str(server.data_dir),
            "-U",
            PG_USER,
            "-A",
            "trust",
            "-E",
            "UTF8",
            "--no-locale",
            "--no-sync",
        )
        if init.returncode != 0:
            raise RuntimeError(f"initdb failed: {init.stderr}")
        for _ in range(3):
            server.port = free_port()
            options = (
                f"-p {server.port} -k {base} -c listen_addresses=127.0.0.1 "
                "-c fsync=off -c synchronous_commit=off -c full_page_writes=off"
            )
            started = server._run(
                str(PG_BIN / "pg_ctl"),
                "-D",
                str(server.data_dir),
                "-l",
                str(base / "server.log"),
                "-o",
                options,
                "-w",
                "-t",
                "60",
                "start",
            )
            if started.returncode == 0:
                return server
        log = (base / "server.log").read_text(errors="replace")
        raise RuntimeError(f"pg_ctl start failed: {started.stderr}\n{log}")

    def stop(self) -> None:
        self._run(str(PG_BIN / "pg_ctl"), "-D", str(self.data_dir), "-m", "fast", "-w", "stop")
        shutil.rmtree(self.data_dir.parent, ignore_errors=True)

    def url(self, database: str) -> str:
        return f"postgresql+psycopg2://{PG_USER}@127.0.0.1:{self.port}/{database}"

    def admin(self, statement: str, database: str = "postgres") -> None:
        connection = psycopg2.connect(host="127.0.0.1", port=self.port, user=PG_USER, dbname=database)
        try:
            connection.autocommit = True
            with connection.cursor() as cursor:
                cursor.execute(statement)
        finally:
            connection.close()


def start_or_skip() -> PostgresServer:
    """Starts a server; skips the test (fails it under CI) without the binaries."""
    if not (PG_BIN / "initdb").exists():
        skip_or_fail(
            f"PostgreSQL 15 binaries not found in {PG_BIN}; install postgresql-15 (scripts/install_system_deps.sh)"
        )
    return PostgresServer.start()
