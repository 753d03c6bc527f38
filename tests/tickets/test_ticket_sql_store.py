"""Behaviour specific to the SQL store: constraints, concurrency, laziness."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy import exc as sa_exc

from tickets.models import AppealForm, StoreUnavailableError, SubmitOutcome
from tickets.store import SqlTicketStore


def appeal(sender_id: str = "conv-1") -> AppealForm:
    return AppealForm(
        sender_id=sender_id,
        description="风控误判",
        contested_cause_id="ACCOUNT_RISK",
        phone="13912345678",
        consent=True,
    )


class BlindLookupStore(SqlTicketStore):
    """Its idempotency lookup never finds anything before inserting, as when
    two submits of the same form race past the lookup together."""

    def __init__(self, url: str) -> None:
        super().__init__(url)
        self.lookups = 0

    def _find_by_key(self, connection, sender_id, key):  # type: ignore[override]
        self.lookups += 1
        if self.lookups == 1:
            return None
        return super()._find_by_key(connection, sender_id, key)


@pytest.fixture(params=["sqlite_file", "postgresql"])
def sql_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "postgresql":
        return request.getfixturevalue("postgres_url")
    return f"sqlite:///{tmp_path / 'tickets.db'}"


def test_unique_constraint_stops_a_duplicate_the_lookup_missed(sql_url):
    honest = SqlTicketStore(sql_url)
    first = honest.submit_appeal(appeal(), "same-form")
    racing = BlindLookupStore(sql_url)
    second = racing.submit_appeal(appeal(), "same-form")
    assert second.outcome is SubmitOutcome.EXISTING
    assert second.ticket.number == first.ticket.number
    assert len(honest.list_all_tickets()) == 1
    honest.dispose()
    racing.dispose()


def test_database_rejects_a_second_row_with_the_same_sender_and_key(sql_url):
    store = SqlTicketStore(sql_url)
    ticket = store.submit_appeal(appeal(), "same-form").ticket
    engine = sa.create_engine(sql_url, future=True)
    row = {
        "number": "JB222222",
        "sender_id": ticket.sender_id,
        "idempotency_key": "same-form",
        "status": "submitted",
        "description": "x",
        "consent": True,
        "diagnosis_summary": "",
        "created_at": ticket.created_at,
        "updated_at": ticket.created_at,
    }
    columns = ", ".join(row)
    placeholders = ", ".join(f":{name}" for name in row)
    with pytest.raises(sa_exc.IntegrityError), engine.begin() as connection:
        connection.execute(sa.text(f"INSERT INTO tickets ({columns}) VALUES ({placeholders})"), row)
    engine.dispose()
    store.dispose()


def test_concurrent_submits_of_one_form_file_one_ticket(postgres_url):
    stores = [SqlTicketStore(postgres_url) for _ in range(6)]
    stores[0].list_all_tickets()  # migrate once, so the race is on the insert
    barrier = threading.Barrier(len(stores))
    numbers: list[str] = []

    def submit(store: SqlTicketStore) -> None:
        barrier.wait()
        numbers.append(store.submit_appeal(appeal(), "same-form").ticket.number)

    threads = [threading.Thread(target=submit, args=(store,)) for store in stores]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert len(numbers) == len(stores)
    assert len(set(numbers)) == 1
    assert len(stores[0].list_all_tickets()) == 1
    for store in stores:
        store.dispose()


def test_constructing_a_store_touches_no_database(tmp_path):
    database = tmp_path / "var" / "tickets.db"
    store = SqlTicketStore(f"sqlite:///{database}")
    assert not database.parent.exists()
    store.list_all_tickets()
    assert database.exists()


def test_unreachable_postgresql_is_reported_unavailable_without_password(closed_port):
    url = f"postgresql+psycopg2://staff:s3cret@127.0.0.1:{closed_port}/tickets"
    store = SqlTicketStore(url, connect_timeout=2)
    with pytest.raises(StoreUnavailableError) as caught:
        store.list_all_tickets()
    assert str(caught.value) == (
        f"ticket database postgresql+psycopg2://staff:***@127.0.0.1:{closed_port}/tickets" " is unavailable"
    )
    assert caught.value.database == f"postgresql+psycopg2://staff:***@127.0.0.1:{closed_port}/tickets"
