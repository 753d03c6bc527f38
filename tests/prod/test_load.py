"""200 customers at once across the replicas, driven by Locust for a bounded time.

Every turn must be answered (HTTP 200, a reply), no reply may reach another
conversation, and no two turns of one conversation may be processed at once
(the stored events of every conversation alternate user turn / bot turn).
Latencies are reported in results/load.json, not asserted: performance goals
are the benchmark's (make bench).
"""

from __future__ import annotations

import csv
import json
import re
import subprocess

import pytest

from devstack.servers import REPO
from security.tokens import issue
from tests.prod.conftest import tracker_events
from tests.support.prerequisites import require

pytestmark = pytest.mark.integration

USERS = 200
SECONDS = 45
LOCUST = REPO / ".venv-tools" / "bin" / "locust"
RESULTS = REPO / "results" / "load.json"


def test_two_hundred_customers_at_once(topology, tmp_path):
    require(LOCUST.is_file(), "Locust is not installed in .venv-tools (make test installs it)")
    customers = [f"load-{number:03d}" for number in range(USERS)]
    secret = topology.config.secrets["JIEBEI_CHAT_JWT_SECRET"]
    tokens = tmp_path / "tokens.txt"
    tokens.write_text("".join(f"{c} {issue(c, secret, lifetime_seconds=3600)}\n" for c in customers))

    run = subprocess.run(
        [
            str(LOCUST), "-f", str(REPO / "tests" / "prod" / "locustfile.py"), "--headless",
            "--users", str(USERS), "--spawn-rate", "50", "--run-time", f"{SECONDS}s", "--stop-timeout", "60",
            "--host", f"http://127.0.0.1:{topology.config.public_port}", "--csv", str(tmp_path / "load"),
            "--only-summary", "--exit-code-on-error", "0",
        ],
        env={"LOAD_TOKENS": str(tokens), "PATH": "/usr/bin:/bin"},
        capture_output=True, text=True, timeout=SECONDS + 180, check=False,
    )  # fmt: skip
    assert run.returncode == 0, run.stderr[-3000:]

    with (tmp_path / "load_stats.csv").open() as handle:
        turn = next(row for row in csv.DictReader(handle) if row["Name"] == "turn")
    failures = (tmp_path / "load_failures.csv").read_text()
    RESULTS.parent.mkdir(exist_ok=True)
    report = {
        "users": USERS,
        "seconds": SECONDS,
        "rasa_replicas": topology.config.rasa_replicas,
        "turns": int(turn["Request Count"]),
        "failures": int(turn["Failure Count"]),
        "turns_per_second": float(turn["Requests/s"]),
        "p50_ms": float(turn["50%"]),
        "p95_ms": float(turn["95%"]),
        "max_ms": float(turn["Max Response Time"]),
    }
    RESULTS.write_text(json.dumps(report, indent=2), encoding="utf-8")
    print(f"\nload: {report}")

    assert report["failures"] == 0, failures
    assert report["turns"] >= USERS  # every customer spoke at least once
    # The lock store: each conversation's events alternate user turn and bot turn.
    for customer in customers[::10]:
        kinds = [event["event"] for event in tracker_events(topology, customer)]
        turns = "".join("U" if kind == "user" else "L" if kind == "action" else "" for kind in kinds)
        assert re.fullmatch(r"L*(UL+)+", turns), (customer, turns)
