"""Simulated customers for the load test (tests/prod/test_load.py), run by Locust.

Locust runs from the tools virtualenv (.venv-tools: its pins clash with
Rasa's), so this file imports nothing from the project. Each simulated user
takes one customer token from the file named by LOAD_TOKENS (one per line),
then loops through a short conversation in words: a diagnosis answered in
its own words and FAQs asked in between. A reply counts as a failure when it
is not HTTP 200, is empty, or is addressed to another conversation.
"""

from __future__ import annotations

import json
import os
import threading

from locust import HttpUser, between, task

_lock = threading.Lock()
with open(os.environ["LOAD_TOKENS"], encoding="utf-8") as handle:
    _TOKENS = [line.split() for line in handle if line.strip()]  # "customer token" per line

CONVERSATION = [
    "芝麻分720为什么开不了借呗",
    "没有",
    "借呗利息怎么算",
    "不清楚",
    "经常用",
    "32",
    "借呗怎么还款",
    "不知道",
    "谢谢",
]


class Customer(HttpUser):
    wait_time = between(2, 5)

    def on_start(self) -> None:
        with _lock:
            self.customer, token = _TOKENS.pop()
        self.headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
        self.turn = 0

    @task
    def say_the_next_thing(self) -> None:
        text = CONVERSATION[self.turn % len(CONVERSATION)]
        self.turn += 1
        body = json.dumps({"message": text}, ensure_ascii=False).encode("utf-8")
        with self.client.post(
            "/webhooks/rest/webhook", data=body, headers=self.headers, name="turn", catch_response=True
        ) as response:
            if response.status_code != 200:
                response.failure(f"HTTP {response.status_code}")
                return
            replies = response.json()
            if not replies:
                response.failure("no reply")
            elif any(reply.get("recipient_id") != self.customer for reply in replies):
                response.failure("a reply addressed to another conversation")
            else:
                response.success()
