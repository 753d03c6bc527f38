"""Widget-specific servers for the browser tests: the demo page and a fake Rasa.

The generic server handling (and the real Rasa stack) is in
``tests/support/servers.py``; it is re-exported here for the widget tests.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from tests.support.servers import (  # noqa: F401 (re-exported for the widget tests)
    ARTIFACTS,
    MODEL,
    REPO,
    ManagedServer,
    RasaStack,
    ServerStartError,
    action_server,
    free_port,
    managed,
    rasa_server,
)


def static_server(port: int, rasa_url: str) -> ManagedServer:
    """widget/serve.py serving the demo page for ``rasa_url``."""
    return managed(
        name=f"static-{port}",
        command=[sys.executable, "widget/serve.py", "--port", str(port), "--rasa-url", rasa_url],
        ready_url=f"http://127.0.0.1:{port}/widget.js",
    )


def fake_rasa_server(port: int, script: Path) -> ManagedServer:
    """tests/widget/fake_rasa.py answering from ``script``."""
    return managed(
        name="fake-rasa",
        command=[sys.executable, "tests/widget/fake_rasa.py", "--port", str(port), "--script", str(script)],
        ready_url=f"http://127.0.0.1:{port}/",
    )


@dataclass
class WidgetSite:
    """The static server serving the demo page for one chat server.

    Attributes:
        server: The static server process.
        url: URL of the demo page.
        dialogs: Messages of JavaScript dialogs (alert/confirm) seen by the pages.
    """

    server: ManagedServer
    url: str
    dialogs: list[str] = field(default_factory=list)


def start_site(port: int, chat_url: str) -> Iterator[WidgetSite]:
    """Runs widget/serve.py for ``chat_url`` (use with ``yield from`` in a fixture)."""
    static = static_server(port, chat_url)
    static.start(timeout=30)
    try:
        yield WidgetSite(server=static, url=f"http://127.0.0.1:{port}/")
    finally:
        static.stop()
