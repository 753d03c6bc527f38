"""Two Sanic workers with conversations in Redis (endpoints.redis.yml).

Which worker accepts a request is up to the kernel, so the test does not rely
on the turns being spread: it checks that a whole diagnosis works with two
workers and that the conversation is kept in Redis, where every worker reads
it (with the in-memory tracker store the second check fails).
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator

import pytest
import redis

from tests.support import servers
from tests.support.prerequisites import skip_or_fail
from tests.support.rest import WANGSHANGDAI_USER, first_cause, run_diagnosis

pytestmark = pytest.mark.integration

WORKERS = 2


@pytest.fixture(scope="module")
def scaled() -> Iterator[tuple[str, int]]:
    """Redis, the action server and a Rasa server with two workers; yields (Rasa URL, Redis port)."""
    if shutil.which("redis-server") is None:
        skip_or_fail("redis-server not installed (scripts/install_system_deps.sh)")
    if not servers.MODEL.is_file():
        pytest.fail(f"no trained model at {servers.MODEL} (run `make train`)")
    redis_port, action_port, rasa_port = servers.free_port(), servers.free_port(), servers.free_port()
    store = servers.redis_server(redis_port)
    actions = servers.action_server(action_port)
    rasa = servers.rasa_server(rasa_port, action_port, [], endpoints="endpoints.redis.yml")
    rasa.name = "rasa-two-workers"
    rasa.env.update({"SANIC_WORKERS": str(WORKERS), "REDIS_HOST": "127.0.0.1", "REDIS_PORT": str(redis_port)})
    started = []
    try:
        for server in (store, actions, rasa):
            server.start()
            started.append(server)
        servers.wait_for_workers(rasa, WORKERS)
        yield f"http://127.0.0.1:{rasa_port}", redis_port
    finally:
        for server in reversed(started):
            server.stop()


def test_a_diagnosis_on_two_workers_reaches_its_result_with_the_conversation_in_redis(scaled):
    url, redis_port = scaled

    texts = run_diagnosis(url, "scaled-wangshangdai", "芝麻分750为什么开不了借呗", WANGSHANGDAI_USER)

    assert "已开通网商贷" in first_cause(texts)
    stored = redis.Redis(host="127.0.0.1", port=redis_port).get("tracker:scaled-wangshangdai")
    assert stored is not None and b"has_wangshangdai" in stored
