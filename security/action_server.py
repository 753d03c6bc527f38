"""The action server, callable only by the Rasa server.

rasa-sdk's server answers anyone who can reach its port: one hand-written
POST to ``/webhook`` could file an appeal for any sender. This entry point
serves the same actions with three changes:

- it listens on 127.0.0.1 unless ``--host`` says otherwise;
- every request but ``GET /health`` must carry ``Authorization: Bearer
  <JIEBEI_ACTION_TOKEN>`` (the Rasa server sends it: endpoints.yml); a
  missing or wrong token gets 401 and a log line with the client address;
- request bodies are capped, and an error reply never echoes the request
  (rasa-sdk's own handler sends the whole tracker back).

Run it as ``python -m security.action_server --port 5055``.
"""

from __future__ import annotations

import argparse
import hmac
import json
import logging
import os

from rasa_sdk.endpoint import create_app as create_sdk_app
from sanic import Sanic, response
from sanic.request import Request
from sanic.response import HTTPResponse

from security.config import ConfigError, action_token

logger = logging.getLogger(__name__)

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 5055
# A tracker with a long conversation is some tens of kilobytes.
MAX_BODY_BYTES = 2 * 1024 * 1024
OPEN_PATHS = frozenset({"/health"})


def authorized(header: str | None, token: str) -> bool:
    """Whether an ``Authorization`` header carries ``token`` (constant-time comparison)."""
    expected = f"Bearer {token}".encode()
    return hmac.compare_digest((header or "").encode("utf-8", errors="replace"), expected)


def action_call_problem(body: bytes) -> str | None:
    """Why a ``/webhook`` body is not an action call Rasa would send, or None if it is one."""
    try:
        call = json.loads(body.decode("utf-8"))
    except UnicodeDecodeError:
        return "body is not UTF-8"
    except RecursionError:
        return "body is nested too deeply"
    except ValueError:
        return "body is not JSON"
    if not isinstance(call, dict):
        return "body is not a JSON object"
    if not isinstance(call.get("next_action"), str):
        return "next_action is missing"
    tracker = call.get("tracker")
    if not isinstance(tracker, dict) or not isinstance(tracker.get("sender_id"), str):
        return "tracker with a sender_id is missing"
    return None


def create_app(token: str, action_package: str = "actions") -> Sanic:
    """The rasa-sdk app with the token check, the body cap and a quiet error handler.

    Args:
        token: The shared secret (at least 32 characters).
        action_package: Where the actions are.
    """
    app = create_sdk_app(action_package, cors_origins=None)
    app.config.REQUEST_MAX_SIZE = MAX_BODY_BYTES

    @app.middleware("request")
    async def require_token(request: Request) -> HTTPResponse | None:
        if request.path in OPEN_PATHS:
            return None
        if authorized(request.headers.get("authorization"), token):
            if request.path == "/webhook" and request.headers.get("content-encoding"):
                # rasa-sdk would inflate it without a limit; the Rasa server sends plain JSON
                # (COMPRESS_ACTION_SERVER_REQUEST stays off).
                return response.json({"error": "compressed bodies are not accepted"}, status=415)
            if request.path == "/webhook":
                problem = action_call_problem(request.body)
                if problem is not None:
                    logger.warning("refused a malformed action call from %s: %s", request.ip, problem)
                    return response.json({"error": problem}, status=400)
            return None
        reason = "missing" if not request.headers.get("authorization") else "wrong"
        logger.warning("refused %s %s from %s: %s token", request.method, request.path, request.ip, reason)
        return response.json({"error": "unauthorized"}, status=401)

    @app.exception(Exception)
    async def quiet_error(request: Request, exception: Exception) -> HTTPResponse:
        status = getattr(exception, "status_code", 500)
        if status >= 500:
            logger.error("error in %s %s", request.method, request.path, exc_info=exception)
            return response.json({"error": "internal error"}, status=500)
        return response.json({"error": type(exception).__name__}, status=status)

    return app


def main(argv: list[str] | None = None) -> None:
    """Parses the arguments and serves the actions until interrupted."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default=os.environ.get("ACTION_HOST", DEFAULT_HOST))
    parser.add_argument("--port", type=int, default=DEFAULT_PORT)
    parser.add_argument("--actions", default="actions")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    try:
        token = action_token()
    except ConfigError as error:
        parser.exit(2, f"error: {error}\n")
    app = create_app(token, args.actions)
    logger.info("action server on http://%s:%s (calls need the shared token)", args.host, args.port)
    app.run(host=args.host, port=args.port, workers=1, access_log=False, motd=False)


if __name__ == "__main__":
    main()
