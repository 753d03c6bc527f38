"""Faults in the production topology: lost replicas, action servers, PostgreSQL, Redis.

Each test breaks one part while a customer talks through nginx, checks that
the conversation goes on where it was and nothing is lost, and leaves the
topology whole again.
"""

from __future__ import annotations

import asyncio
import json
import re
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
import socketio
import yaml

from eligibility import load_engine
from tests.prod.conftest import http_status, tickets_of, tracker_events

pytestmark = pytest.mark.integration

DIAGNOSIS_START = "芝麻分750为什么开不了借呗"
INTRO = "我来帮您分析"
APOLOGY = yaml.safe_load(Path("security/messages.yml").read_text(encoding="utf-8"))["no_reply"]


def question_texts() -> set[str]:
    engine = load_engine()
    texts = set()
    for fact in engine.fact_names:
        try:
            texts.add(engine.question(fact).text)
        except ValueError:  # never asked
            continue
    return texts


def asked(replies: list[str]) -> str | None:
    """The diagnosis question among the replies, if any."""
    questions = question_texts()
    return next((text for text in replies if text in questions), None)


def user_texts(topology, sender: str) -> list[str]:
    return [event["text"] for event in tracker_events(topology, sender) if event["event"] == "user"]


def test_a_replica_lost_mid_diagnosis_is_not_noticed(topology, customer):
    first = asked(customer.texts(DIAGNOSIS_START))
    second = asked(customer.texts("没有"))
    assert first and second and first != second

    topology.kill("rasa-1")
    try:
        after = [customer.texts(answer) for answer in ("不清楚", "不清楚")]
    finally:
        topology.servers["rasa-1"].start()

    # Both turns answered by the other replica, each with the next question:
    # the diagnosis went on where it was (no new introduction, no repeat).
    third, fourth = asked(after[0]), asked(after[1])
    assert third and fourth and len({first, second, third, fourth}) == 4
    assert not any(INTRO in text for replies in after for text in replies)
    assert user_texts(topology, customer.id) == [DIAGNOSIS_START, "没有", "不清楚", "不清楚"]


def test_one_action_server_lost_then_both(topology, customer):
    topology.kill("actions-1")
    try:
        first = asked(customer.texts(DIAGNOSIS_START))
        second = asked(customer.texts("没有"))  # the other action server validated it
        assert first and second and first != second

        topology.kill("actions-2")
        try:
            down = customer.texts("不清楚")
        finally:
            topology.servers["actions-2"].start()
    finally:
        topology.servers["actions-1"].start()

    assert down == [APOLOGY]
    # Nothing lost: the message is in the conversation, and the answer is
    # taken once an action server is back (the next question is asked).
    assert user_texts(topology, customer.id)[-1] == "不清楚"
    topology.wait_until_balanced()
    third = asked(customer.texts("不清楚"))
    assert third and third not in (first, second)


APPEAL = ["我要申诉", "逾期记录不是我的", "我一直按时还款从来没有逾期过", "我手机13812345678"]


def test_postgres_lost_during_an_appeal_keeps_the_conversation_and_the_ticket(topology, customer):
    for text in APPEAL:
        customer.say(text)

    topology.postgres.stop()
    try:
        summary = customer.texts("同意")
        queued = customer.texts("确认提交")
    finally:
        topology.postgres.start()

    # While PostgreSQL was down the conversation lived in Redis (whichever
    # replica served it), and the appeal waited in an outbox.
    assert any("请确认申诉信息" in text for text in summary)
    assert any("申诉已保存" in text for text in queued)
    outboxes = [path for path in topology.config.root.glob("outbox-*.jsonl") if path.read_text().strip()]
    assert len(outboxes) == 1

    # Back: the next turns file the queued appeal (each action server flushes
    # its outbox on its next store operation) and write the missing events.
    replies = [customer.texts("查一下申诉进度") for _ in range(2)]
    [number] = tickets_of(topology, customer.id)
    assert any(number in text for text in replies[-1])
    assert not outboxes[0].read_text().strip()
    assert user_texts(topology, customer.id)[-3:-2] == ["确认提交"]


def test_a_redis_restart_corrupts_nothing(topology, customer):
    first = asked(customer.texts(DIAGNOSIS_START))

    topology.restart("redis")

    second = asked(customer.texts("没有"))
    third = asked(customer.texts("没有"))
    assert first and second and third and len({first, second, third}) == 3
    assert user_texts(topology, customer.id) == [DIAGNOSIS_START, "没有", "没有"]


def test_two_turns_of_one_conversation_are_never_processed_at_once(topology, customer):
    customer.say("你好")

    with ThreadPoolExecutor(max_workers=4) as pool:
        replies = list(pool.map(customer.say, ["借呗利息怎么算", "借呗怎么还款", "借呗额度怎么提升", "借呗能提前还吗"]))

    assert all(replies)
    # The lock store serialised them: every user event is followed by its
    # own bot turn, ending in action_listen, before the next user event.
    kinds = [event["event"] for event in tracker_events(topology, customer.id)]
    turns = "".join("U" if kind == "user" else "L" if kind == "action" else "" for kind in kinds)
    assert re.fullmatch(r"L*(UL+)+", turns), turns
    assert turns.count("U") == 5


async def test_the_widget_moves_to_another_replica_with_its_history(topology, customer):
    client = socketio.AsyncClient(reconnection=True, reconnection_delay=0.5, reconnection_delay_max=1)
    replies: asyncio.Queue[dict] = asyncio.Queue()
    confirmed: asyncio.Queue[str] = asyncio.Queue()
    client.on("bot_uttered", replies.put_nowait)
    client.on("session_confirm", confirmed.put_nowait)
    client.on("connect", lambda: asyncio.ensure_future(client.emit("session_request", {"session_id": "x"})))

    async def say(text: str) -> list[str]:
        await client.emit("user_uttered", {"message": text, "session_id": "x"})
        texts = [(await asyncio.wait_for(replies.get(), 60)).get("text", "")]
        while True:  # the rest of this turn's messages
            try:
                texts.append((await asyncio.wait_for(replies.get(), 2)).get("text", ""))
            except asyncio.TimeoutError:
                return texts

    await client.connect(
        f"http://127.0.0.1:{topology.config.public_port}",
        socketio_path="/socket.io",
        transports=["polling"],  # this python-socketio's websocket needs a newer aiohttp than Rasa's
        auth={"token": customer.token},
    )
    try:
        assert await asyncio.wait_for(confirmed.get(), 30) == customer.id
        first = asked(await say(DIAGNOSIS_START))
        serving = next(
            name for name in topology.config.replicas("rasa")
            if customer.id in topology.servers[name].log_since_start()
        )  # fmt: skip
        topology.kill(serving)
        try:
            assert await asyncio.wait_for(confirmed.get(), 60) == customer.id  # reconnected elsewhere
            second = asked(await say("没有"))
        finally:
            topology.servers[serving].start()
    finally:
        await client.eio.disconnect(abort=True)

    assert first and second and first != second
    assert user_texts(topology, customer.id) == [DIAGNOSIS_START, "没有"]


def test_every_replica_uses_the_masking_store_with_its_fallback_and_atomic_locks(topology):
    # Rasa falls back to in-memory stores, with only a warning, when a custom
    # class cannot be loaded: the replicas must say what they use.
    for name in topology.config.replicas("rasa"):
        log = topology.servers[name].log_since_start()
        assert "tracker store: AppendingSQLTrackerStore, masking personal data, Redis fallback" in log
        assert "lock store: atomic Redis locks" in log


def test_every_replica_runs_with_openblas_threads_that_sleep_at_once(topology):
    # Spinning OpenBLAS threads took ~175 ms of CPU after every turn from
    # the other replicas (docs/benchmarks.md).
    for name in topology.config.replicas("rasa"):
        pid = topology.servers[name].process.pid
        environment = Path(f"/proc/{pid}/environ").read_bytes().split(b"\0")
        assert b"OPENBLAS_THREAD_TIMEOUT=4" in environment, name


def test_nginx_publishes_the_chat_and_nothing_else(topology):
    base = f"http://127.0.0.1:{topology.config.public_port}"

    assert http_status(f"{base}/healthz") == 200
    assert http_status(f"{base}/") == 200
    assert http_status(f"{base}/status") == 404
    assert http_status(f"{base}/conversations/x/tracker") == 404
    assert json.loads(Path(topology.config.state_file).read_text())["public_url"].endswith(
        str(topology.config.public_port)
    )
