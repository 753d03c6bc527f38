"""Train a tiny NLU model with the custom components and parse with it."""

from __future__ import annotations

import asyncio
import textwrap
from pathlib import Path

import pytest

CONFIG = """\
recipe: default.v1
language: zh
assistant_id: jiebei_nlu_component_test
pipeline:
  - name: jiebei_nlu.components.TextNormalizer
  - name: JiebaTokenizer
  - name: jiebei_nlu.classifier.LinearIntentClassifier
  - name: jiebei_nlu.components.ZhimaScoreExtractor
"""

NLU = """\
version: "3.1"
nlu:
- intent: inform_score
  examples: |
    - 我的芝麻分是六百八
    - 芝麻份七百
    - 芝麻信用五百多分
    - 我现在芝麻分有650
- intent: ask_why_cannot_open
  examples: |
    - 借吧为什么开不了
    - 借唄開通失敗是怎麼回事
    - 我的借呗一直没有入口
    - 为啥我没有借呗
"""


@pytest.mark.integration
def test_trained_pipeline_normalises_text_and_extracts_score(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from rasa.core.agent import Agent
    from rasa.model_training import train_nlu

    monkeypatch.setenv("RASA_TELEMETRY_ENABLED", "false")
    monkeypatch.setenv("RASA_CACHE_DIRECTORY", str(tmp_path / "cache"))
    monkeypatch.chdir(tmp_path)
    config = tmp_path / "config.yml"
    config.write_text(CONFIG, encoding="utf-8")
    nlu = tmp_path / "nlu.yml"
    nlu.write_text(textwrap.dedent(NLU), encoding="utf-8")

    model_path = train_nlu(
        config=str(config),
        nlu_data=str(nlu),
        output=str(tmp_path / "models"),
        fixed_model_name="tiny",
    )
    assert model_path is not None

    agent = Agent.load(model_path)
    parsed = asyncio.run(agent.parse_message("芝麻份七百二十 借吧开不了"))

    assert parsed["text"] == "芝麻分七百二十借呗开不了"
    scores = [e for e in parsed["entities"] if e["entity"] == "zhima_score"]
    assert len(scores) == 1
    assert scores[0]["value"] == 720
    assert scores[0]["extractor"] == "ZhimaScoreExtractor"
    assert parsed["text"][scores[0]["start"] : scores[0]["end"]] == "七百二十"
    assert parsed["intent"]["name"] in {"inform_score", "ask_why_cannot_open"}
