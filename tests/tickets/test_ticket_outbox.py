"""Appeals submitted while the database is down are kept and filed exactly once."""

from __future__ import annotations

import logging
import stat
from pathlib import Path

import pytest

from tickets.models import AppealForm, StoreUnavailableError, SubmitOutcome
from tickets.outbox import JsonlOutbox, OutboxTicketStore
from tickets.store import InMemoryTicketStore, SqlTicketStore

PHONE = "13812341234"


def appeal(sender_id: str = "conv-1", description: str = "记录有误") -> AppealForm:
    return AppealForm(
        sender_id=sender_id,
        description=description,
        contested_cause_id="OVERDUE_RECORD",
        phone=PHONE,
        consent=True,
    )


class SwitchableStore(InMemoryTicketStore):
    """In-memory store whose database can be switched off, or fail after N submits."""

    def __init__(self) -> None:
        super().__init__()
        self.down = False
        self.submits_before_failing: int | None = None

    def submit_appeal(self, form, idempotency_key=None):  # type: ignore[override]
        if self.submits_before_failing is not None:
            if self.submits_before_failing == 0:
                raise StoreUnavailableError("went away")
            self.submits_before_failing -= 1
        if self.down:
            raise StoreUnavailableError("down")
        return super().submit_appeal(form, idempotency_key)

    def list_all_tickets(self, status=None):  # type: ignore[override]
        if self.down:
            raise StoreUnavailableError("down")
        return super().list_all_tickets(status)


@pytest.fixture
def outbox(tmp_path: Path) -> JsonlOutbox:
    return JsonlOutbox(tmp_path / "var" / "outbox.jsonl")


@pytest.fixture(params=["sqlite_read_only", "postgresql_closed_port"])
def broken_and_fixed_urls(request: pytest.FixtureRequest, tmp_path: Path):
    """A database URL that fails, and the URL of the same database working."""
    if request.param == "postgresql_closed_port":
        port = request.getfixturevalue("closed_port")
        return (
            f"postgresql+psycopg2://tickets@127.0.0.1:{port}/tickets",
            request.getfixturevalue("postgres_url"),
        )
    database = tmp_path / "tickets.db"
    working = f"sqlite:///{database}"
    SqlTicketStore(working).list_all_tickets()  # the tables exist; writing is what fails
    # SQLite itself enforces mode=ro, even for root.
    return f"sqlite:///file:{database}?mode=ro&uri=true", working


def test_appeal_queued_while_database_is_down_is_filed_once_when_it_returns(broken_and_fixed_urls, outbox, caplog):
    caplog.set_level(logging.DEBUG)
    broken_url, fixed_url = broken_and_fixed_urls
    down = OutboxTicketStore(SqlTicketStore(broken_url, connect_timeout=2), outbox)

    result = down.submit_appeal(appeal(), "form-1")
    retried = down.submit_appeal(appeal(), "form-1")

    assert result.outcome is SubmitOutcome.QUEUED and result.ticket is None
    assert retried.outcome is SubmitOutcome.QUEUED
    assert len(outbox.pending()) == 1

    back = OutboxTicketStore(SqlTicketStore(fixed_url), outbox)
    flushed = back.flush_outbox()
    assert [t.sender_id for t in flushed.filed] == ["conv-1"]
    assert back.flush_outbox().filed == ()
    tickets = back.list_all_tickets()
    assert len(tickets) == 1
    assert (tickets[0].description, tickets[0].phone) == ("记录有误", PHONE)
    assert back.submit_appeal(appeal(), "form-1").ticket == tickets[0]
    assert not outbox.has_pending()
    assert all(PHONE not in record.getMessage() for record in caplog.records)


def test_next_successful_operation_files_the_queue(broken_and_fixed_urls, outbox):
    broken_url, fixed_url = broken_and_fixed_urls
    OutboxTicketStore(SqlTicketStore(broken_url, connect_timeout=2), outbox).submit_appeal(appeal(), "form-1")
    back = OutboxTicketStore(SqlTicketStore(fixed_url), outbox)
    mine = back.list_tickets("conv-1")
    assert [t.description for t in mine] == ["记录有误"]
    assert not outbox.has_pending()


def test_flush_while_still_down_keeps_the_appeal(outbox):
    inner = SwitchableStore()
    store = OutboxTicketStore(inner, outbox)
    inner.down = True
    store.submit_appeal(appeal(), "form-1")
    with pytest.raises(StoreUnavailableError):
        store.flush_outbox()
    with pytest.raises(StoreUnavailableError):
        store.list_all_tickets()
    assert len(outbox.pending()) == 1
    inner.down = False
    assert len(store.flush_outbox().filed) == 1
    assert len(inner.list_all_tickets()) == 1


def test_database_lost_mid_flush_keeps_the_rest_queued(outbox):
    inner = SwitchableStore()
    store = OutboxTicketStore(inner, outbox)
    inner.down = True
    for index in range(3):
        store.submit_appeal(appeal(f"conv-{index}"), "form")
    inner.down = False
    inner.submits_before_failing = 1
    with pytest.raises(StoreUnavailableError):
        store.flush_outbox()
    assert [e.form.sender_id for e in outbox.pending()] == ["conv-1", "conv-2"]
    inner.submits_before_failing = None
    assert store.flush_outbox().remaining == 0
    assert sorted(t.sender_id for t in inner.list_all_tickets()) == ["conv-0", "conv-1", "conv-2"]


def test_appeal_filed_before_a_crash_is_not_filed_twice(outbox):
    inner = SwitchableStore()
    entry = outbox.put(appeal(), "form-1")
    # The process filed the entry but died before removing it from the outbox.
    filed = inner.submit_appeal(entry.form, entry.idempotency_key).ticket
    result = OutboxTicketStore(inner, outbox).flush_outbox()
    assert result.filed == (filed,)
    assert len(inner.list_all_tickets()) == 1


def test_unreadable_outbox_line_is_moved_aside_not_lost(outbox):
    outbox.put(appeal(), "form-1")
    with outbox.path.open("a", encoding="utf-8") as handle:
        handle.write('{"queue_id": "cut off by a crash\n')
    inner = SwitchableStore()
    result = OutboxTicketStore(inner, outbox).flush_outbox()
    assert (len(result.filed), result.rejected) == (1, 1)
    rejected = outbox.path.with_name("outbox.jsonl.rejected").read_text(encoding="utf-8")
    assert rejected == '{"queue_id": "cut off by a crash\n'
    assert not outbox.has_pending()


def test_outbox_file_is_private_to_its_owner(outbox):
    outbox.put(appeal(), "form-1")
    assert stat.S_IMODE(outbox.path.stat().st_mode) == 0o600


def test_forgetting_files_the_queue_first_so_queued_appeals_are_erased_too(outbox):
    inner = SwitchableStore()
    store = OutboxTicketStore(inner, outbox)
    inner.down = True
    store.submit_appeal(appeal("conv-1"), "form-1")
    inner.down = False

    result = store.forget_sender("conv-1")

    assert result.tickets == 1
    assert outbox.pending() == []
    [ticket] = inner.list_all_tickets()
    assert ticket.phone is None and ticket.sender_id != "conv-1"
