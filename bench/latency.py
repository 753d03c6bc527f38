"""Latency and throughput over HTTP, with the real action server.

Each scenario is one kind of user turn sent to the REST channel (or to
``/model/parse``) by N concurrent clients. Every conversation uses its own
sender id, so a measured turn is always the same step of a fresh
conversation (a diagnosis turn starts the diagnosis form each time).
"""

from __future__ import annotations

import asyncio
import logging
import statistics
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import aiohttp
import yaml

logger = logging.getLogger(__name__)

REPO = Path(__file__).resolve().parents[1]
TIMEOUT = aiohttp.ClientTimeout(total=60)

# Answers to the appeal form's questions, chosen by the slot name.
# (The phone number is a reserved test number; the database is a scratch file.)
APPEAL_ANSWERS = (
    ("contested", "逾期记录"),
    ("phone", "13800138000"),
    ("consent", "好的，我同意"),
    ("confirm", "是的"),
    ("", "我芝麻分750，从来没有逾期，借呗一直开不了，希望人工复核一下"),
)
APPEAL_OPENING = "我要申诉"
APPEAL_MAX_TURNS = 8
# The appeal scenario runs this fraction (1/n) of the other scenarios' request counts.
APPEAL_SHARE = 3


@dataclass(frozen=True)
class Scenario:
    """One kind of measured request.

    Attributes:
        name: Name in the results.
        endpoint: ``webhook`` (REST channel turn), ``parse`` (``/model/parse``)
            or ``appeal`` (the last turn of an appeal form, which submits it).
        text: The user message.
    """

    name: str
    endpoint: str
    text: str


SCENARIOS = (
    Scenario("faq_turn", "webhook", "借呗的利息是怎么算的"),
    Scenario("diagnosis_turn", "webhook", "芝麻分750为什么开不了借呗"),
    Scenario("appeal_submit", "appeal", APPEAL_OPENING),
    Scenario("model_parse", "parse", "借呗的利息是怎么算的"),
)


def appeal_flow_available() -> str | None:
    """Returns the name of the appeal form in domain.yml, or None when there is none yet."""
    domain = yaml.safe_load((REPO / "domain.yml").read_text(encoding="utf-8"))
    forms = domain.get("forms") or {}
    names = [name for name in forms if "appeal" in name]
    return names[0] if names else None


def percentile(values: Sequence[float], q: int) -> float:
    """The q-th percentile (1..99) of ``values``, inclusive method."""
    if len(values) == 1:
        return values[0]
    return statistics.quantiles(values, n=100, method="inclusive")[q - 1]


class Client:
    """Sends messages to one Rasa server."""

    def __init__(self, session: aiohttp.ClientSession, base_url: str) -> None:
        self.session = session
        self.base_url = base_url

    async def webhook(self, sender: str, text: str) -> list[dict[str, Any]]:
        """One REST channel turn; returns the bot messages."""
        url = f"{self.base_url}/webhooks/rest/webhook"
        async with self.session.post(url, json={"sender": sender, "message": text}) as response:
            response.raise_for_status()
            return await response.json()

    async def parse(self, text: str) -> dict[str, Any]:
        """``/model/parse``."""
        async with self.session.post(f"{self.base_url}/model/parse", json={"text": text}) as response:
            response.raise_for_status()
            return await response.json()

    async def tracker(self, sender: str) -> dict[str, Any]:
        """The conversation tracker (needs ``--enable-api``)."""
        url = f"{self.base_url}/conversations/{sender}/tracker"
        async with self.session.get(url) as response:
            response.raise_for_status()
            return await response.json()

    async def appeal_until_submit(self, sender: str, form: str) -> str:
        """Opens an appeal and answers its form up to, not including, the last question.

        Args:
            sender: Conversation id.
            form: Name of the appeal form in domain.yml.

        Returns:
            The answer to the last question, which submits the appeal: send
            it to measure the submit turn.

        Raises:
            RuntimeError: The form did not start or asked more than APPEAL_MAX_TURNS questions.
        """
        domain = yaml.safe_load((REPO / "domain.yml").read_text(encoding="utf-8"))
        required = (domain["forms"][form] or {}).get("required_slots") or []
        await self.webhook(sender, APPEAL_OPENING)
        for _ in range(APPEAL_MAX_TURNS):
            tracker = await self.tracker(sender)
            slots = tracker.get("slots", {})
            requested = slots.get("requested_slot")
            if (tracker.get("active_loop") or {}).get("name") != form or not requested:
                raise RuntimeError(f"'{APPEAL_OPENING}' did not lead to a question of {form}")
            answer = next(text for key, text in APPEAL_ANSWERS if key in requested)
            missing = [s for s in required if slots.get(s) in (None, "")]
            if missing in ([], [requested]):
                return answer
            await self.webhook(sender, answer)
        raise RuntimeError(f"{form} asked more than {APPEAL_MAX_TURNS} questions")


async def _one_request(client: Client, scenario: Scenario, sender: str) -> tuple[float, bool]:
    """Sends one measured request; returns (seconds, ok)."""
    if scenario.endpoint == "parse":
        start = time.perf_counter()
        parse = await client.parse(scenario.text)
        return time.perf_counter() - start, bool(parse.get("intent"))
    text = scenario.text
    if scenario.endpoint == "appeal":
        form = appeal_flow_available()
        if form is None:
            raise RuntimeError("domain.yml has no appeal form")
        text = await client.appeal_until_submit(sender, form)
    start = time.perf_counter()
    messages = await client.webhook(sender, text)
    return time.perf_counter() - start, bool(messages)


async def run_level(base_url: str, scenario: Scenario, clients: int, requests: int, tag: str) -> dict[str, Any]:
    """Runs ``requests`` measured requests of ``scenario`` from ``clients`` concurrent clients."""
    # A new connection for every request, as independent users have: with
    # several Sanic workers a kept-alive connection stays with the worker that
    # accepted it, so 8 long-lived connections may all land on one worker.
    connector = aiohttp.TCPConnector(limit=clients, force_close=True)
    latencies: list[float] = []
    failures = 0
    errors: list[str] = []
    per_client = max(1, requests // clients)

    async with aiohttp.ClientSession(timeout=TIMEOUT, connector=connector) as session:
        client = Client(session, base_url)

        async def worker(index: int) -> None:
            nonlocal failures
            for i in range(per_client):
                try:
                    sender = f"bench-{tag}-{scenario.name}-c{clients}-{index}-{i}"
                    seconds, ok = await _one_request(client, scenario, sender)
                except (aiohttp.ClientError, asyncio.TimeoutError, RuntimeError) as error:
                    logger.debug("request failed: %s", error)
                    errors.append(str(error) or type(error).__name__)
                    failures += 1
                    continue
                latencies.append(seconds)
                failures += not ok

        start = time.perf_counter()
        await asyncio.gather(*(worker(i) for i in range(clients)))
        wall = time.perf_counter() - start
    done = len(latencies)
    result: dict[str, Any] = {"clients": clients, "requests": done, "failures": failures, "wall_seconds": wall}
    if errors:
        result["last_error"] = errors[-1]
    if done:
        ms = sorted(x * 1000 for x in latencies)
        result.update(
            {
                "p50_ms": percentile(ms, 50),
                "p95_ms": percentile(ms, 95),
                "p99_ms": percentile(ms, 99),
                "max_ms": ms[-1],
                "mean_ms": statistics.fmean(ms),
                # For the appeal the preparing turns are not measured, so the
                # rate is measured submits per second of wall time.
                "messages_per_second": done / wall,
            }
        )
    return result


def _actions_of_last_turn(tracker: dict[str, Any]) -> list[str]:
    """Actions the bot ran after the latest user message."""
    actions: list[str] = []
    for event in tracker.get("events", []):
        if event.get("event") == "user":
            actions = []
        elif event.get("event") == "action" and event.get("name") not in ("action_listen", "action_session_start"):
            actions.append(event["name"])
    return actions


async def _check_appeal(client: Client, scenario: Scenario) -> dict[str, Any]:
    """Runs one appeal conversation and reports what the measured (last) turn does."""
    form = appeal_flow_available()
    sender = f"bench-check-{scenario.name}"
    answer = await client.appeal_until_submit(sender, form or "")
    messages = await client.webhook(sender, answer)
    return {
        "text": f"{scenario.text} … {answer}",
        "measured_turn": answer,
        "bot_messages": len(messages),
        "actions_run": _actions_of_last_turn(await client.tracker(sender)),
    }


async def check_scenarios(base_url: str, scenarios: Sequence[Scenario]) -> dict[str, Any]:
    """One unmeasured pass per scenario: what the model understands and what the bot does."""
    checks: dict[str, Any] = {}
    async with aiohttp.ClientSession(timeout=TIMEOUT) as session:
        client = Client(session, base_url)
        for scenario in scenarios:
            if scenario.endpoint == "appeal":
                try:
                    checks[scenario.name] = await _check_appeal(client, scenario)
                except (aiohttp.ClientError, asyncio.TimeoutError, RuntimeError) as error:
                    checks[scenario.name] = {"text": scenario.text, "error": str(error)}
                continue
            parse = await client.parse(scenario.text)
            check: dict[str, Any] = {"text": scenario.text, "intent": (parse.get("intent") or {}).get("name")}
            selected = (parse.get("response_selector") or {}).get("faq", {}).get("response", {})
            if selected.get("intent_response_key"):
                check["faq_key"] = selected["intent_response_key"]
            if scenario.endpoint == "webhook":
                sender = f"bench-check-{scenario.name}"
                messages = await client.webhook(sender, scenario.text)
                tracker = await client.tracker(sender)
                check["bot_messages"] = len(messages)
                check["active_loop_after"] = (tracker.get("active_loop") or {}).get("name")
                check["actions_run"] = _actions_of_last_turn(tracker)
            checks[scenario.name] = check
    return checks


async def run_latency(
    base_url: str,
    levels: Sequence[int],
    requests: dict[int, int],
    warmup: int,
    progress: Callable[[str], None],
    on_warm: Callable[[], None],
) -> dict[str, Any]:
    """Measures every scenario at every concurrency level.

    Args:
        base_url: Rasa server URL.
        levels: Numbers of concurrent clients.
        requests: Measured requests per level.
        warmup: Unmeasured requests per scenario before the first level.
        progress: Called with one line per step.
        on_warm: Called once every scenario is warmed up, before the measured levels.

    Returns:
        The ``latency`` section of the results.
    """
    appeal_form = appeal_flow_available()
    scenarios = [s for s in SCENARIOS if s.endpoint != "appeal" or appeal_form]
    results: dict[str, Any] = {
        "scenarios": {s.name: {"endpoint": s.endpoint, "text": s.text} for s in SCENARIOS},
        "checks": await check_scenarios(base_url, scenarios),
        "levels": {},
    }
    if not appeal_form:
        results["scenarios"]["appeal_submit"]["not_available"] = "domain.yml has no appeal form yet"
    ready = []
    for scenario in scenarios:
        progress(f"latency: warming up {scenario.name} ({warmup} requests)")
        try:
            warm = await run_level(base_url, scenario, 1, warmup, "warmup")
        except Exception as error:  # noqa: BLE001 (a scenario that cannot run is reported, not fatal)
            warm = {"failures": warmup, "last_error": str(error)}
        if warm["failures"]:
            reason = warm.get("last_error", "no answer")
            results["scenarios"][scenario.name]["not_available"] = f"warm-up failed: {reason}"
            continue
        ready.append(scenario)
    on_warm()
    for scenario in ready:
        for clients in levels:
            # An appeal needs five unmeasured turns before the measured one.
            count = requests[clients] // APPEAL_SHARE if scenario.endpoint == "appeal" else requests[clients]
            progress(f"latency: {scenario.name} with {clients} client(s), {count} requests")
            level = await run_level(base_url, scenario, clients, max(count, clients), "run")
            results["levels"].setdefault(scenario.name, {})[str(clients)] = level
            if level["requests"]:
                progress(
                    f"  p50 {level['p50_ms']:.0f} ms, p95 {level['p95_ms']:.0f} ms, "
                    f"{level['messages_per_second']:.1f} msg/s, failures {level['failures']}"
                )
    return results
