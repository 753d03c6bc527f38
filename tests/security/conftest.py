"""The production-like stack the hostile-client tests attack.

PostgreSQL (tickets and conversations), the action server behind its token,
and the Rasa server in ``jwt`` mode with real rate limits, the HTTP API on
behind its own JWT, and the SQL tracker store behind the masking store. Each
test talks from its own loopback address (127.0.0.N), so the per-client limit
of one test never throttles another.
"""

from __future__ import annotations

import http.client
import itertools
import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import psycopg2
import pytest
import sqlalchemy as sa

from security.tokens import issue
from tests.support import servers
from tests.support.postgres import PG_USER, PostgresServer, start_or_skip
from tickets.migrate import upgrade_to_head

CHAT_SECRET = "chat-secret-for-the-hostile-tests-0123456789"
API_SECRET = "api-secret-for-the-hostile-tests-0123456789"
SENDER_LIMIT = 12
CLIENT_LIMIT = 30
# Long windows: a token comes back only after 50 s (sender) or 20 s
# (client), far longer than a test runs, so the counts are exact.
SENDER_RATE = f"{SENDER_LIMIT}/600"
CLIENT_RATE = f"{CLIENT_LIMIT}/600"
MAX_MESSAGE_CHARS = 1000
_addresses = itertools.count(10)


@dataclass(frozen=True)
class Reply:
    """An HTTP answer."""

    status: int
    headers: dict[str, str]
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body.decode("utf-8"))

    def texts(self) -> list[str]:
        return [message.get("text", "") for message in self.json()]


@dataclass
class Client:
    """HTTP calls from one loopback address."""

    port: int
    source: str

    def request(
        self, method: str, path: str, body: bytes | None = None, headers: dict[str, str] | None = None
    ) -> Reply:
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=120, source_address=(self.source, 0))
        try:
            connection.request(method, path, body=body, headers=headers or {})
            answer = connection.getresponse()
            return Reply(answer.status, {k.lower(): v for k, v in answer.getheaders()}, answer.read())
        finally:
            connection.close()


@dataclass
class HostileStack:
    """Where everything runs, and what the attacker and the staff can reach."""

    rasa_port: int
    action_port: int
    postgres: PostgresServer
    tickets_db: str
    trackers_db: str
    rasa: servers.ManagedServer
    actions: servers.ManagedServer
    customers: Iterator[int] = field(default_factory=lambda: itertools.count(1))

    def client(self, port: int | None = None) -> Client:
        """A client on a loopback address no other test uses."""
        return Client(port or self.rasa_port, f"127.0.0.{next(_addresses)}")

    def new_customer(self) -> str:
        return f"cust-{next(self.customers):04d}"

    def token(self, customer: str, lifetime: int = 600) -> str:
        return issue(customer, CHAT_SECRET, lifetime_seconds=lifetime)

    def query(self, database: str, sql: str, *args: Any) -> list[tuple[Any, ...]]:
        connection = psycopg2.connect(host="127.0.0.1", port=self.postgres.port, user=PG_USER, dbname=database)
        try:
            with connection.cursor() as cursor:
                cursor.execute(sql, args)
                return list(cursor.fetchall()) if cursor.description else []
        finally:
            connection.close()

    def events_of(self, sender: str) -> list[dict[str, Any]]:
        """The stored conversation events of ``sender``, as Rasa wrote them."""
        rows = self.query(self.trackers_db, "SELECT data FROM events WHERE sender_id = %s ORDER BY id", sender)
        return [json.loads(data) for (data,) in rows]

    def tickets_of(self, sender: str) -> list[tuple[Any, ...]]:
        return self.query(self.tickets_db, "SELECT number, phone FROM tickets WHERE sender_id = %s", sender)


def say(client: Client, token: str | None, message: str, sender: str = "ignored") -> Reply:
    """One REST message with a customer token."""
    headers = {"Content-Type": "application/json"}
    if token is not None:
        headers["Authorization"] = f"Bearer {token}"
    body = json.dumps({"sender": sender, "message": message}).encode("utf-8")
    return client.request("POST", "/webhooks/rest/webhook", body, headers)


@pytest.fixture(scope="session")
def hostile() -> Iterator[HostileStack]:
    if not servers.MODEL.is_file():
        pytest.fail(f"no trained model at {servers.MODEL} (run `make train`)")
    postgres = start_or_skip()
    try:
        postgres.admin("CREATE DATABASE tickets_sec")
        postgres.admin("CREATE DATABASE trackers_sec")
        # The tables exist before the first attack, so "nothing filed" is a query, not an error.
        upgrade_to_head(sa.create_engine(postgres.url("tickets_sec")))
        action_port, rasa_port = servers.free_port(), servers.free_port()
        actions = servers.action_server(action_port)
        actions.env.update({"DATABASE_URL": postgres.url("tickets_sec")})
        rasa = servers.rasa_server(rasa_port, action_port, [], endpoints="endpoints.postgres.yml")
        rasa.command += ["--enable-api", "--jwt-secret", API_SECRET, "--jwt-method", "HS256"]
        rasa.env.update(
            {
                "TRACKER_DB_HOST": "127.0.0.1",
                "TRACKER_DB_PORT": str(postgres.port),
                "TRACKER_DB_NAME": "trackers_sec",
                "TRACKER_DB_USER": PG_USER,
                "TRACKER_DB_PASSWORD": "",
                "JIEBEI_CHAT_AUTH": "jwt",
                "JIEBEI_CHAT_JWT_SECRET": CHAT_SECRET,
                "JIEBEI_SENDER_RATE": SENDER_RATE,
                "JIEBEI_CLIENT_RATE": CLIENT_RATE,
                "JIEBEI_MAX_MESSAGE_CHARS": str(MAX_MESSAGE_CHARS),
            }
        )
        try:
            actions.start()
            rasa.start()
            yield HostileStack(rasa_port, action_port, postgres, "tickets_sec", "trackers_sec", rasa, actions)
        finally:
            rasa.stop()
            actions.stop()
    finally:
        postgres.remove()


@pytest.fixture(scope="session")
def field_key(hostile: HostileStack) -> str:
    """The key the action server seals slot values with."""
    return hostile.actions.env["JIEBEI_FIELD_KEY"]


@pytest.fixture(scope="session")
def action_token(hostile: HostileStack) -> str:
    """The secret the Rasa server sends to the action server."""
    return hostile.actions.env["JIEBEI_ACTION_TOKEN"]
