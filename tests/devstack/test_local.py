"""`make run` / `make shell` start-up (devstack/local.py): checks before starting, the commands."""

from __future__ import annotations

import socket

import pytest

from devstack.local import Settings, main, problems, rasa_command


def settings(**changes: object) -> Settings:
    values: dict[str, object] = {
        "model": "models/current.tar.gz",
        "endpoints": "endpoints.yml",
        "rasa_port": 5005,
        "action_port": 5055,
        "widget_port": 8080,
    }
    values.update(changes)
    return Settings(**values)  # type: ignore[arg-type]


@pytest.fixture()
def busy_port():
    """A port something listens on."""
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen()
        yield listener.getsockname()[1]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_a_port_in_use_is_named_with_the_way_out(busy_port):
    found = problems("shell", settings(rasa_port=busy_port, action_port=free_port()))
    assert len(found) == 1
    assert f"port {busy_port} is already in use" in found[0]
    assert "RASA_PORT=5006" in found[0] and "make shell" in found[0]


def test_the_widget_port_matters_only_for_run(busy_port):
    free = {"rasa_port": free_port(), "action_port": free_port(), "widget_port": busy_port}
    assert problems("shell", settings(**free)) == []
    assert len(problems("run", settings(**free))) == 1


def test_a_missing_endpoints_file_is_named():
    found = problems(
        "run",
        settings(
            endpoints="endpoints.nowhere.yml", rasa_port=free_port(), action_port=free_port(), widget_port=free_port()
        ),
    )
    assert found == ["endpoints file endpoints.nowhere.yml not found (ENDPOINTS=...)"]


def test_redis_endpoints_need_redis(monkeypatch):
    monkeypatch.setenv("REDIS_PORT", str(free_port()))
    ports = {"rasa_port": free_port(), "action_port": free_port(), "widget_port": free_port()}
    [found] = problems("run", settings(endpoints="endpoints.redis.yml", **ports))
    assert "keeps conversations in Redis, but nothing answers" in found


def test_the_shell_listens_on_the_port_it_was_given():
    """`make shell` beside `make run`: rasa shell must not take 5005 when RASA_PORT says otherwise."""
    command = rasa_command("shell", settings(rasa_port=5006))
    assert command[1] == "shell"
    assert command[command.index("--port") + 1] == "5006"


def test_the_http_api_is_on_only_behind_a_jwt(monkeypatch):
    monkeypatch.delenv("RASA_API_JWT_SECRET", raising=False)
    assert "--enable-api" not in rasa_command("run", settings())
    monkeypatch.setenv("RASA_API_JWT_SECRET", "s3cret")
    command = rasa_command("run", settings())
    assert command[command.index("--jwt-secret") + 1] == "s3cret"
    assert "--enable-api" in command


def test_unknown_modes_get_the_usage(capsys):
    assert main(["serve"]) == 2
    assert "usage: python -m devstack.local run|shell" in capsys.readouterr().err
