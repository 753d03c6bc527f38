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
from tickets.migrate import head_revision
from tickets.models import AppealForm, StoreUnavailableError, TicketStatus
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


def run(store, *args: str, env: dict[str, str] | None = None):
    # Click 8.2+ keeps stderr apart from stdout; older Click needs mix_stderr.
    try:
        runner = CliRunner(mix_stderr=False)  # type: ignore[call-arg]
    except TypeError:
        runner = CliRunner()
    return runner.invoke(cli, list(args), obj=lambda: store, env=env)


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
    assert result.stderr == (
        "错误：没有“closed”这个状态，可用的状态：submitted（待受理）、in_review（复核中）、resolved（已处理）。\n"
    )
    assert result.stdout == ""


def test_list_without_tickets_says_so_on_stderr():
    result = run(InMemoryTicketStore(), "list")
    assert (result.exit_code, result.stdout, result.stderr) == (0, "", "没有申诉单。\n")


def test_list_without_tickets_of_a_status_names_it(store):
    result = run(store, "list", "--status", "resolved")
    assert (result.exit_code, result.stdout, result.stderr) == (0, "", "没有状态为 resolved（已处理）的申诉单。\n")


def test_show_masks_the_phone_number(store):
    result = run(store, "show", "jb222222")
    assert result.exit_code == 0
    assert "联系手机：138****1234" in result.stdout.splitlines()
    assert "13812341234" not in result.stdout
    assert "问题描述：没有逾期" in result.stdout.splitlines()


def test_show_lists_every_field_with_chinese_labels(store):
    store.set_status("JB333333", TicketStatus.IN_REVIEW)
    result = run(store, "show", "JB333333")
    assert result.exit_code == 0
    assert result.stdout.splitlines() == [
        "申诉单号：JB333333",
        "处理状态：in_review（复核中）",
        "会话编号：conv-2",
        "提交时间：2024-05-01 08:30 UTC",
        "更新时间：2024-05-01 08:30 UTC",
        "申诉事项：风控",
        "问题描述：额度被关",
        "联系手机：（无）",
        "同意联系：否",
        "诊断摘要：（无）",
        "处理结果：（无）",
    ]


def test_show_labels_have_one_width_so_values_line_up(store):
    result = run(store, "show", "JB222222")
    labels = [line.split("：", 1)[0] for line in result.stdout.splitlines()]
    assert {len(label) for label in labels} == {4}
    assert "同意联系：是" in result.stdout.splitlines()


def test_show_unknown_ticket_exits_1_naming_it(store):
    result = run(store, "show", "jb999999")
    assert result.exit_code == 1
    assert result.stderr == "错误：找不到申诉单 JB999999。\n"


def test_set_status_changes_status_and_note(store):
    result = run(store, "set-status", "JB222222", "resolved", "--note", "记录已更正")
    assert result.exit_code == 0
    assert result.stdout == "申诉单 JB222222 的状态已改为 resolved（已处理）。\n"
    ticket = store.get_ticket_for_staff("JB222222")
    assert (ticket.status, ticket.resolution_note) == (TicketStatus.RESOLVED, "记录已更正")


def test_set_status_with_bad_status_exits_2_and_changes_nothing(store):
    result = run(store, "set-status", "JB222222", "done", "--note", "x")
    assert result.exit_code == 2
    assert result.stderr == (
        "错误：没有“done”这个状态，可用的状态：submitted（待受理）、in_review（复核中）、resolved（已处理）。\n"
    )
    assert store.get_ticket_for_staff("JB222222").status is TicketStatus.SUBMITTED


def test_set_status_of_unknown_ticket_exits_1_naming_it(store):
    result = run(store, "set-status", "JB999999", "resolved", "--note", "x")
    assert result.exit_code == 1
    assert result.stderr == "错误：找不到申诉单 JB999999。\n"


def test_handoffs_lists_requests(store):
    handoff = store.request_handoff("conv-1", "要求人工客服", "JB222222")
    result = run(store, "handoffs")
    assert result.exit_code == 0
    assert result.stdout == f"{handoff.reference}\t2024-05-01 08:30 UTC\tconv-1\tJB222222\t要求人工客服\n"


def test_handoffs_without_requests_says_so_on_stderr(store):
    result = run(store, "handoffs")
    assert (result.exit_code, result.stdout, result.stderr) == (0, "", "没有人工转接登记。\n")


def test_unavailable_database_exits_3(closed_port):
    down = SqlTicketStore(f"postgresql+psycopg2://u@127.0.0.1:{closed_port}/t", connect_timeout=2)
    result = run(down, "list")
    assert result.exit_code == 3
    assert result.stderr == (
        f"错误：工单数据库 postgresql+psycopg2://u@127.0.0.1:{closed_port}/t 暂时无法连接，请稍后再试。\n"
    )


def test_unavailable_store_that_names_no_database_exits_3():
    class Down(InMemoryTicketStore):
        def list_handoffs(self):
            raise StoreUnavailableError("down")

    result = run(Down(), "handoffs")
    assert (result.exit_code, result.stderr) == (3, "错误：工单数据库暂时无法连接，请稍后再试。\n")


def test_flush_outbox_needs_a_store_with_an_outbox(store):
    result = run(store, "flush-outbox")
    assert result.exit_code == 2
    assert result.stderr == "错误：当前的工单数据库没有暂存队列，无需提交。\n"


@pytest.mark.parametrize(
    ("command", "description"),
    [
        ("list", "列出申诉单，最新的在前。每行依次为：单号、状态、提交时间（UTC）、会话编号、申诉事项，以制表符分隔。"),
        ("show", "显示申诉单 NUMBER 的全部信息（手机号部分隐藏）。"),
        (
            "set-status",
            "把申诉单 NUMBER 的状态改为 STATUS：submitted（待受理）、in_review（复核中）或 resolved（已处理）。",
        ),
        (
            "handoffs",
            "列出客户的人工转接登记，最新的在前。"
            "每行依次为：登记号、登记时间（UTC）、会话编号、相关申诉单、咨询要点，以制表符分隔。",
        ),
        ("flush-outbox", "把数据库无法连接期间暂存在本机的申诉提交到数据库。"),
        ("migrate", "创建或升级 DATABASE_URL 所指工单数据库的表（部署时在启动时运行一次）。"),
    ],
)
def test_every_command_has_chinese_help(command, description):
    # Wide enough that click wraps no line of the help.
    result = CliRunner().invoke(cli, [command, "--help"], terminal_width=200)
    assert result.exit_code == 0
    assert result.output.startswith("Usage: ")
    assert f"  {description}\n" in result.output
    assert "  -h, --help" in result.output and "显示本帮助并退出。" in result.output
    assert "Show this message" not in result.output


def test_group_help_lists_commands_in_chinese():
    result = CliRunner().invoke(cli, ["--help"], terminal_width=200)
    assert result.exit_code == 0
    assert "  查看和处理借呗助手的申诉单与人工转接登记。\n" in result.output
    assert "  退出码：1 申诉单不存在或环境变量有误，2 参数或状态有误，3 数据库无法连接。\n" in result.output
    assert "  set-status    修改申诉单的状态。\n" in result.output
    assert "Show this message" not in result.output


def test_migrate_creates_the_tables_and_names_the_revision(tmp_path):
    env = {"DATABASE_URL": f"sqlite:///{tmp_path / 'tickets.db'}", "TICKETS_DB_CONNECT_TIMEOUT": "5"}
    result = run(None, "migrate", env=env)
    assert (result.exit_code, result.stdout) == (0, f"工单数据库的表已是最新版本（{head_revision()}）。\n")


def test_migrate_with_a_bad_connect_timeout_exits_1_naming_the_variable(tmp_path):
    env = {"DATABASE_URL": f"sqlite:///{tmp_path / 'tickets.db'}", "TICKETS_DB_CONNECT_TIMEOUT": "soon"}
    result = run(None, "migrate", env=env)
    assert result.exit_code == 1
    assert result.stderr == "错误：环境变量 TICKETS_DB_CONNECT_TIMEOUT 应为正整数，现在是“soon”。\n"
    assert not (tmp_path / "tickets.db").exists()


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
    assert (shown.returncode, shown.stderr) == (1, "错误：找不到申诉单 JB234567。\n")
    assert (tmp_path / "tickets.db").exists()


def test_flush_outbox_files_queued_appeals(tmp_path):
    from tickets.outbox import JsonlOutbox, OutboxTicketStore

    outbox = JsonlOutbox(tmp_path / "outbox.jsonl")
    outbox.put(AppealForm(sender_id="conv-1", description="x", contested_text="y"), "k")
    inner = InMemoryTicketStore()
    result = run(OutboxTicketStore(inner, outbox), "flush-outbox")
    assert (result.exit_code, result.stdout) == (0, "已提交 1 份暂存的申诉，仍在排队 0 份，无法读取而移出 0 份。\n")
    assert [t.sender_id for t in inner.list_all_tickets()] == ["conv-1"]
