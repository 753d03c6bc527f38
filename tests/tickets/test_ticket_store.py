"""The ticket store contract, run against the in-memory fake, SQLite and PostgreSQL."""

from __future__ import annotations

import itertools
from datetime import datetime, timedelta, timezone

import pytest

from tickets.models import (
    FORGOTTEN_DESCRIPTION,
    AppealForm,
    InvalidInputError,
    SubmitOutcome,
    TicketNotFoundError,
    TicketStatus,
)
from tickets.numbers import is_ticket_number
from tickets.store import TicketNumberExhaustedError

START = datetime(2024, 5, 1, 8, 0, tzinfo=timezone.utc)


def stepping_clock(step: timedelta = timedelta(minutes=1)):
    counter = itertools.count()
    return lambda: START + step * next(counter)


def numbers_from(*numbers: str):
    supply = iter(numbers)
    return lambda: next(supply)


def appeal(sender_id: str = "conv-1", **changes: object) -> AppealForm:
    values: dict[str, object] = {
        "sender_id": sender_id,
        "description": "我从来没有逾期过，记录不对",
        "contested_cause_id": "OVERDUE_RECORD",
        "contested_text": None,
        "phone": "13812341234",
        "consent": True,
        "diagnosis_summary": "OVERDUE_RECORD ranked first",
    }
    values.update(changes)
    return AppealForm(**values)  # type: ignore[arg-type]


def test_submit_files_a_ticket_with_every_form_value(make_store):
    store = make_store(clock=stepping_clock())
    result = store.submit_appeal(appeal(contested_text="逾期记录"), "key-1")
    assert result.outcome is SubmitOutcome.CREATED
    ticket = result.ticket
    assert is_ticket_number(ticket.number)
    assert (ticket.sender_id, ticket.status) == ("conv-1", TicketStatus.SUBMITTED)
    assert ticket.description == "我从来没有逾期过，记录不对"
    assert (ticket.contested_cause_id, ticket.contested_text) == ("OVERDUE_RECORD", "逾期记录")
    assert (ticket.phone, ticket.consent) == ("13812341234", True)
    assert ticket.diagnosis_summary == "OVERDUE_RECORD ranked first"
    assert ticket.resolution_note is None
    assert ticket.created_at == ticket.updated_at == START


def test_free_text_appeal_without_cause_or_phone_is_filed(make_store):
    store = make_store()
    form = appeal(contested_cause_id=None, contested_text="额度突然没了", phone=None, consent=False)
    ticket = store.submit_appeal(form, "key-1").ticket
    assert (ticket.contested_cause_id, ticket.contested_text, ticket.phone) == (
        None,
        "额度突然没了",
        None,
    )


def test_retried_submit_with_same_key_returns_the_same_ticket(make_store):
    store = make_store()
    first = store.submit_appeal(appeal(), "form-hash")
    again = store.submit_appeal(appeal(), "form-hash")
    assert again.outcome is SubmitOutcome.EXISTING
    assert again.ticket == first.ticket
    assert len(store.list_all_tickets()) == 1


def test_submit_without_key_is_idempotent_on_the_form_values(make_store):
    store = make_store()
    first = store.submit_appeal(appeal())
    again = store.submit_appeal(appeal())
    changed = store.submit_appeal(appeal(description="另一个问题"))
    assert again.ticket.number == first.ticket.number
    assert changed.outcome is SubmitOutcome.CREATED
    assert changed.ticket.number != first.ticket.number


def test_same_key_from_another_sender_files_a_separate_ticket(make_store):
    store = make_store()
    mine = store.submit_appeal(appeal("conv-1"), "same-key").ticket
    theirs = store.submit_appeal(appeal("conv-2"), "same-key")
    assert theirs.outcome is SubmitOutcome.CREATED
    assert theirs.ticket.number != mine.number


def test_empty_idempotency_key_is_rejected(make_store):
    store = make_store()
    with pytest.raises(InvalidInputError, match="idempotency_key must not be empty"):
        store.submit_appeal(appeal(), "  ")


def test_number_collision_draws_a_new_number(make_store):
    store = make_store(number_factory=numbers_from("JB222222", "JB222222", "JB333333"))
    first = store.submit_appeal(appeal("conv-1"), "k").ticket
    second = store.submit_appeal(appeal("conv-2"), "k").ticket
    assert (first.number, second.number) == ("JB222222", "JB333333")


def test_submit_gives_up_after_repeated_collisions(make_store):
    store = make_store(number_factory=lambda: "JB222222", max_number_attempts=3)
    store.submit_appeal(appeal("conv-1"), "k")
    with pytest.raises(TicketNumberExhaustedError, match="after 3 attempts"):
        store.submit_appeal(appeal("conv-2"), "k")
    assert len(store.list_all_tickets()) == 1


def test_owner_gets_ticket_by_number_in_any_spelling(make_store):
    store = make_store(number_factory=numbers_from("JB7K3M9Q"))
    filed = store.submit_appeal(appeal(), "k").ticket
    assert store.get_ticket("jb 7k3-m9q", "conv-1") == filed


def test_ticket_of_another_sender_is_not_found(make_store):
    store = make_store()
    number = store.submit_appeal(appeal("conv-1"), "k").ticket.number
    assert store.get_ticket(number, "conv-2") is None
    assert store.get_ticket("JB999999", "conv-1") is None


def test_sender_lists_only_own_tickets_newest_first(make_store):
    store = make_store(clock=stepping_clock())
    older = store.submit_appeal(appeal("conv-1"), "a").ticket
    store.submit_appeal(appeal("conv-2"), "b")
    newer = store.submit_appeal(appeal("conv-1", description="第二次申诉"), "c").ticket
    assert [t.number for t in store.list_tickets("conv-1")] == [newer.number, older.number]
    assert store.list_tickets("conv-3") == []


def test_tickets_filed_at_the_same_instant_list_the_later_first(make_store):
    """Every backend breaks a tie of creation times the same way: the later filed first."""
    store = make_store(clock=lambda: START)
    filed = [store.submit_appeal(appeal("conv-1", description=f"第{n}次申诉的说明"), str(n)).ticket for n in range(4)]
    newest_first = [ticket.number for ticket in reversed(filed)]
    assert [t.number for t in store.list_tickets("conv-1")] == newest_first
    assert [t.number for t in store.list_all_tickets()] == newest_first


def test_staff_lists_all_tickets_and_filters_by_status(make_store):
    store = make_store(clock=stepping_clock())
    first = store.submit_appeal(appeal("conv-1"), "a").ticket
    second = store.submit_appeal(appeal("conv-2"), "b").ticket
    store.set_status(first.number, TicketStatus.RESOLVED, "记录已更正")
    assert [t.number for t in store.list_all_tickets()] == [second.number, first.number]
    assert [t.number for t in store.list_all_tickets(TicketStatus.RESOLVED)] == [first.number]
    assert store.list_all_tickets(TicketStatus.IN_REVIEW) == []


def test_staff_gets_any_ticket_by_number(make_store):
    store = make_store()
    filed = store.submit_appeal(appeal("conv-9"), "k").ticket
    assert store.get_ticket_for_staff(filed.number.lower()) == filed
    assert store.get_ticket_for_staff("JB999999") is None


def test_status_change_records_note_and_time(make_store):
    store = make_store(clock=stepping_clock())
    number = store.submit_appeal(appeal(), "k").ticket.number
    reviewing = store.set_status(number, TicketStatus.IN_REVIEW, "已转风控复核")
    resolved = store.set_status(number, TicketStatus.RESOLVED)
    assert reviewing.status is TicketStatus.IN_REVIEW
    assert reviewing.updated_at == START + timedelta(minutes=1)
    assert resolved.status is TicketStatus.RESOLVED
    assert resolved.resolution_note == "已转风控复核"
    assert store.get_ticket(number, "conv-1") == resolved


def test_status_change_of_unknown_ticket_names_it(make_store):
    store = make_store()
    with pytest.raises(TicketNotFoundError, match="^ticket JB999999 not found$"):
        store.set_status("jb999999", TicketStatus.RESOLVED, "x")


def test_handoff_requests_are_recorded_newest_first(make_store):
    store = make_store(clock=stepping_clock())
    first = store.request_handoff("conv-1", "用户要求人工，诊断无结果")
    second = store.request_handoff("conv-2", "申诉后要求人工", ticket_number="jb7k3m9q")
    assert (first.sender_id, first.summary, first.ticket_number) == (
        "conv-1",
        "用户要求人工，诊断无结果",
        None,
    )
    assert second.ticket_number == "JB7K3M9Q"
    assert first.created_at == START
    assert store.list_handoffs() == [second, first]


@pytest.mark.parametrize(
    ("sender_id", "summary", "message"),
    [
        ("conv-1", "", "summary must not be empty"),
        ("conv-1", "长" * 501, "summary is longer than 500 characters"),
        ("", "总结", "sender_id must not be empty"),
    ],
    ids=["empty_summary", "long_summary", "empty_sender"],
)
def test_invalid_handoff_is_rejected(make_store, sender_id, summary, message):
    store = make_store()
    with pytest.raises(InvalidInputError, match=message):
        store.request_handoff(sender_id, summary)
    assert store.list_handoffs() == []


def test_forgetting_a_customer_erases_their_personal_fields_and_handoffs(make_store):
    store = make_store(clock=stepping_clock())
    mine = store.submit_appeal(appeal("conv-1", contested_text="逾期记录"), "key-1").ticket
    theirs = store.submit_appeal(appeal("conv-2"), "key-1").ticket
    store.request_handoff("conv-1", "要求人工客服", mine.number)
    store.request_handoff("conv-2", "要求人工客服")

    result = store.forget_sender("conv-1")

    assert (result.tickets, result.handoffs) == (1, 1)
    erased = store.get_ticket_for_staff(mine.number)
    assert (erased.number, erased.status, erased.contested_cause_id) == (mine.number, mine.status, "OVERDUE_RECORD")
    assert (erased.phone, erased.contested_text, erased.diagnosis_summary) == (None, None, "")
    assert erased.description == FORGOTTEN_DESCRIPTION
    assert erased.sender_id.startswith("forgotten-") and "conv-1" not in erased.sender_id
    assert erased.resolution_note is None
    assert store.list_tickets("conv-1") == []
    assert store.get_ticket_for_staff(theirs.number) == theirs
    assert [handoff.sender_id for handoff in store.list_handoffs()] == ["conv-2"]


def test_two_tickets_of_one_forgotten_customer_do_not_share_a_pseudonym(make_store):
    store = make_store()
    first = store.submit_appeal(appeal("conv-1"), "key-1").ticket
    second = store.submit_appeal(appeal("conv-1", description="另一条申诉的说明"), "key-2").ticket

    store.forget_sender("conv-1")

    pseudonyms = {store.get_ticket_for_staff(t.number).sender_id for t in (first, second)}
    assert len(pseudonyms) == 2


def test_forgetting_an_unknown_customer_changes_nothing(make_store):
    store = make_store()
    ticket = store.submit_appeal(appeal("conv-1"), "key-1").ticket

    result = store.forget_sender("nobody")

    assert (result.tickets, result.handoffs) == (0, 0)
    assert store.get_ticket_for_staff(ticket.number) == ticket


def test_forgetting_needs_a_sender(make_store):
    with pytest.raises(InvalidInputError):
        make_store().forget_sender(" ")
