"""The staff CLI: output, exact error messages and exit codes."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import datetime, timezone
from pathlib import Path

import pytest
from click.testing import CliRunner

from tickets.cli import cli
from tickets.models import AppealForm, TicketStatus
from tickets.store import InMemoryTicketStore, SqlTicketStore

PROJECT = Path(__file__).resolve().parents[2]
FIXED = datetime(2024, 5, 1, 8, 30, tzinfo=timezone.utc)


@pytest.fixture
def store() -> InMemoryTicketStore:
    numbers = iter(["JB222222", "JB333333"])
    store = InMemoryTicketStore(number_factory=lambda: next(numbers), clock=lambda: FIXED)
    store.submit_appeal(
        AppealForm(
            sender_id="conv-1",
            description="没有逾期",
            contested_cause_id="OVERDUE_RECORD",
            contested_text="逾期记录",
            phone="13812341234",
            consent=True,
            diagnosis_summary="OVERDUE_RECORD",
        ),
        "a",
    )
    store.submit_appeal(AppealForm(sender_id="conv-2", description="额度被关", contested_text="风控"), "b")
    return store


def run(store, *args: str):
    # Click 8.2+ keeps stderr apart from stdout; older Click needs mix_stderr.
    try:
        runner = CliRunner(mix_stderr=False)  # type: ignore[call-arg]
    except TypeError:
        runner = CliRunner()
    return runner.invoke(cli, list(args), obj=lambda: store)


def test_list_shows_every_ticket_newest_first(store):
    result = run(store, "list")
    assert result.exit_code == 0
    assert result.stdout.splitlines() == [
        # Filed at the same instant: the later one first, as the SQL store orders them.
        "JB333333\tsubmitted\t2024-05-01 08:30 UTC\tconv-2\t风控",
        "JB222222\tsubmitted\t2024-05-01 08:30 UTC\tconv-1\tOVERDUE_RECORD / 逾期记录",
    ]


def test_list_filters_by_status(store):
    store.set_status("JB333333", TicketStatus.IN_REVIEW)
    result = run(store, "list", "--status", "in_review")
    assert result.exit_code == 0
    assert [line.split("\t")[0] for line in result.stdout.splitlines()] == ["JB333333"]


def test_list_with_bad_status_exits_2_naming_allowed_values(store):
    result = run(store, "list", "--status", "closed")
    assert result.exit_code == 2
    assert result.stderr == ("Error: unknown status 'closed'; allowed: submitted, in_review, resolved\n")
    assert result.stdout == ""


def test_show_masks_the_phone_number(store):
    result = run(store, "show", "jb222222")
    assert result.exit_code == 0
    assert "phone:       138****1234" in result.stdout.splitlines()
    assert "13812341234" not in result.stdout
    assert "description: 没有逾期" in result.stdout.splitlines()


def test_show_unknown_ticket_exits_1_naming_it(store):
    result = run(store, "show", "jb999999")
    assert result.exit_code == 1
    assert result.stderr == "Error: ticket JB999999 not found\n"


def test_set_status_changes_status_and_note(store):
    result = run(store, "set-status", "JB222222", "resolved", "--note", "记录已更正")
    assert result.exit_code == 0
    assert result.stdout == "JB222222 is now resolved\n"
    ticket = store.get_ticket_for_staff("JB222222")
    assert (ticket.status, ticket.resolution_note) == (TicketStatus.RESOLVED, "记录已更正")


def test_set_status_with_bad_status_exits_2_and_changes_nothing(store):
    result = run(store, "set-status", "JB222222", "done", "--note", "x")
    assert result.exit_code == 2
    assert result.stderr == ("Error: unknown status 'done'; allowed: submitted, in_review, resolved\n")
    assert store.get_ticket_for_staff("JB222222").status is TicketStatus.SUBMITTED


def test_set_status_of_unknown_ticket_exits_1_naming_it(store):
    result = run(store, "set-status", "JB999999", "resolved", "--note", "x")
    assert result.exit_code == 1
    assert result.stderr == "Error: ticket JB999999 not found\n"


def test_handoffs_lists_requests(store):
    handoff = store.request_handoff("conv-1", "要求人工客服", "JB222222")
    result = run(store, "handoffs")
    assert result.exit_code == 0
    assert result.stdout == f"{handoff.reference}\t2024-05-01 08:30 UTC\tconv-1\tJB222222\t要求人工客服\n"


def test_unavailable_database_exits_3(closed_port):
    down = SqlTicketStore(f"postgresql+psycopg2://u@127.0.0.1:{closed_port}/t", connect_timeout=2)
    result = run(down, "list")
    assert result.exit_code == 3
    assert result.stderr == (
        f"Error: ticket database postgresql+psycopg2://u@127.0.0.1:{closed_port}/t" " is unavailable\n"
    )


def test_flush_outbox_needs_a_store_with_an_outbox(store):
    result = run(store, "flush-outbox")
    assert result.exit_code == 2
    assert result.stderr == "Error: this store has no outbox\n"


@pytest.mark.parametrize("command", ["list", "show", "set-status", "handoffs", "flush-outbox"])
def test_every_command_has_help(command):
    result = CliRunner().invoke(cli, [command, "--help"])
    assert result.exit_code == 0
    assert result.output.startswith("Usage: ")


def test_module_entry_point_reads_database_url(tmp_path):
    env = dict(
        os.environ,
        DATABASE_URL=f"sqlite:///{tmp_path / 'tickets.db'}",
        TICKETS_OUTBOX_PATH=str(tmp_path / "outbox.jsonl"),
    )
    shown = subprocess.run(
        [sys.executable, "-m", "tickets", "show", "JB234567"],
        cwd=PROJECT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert (shown.returncode, shown.stderr) == (1, "Error: ticket JB234567 not found\n")
    assert (tmp_path / "tickets.db").exists()


def test_flush_outbox_files_queued_appeals(tmp_path):
    from tickets.outbox import JsonlOutbox, OutboxTicketStore

    outbox = JsonlOutbox(tmp_path / "outbox.jsonl")
    outbox.put(AppealForm(sender_id="conv-1", description="x", contested_text="y"), "k")
    inner = InMemoryTicketStore()
    result = run(OutboxTicketStore(inner, outbox), "flush-outbox")
    assert (result.exit_code, result.stdout) == (0, "filed 1, still queued 0, rejected 0\n")
    assert [t.sender_id for t in inner.list_all_tickets()] == ["conv-1"]
