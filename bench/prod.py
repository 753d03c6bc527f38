"""Benchmark of the production topology (part of ``make bench``; alone: ``python -m bench.prod``).

For 1, 2 and 3 Rasa replicas (two action servers, PostgreSQL, Redis, nginx,
devstack/prod.py), through nginx on loopback:

- FAQ turns per second with 8 concurrent clients, each a customer who asks
  five questions and leaves (a new conversation every five turns);
- the same with each client keeping one conversation for the whole run
  (each grows to 100–150 turns; every turn reads and replays the whole
  conversation, so this averages over ever longer sessions);
- FAQ turn latency with one client (p50, p95, five-turn conversations) and
  turns 51 to 60 of one conversation;
- diagnosis turn latency with one client (an answer to a diagnosis question);
- resident memory of every process after the run.

It also records the machine (CPU, commit, load) and, before anything starts,
the eligibility engine's profiles a second: a pure-Python yardstick that
``bench/RESULTS.md`` measures too, so runs on different machines can be
compared.

Writes ``bench/prod_results.json`` and ``bench/PROD_RESULTS.md`` (``--out``
elsewhere). Takes about 7 minutes on 2 cores.
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import sys
import tempfile
import threading
import time
import urllib.request
from collections.abc import Callable
from pathlib import Path
from typing import Any

from bench import machine
from bench.run import Progress, run_engine
from devstack.prod import ProdConfig, Topology
from devstack.servers import REPO
from security.tokens import issue

FAQS = ["借呗利息怎么算", "借呗怎么还款", "借呗额度怎么提升", "借呗能提前还吗"]
CLIENTS = 8
SECONDS = 30
SINGLE_TURNS = 60
# Turns of one customer's conversation in the short-session figures.
SESSION_TURNS = 5


def _turn(url: str, token: str, text: str) -> float:
    """One REST turn; returns its latency in milliseconds."""
    request = urllib.request.Request(
        url,
        data=json.dumps({"message": text}).encode("utf-8"),
        headers={"Content-Type": "application/json", "Authorization": f"Bearer {token}"},
    )
    start = time.perf_counter()
    with urllib.request.urlopen(request, timeout=120) as response:  # noqa: S310 (loopback)
        if not json.loads(response.read()):
            raise RuntimeError("a turn without a reply")
    return (time.perf_counter() - start) * 1000


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def _load(url: str, token: Callable[[str], str], name: str, session_turns: int | None) -> dict[str, float]:
    """CLIENTS clients asking FAQs for SECONDS seconds, each its own customer.

    Args:
        url: The REST webhook through nginx.
        token: Signs a customer token for a conversation name.
        name: Distinguishes this load's conversations from the others'.
        session_turns: A new conversation every this many turns (None: one
            conversation per client for the whole run).

    Returns:
        Turns per second, p50 and p95 in milliseconds.
    """
    done: list[float] = []
    stop = time.monotonic() + SECONDS

    def client(number: int) -> None:
        i = 0
        while time.monotonic() < stop:
            conversation = 0 if session_turns is None else i // session_turns
            done.append(_turn(url, token(f"bench-{name}-{number}-{conversation}"), FAQS[i % len(FAQS)]))
            i += 1

    threads = [threading.Thread(target=client, args=(n,)) for n in range(CLIENTS)]
    started = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.monotonic() - started
    return {
        "turns_per_second": len(done) / elapsed,
        "p50_ms": statistics.median(done),
        "p95_ms": _percentile(done, 0.95),
    }


def measure(topology: Topology) -> dict[str, Any]:
    url = f"http://127.0.0.1:{topology.config.public_port}/webhooks/rest/webhook"
    secret = topology.config.secrets["JIEBEI_CHAT_JWT_SECRET"]

    def token(name: str) -> str:
        return issue(name, secret, lifetime_seconds=3600)

    for text in FAQS:  # warm-up
        _turn(url, token("bench-warm-up"), text)
    faq = [_turn(url, token(f"bench-single-{i // SESSION_TURNS}"), FAQS[i % len(FAQS)]) for i in range(SINGLE_TURNS)]
    long_session = token("bench-long")
    long_turns = [_turn(url, long_session, FAQS[i % len(FAQS)]) for i in range(SINGLE_TURNS)]

    diagnosis = []
    for round_number in range(10):
        customer = token(f"bench-diagnosis-{round_number}")
        _turn(url, customer, "芝麻分720为什么开不了借呗")
        diagnosis.append(_turn(url, customer, "没有"))

    return {
        "faq_one_client_ms": {"p50": statistics.median(faq), "p95": _percentile(faq, 0.95)},
        "faq_turns_51_to_60_of_one_conversation_ms": {"p50": statistics.median(long_turns[50:])},
        "diagnosis_one_client_ms": {"p50": statistics.median(diagnosis), "p95": _percentile(diagnosis, 0.95)},
        f"faq_{CLIENTS}_clients": _load(url, token, "short", SESSION_TURNS),
        f"faq_{CLIENTS}_clients_one_conversation_each": _load(url, token, "long", None),
        "memory_mib": {name: round(rss / 2**20) for name, rss in topology.memory().items()},
    }


def describe_machine(results: dict[str, Any]) -> str:
    """The machine a run was measured on, for the report's first sentence.

    Files written before the machine was described in full hold only
    "<arch>, <n> cores"; they are shown as they are.
    """
    described = results["machine"]
    if isinstance(described, str):
        return described
    load = ", ".join(f"{value:.2f}" for value in described["load_average_at_start"])
    text = (
        f"{described['cpu_model']}, {described['cores']} cores, at commit {described['git_commit'] or 'unknown'}"
        f"{' with uncommitted changes' if described['git_uncommitted_changes'] else ''}, {described['date']} "
        f"(load average {load} at the start)"
    )
    engine = results.get("engine")
    if engine:
        text += (
            f"; on it the eligibility engine evaluates {engine['profiles_per_second']:,} profiles a second, "
            "a pure-Python yardstick for comparing machines that bench/RESULTS.md measures too"
        )
    return text


def render(results: dict[str, Any]) -> str:
    lines = [
        "# Production topology benchmark",
        "",
        f"Generated by `python -m bench.prod` on {describe_machine(results)}. Through nginx on loopback, "
        f"two action servers, PostgreSQL and Redis on the same machine. {CLIENTS} clients for {SECONDS} s, "
        f"each a customer asking {SESSION_TURNS} FAQs in a conversation, then another customer; "
        '"one conversation each": each client keeps one conversation for the whole run (each grows '
        "to 100–150 turns, and a turn replays the whole conversation).",
        "",
        f"| Rasa replicas | FAQ turns/s at {CLIENTS} clients | p95 at {CLIENTS} clients "
        "| FAQ turns/s, one conversation each | FAQ p50 / p95, one client | turns 51–60 of a conversation, p50 "
        "| diagnosis turn p50, one client | memory per replica |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for replicas, run in results["runs"].items():
        load, long_load = run[f"faq_{CLIENTS}_clients"], run[f"faq_{CLIENTS}_clients_one_conversation_each"]
        one, diag = run["faq_one_client_ms"], run["diagnosis_one_client_ms"]
        late = run["faq_turns_51_to_60_of_one_conversation_ms"]
        memory = [value for name, value in run["memory_mib"].items() if name.startswith("rasa-")]
        lines.append(
            f"| {replicas} | {load['turns_per_second']:.1f} | {load['p95_ms']:.0f} ms | "
            f"{long_load['turns_per_second']:.1f} | {one['p50']:.0f} / {one['p95']:.0f} ms | {late['p50']:.0f} ms | "
            f"{diag['p50']:.0f} ms | {max(memory)} MiB |"
        )
    last = list(results["runs"].values())[-1]["memory_mib"]
    lines += ["", "Memory of every process (MiB, last run): " + ", ".join(f"{k} {v}" for k, v in sorted(last.items()))]
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--replicas", default="1,2,3", help="replica counts to measure (default 1,2,3)")
    parser.add_argument("--out", type=Path, default=REPO / "bench")
    args = parser.parse_args(argv)
    model = REPO / "models" / "current.tar.gz"
    results: dict[str, Any] = {"machine": machine.describe(), "runs": {}}
    with tempfile.TemporaryDirectory(prefix="bench-prod-engine-") as workdir:
        results["engine"] = run_engine(False, Path(workdir), Progress())
    for replicas in [int(count) for count in args.replicas.split(",")]:
        root = Path(tempfile.mkdtemp(prefix="bench-prod-"))
        root.chmod(0o755)
        config = ProdConfig.for_tests(root, model, rasa_replicas=replicas)
        config.lift_limits()  # every client comes from 127.0.0.1
        topology = Topology(config)
        print(f"{replicas} replica(s): starting ...", flush=True)
        topology.start()
        try:
            results["runs"][str(replicas)] = run = measure(topology)
            print(f"  {json.dumps(run)}", flush=True)
        finally:
            topology.stop()
            topology.postgres.remove()
            shutil.rmtree(root, ignore_errors=True)
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "prod_results.json").write_text(json.dumps(results, indent=2), encoding="utf-8")
    (args.out / "PROD_RESULTS.md").write_text(render(results), encoding="utf-8")
    print(f"wrote {args.out / 'PROD_RESULTS.md'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
