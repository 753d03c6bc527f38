"""Retention and deletion against PostgreSQL: purging idle conversations, forgetting a customer."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Iterator
from datetime import timedelta

import pytest
from click.testing import CliRunner
from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from security import retention
from security.cli import cli
from security.tracker_store import MaskingTrackerStore
from tests.support import servers
from tests.support.postgres import PG_USER, PostgresServer, start_or_skip
from tickets import AppealForm, SqlTicketStore

pytestmark = pytest.mark.integration

DAY = 24 * 3600
NOW = time.time()


@pytest.fixture(scope="module")
def postgres() -> Iterator[PostgresServer]:
    server = start_or_skip()
    yield server
    server.remove()


@pytest.fixture()
def databases(postgres: PostgresServer, request: pytest.FixtureRequest) -> dict[str, str]:
    """Fresh tracker and ticket databases for one test, and the environment that names them."""
    suffix = request.node.name.lower().replace("[", "_").replace("]", "").replace("-", "_")[:40]
    names = {"trackers": f"tr_{suffix}", "tickets": f"tk_{suffix}"}
    for name in names.values():
        postgres.admin(f"DROP DATABASE IF EXISTS {name}")
        postgres.admin(f"CREATE DATABASE {name}")
    return {
        "TRACKER_DB_HOST": "127.0.0.1",
        "TRACKER_DB_PORT": str(postgres.port),
        "TRACKER_DB_NAME": names["trackers"],
        "TRACKER_DB_USER": PG_USER,
        "TRACKER_DB_PASSWORD": "",
        "ACTION_ENDPOINT_URL": "http://127.0.0.1:1/webhook",
        "JIEBEI_ACTION_TOKEN": "x" * 32,
        "DATABASE_URL": postgres.url(names["tickets"]),
    }


@pytest.fixture()
def trackers(databases: dict[str, str], monkeypatch: pytest.MonkeyPatch) -> MaskingTrackerStore:
    for name, value in databases.items():
        monkeypatch.setenv(name, value)
    store = retention.tracker_store_from_endpoints("endpoints.postgres.yml")
    assert isinstance(store, MaskingTrackerStore) and isinstance(store.inner, SQLTrackerStore)
    return store


@pytest.fixture()
def redis_port() -> Iterator[int]:
    port = servers.free_port()
    redis = servers.redis_server(port)
    redis.start(timeout=30)
    yield port
    redis.stop()


def save_conversation(store: MaskingTrackerStore, sender: str, *times: float) -> None:
    """Saves a conversation with a greeting at each of ``times`` (UNIX seconds)."""
    events = [
        event
        for seen in times
        for event in (
            ActionExecuted("action_listen", timestamp=seen - 60),
            UserUttered("你好", {"name": "greet", "confidence": 1.0}, timestamp=seen),
        )
    ]
    asyncio.run(store.save(DialogueStateTracker.from_events(sender, events, Domain.empty().slots)))


def stored_senders(store: MaskingTrackerStore) -> set[str]:
    return set(asyncio.run(store.keys()))


def test_idle_conversations_are_purged_and_recent_ones_kept(trackers):
    save_conversation(trackers, "old", NOW - 40 * DAY)
    save_conversation(trackers, "recent", NOW - 2 * DAY)
    save_conversation(trackers, "today", NOW)

    deleted = retention.purge_conversations(trackers, timedelta(days=30), now=NOW)

    assert deleted == 1
    assert stored_senders(trackers) == {"recent", "today"}


def test_a_conversation_with_one_recent_event_is_kept_whole(trackers):
    save_conversation(trackers, "returning", NOW - 40 * DAY, NOW - DAY)

    assert retention.purge_conversations(trackers, timedelta(days=30), now=NOW) == 0
    assert len(asyncio.run(trackers.retrieve_full_tracker("returning")).events) == 4


def file_ticket(store: SqlTicketStore, sender: str) -> str:
    form = AppealForm(
        sender_id=sender, description="记录不对", contested_cause_id="OVERDUE_RECORD", phone="13812345678", consent=True
    )
    return store.submit_appeal(form, "key").ticket.number


def test_forgetting_a_customer_removes_the_conversation_ticket_details_and_handoffs(trackers, databases):
    tickets = SqlTicketStore(databases["DATABASE_URL"])
    save_conversation(trackers, "cust-1", NOW)
    save_conversation(trackers, "cust-2", NOW)
    number = file_ticket(tickets, "cust-1")
    tickets.request_handoff("cust-1", "要求人工客服")

    report = retention.forget_customer("cust-1", trackers, tickets)

    assert report == retention.ForgetReport(tracker_events=2, copies=0, tickets=1, handoffs=1)
    assert stored_senders(trackers) == {"cust-2"}
    assert tickets.get_ticket_for_staff(number).phone is None
    assert tickets.list_handoffs() == []


def test_forgetting_removes_the_redis_copy_too_so_the_next_turn_cannot_write_it_back(
    databases, monkeypatch, redis_port
):
    for name, value in {
        **databases,
        "REDIS_HOST": "127.0.0.1",
        "REDIS_PORT": str(redis_port),
        "REDIS_PASSWORD": "",
    }.items():
        monkeypatch.setenv(name, value)
    store = retention.tracker_store_from_endpoints("endpoints.prod.yml")
    save_conversation(store, "cust-5", NOW)
    assert asyncio.run(store.retrieve("cust-5")) is not None

    report = retention.forget_customer("cust-5", store, SqlTicketStore(databases["DATABASE_URL"]))

    assert (report.tracker_events, report.copies) == (2, 1)
    assert asyncio.run(store.retrieve("cust-5")) is None


def test_the_forget_command_says_what_it_removed(trackers, databases):
    tickets = SqlTicketStore(databases["DATABASE_URL"])
    save_conversation(trackers, "cust-9", NOW)
    file_ticket(tickets, "cust-9")

    result = CliRunner().invoke(cli, ["forget", "cust-9", "--endpoints", "endpoints.postgres.yml", "--yes"])

    assert result.exit_code == 0, result.output
    assert result.output.strip() == (
        "已删除 cust-9 的数据：对话事件 2 条，申诉单 1 份已抹去个人信息（保留单号和状态），人工转接登记 0 条。"
    )


def test_the_purge_command_reports_the_count(trackers):
    save_conversation(trackers, "old", NOW - 400 * DAY)

    result = CliRunner().invoke(cli, ["purge", "--days", "365", "--endpoints", "endpoints.postgres.yml"])

    assert (result.exit_code, result.output.strip()) == (0, "已删除 1 个超过 365 天没有活动的对话。")


def test_in_memory_conversations_cannot_be_reached_and_the_command_says_why(monkeypatch):
    monkeypatch.setenv("ACTION_ENDPOINT_URL", "http://127.0.0.1:1/webhook")
    monkeypatch.setenv("JIEBEI_ACTION_TOKEN", "x" * 32)

    result = CliRunner().invoke(cli, ["purge", "--days", "30", "--endpoints", "endpoints.yml"])

    assert result.exit_code == 2
    assert result.stderr == (
        "错误：endpoints.yml 把对话保存在 Rasa 服务器的内存里：服务器一停对话就没了，后台命令也访问不到\n"
    )


def test_forget_asks_before_deleting(trackers):
    result = CliRunner().invoke(cli, ["forget", "cust-1", "--endpoints", "endpoints.postgres.yml"], input="n\n")

    assert result.exit_code == 1
    assert result.stdout == "确定删除 cust-1 的对话、申诉单里的个人信息和人工转接登记吗？ [y/N]: n\n"
    assert result.stderr == "已取消，没有删除任何数据。\n"
