"""Staff commands read the production conversations (PostgreSQL) of `make prod`."""

from __future__ import annotations

import subprocess

import pytest

from devstack.prod import staff_command
from devstack.servers import REPO

pytestmark = pytest.mark.integration


def run_staff(topology, *arguments: str) -> subprocess.CompletedProcess[str]:
    command, env = staff_command(topology.config, list(arguments))
    return subprocess.run(command, env=env, cwd=REPO, capture_output=True, text=True, timeout=300, check=False)


def test_questions_not_answered_in_production_reach_the_staff_list_masked(topology, customer, tmp_path):
    customer.say("qwzx 啊这")  # not understood
    customer.say("我换手机号了13812345678 借呗呢")
    customer.say("转人工")

    listed = run_staff(topology, "unanswered", "--since", "1d")

    assert listed.returncode == 0, listed.stderr
    assert "qwzx" in listed.stdout and f"示例对话 {customer.id}" in listed.stdout
    assert "13812345678" not in listed.stdout

    report = tmp_path / "report.html"
    made = run_staff(topology, "report", "--since", "1d", "--out", str(report))
    assert made.returncode == 0, made.stderr
    assert 'id="turns-per-day"' in report.read_text(encoding="utf-8")
