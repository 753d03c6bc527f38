"""Unit tests of widget.rasa_channel: session_request must really join the session's room."""

from __future__ import annotations

import asyncio
import gc
from concurrent.futures import ThreadPoolExecutor
from typing import Any
from unittest.mock import AsyncMock

import pytest
from rasa.core.channels.socketio import SocketIOInput

from widget.rasa_channel import SessionSocketIOInput, valid_session_id

CREDENTIALS = {"user_message_evt": "user_uttered", "bot_message_evt": "bot_uttered", "session_persistence": True}


async def request_session(channel_class: type[SocketIOInput], data: dict[str, Any] | None) -> tuple[Any, str]:
    """Builds the channel, connects one fake socket and sends it a session_request."""
    channel = channel_class.from_credentials(CREDENTIALS)
    channel.blueprint(AsyncMock())
    sio = channel.sio
    sio.emit = AsyncMock()
    sid = await sio.manager.connect("engineio-sid", "/")
    await sio.handlers["/"]["session_request"](sid, data)
    return sio, sid


def run(channel_class: type[SocketIOInput], data: dict[str, Any] | None) -> tuple[Any, str]:
    """Runs request_session in a thread of its own: Playwright's sync API may own this thread's event loop."""
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, request_session(channel_class, data)).result()


def room_members(sio: Any, room: str) -> list[str]:
    return [sid for sid, _ in sio.manager.get_participants("/", room)]


def test_session_request_joins_the_session_room_and_confirms_it() -> None:
    sio, sid = run(SessionSocketIOInput, {"session_id": "abc123"})
    assert room_members(sio, "abc123") == [sid]
    sio.emit.assert_awaited_once_with("session_confirm", "abc123", room=sid, namespace=None)


def test_rasa_stock_channel_is_what_needs_the_fix() -> None:
    """Documents the bug this module works around; if Rasa fixes it, this test tells us to drop the subclass."""
    with pytest.warns(RuntimeWarning, match="never awaited"):
        sio, _ = run(SocketIOInput, {"session_id": "abc123"})
        gc.collect()  # the warning is raised when the un-awaited coroutine is collected
    assert room_members(sio, "abc123") == []


@pytest.mark.parametrize("data", [None, {}, {"session_id": None}, {"session_id": 42}, {"session_id": "x" * 129}])
def test_missing_or_invalid_session_id_gets_a_fresh_one(data: dict[str, Any] | None) -> None:
    sio, sid = run(SessionSocketIOInput, data)
    confirmed = sio.emit.await_args.args[1]
    assert len(confirmed) == 32 and confirmed != (data or {}).get("session_id")
    assert room_members(sio, confirmed) == [sid]


@pytest.mark.parametrize(
    ("value", "expected"),
    [("a", "a"), ("x" * 128, "x" * 128), ("", None), ("x" * 129, None), (7, None), (None, None)],
)
def test_valid_session_id(value: Any, expected: str | None) -> None:
    assert valid_session_id(value) == expected
