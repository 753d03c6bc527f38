"""Fixtures of the ticket store tests, including a throw-away PostgreSQL 15.

The PostgreSQL server is started by the tests themselves: ``initdb`` into a
temporary folder and ``pg_ctl start`` on a free loopback port, as the
``postgres`` (or ``nobody``) user when the tests run as root. When the
binaries are missing the PostgreSQL tests are skipped, except under CI
(``CI`` set), where they fail: scripts/install_system_deps.sh installs them.
"""

from __future__ import annotations

import os
import pwd
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import psycopg2
import pytest

from tickets.store import InMemoryTicketStore, SqlTicketStore, TicketStore

PG_BIN = Path(os.environ.get("TICKETS_PG_BIN", "/usr/lib/postgresql/15/bin"))
PG_USER = "tickets"


def running_in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() not in ("", "0", "false", "no")


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


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
        return subprocess.run(
            [*prefix, *command], capture_output=True, text=True, timeout=120, check=False
        )

    @classmethod
    def start(cls) -> PostgresServer:
        account = _server_account()
        base = Path(tempfile.mkdtemp(prefix="tickets-pg-"))
        if account is not None:
            entry = pwd.getpwnam(account)
            os.chown(base, entry.pw_uid, entry.pw_gid)
        server = cls(base / "data", 0, account)
        init = server._run(
            str(PG_BIN / "initdb"), "-D", str(server.data_dir), "-U", PG_USER,
            "-A", "trust", "-E", "UTF8", "--no-locale", "--no-sync",
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
                str(PG_BIN / "pg_ctl"), "-D", str(server.data_dir), "-l",
                str(base / "server.log"), "-o", options, "-w", "-t", "60", "start",
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
        connection = psycopg2.connect(
            host="127.0.0.1", port=self.port, user=PG_USER, dbname=database
        )
        try:
            connection.autocommit = True
            with connection.cursor() as cursor:
                cursor.execute(statement)
        finally:
            connection.close()


TEST_DATABASE = "tickets_test"


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[PostgresServer]:
    if not (PG_BIN / "initdb").exists():
        message = (
            f"PostgreSQL 15 binaries not found in {PG_BIN}; "
            "install postgresql-15 (scripts/install_system_deps.sh)"
        )
        if running_in_ci():
            pytest.fail(message)
        pytest.skip(message)
    server = PostgresServer.start()
    server.admin(f"CREATE DATABASE {TEST_DATABASE}")
    yield server
    server.stop()


@pytest.fixture
def postgres_url(postgres_server: PostgresServer) -> str:
    """URL of an empty test database (its public schema is recreated for each
    test, which is much faster than CREATE DATABASE)."""
    postgres_server.admin(
        "DROP SCHEMA public CASCADE; CREATE SCHEMA public", database=TEST_DATABASE
    )
    return postgres_server.url(TEST_DATABASE)


StoreFactory = Callable[..., TicketStore]


@pytest.fixture(params=["in_memory", "sqlite_memory", "postgresql"])
def make_store(request: pytest.FixtureRequest) -> Iterator[StoreFactory]:
    """Build stores of one backend; keyword arguments go to the constructor.

    ``in_memory`` is the dict fake, ``sqlite_memory`` the SQL store on an
    in-memory SQLite database, ``postgresql`` the SQL store on the test server.
    """
    sql_stores: list[SqlTicketStore] = []
    if request.param == "in_memory":
        yield lambda **options: InMemoryTicketStore(**options)
        return
    url = "sqlite://"
    if request.param == "postgresql":
        url = request.getfixturevalue("postgres_url")

    def build(**options: object) -> TicketStore:
        store = SqlTicketStore(url, **options)  # type: ignore[arg-type]
        sql_stores.append(store)
        return store

    yield build
    for store in sql_stores:
        store.dispose()


@pytest.fixture
def closed_port() -> int:
    """A loopback port nobody listens on (connections are refused)."""
    return free_port()
