"""The chat channels, guarded: who is talking, how much, how fast.

:class:`GuardedRestInput` (``/webhooks/rest/webhook``) and
:class:`GuardedSocketIOInput` (the web widget) check every message before the
assistant sees it:

- **who**: with ``JIEBEI_CHAT_AUTH=jwt`` the caller must present a customer
  token (REST: ``Authorization: Bearer``; socket.io: ``auth.token`` when
  connecting) and the customer id in it is the conversation id, whatever
  the client claims. In the anonymous demo mode the client picks its id;
- **what**: a body must be a UTF-8 JSON object with a string ``message``
  (400 with the reason otherwise); control characters and lone surrogates
  are removed; a message longer than ``JIEBEI_MAX_MESSAGE_CHARS`` gets a
  polite reply instead of a parse;
- **how fast**: per conversation and per client address (token buckets,
  :mod:`security.limits`); over the limit, REST answers 429 and the widget
  gets a polite message. Refusals cost no model call, so a flood from one
  client does not slow another's replies.

Settings come from :func:`security.config.channel_settings`.
"""

from __future__ import annotations

import inspect
import json
import logging
import re
import time
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml
from rasa.core.channels.channel import CollectingOutputChannel, InputChannel, UserMessage
from rasa.core.channels.rest import RestInput
from rasa.core.channels.socketio import SocketIOOutput
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse
from socketio.exceptions import ConnectionRefusedError as SocketConnectionRefused

from security.config import ChannelSettings, ChatAuth, channel_settings
from security.limits import Decision, RateLimiter
from security.tokens import Customer, TokenError, verify
from widget.rasa_channel import SessionSocketIOInput, valid_session_id

logger = logging.getLogger(__name__)

MESSAGES_FILE = Path(__file__).with_name("messages.yml")
# C0/C1 control characters but tab and newline, and lone surrogates (from
# JSON escapes such as "\ud800"): never passed on.
_UNWANTED = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff]")


class BodyError(ValueError):
    """A request body is not a message the channel accepts (the text is the reason)."""


@lru_cache(maxsize=1)
def messages() -> dict[str, str]:
    """The channel's own replies (security/messages.yml)."""
    with MESSAGES_FILE.open(encoding="utf-8") as handle:
        return dict(yaml.safe_load(handle))


def clean_text(text: str) -> str:
    """Removes control characters and lone surrogates; trims the ends."""
    return _UNWANTED.sub("", text).strip()


def parse_rest_body(raw: bytes) -> dict[str, Any]:
    """Reads a REST body: a UTF-8 JSON object with a string ``message``.

    Raises:
        BodyError: The reason the body is refused.
    """
    if not raw.strip():
        raise BodyError('empty body: send JSON such as {"sender": "me", "message": "你好"}')
    try:
        body = json.loads(raw.decode("utf-8"))
    except UnicodeDecodeError:
        raise BodyError("body is not valid UTF-8") from None
    except RecursionError:
        raise BodyError("body is nested too deeply") from None
    except ValueError:
        raise BodyError("body is not valid JSON") from None
    if not isinstance(body, dict):
        raise BodyError("body must be a JSON object")
    if not isinstance(body.get("message"), str):
        raise BodyError("message must be a string")
    return body


@dataclass(frozen=True)
class Refusal:
    """A message that is not passed on: the HTTP status and what the user is told."""

    status: int
    text: str
    retry_after: int = 0


class ChannelGuard:
    """Identity, size and rate checks shared by the channels."""

    def __init__(self, settings: ChannelSettings) -> None:
        self.settings = settings
        self._senders = RateLimiter(settings.sender_rate)
        self._clients = RateLimiter(settings.client_rate)

    @property
    def requires_token(self) -> bool:
        return self.settings.auth is ChatAuth.JWT

    def identify(self, token: str | None, claimed: Any) -> str:
        """The conversation id: the token's customer (jwt mode) or the client's choice.

        Raises:
            TokenError: jwt mode and no valid token.
            BodyError: anonymous mode and no usable id.
        """
        return self.identify_customer(token, claimed).customer_id

    def identify_customer(self, token: str | None, claimed: Any) -> Customer:
        """:meth:`identify`, with the token's expiry (none in anonymous mode)."""
        if self.requires_token:
            return verify(token, self.settings.jwt_secret or "")
        sender = valid_session_id(claimed)
        if sender is None:
            raise BodyError("sender must be a non-empty string of at most 128 characters")
        return Customer(customer_id=sender, expires_at=float("inf"))

    def check(self, sender: str, client: str, text: str) -> Refusal | None:
        """Why this message is not passed on, or None when it may be."""
        decision: Decision = self._clients.check(f"client:{client}")
        if decision.allowed:
            decision = self._senders.check(f"sender:{sender}")
        if not decision.allowed:
            logger.warning("rate limit: %s from %s, retry in %s s", sender, client, decision.retry_after)
            return Refusal(429, messages()["rate_limited"].format(seconds=decision.retry_after), decision.retry_after)
        limit = self.settings.max_message_chars
        if len(text) > limit:
            logger.info("message of %s characters from %s not parsed (limit %s)", len(text), sender, limit)
            return Refusal(200, messages()["too_long"].format(length=len(text), limit=limit))
        return None


def no_reply(sender: str) -> dict[str, str]:
    """What the user is told when their turn produced no reply at all.

    Every message gets an answer, so an empty turn means something failed
    (typically no action server was reachable): the message is in the
    conversation, nothing was done with it, and the user is asked to send
    it again or call the hotline.
    """
    logger.warning("the turn of %s produced no reply (an action server down?)", sender)
    return {"recipient_id": sender, "text": messages()["no_reply"]}


def without_repeats(replies: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Drops a message identical to the one just before it (one turn never says a thing twice).

    Two failing actions in one turn (a form's validation and its question)
    would otherwise each send the same apology.
    """
    kept: list[dict[str, Any]] = []
    for reply in replies:
        if not kept or reply != kept[-1]:
            kept.append(reply)
    return kept


class TurnSocketIOOutput(SocketIOOutput):
    """socket.io output for one turn: a message identical to the previous one is not sent again."""

    def __init__(self, sio: Any, bot_message_evt: str) -> None:
        super().__init__(sio, bot_message_evt)
        self._last: tuple[str, Any] | None = None
        self.sent = 0

    async def _send_message(self, socket_id: str, response: Any) -> None:
        if self._last == (socket_id, response):
            return
        self._last = (socket_id, response)
        self.sent += 1
        await super()._send_message(socket_id, response)


def client_address(request: Request) -> str:
    """The caller's address (``remote_addr`` when Sanic trusts a proxy header, else the peer)."""
    return request.remote_addr or request.ip or "unknown"


def bearer_token(request: Request) -> str | None:
    header = request.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    return token.strip() if scheme.lower() == "bearer" and token.strip() else None


class GuardedRestInput(RestInput):
    """The REST channel with authentication, body checks and limits."""

    @classmethod
    def name(cls) -> str:
        return "rest"

    @classmethod
    def from_credentials(cls, credentials: dict[str, Any] | None) -> InputChannel:
        return cls()

    def __init__(self, settings: ChannelSettings | None = None) -> None:
        self.guard = ChannelGuard(settings or channel_settings())
        mode = "customer tokens required" if self.guard.requires_token else "anonymous (demo) sessions"
        logger.info("REST channel: %s", mode)

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        """``GET /`` (health) and ``POST /webhook`` under ``/webhooks/rest``."""
        rest = Blueprint("custom_webhook_GuardedRestInput", __name__)

        @rest.route("/", methods=["GET"])
        async def health(_: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        @rest.route("/webhook", methods=["POST"])
        async def receive(request: Request) -> HTTPResponse:
            try:
                body = parse_rest_body(request.body)
                sender = self.guard.identify(bearer_token(request), body.get("sender"))
            except BodyError as error:
                return response.json({"error": str(error)}, status=400)
            except TokenError as error:
                logger.warning("REST call from %s refused: %s", client_address(request), error)
                return response.json(
                    {"error": "unauthorized"}, status=401, headers={"WWW-Authenticate": 'Bearer realm="jiebei"'}
                )
            text = clean_text(body["message"])
            if not text:
                return response.json({"error": "message is empty"}, status=400)
            refusal = self.guard.check(sender, client_address(request), text)
            if refusal is not None:
                reply = [{"recipient_id": sender, "text": refusal.text}]
                if refusal.status == 429:
                    return response.json(
                        {"error": "too many messages", "retry_after": refusal.retry_after, "messages": reply},
                        status=429,
                        headers={"Retry-After": str(refusal.retry_after)},
                    )
                return response.json(reply)
            collector = CollectingOutputChannel()
            await on_new_message(UserMessage(text, collector, sender, input_channel=self.name()))
            if not collector.messages:
                return response.json([no_reply(sender)])
            return response.json(without_repeats(collector.messages))

        return rest


class GuardedSocketIOInput(SessionSocketIOInput):
    """The widget's socket.io channel with authentication and limits.

    The conversation id is fixed per socket when the session is requested:
    the token's customer (jwt mode) or the id the client asks for; messages
    cannot name another conversation afterwards.
    """

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        blueprint = super().blueprint(on_new_message)
        guard = ChannelGuard(channel_settings())
        sio = self.sio
        if sio is None:  # pragma: no cover - SocketIOInput.blueprint always sets it
            raise RuntimeError("SocketIOInput.blueprint did not create the socket.io server")
        namespace = self.namespace

        async def connect(sid: str, environ: dict[str, Any], auth: dict[str, Any] | None) -> None:
            request = environ.get("sanic.request")
            client = client_address(request) if request is not None else "unknown"
            session: dict[str, Any] = {"client": client}
            if guard.requires_token:
                token = (auth or {}).get("token") if isinstance(auth, dict) else None
                try:
                    customer = guard.identify_customer(token if isinstance(token, str) else None, None)
                    session.update(customer=customer.customer_id, expires_at=customer.expires_at)
                except TokenError as error:
                    logger.warning("socket.io connection from %s refused: %s", client, error)
                    raise SocketConnectionRefused("unauthorized") from None
            await sio.save_session(sid, session, namespace=namespace)
            logger.info("socket.io connection %s of %s", sid, session.get("customer", "an anonymous client"))

        async def session_request(sid: str, data: dict[str, Any] | None) -> None:
            session = await sio.get_session(sid, namespace=namespace)
            claimed = (data or {}).get("session_id") if isinstance(data, dict) else None
            session_id = session.get("customer") or valid_session_id(claimed) or uuid.uuid4().hex
            session["session_id"] = session_id
            await sio.save_session(sid, session, namespace=namespace)
            joined = sio.enter_room(sid, session_id, namespace=namespace)
            if inspect.isawaitable(joined):
                await joined
            await sio.emit("session_confirm", session_id, room=sid, namespace=namespace)

        async def handle_message(sid: str, data: dict[str, Any] | None) -> None:
            session = await sio.get_session(sid, namespace=namespace)
            sender = session.get("session_id")
            message = data.get("message") if isinstance(data, dict) else None
            if not sender or not isinstance(message, str):
                logger.warning("socket.io message without a session or text from %s ignored", session.get("client"))
                return
            text = clean_text(message)
            if not text:
                return
            if time.time() >= session.get("expires_at", float("inf")):
                # The token was checked at connect; a socket may not outlive it.
                logger.info("socket.io session of %s ended: its token expired", sender)
                await sio.emit(
                    self.bot_message_evt, {"text": messages()["session_expired"]}, room=sid, namespace=namespace
                )
                await sio.disconnect(sid, namespace=namespace)
                return
            refusal = guard.check(sender, session.get("client", "unknown"), text)
            if refusal is not None:
                await sio.emit(self.bot_message_evt, {"text": refusal.text}, room=sid, namespace=namespace)
                return
            output = TurnSocketIOOutput(sio, self.bot_message_evt)
            await on_new_message(UserMessage(text, output, sender, input_channel=self.name()))
            if output.sent == 0:
                reply = no_reply(sender)
                await sio.emit(self.bot_message_evt, {"text": reply["text"]}, room=sid, namespace=namespace)

        sio.on("connect", connect, namespace=namespace)
        sio.on("session_request", session_request, namespace=namespace)
        sio.on(self.user_message_evt, handle_message, namespace=namespace)
        return blueprint
