"""The Kubernetes manifests, the Docker image and `make prod` describe one topology.

Each fact has one home: the commands in deploy/entrypoint.sh, the variables
in endpoints.prod.yml. These tests check that the other files agree with them.
"""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import yaml

from devstack.prod import ENTRYPOINT, SECRET_NAMES, ProdConfig, Topology, render_nginx

K8S = Path("deploy/k8s")
ROLES = set(re.findall(r"^  (\w+)\)$", ENTRYPOINT.read_text(encoding="utf-8"), flags=re.MULTILINE))


def endpoint_variables() -> set[str]:
    """The ${VAR}s endpoints.prod.yml needs (comments left out)."""
    lines = Path("endpoints.prod.yml").read_text(encoding="utf-8").splitlines()
    return {name for line in lines if not line.lstrip().startswith("#") for name in re.findall(r"\$\{(\w+)\}", line)}


def manifests() -> list[dict]:
    return [doc for path in sorted(K8S.glob("*.yaml")) for doc in yaml.safe_load_all(path.read_text()) if doc]


def containers(kind: str = "Deployment") -> dict[str, dict]:
    found = {}
    for doc in manifests():
        if doc["kind"] in (kind, "StatefulSet"):
            spec = doc["spec"]["template"]["spec"]
            for container in [*spec.get("initContainers", []), *spec["containers"]]:
                found[f"{doc['metadata']['name']}/{container['name']}"] = container
    return found


def provided_env(container: dict) -> set[str]:
    names = {item["name"] for item in container.get("env", [])}
    for source in container.get("envFrom", []):
        config = next(doc for doc in manifests() if doc["metadata"]["name"] == source["configMapRef"]["name"])
        names |= set(config["data"])
    return names


def test_the_image_runs_the_entrypoint_of_make_prod():
    dockerfile = Path("deploy/Dockerfile").read_text(encoding="utf-8")

    assert 'ENTRYPOINT ["deploy/entrypoint.sh"]' in dockerfile
    assert ROLES == {"rasa", "actions", "widget", "migrate"}


def test_every_project_container_runs_a_role_of_the_entrypoint():
    ours = {name: c for name, c in containers().items() if c["image"].startswith("jiebei-assistant")}

    assert {c["args"][0] for c in ours.values() if "command" not in c} == ROLES
    assert ours["jiebei-rasa/fetch-model"]["command"] == ["/bin/sh", "-c"]


def test_the_rasa_replicas_get_every_variable_their_endpoints_need():
    needed = endpoint_variables()
    rasa = containers()["jiebei-rasa/rasa"]

    assert needed <= provided_env(rasa)
    assert {"MODEL", "CORS_ORIGINS", "PORT", "JIEBEI_CHAT_JWT_SECRET", "JIEBEI_CHAT_AUTH"} <= provided_env(rasa)


def test_make_prod_gives_the_replicas_the_same_variables(tmp_path):
    needed = endpoint_variables()
    topology = Topology(ProdConfig.for_tests(tmp_path, Path("models/current.tar.gz")))

    rasa = topology._rasa("rasa-1")

    assert rasa.command == [str(ENTRYPOINT), "rasa"]
    assert needed <= set(rasa.env)


def test_make_prod_gives_each_process_only_its_own_secrets(tmp_path, monkeypatch):
    monkeypatch.setenv("JIEBEI_FIELD_KEY", "from-the-makefile-" * 3)  # make exports the local ones
    topology = Topology(ProdConfig.for_tests(tmp_path, Path("models/current.tar.gz")))
    secrets = set(SECRET_NAMES) | {"DATABASE_URL", "TRACKER_DB_PASSWORD", "RASA_API_JWT_SECRET"}

    held = {
        server.name: secrets & set(server.env)
        for server in (topology._rasa("rasa-1"), topology._action_server("actions-1"), topology._widget(),
                       topology._redis(), topology._nginx())
    }  # fmt: skip

    assert held == {
        "rasa-1": {"JIEBEI_ACTION_TOKEN", "JIEBEI_CHAT_JWT_SECRET", "REDIS_PASSWORD", "TRACKER_DB_PASSWORD"},
        "actions-1": {"JIEBEI_ACTION_TOKEN", "JIEBEI_FIELD_KEY", "DATABASE_URL"},
        "widget": {"JIEBEI_CHAT_JWT_SECRET"},
        "redis": set(),
        "nginx": set(),
    }
    assert topology.config.secrets["REDIS_PASSWORD"] not in " ".join(topology._redis().command)


def test_only_the_action_servers_hold_the_field_key():
    holders = {name for name, c in containers().items() if "JIEBEI_FIELD_KEY" in provided_env(c)}

    assert holders == {"jiebei-actions/actions"}


def test_the_public_widget_pod_cannot_sign_customer_tokens():
    widget = containers()["jiebei-widget/widget"]

    assert "JIEBEI_CHAT_JWT_SECRET" not in {item["name"] for item in widget.get("env", [])}
    assert {"name": "JIEBEI_CHAT_AUTH", "value": "anonymous"} in widget["env"]


def test_secrets_come_from_the_secret_never_from_a_literal():
    secret_names = {"JIEBEI_ACTION_TOKEN", "JIEBEI_FIELD_KEY", "JIEBEI_CHAT_JWT_SECRET", "POSTGRES_PASSWORD",
                    "REDIS_PASSWORD", "TRACKER_DB_PASSWORD"}  # fmt: skip
    for name, container in containers().items():
        for item in container.get("env", []):
            if item["name"] in secret_names:
                assert "secretKeyRef" in item.get("valueFrom", {}), (name, item["name"])


def test_every_proxied_location_sets_the_client_address_itself(tmp_path):
    # nginx inherits proxy_set_header only into locations that set none: a
    # location with its own Connection header would pass on the client's
    # X-Forwarded-For, and the replicas' per-address limits would trust it.
    conf = render_nginx(ProdConfig.for_tests(tmp_path, Path("models/current.tar.gz")), tmp_path)
    public = conf[conf.index("listen 127.0.0.1:") : conf.index("# The action servers")]
    locations = re.findall(r"location [^{]+\{(.*?)\n        \}", public, flags=re.DOTALL)
    proxied = [body for body in locations if "proxy_pass" in body]

    assert len(proxied) == 3
    assert all("proxy_set_header X-Forwarded-For $remote_addr;" in body for body in proxied)


def _rasa_environment(tmp_path: Path, **extra: str) -> dict[str, str]:
    """The environment ``deploy/entrypoint.sh rasa`` hands to Rasa (a stub that prints it)."""
    stub = tmp_path / "bin" / "rasa"
    stub.parent.mkdir()
    stub.write_text("#!/bin/sh\nenv\n", encoding="utf-8")
    stub.chmod(0o755)
    env = {"PATH": "/usr/bin:/bin", "VENV": str(tmp_path), "MODEL": "m.tar.gz", "CORS_ORIGINS": "http://x", **extra}
    printed = subprocess.run([str(ENTRYPOINT), "rasa"], env=env, capture_output=True, text=True, check=True).stdout
    return dict(line.split("=", 1) for line in printed.splitlines() if "=" in line)


def test_the_entrypoint_makes_openblas_threads_sleep_at_once(tmp_path):
    # The image and the manifests start Rasa through this script alone.
    assert _rasa_environment(tmp_path)["OPENBLAS_THREAD_TIMEOUT"] == "4"


def test_an_operator_may_set_the_openblas_timeout_otherwise(tmp_path):
    assert _rasa_environment(tmp_path, OPENBLAS_THREAD_TIMEOUT="8")["OPENBLAS_THREAD_TIMEOUT"] == "8"
