"""A minimal stand-in for Rasa's socket.io channel, for fast widget tests.

It speaks the same protocol as ``rasa.core.channels.socketio`` with
``session_persistence: true``: ``session_request`` joins the session's room and
answers ``session_confirm``; each ``user_uttered`` is answered in that room
with ``bot_uttered`` messages taken from a script: the reply to a message is
the JSON list stored under that message in the script file, or an echo.

Usage::

    python tests/widget/fake_rasa.py --port 5099 --script replies.json
"""

from __future__ import annotations

import argparse
import json
import logging
from pathlib import Path
from typing import Any

import socketio
from aiohttp import web

logger = logging.getLogger(__name__)


def build_app(script: dict[str, list[dict[str, Any]]]) -> web.Application:
    """Builds the aiohttp application serving the socket.io endpoint.

    Args:
        script: Maps a user message (text or payload) to the bot messages sent back.

    Returns:
        The application.
    """
    sio = socketio.AsyncServer(async_mode="aiohttp", cors_allowed_origins="*")
    app = web.Application()
    sio.attach(app)

    @sio.on("session_request")
    async def session_request(sid: str, data: dict[str, Any] | None) -> None:
        session_id = (data or {}).get("session_id") or sid
        await sio.enter_room(sid, session_id)
        await sio.emit("session_confirm", session_id, room=sid)

    @sio.on("user_uttered")
    async def user_uttered(sid: str, data: dict[str, Any]) -> None:
        session_id = data.get("session_id")
        if not session_id:
            return
        message = str(data.get("message", ""))
        replies = script.get(message, [{"text": f"echo: {message}"}])
        for reply in replies:
            await sio.emit("bot_uttered", reply, room=session_id)

    async def health(_: web.Request) -> web.Response:
        return web.json_response({"status": "ok"})

    app.router.add_get("/", health)
    return app


def main() -> None:
    """Runs the fake server."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--script", type=Path, help="JSON file: message -> list of bot messages")
    args = parser.parse_args()
    script = json.loads(args.script.read_text(encoding="utf-8")) if args.script else {}
    web.run_app(build_app(script), host=args.host, port=args.port, print=None, shutdown_timeout=1)


if __name__ == "__main__":
    main()
