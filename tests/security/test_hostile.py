"""A hostile client against the real servers: forged calls, foreign ids, bad bodies, floods.

Each case asserts the exact refusal and that nothing was filed, leaked or
lost. The stack (tests/security/conftest.py) runs in the production mode:
customer JWTs, real rate limits, conversations in PostgreSQL.
"""

from __future__ import annotations

import asyncio
import json
import re
import time
import zlib
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import jwt
import pytest
import socketio
import yaml

from security.sealed import seal
from tests.security.conftest import (
    API_SECRET,
    CHAT_SECRET,
    CLIENT_LIMIT,
    MAX_MESSAGE_CHARS,
    SENDER_LIMIT,
    HostileStack,
    say,
)
from tickets.numbers import new_ticket_number

pytestmark = pytest.mark.integration

PHONE = "13812345678"
WEBHOOK = "/webhooks/rest/webhook"
APPEAL_TURNS = ["我要申诉", "逾期记录不是我的", "我一直按时还款从来没有逾期过", f"我手机{PHONE}", "同意", "确认提交"]
TICKET = re.compile(r"JB[0-9A-Z]{6}")
DOMAIN = yaml.safe_load(Path("domain.yml").read_text(encoding="utf-8"))


def file_appeal(hostile: HostileStack, customer: str) -> str:
    """Goes through the appeal form in words; returns the ticket number."""
    client, token = hostile.client(), hostile.token(customer)
    replies = [say(client, token, text) for text in APPEAL_TURNS]
    assert [reply.status for reply in replies] == [200] * len(APPEAL_TURNS)
    found = TICKET.findall(" ".join(replies[-1].texts()))
    assert found, replies[-1].texts()
    return found[0]


def action_call(sender: str, phone_slot: str, action: str = "action_submit_appeal") -> bytes:
    """A complete, plausible action call, as a forger would write one."""
    slots = {
        "appeal_contested": "OVERDUE_RECORD",
        "appeal_description": "我从来没有逾期过，这条记录不对",
        "appeal_phone": phone_slot,
        "appeal_consent": True,
        "appeal_confirmed": True,
    }
    tracker = {
        "sender_id": sender,
        "slots": slots,
        "latest_message": {"text": "确认提交", "intent": {"name": "affirm", "confidence": 1.0}, "entities": []},
        "events": [],
        "paused": False,
        "followup_action": None,
        "active_loop": {},
        "latest_action_name": "appeal_form",
    }
    return json.dumps(
        {"next_action": action, "sender_id": sender, "version": "3.6.21", "tracker": tracker, "domain": DOMAIN}
    ).encode("utf-8")


def post_action(hostile: HostileStack, body: bytes, headers: dict[str, str] | None = None):
    return hostile.client(hostile.action_port).request(
        "POST", "/webhook", body, {"Content-Type": "application/json", **(headers or {})}
    )


# ---------------------------------------------------------------- action server


@pytest.mark.parametrize(
    "headers",
    [
        {},
        {"Authorization": "Bearer not-the-token-but-long-enough-to-look-real-0000"},
        {"Authorization": "Basic cmFzYTpyYXNh"},
        {"X-Token": "anything"},
    ],
    ids=["no-token", "wrong-token", "basic-auth", "other-header"],
)
def test_a_forged_action_call_is_refused_and_files_nothing(hostile, field_key, headers):
    body = action_call("victim-forged", seal(PHONE, field_key))

    reply = post_action(hostile, body, headers)

    assert (reply.status, reply.json()) == (401, {"error": "unauthorized"})
    assert hostile.tickets_of("victim-forged") == []


def test_the_token_in_the_query_string_is_not_accepted(hostile, action_token, field_key):
    reply = hostile.client(hostile.action_port).request(
        "POST",
        f"/webhook?token={action_token}",
        action_call("victim-query", seal(PHONE, field_key)),
        {"Content-Type": "application/json"},
    )

    assert reply.status == 401
    assert hostile.tickets_of("victim-query") == []


def test_a_refused_call_is_logged_with_the_client_address(hostile):
    post_action(hostile, action_call("victim-log", "x"), {"Authorization": "Bearer wrong"})

    assert re.search(r"refused POST /webhook from 127\.0\.0\.\d+: wrong token", hostile.actions.log_since_start())


def test_a_replayed_submit_files_one_ticket_only(hostile, action_token, field_key):
    body = action_call("replayed-sender", seal(PHONE, field_key))
    auth = {"Authorization": f"Bearer {action_token}"}

    first, second = post_action(hostile, body, auth), post_action(hostile, body, auth)

    assert (first.status, second.status) == (200, 200)
    assert len(hostile.tickets_of("replayed-sender")) == 1


def test_a_clear_phone_number_in_a_forged_tracker_is_not_filed(hostile, action_token):
    reply = post_action(hostile, action_call("clear-phone", PHONE), {"Authorization": f"Bearer {action_token}"})

    assert reply.status == 200
    assert [m["response"] for m in reply.json()["responses"]] == ["utter_appeal_submit_failed"]
    assert hostile.tickets_of("clear-phone") == []


def test_the_action_list_needs_the_token(hostile):
    reply = hostile.client(hostile.action_port).request("GET", "/actions")

    assert reply.status == 401


def test_health_is_open_and_says_nothing_else(hostile):
    reply = hostile.client(hostile.action_port).request("GET", "/health")

    assert (reply.status, reply.json()) == (200, {"status": "ok"})


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        (b"", "body is not JSON"),
        (b"\xff\xfe{}", "body is not UTF-8"),
        (b"[1, 2]", "body is not a JSON object"),
        (b'{"tracker": {}}', "next_action is missing"),
        (b'{"next_action": "action_submit_appeal"}', "tracker with a sender_id is missing"),
        (b"[" * 50_000 + b"]" * 50_000, "body is nested too deeply"),
    ],
    ids=["empty", "not-utf8", "array", "no-action", "no-tracker", "deep"],
)
def test_a_malformed_call_with_the_token_gets_400_and_a_reason(hostile, action_token, body, reason):
    reply = post_action(hostile, body, {"Authorization": f"Bearer {action_token}"})

    assert (reply.status, reply.json()) == (400, {"error": reason})


def test_a_compressed_call_is_refused_rather_than_inflated(hostile, action_token, field_key):
    body = zlib.compress(action_call("deflated", seal(PHONE, field_key)))

    reply = post_action(hostile, body, {"Authorization": f"Bearer {action_token}", "Content-Encoding": "deflate"})

    assert (reply.status, reply.json()) == (415, {"error": "compressed bodies are not accepted"})
    assert hostile.tickets_of("deflated") == []


def test_an_error_reply_never_echoes_the_request(hostile, action_token):
    call = json.loads(action_call("echo-sender", PHONE, action="action_check_appeal_status"))
    call["tracker"]["latest_message"] = f"not a mapping {PHONE}"  # the action fails on this deep inside

    reply = post_action(hostile, json.dumps(call).encode(), {"Authorization": f"Bearer {action_token}"})

    assert reply.status == 500
    assert reply.json() == {"error": "internal error"}
    assert PHONE.encode() not in reply.body


def test_the_action_server_listens_on_loopback_only(hostile):
    def local_addresses(table: str) -> set[str]:
        rows = Path(table).read_text().splitlines()[1:]
        port_hex = f":{hostile.action_port:04X}"
        return {row.split()[1].rsplit(":", 1)[0] for row in rows if row.split()[1].endswith(port_hex)}

    assert local_addresses("/proc/net/tcp") == {"0100007F"}  # 127.0.0.1, little-endian
    assert local_addresses("/proc/net/tcp6") == set()  # and nothing on IPv6


# ------------------------------------------------------------------ REST: who


def test_rest_without_a_token_is_refused(hostile):
    reply = say(hostile.client(), None, "你好", sender="anyone")

    assert (reply.status, reply.json()) == (401, {"error": "unauthorized"})
    assert reply.headers["www-authenticate"].startswith("Bearer")
    assert hostile.events_of("anyone") == []


@pytest.mark.parametrize(
    "forge",
    [
        lambda c: jwt.encode({"sub": c, "exp": int(time.time()) + 600}, "not-the-secret-" * 3, algorithm="HS256"),
        lambda c: jwt.encode({"sub": c, "exp": int(time.time()) - 10}, CHAT_SECRET, algorithm="HS256"),
        lambda c: jwt.encode({"sub": c}, CHAT_SECRET, algorithm="HS256"),
        lambda c: jwt.encode({"sub": c, "exp": int(time.time()) + 600}, CHAT_SECRET, algorithm="HS512"),
        lambda c: jwt.encode({"sub": "../" + c, "exp": int(time.time()) + 600}, CHAT_SECRET, algorithm="HS256"),
        lambda c: jwt.encode({"sub": c, "exp": int(time.time()) + 600}, None, algorithm="none"),
        lambda c: "not.a.jwt",
    ],
    ids=["wrong-secret", "expired", "no-exp", "hs512", "bad-subject", "alg-none", "garbage"],
)
def test_a_forged_or_expired_customer_token_is_refused(hostile, forge):
    customer = hostile.new_customer()

    reply = say(hostile.client(), forge(customer), "你好")

    assert (reply.status, reply.json()) == (401, {"error": "unauthorized"})
    assert hostile.events_of(customer) == []


def test_a_claimed_sender_is_ignored_the_token_decides(hostile):
    victim, attacker = hostile.new_customer(), hostile.new_customer()
    client = hostile.client()
    assert say(client, hostile.token(victim), "你好").status == 200
    before = hostile.events_of(victim)

    reply = say(client, hostile.token(attacker), "借呗利息多少", sender=victim)

    assert reply.status == 200
    assert {message["recipient_id"] for message in reply.json()} == {attacker}
    assert hostile.events_of(victim) == before


def test_another_customers_ticket_number_reveals_nothing(hostile):
    owner, stranger = hostile.new_customer(), hostile.new_customer()
    number = file_appeal(hostile, owner)
    client, token = hostile.client(), hostile.token(stranger)

    theirs = say(client, token, f"查一下申诉进度{number}").texts()
    made_up = new_ticket_number()
    unknown = say(client, token, f"查一下申诉进度{made_up}").texts()

    assert [text.replace(number, "#") for text in theirs] == [text.replace(made_up, "#") for text in unknown]
    assert not any("逾期记录" in text or "138" in text for text in theirs)


# --------------------------------------------------------------- REST: bodies


@pytest.mark.parametrize(
    ("body", "content_type", "reason"),
    [
        (b"", "text/plain", 'empty body: send JSON such as {"sender": "me", "message": "你好"}'),
        (b"hello", "text/plain", "body is not valid JSON"),
        (b'{"message": "\xff\xfe"}', "application/json", "body is not valid UTF-8"),
        (b"[1]", "application/json", "body must be a JSON object"),
        (b'{"message": 5}', "application/json", "message must be a string"),
        (b'{"message": "\\u0000 \\u0007"}', "application/json", "message is empty"),
        (b'{"message": ' + b"[" * 20_000 + b"]" * 20_000 + b"}", "application/json", "body is nested too deeply"),
    ],
    ids=["empty", "plain-text", "invalid-utf8", "array", "number", "only-controls", "deep"],
)
def test_a_malformed_body_gets_400_with_the_reason(hostile, body, content_type, reason):
    headers = {"Content-Type": content_type, "Authorization": f"Bearer {hostile.token(hostile.new_customer())}"}

    reply = hostile.client().request("POST", WEBHOOK, body, headers)

    assert (reply.status, reply.json()) == (400, {"error": reason})


def test_an_oversized_body_is_refused_before_it_is_read(hostile):
    body = json.dumps({"message": "长" * 100_000}).encode("utf-8")

    reply = hostile.client().request("POST", WEBHOOK, body, {"Content-Type": "application/json"})

    assert reply.status == 413


def test_a_too_long_message_gets_a_polite_reply_and_no_parse(hostile):
    customer = hostile.new_customer()
    text = "我想问一下借呗" * (MAX_MESSAGE_CHARS // 7 + 1)

    reply = say(hostile.client(), hostile.token(customer), text)

    assert reply.status == 200
    [answer] = reply.texts()
    assert f"{len(text)}个字" in answer and f"{MAX_MESSAGE_CHARS}个字" in answer
    assert hostile.events_of(customer) == []


def test_control_characters_and_lone_surrogates_are_removed(hostile):
    customer = hostile.new_customer()
    body = b'{"message": "\\u0000\\u0007\xe4\xbd\xa0\xe5\xa5\xbd\\ud800\\u001b"}'
    headers = {"Content-Type": "application/json", "Authorization": f"Bearer {hostile.token(customer)}"}

    reply = hostile.client().request("POST", WEBHOOK, body, headers)

    assert reply.status == 200 and reply.texts()
    assert [event["text"] for event in hostile.events_of(customer) if event["event"] == "user"] == ["你好"]


# ---------------------------------------------------------------- REST: rates


def test_one_conversation_is_limited(hostile):
    client, token = hostile.client(), hostile.token(hostile.new_customer())

    statuses = [say(client, token, "你好").status for _ in range(SENDER_LIMIT + 2)]

    assert statuses == [200] * SENDER_LIMIT + [429, 429]
    refused = say(client, token, "你好")
    assert int(refused.headers["retry-after"]) > 0
    assert refused.json()["error"] == "too many messages"
    assert "秒后再发" in refused.json()["messages"][0]["text"]


def test_a_flood_from_one_client_does_not_stop_another_client(hostile):
    flooder, chatter = hostile.client(), hostile.client()
    tokens = [hostile.token(hostile.new_customer()) for _ in range(CLIENT_LIMIT * 3)]
    calm = hostile.token(hostile.new_customer())

    with ThreadPoolExecutor(max_workers=16) as pool:
        flood = [pool.submit(say, flooder, token, "你好") for token in tokens]
        answers = [say(chatter, calm, text) for text in ("你好", "借呗利息怎么算", "谢谢")]
        statuses = [future.result().status for future in flood]

    assert statuses.count(200) == CLIENT_LIMIT
    assert statuses.count(429) == len(tokens) - CLIENT_LIMIT
    assert [answer.status for answer in answers] == [200, 200, 200]
    assert all(answer.texts() for answer in answers)


# --------------------------------------------------------- personal data at rest


def test_after_an_appeal_the_tracker_store_holds_no_phone_number_in_clear(hostile):
    customer = hostile.new_customer()

    number = file_appeal(hostile, customer)

    stored = json.dumps(hostile.events_of(customer), ensure_ascii=False)
    assert stored and PHONE not in stored
    assert re.search(r"(?<![\d.])1[3-9]\d{9}(?!\d)", stored) is None  # not inside a float
    assert "138****5678" in stored
    assert hostile.tickets_of(customer) == [(number, PHONE)]


# --------------------------------------------------------------- the HTTP API


@pytest.mark.parametrize("path", ["/conversations/cust-0001/tracker", "/status", "/domain"])
def test_the_http_api_needs_a_jwt(hostile, path):
    reply = hostile.client().request("GET", path)

    assert reply.status == 401


def test_the_http_api_answers_an_admin_jwt(hostile):
    token = jwt.encode({"user": {"username": "staff", "role": "admin"}}, API_SECRET, algorithm="HS256")

    reply = hostile.client().request("GET", "/status", headers={"Authorization": f"Bearer {token}"})

    assert reply.status == 200


# ------------------------------------------------------------------ socket.io


async def _open(hostile: HostileStack, token: str | None) -> tuple[socketio.AsyncClient, dict | None]:
    """Connects like the widget; returns the client and the server's refusal (None when accepted)."""
    client = socketio.AsyncClient(reconnection=False)
    outcome: asyncio.Future[dict | None] = asyncio.get_running_loop().create_future()
    client.on("connect", lambda: outcome.done() or outcome.set_result(None))
    client.on("connect_error", lambda data=None: outcome.done() or outcome.set_result(data or {}))
    await client.connect(
        f"http://127.0.0.1:{hostile.rasa_port}",
        socketio_path="/socket.io",
        # Polling: the websocket transport of this python-socketio needs a newer aiohttp than Rasa's.
        transports=["polling"],
        auth={"token": token} if token else None,
        wait=False,
    )
    return client, await asyncio.wait_for(outcome, 30)


async def _close(client: socketio.AsyncClient) -> None:
    # abort: a polite polling disconnect waits for the next ping (about 25 s).
    await client.eio.disconnect(abort=True)


@pytest.mark.parametrize("token", [None, "not.a.jwt", "forged"], ids=["none", "garbage", "wrong-secret"])
async def test_the_widget_cannot_connect_without_a_valid_token(hostile, token):
    if token == "forged":
        token = jwt.encode({"sub": "cust-x", "exp": int(time.time()) + 600}, "other-secret-" * 4, algorithm="HS256")

    client, refusal = await _open(hostile, token)
    await _close(client)

    assert refusal == {"message": "unauthorized"}


async def test_an_open_socket_does_not_outlive_its_token(hostile):
    customer = hostile.new_customer()
    client, refusal = await _open(hostile, hostile.token(customer, lifetime=3))
    replies: asyncio.Queue[dict] = asyncio.Queue()
    client.on("bot_uttered", replies.put_nowait)
    try:
        assert refusal is None
        await client.emit("session_request", {})
        await asyncio.sleep(4)
        await client.emit("user_uttered", {"message": "你好"})
        reply = await asyncio.wait_for(replies.get(), 30)
    finally:
        await _close(client)

    assert "登录已经过期" in reply["text"]
    assert hostile.events_of(customer) == []


async def test_the_widget_session_is_the_customer_whatever_id_it_asks_for(hostile):
    victim, customer = hostile.new_customer(), hostile.new_customer()
    client, refusal = await _open(hostile, hostile.token(customer))
    confirmed: asyncio.Future[str] = asyncio.get_running_loop().create_future()
    replies: asyncio.Queue[dict] = asyncio.Queue()
    client.on("session_confirm", lambda session_id: confirmed.set_result(session_id))
    client.on("bot_uttered", replies.put_nowait)
    try:
        assert refusal is None
        await client.emit("session_request", {"session_id": victim})
        assert await asyncio.wait_for(confirmed, 30) == customer

        await client.emit("user_uttered", {"message": "你好", "session_id": victim})
        assert (await asyncio.wait_for(replies.get(), 60)).get("text")
    finally:
        await _close(client)
    assert hostile.events_of(victim) == []
    assert [e["text"] for e in hostile.events_of(customer) if e["event"] == "user"] == ["你好"]
