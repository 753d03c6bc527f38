"""Static server for the chat widget: the demo page, widget.js and the socket.io client.

Serves ``widget/public`` and, under ``/vendor/``, the pinned socket.io client
from ``widget/node_modules`` (installed by ``npm ci --prefix widget``), so the
browser never needs a CDN. In HTML pages the placeholder ``__RASA_SERVER_URL__``
is replaced by the Rasa server URL, so the demo page points at the right server.

With ``JIEBEI_CHAT_AUTH=jwt`` (the production topology) the demo page plays
the part of a host page with a login: each browser gets a demo customer id in
a cookie, and ``__CUSTOMER_TOKEN__`` becomes a token for it signed with
``JIEBEI_CHAT_JWT_SECRET`` (an hour long), so the widget can connect.

Usage::

    python widget/serve.py --port 8080 --rasa-url http://localhost:5005

Environment variables ``WIDGET_HOST``, ``WIDGET_PORT`` and ``RASA_URL`` give
the defaults of the options.
"""

from __future__ import annotations

import argparse
import html
import logging
import os
import re
import secrets
import sys
from functools import partial
from http import HTTPStatus
from http.cookies import SimpleCookie
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlsplit

from security.config import ConfigError, channel_settings
from security.tokens import issue

logger = logging.getLogger(__name__)

WIDGET_DIR = Path(__file__).resolve().parent
PUBLIC_DIR = WIDGET_DIR / "public"
SOCKETIO_DIST = WIDGET_DIR / "node_modules" / "socket.io-client" / "dist"
PLACEHOLDER = "__RASA_SERVER_URL__"
TOKEN_PLACEHOLDER = "__CUSTOMER_TOKEN__"
DEMO_COOKIE = "jiebei_demo_customer"
_DEMO_CUSTOMER = re.compile(r"demo-[0-9a-f]{16}")

# URL path -> file under SOCKETIO_DIST. Nothing else from node_modules is served.
VENDOR_FILES = {
    "/vendor/socket.io.esm.min.js": "socket.io.esm.min.js",
    "/vendor/socket.io.esm.min.js.map": "socket.io.esm.min.js.map",
}


class WidgetRequestHandler(SimpleHTTPRequestHandler):
    """Serves the public folder, the vendored client and templated HTML pages."""

    extensions_map = {
        **SimpleHTTPRequestHandler.extensions_map,
        ".js": "text/javascript; charset=utf-8",
        ".map": "application/json",
        ".html": "text/html; charset=utf-8",
        ".css": "text/css; charset=utf-8",
    }

    def __init__(self, *args: object, rasa_url: str, jwt_secret: str | None = None, **kwargs: object) -> None:
        self.rasa_url = rasa_url
        self.jwt_secret = jwt_secret
        super().__init__(*args, directory=str(PUBLIC_DIR), **kwargs)  # type: ignore[arg-type]

    def end_headers(self) -> None:
        # widget.js imports the client as an ES module; pages on other origins
        # that embed the widget need CORS to load it.
        self.send_header("Access-Control-Allow-Origin", "*")
        self.send_header("X-Content-Type-Options", "nosniff")
        if not any(line.lower().startswith(b"cache-control") for line in getattr(self, "_headers_buffer", [])):
            self.send_header("Cache-Control", "no-cache")
        super().end_headers()

    def do_GET(self) -> None:  # noqa: N802 (http.server naming)
        path = urlsplit(self.path).path
        if path in VENDOR_FILES:
            self._send_file(SOCKETIO_DIST / VENDOR_FILES[path])
            return
        if path == "/" or path.endswith(".html"):
            page = PUBLIC_DIR / ("index.html" if path == "/" else path.lstrip("/"))
            if page.resolve().parent == PUBLIC_DIR and page.is_file():
                self._send_page(page)
                return
        super().do_GET()

    def _send_file(self, file: Path) -> None:
        if not file.is_file():
            self.send_error(HTTPStatus.NOT_FOUND, "socket.io client missing: run `npm ci --prefix widget`")
            return
        body = file.read_bytes()
        self.send_response(HTTPStatus.OK)
        self.send_header("Content-Type", self.guess_type(str(file)))
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def _demo_customer(self) -> tuple[str, bool]:
        """The browser's demo customer id from its cookie, or a new one (and whether it is new)."""
        cookies = SimpleCookie(self.headers.get("Cookie", ""))
        known = cookies.get(DEMO_COOKIE)
        if known is not None and _DEMO_CUSTOMER.fullmatch(known.value):
            return known.value, False
        return f"demo-{secrets.token_hex(8)}", True

    def _send_page(self, page: Path) -> None:
        text = page.read_text(encoding="utf-8").replace(PLACEHOLDER, html.escape(self.rasa_url, quote=True))
        token, new_customer = "", None
        if self.jwt_secret:
            customer, is_new = self._demo_customer()
            token = issue(customer, self.jwt_secret, lifetime_seconds=3600)
            new_customer = customer if is_new else None
        body = text.replace(TOKEN_PLACEHOLDER, html.escape(token, quote=True)).encode("utf-8")
        self.send_response(HTTPStatus.OK)
        if token:
            self.send_header("Cache-Control", "no-store, private")  # the page carries a bearer token
        if new_customer is not None:
            self.send_header("Set-Cookie", f"{DEMO_COOKIE}={new_customer}; Path=/; HttpOnly; SameSite=Lax")
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 (base signature)
        logger.info("%s %s", self.address_string(), format % args)


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    """Parses the command line.

    Args:
        argv: Arguments without the program name; ``sys.argv[1:]`` when None.

    Returns:
        The parsed options.
    """
    parser = argparse.ArgumentParser(description="Serve the 借呗助手 chat widget and its demo page.")
    parser.add_argument("--host", default=os.environ.get("WIDGET_HOST", "127.0.0.1"), help="address to bind")
    parser.add_argument(
        "--port", type=int, default=int(os.environ.get("WIDGET_PORT", "8080")), help="port (default 8080)"
    )
    parser.add_argument(
        "--rasa-url",
        default=os.environ.get("RASA_URL", "http://localhost:5005"),
        help="Rasa server URL written into the demo page (default http://localhost:5005)",
    )
    return parser.parse_args(argv)


def validate_rasa_url(url: str) -> str | None:
    """Returns an error message when ``url`` is not an absolute http(s) URL."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return f"--rasa-url must be an absolute http(s) URL, got {url!r}"
    return None


def main(argv: list[str] | None = None) -> int:
    """Runs the server until interrupted.

    Args:
        argv: Command-line arguments without the program name.

    Returns:
        The process exit code.
    """
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(message)s")
    args = parse_args(argv)
    error = validate_rasa_url(args.rasa_url)
    if error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    if not (SOCKETIO_DIST / "socket.io.esm.min.js").is_file():
        print("error: the socket.io client is not installed; run `npm ci --prefix widget`", file=sys.stderr)
        return 1
    try:
        jwt_secret = channel_settings().jwt_secret
    except ConfigError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    handler = partial(WidgetRequestHandler, rasa_url=args.rasa_url.rstrip("/"), jwt_secret=jwt_secret)
    try:
        server = ThreadingHTTPServer((args.host, args.port), handler)
    except OSError as exc:
        print(f"error: cannot listen on {args.host}:{args.port} ({exc}); choose another --port", file=sys.stderr)
        return 1
    print(f"chat widget demo: http://localhost:{args.port}/  (Rasa server: {args.rasa_url})", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
