"""The vocabulary file equals the cause table of the shared contract."""

from __future__ import annotations

import re
from pathlib import Path

import yaml

from eligibility import DEFAULT_DATA_DIR, load_engine
from tests.support.prerequisites import require

SHARED = Path(__file__).resolve().parents[2] / ".." / "shared"
ROW = re.compile(r"^\|\s*([A-Z][A-Z_]+)\s*\|\s*([^|]+?)\s*\|")


def contract_causes() -> list[tuple[str, str]]:
    knowledge = SHARED / "jiebei_knowledge.md"
    require(
        knowledge.is_file(), f"shared contract not found at {knowledge} (the shared/ folder beside the repo is absent)"
    )
    section = knowledge.read_text(encoding="utf-8").split("## Causes", 1)[1].split("\n## ", 1)[0]
    return [(m.group(1), m.group(2)) for line in section.splitlines() if (m := ROW.match(line))]


def test_contract_table_is_parsed():
    assert len(contract_causes()) == 17


def test_vocabulary_file_equals_contract_table():
    data = yaml.safe_load((DEFAULT_DATA_DIR / "vocabulary.yml").read_text(encoding="utf-8"))
    assert [(c["id"], c["label"]) for c in data["causes"]] == contract_causes()


def test_engine_causes_carry_contract_labels():
    labels = {r.cause_id: r.label for r in load_engine().evaluate({}).causes}
    assert labels == dict(contract_causes())
