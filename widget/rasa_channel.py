"""Rasa's socket.io input channel with a ``session_request`` that works on python-socketio 5.10+.

Rasa 3.6.21 calls ``AsyncServer.enter_room`` without ``await``. Since
python-socketio 5.10 that method is a coroutine, so with
``session_persistence: true`` the socket never joins its session's room and
every bot reply (sent to that room) is lost; Rasa only logs "coroutine
'AsyncServer.enter_room' was never awaited" (RasaHQ/rasa issue 13027).

This subclass replaces only the ``session_request`` handler; everything else
is Rasa's channel. Use it in credentials.yml in place of ``socketio:``::

    widget.rasa_channel.SessionSocketIOInput:
      user_message_evt: user_uttered
      bot_message_evt: bot_uttered
      session_persistence: true
"""

from __future__ import annotations

import inspect
import logging
import uuid
from collections.abc import Awaitable, Callable
from typing import Any

from rasa.core.channels.channel import UserMessage
from rasa.core.channels.socketio import SocketIOInput
from sanic import Blueprint

logger = logging.getLogger(__name__)

MAX_SESSION_ID_LENGTH = 128


def valid_session_id(value: Any) -> str | None:
    """Returns ``value`` when it is a usable session id (a non-empty string of at most 128 characters)."""
    if isinstance(value, str) and 0 < len(value) <= MAX_SESSION_ID_LENGTH:
        return value
    return None


class SessionSocketIOInput(SocketIOInput):
    """The socket.io channel, with ``session_request`` awaiting ``enter_room`` when it is a coroutine."""

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        """Builds Rasa's socket.io blueprint, then replaces its ``session_request`` handler.

        Args:
            on_new_message: Rasa's callback for incoming user messages.

        Returns:
            The Sanic blueprint serving socket.io.
        """
        blueprint = super().blueprint(on_new_message)
        sio = self.sio
        if sio is None:  # pragma: no cover - SocketIOInput.blueprint always sets it
            raise RuntimeError("SocketIOInput.blueprint did not create the socket.io server")

        async def session_request(sid: str, data: dict[str, Any] | None) -> None:
            session_id = valid_session_id((data or {}).get("session_id")) or uuid.uuid4().hex
            if self.session_persistence:
                joined = sio.enter_room(sid, session_id, namespace=self.namespace)
                if inspect.isawaitable(joined):
                    await joined
            await sio.emit("session_confirm", session_id, room=sid, namespace=self.namespace)
            logger.debug("socket %s joined its session", sid)

        sio.on("session_request", session_request, namespace=self.namespace)
        return blueprint
