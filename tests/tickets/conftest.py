"""Fixtures of the ticket store tests, including a throw-away PostgreSQL 15.

The PostgreSQL server is started by the tests themselves
(tests/support/postgres.py).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest

from tests.support.postgres import PostgresServer, start_or_skip
from tests.support.servers import free_port
from tickets.store import InMemoryTicketStore, SqlTicketStore, TicketStore

TEST_DATABASE = "tickets_test"


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[PostgresServer]:
    server = start_or_skip()
    server.admin(f"CREATE DATABASE {TEST_DATABASE}")
    yield server
    server.remove()


@pytest.fixture
def postgres_url(postgres_server: PostgresServer) -> str:
    """URL of an empty test database (its public schema is recreated for each
    test, which is much faster than CREATE DATABASE)."""
    postgres_server.admin("DROP SCHEMA public CASCADE; CREATE SCHEMA public", database=TEST_DATABASE)
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
