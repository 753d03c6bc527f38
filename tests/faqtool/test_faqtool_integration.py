"""End to end: import the example spreadsheet, train with Rasa, ask a question.

The answer comes from the project's action server (action_answer_faq), as
in every deployment.

Slow (a full ``rasa train``); run it on purpose with
``.venv/bin/pytest -m integration tests/faqtool/test_faqtool_integration.py``.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from devstack.servers import base_env
from faqtool.cli import cli
from faqtool.importer import build_plan
from faqtool.yamlio import parse_document
from tests.support import servers

pytestmark = pytest.mark.integration

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "examples" / "faq" / "new_faq_gbk.csv"
PROJECT_FILES = ("config.yml", "domain.yml")
PROJECT_DIRS = ("data", "lexicon", "jiebei_nlu")
TRAIN_TIMEOUT_SECONDS = 3600


def _copy_project(target: Path) -> None:
    for name in PROJECT_FILES:
        shutil.copy2(ROOT / name, target / name)
    for name in PROJECT_DIRS:
        shutil.copytree(ROOT / name, target / name, ignore=shutil.ignore_patterns("__pycache__"))


async def _ask(model: Path, question: str, action_url: str) -> tuple[dict, list[dict]]:
    from rasa.core.agent import Agent
    from rasa.utils.endpoints import EndpointConfig

    token = base_env()["JIEBEI_ACTION_TOKEN"]
    endpoint = EndpointConfig(action_url, headers={"Authorization": f"Bearer {token}"})
    agent = Agent.load(str(model), action_endpoint=endpoint)
    parsed = await agent.parse_message(question)
    replies = await agent.handle_text(question, sender_id="faqtool-e2e")
    return parsed, replies


def test_imported_faq_is_answered_after_training(tmp_path, monkeypatch):
    _copy_project(tmp_path)
    monkeypatch.chdir(tmp_path)

    # What the example says, read with faqtool itself (validated, cleaned).
    plan = build_plan([EXAMPLE], Path("data"))
    assert not plan.errors, [str(issue) for issue in plan.errors]
    assert len(plan.changes) == 1 and plan.changes[0].is_new
    key = plan.changes[0].key

    result = CliRunner().invoke(cli, ["import", str(EXAMPLE)], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    document = (tmp_path / "data" / "faq" / f"{key}.yml").read_text(encoding="utf-8")
    imported = parse_document(document, key)
    question, answer = imported.examples[0], imported.responses[0].text

    env = dict(os.environ, RASA_TELEMETRY_ENABLED="false")
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(tmp_path), env.get("PYTHONPATH")]))
    training = subprocess.run(
        [sys.executable, "-m", "rasa", "train", "--fixed-model-name", "faq_e2e", "--out", "models"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=TRAIN_TIMEOUT_SECONDS,
        check=False,
    )
    assert training.returncode == 0, training.stdout[-3000:] + training.stderr[-3000:]

    port = servers.free_port()
    actions = servers.action_server(port)
    actions.start()
    try:
        model = tmp_path / "models" / "faq_e2e.tar.gz"
        parsed, replies = asyncio.run(_ask(model, question, f"http://127.0.0.1:{port}/webhook"))
    finally:
        actions.stop()
    selected = parsed["response_selector"]["faq"]["response"]["intent_response_key"]
    assert parsed["intent"]["name"] == "faq"
    assert selected == f"faq/{key}"
    assert answer in [reply.get("text") for reply in replies]
