"""The staff command line without servers: help, refusals and their exact text (security/texts.yml)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from click.testing import CliRunner
from rasa.core.tracker_store import InMemoryTrackerStore, RedisTrackerStore
from rasa.shared.core.domain import Domain

import security.cli
from security import retention
from security.cli import cli
from security.tokens import verify
from tickets import StoreUnavailableError

SECRET = "s" * 40


def test_a_token_is_issued_for_the_customer(monkeypatch):
    monkeypatch.setenv("JIEBEI_CHAT_JWT_SECRET", SECRET)

    result = CliRunner().invoke(cli, ["issue-token", "cust-1", "--minutes", "5"])

    assert result.exit_code == 0, result.output
    assert verify(result.stdout.strip(), SECRET).customer_id == "cust-1"


@pytest.mark.parametrize(
    ("secret", "customer_id", "message"),
    [
        (None, "cust-1", "错误：JIEBEI_CHAT_JWT_SECRET 未设置（make 会用 scripts/secret.sh 生成一个）\n"),
        ("short", "cust-1", "错误：JIEBEI_CHAT_JWT_SECRET 至少要 32 个字符，现在只有 5 个\n"),
        (
            SECRET,
            "a b",
            "错误：“a b”不是有效的客户 ID（以字母或数字开头，只含字母、数字和 _.:@-，最长 64 个字符）\n",
        ),
    ],
)
def test_no_token_without_a_secret_or_a_valid_customer_id(monkeypatch, secret, customer_id, message):
    monkeypatch.delenv("JIEBEI_CHAT_JWT_SECRET", raising=False)
    if secret is not None:
        monkeypatch.setenv("JIEBEI_CHAT_JWT_SECRET", secret)

    result = CliRunner().invoke(cli, ["issue-token", customer_id])

    assert (result.exit_code, result.stdout, result.stderr) == (2, "", message)


def test_an_endpoints_file_without_a_tracker_store_is_refused(tmp_path):
    endpoints = tmp_path / "endpoints.yml"
    endpoints.write_text("action_endpoint:\n  url: http://127.0.0.1:5055/webhook\n", encoding="utf-8")

    result = CliRunner().invoke(cli, ["purge", "--days", "30", "--endpoints", str(endpoints)])

    assert result.exit_code == 2
    assert result.stderr == f"错误：{endpoints} 没有配置 tracker_store（对话只保存在 Rasa 服务器的内存里）\n"


@pytest.mark.parametrize(
    ("database", "message"),
    [
        (None, "错误：工单数据库暂时无法连接，没有删除任何数据，请稍后重新运行。\n"),
        (
            "postgresql://jiebei:***@db/tickets",
            "错误：工单数据库 postgresql://jiebei:***@db/tickets 暂时无法连接，没有删除任何数据，请稍后重新运行。\n",
        ),
    ],
)
def test_forget_with_the_ticket_database_down_deletes_nothing_and_says_so(tmp_path, monkeypatch, database, message):
    endpoints = tmp_path / "endpoints.yml"
    endpoints.write_text(
        f"tracker_store:\n  type: SQL\n  dialect: sqlite\n  db: {tmp_path / 'trackers.db'}\n", encoding="utf-8"
    )
    unavailable = StoreUnavailableError("ticket database is unavailable")
    unavailable.database = database

    class DownStore:
        def forget_sender(self, sender_id: str) -> None:
            raise unavailable

    monkeypatch.setattr(security.cli, "get_store", DownStore)

    result = CliRunner().invoke(cli, ["forget", "cust-1", "--endpoints", str(endpoints), "--yes"])

    assert (result.exit_code, result.stderr) == (3, message)


@pytest.mark.parametrize(
    ("store", "message"),
    [
        (
            RedisTrackerStore(Domain.empty()),
            "Redis 里的对话保存 record_exp 秒后自动过期，不能按天数清理；请在 endpoints 文件里设置 record_exp",
        ),
        (InMemoryTrackerStore(Domain.empty()), "InMemoryTrackerStore 不支持按天数清理对话"),
    ],
    ids=["redis", "memory"],
)
def test_only_sql_conversations_are_purged_by_age(store, message):
    with pytest.raises(retention.RetentionError) as raised:
        retention.purge_conversations(store, timedelta(days=30))
    assert str(raised.value) == message


def test_a_conversation_in_memory_cannot_be_deleted():
    with pytest.raises(retention.RetentionError) as raised:
        retention.delete_conversation(InMemoryTrackerStore(Domain.empty()), "cust-1")
    assert str(raised.value) == "InMemoryTrackerStore 不支持删除单个对话"
