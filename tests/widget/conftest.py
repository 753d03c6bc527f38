"""Fixtures for the chat widget browser tests: Chromium, the static server and Rasa.

The tests skip when Debian's Chromium, the socket.io client in
widget/node_modules or the trained model is missing; with
under CI (``CI`` set) a missing prerequisite fails instead
(tests/support/prerequisites.py).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
import widget_servers as servers

from tests.support.prerequisites import import_or_fail, require

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
SOCKETIO_CLIENT = servers.REPO / "widget" / "node_modules" / "socket.io-client" / "dist" / "socket.io.esm.min.js"


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    """A headless Debian Chromium driven by Playwright."""
    require(Path(CHROMIUM).is_file(), f"{CHROMIUM} is missing (run `make system-deps`)")
    require(SOCKETIO_CLIENT.is_file(), "the socket.io client is missing (run `npm ci --prefix widget`)")
    sync_api = import_or_fail("playwright.sync_api")
    with sync_api.sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture(scope="module")
def site_port() -> int:
    return servers.free_port()


@pytest.fixture(scope="module")
def rasa_stack(site_port: int, tmp_path_factory: pytest.TempPathFactory) -> Iterator[servers.RasaStack]:
    """The real action server (tickets in a fresh SQLite file) and Rasa server (trained model) on free ports."""
    require(servers.MODEL.is_file(), f"no trained model at {servers.MODEL} (run `make train`)")
    action_port, rasa_port = servers.free_port(), servers.free_port()
    actions = servers.action_server(action_port)
    tickets = tmp_path_factory.mktemp("widget-tickets")
    actions.env.update(
        {"DATABASE_URL": f"sqlite:///{tickets / 'tickets.db'}", "TICKETS_OUTBOX_PATH": str(tickets / "outbox.jsonl")}
    )
    rasa = servers.rasa_server(
        rasa_port, action_port, [f"http://127.0.0.1:{site_port}", f"http://localhost:{site_port}"]
    )
    actions.start()
    try:
        rasa.start()
        yield servers.RasaStack(actions=actions, rasa=rasa, url=f"http://127.0.0.1:{rasa_port}")
    finally:
        rasa.stop()
        actions.stop()


@pytest.fixture()
def page_factory(browser: object) -> Iterator[object]:
    """Opens pages in a fresh browser context (empty storage); records any JS dialog."""
    contexts = []

    def open_page(url: str, dialogs: list[str], **context_options: object) -> object:
        context = browser.new_context(locale="zh-CN", **context_options)  # type: ignore[attr-defined]
        contexts.append(context)
        page = context.new_page()

        def on_dialog(dialog: object) -> None:
            dialogs.append(dialog.message)  # type: ignore[attr-defined]
            dialog.dismiss()  # type: ignore[attr-defined]

        page.on("dialog", on_dialog)
        page.goto(url)
        return page

    yield open_page
    for context in contexts:
        context.close()


@pytest.fixture(scope="module")
def artifacts_dir() -> Path:
    path = servers.ARTIFACTS
    path.mkdir(parents=True, exist_ok=True)
    return path
