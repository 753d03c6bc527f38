"""LinearIntentClassifier inside Rasa: training, the parse it writes, persistence."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest
from rasa.engine.graph import ExecutionContext, GraphSchema
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.nlu.tokenizers.tokenizer import Token
from rasa.shared.nlu.training_data.features import Features
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from jiebei_nlu.classifier import RESPONSES_FILE, LinearIntentClassifier
from jiebei_nlu.linear import MODEL_FILE, ModelFileError

EXAMPLES = [
    ("借呗怎么还款", "faq", "faq/repayment"),
    ("借呗还款日能改吗", "faq", "faq/repayment"),
    ("借呗提前还", "faq", "faq/repayment"),
    ("借呗利息多少", "faq", "faq/interest_rate"),
    ("借呗日利率怎么算", "faq", "faq/interest_rate"),
    ("借呗利息贵不贵", "faq", "faq/interest_rate"),
    ("你好", "greet", None),
    ("在吗", "greet", None),
    ("哈喽你好啊", "greet", None),
]
RESPONSES = {
    "utter_faq/repayment": [{"text": "还款的答案"}],
    "utter_faq/interest_rate": [{"text": "利息的答案"}],
}


def _message(text: str, intent: str | None = None, key: str | None = None) -> Message:
    data: dict[str, Any] = {"text": text}
    if intent:
        data["intent"] = intent
    if key:
        data["intent_response_key"] = key
    message = Message(data=data)
    message.set("text_tokens", [Token(char, i) for i, char in enumerate(text)])
    # A stand-in sentence vector: two numbers that say "about money" or not.
    money = float(any(c in text for c in "还利率款"))
    vector = np.array([[money, 1.0 - money]])
    message.add_features(Features(vector, "sentence", "text", "test_featurizer"))
    return message


def _component(storage: LocalModelStorage, **config: Any) -> LinearIntentClassifier:
    full = {**LinearIntentClassifier.get_default_config(), **config}
    context = ExecutionContext(GraphSchema({}), "test")
    return LinearIntentClassifier.create(full, storage, Resource("linear"), context)


@pytest.fixture
def storage(tmp_path: Path) -> LocalModelStorage:
    return LocalModelStorage(tmp_path)  # type: ignore[return-value]


@pytest.fixture(params=[0, 2], ids=["regression", "with neighbours"])
def trained(storage: LocalModelStorage, request: pytest.FixtureRequest) -> LinearIntentClassifier:
    component = _component(storage, neighbours=request.param)
    data = TrainingData([_message(*example) for example in EXAMPLES], responses=RESPONSES)
    component.train(data)
    return component


def test_an_faq_question_gets_the_retrieval_intent_and_its_key(trained: LinearIntentClassifier) -> None:
    message = _message("借呗咋还款")
    trained.process([message])
    output = message.as_dict(only_output_properties=True)

    ranking = output["intent_ranking"]
    assert output["intent"] == ranking[0]
    assert ranking[0]["name"] == "faq"
    assert sum(entry["confidence"] for entry in ranking) == pytest.approx(1.0)
    selected = output["response_selector"]["faq"]["response"]
    assert selected["intent_response_key"] == "faq/repayment"
    assert selected["utter_action"] == "utter_faq/repayment"
    assert selected["responses"] == RESPONSES["utter_faq/repayment"]
    keys = output["response_selector"]["faq"]["ranking"]
    assert [k["intent_response_key"] for k in keys] == ["faq/repayment", "faq/interest_rate"]
    # Key confidences are given the retrieval intent, as the ResponseSelector's are.
    assert sum(k["confidence"] for k in keys) == pytest.approx(1.0)
    assert selected["confidence"] == keys[0]["confidence"]
    assert output["response_selector"]["all_retrieval_intents"] == ["faq"]


def test_a_plain_intent_is_ranked_first_with_the_faq_total_behind_it(trained: LinearIntentClassifier) -> None:
    message = _message("你好在吗")
    trained.process([message])
    ranking = message.get("intent_ranking")
    assert [entry["name"] for entry in ranking] == ["greet", "faq"]
    assert message.get("intent")["name"] == "greet"


def test_the_persisted_model_answers_the_same_after_loading(
    trained: LinearIntentClassifier, storage: LocalModelStorage
) -> None:
    context = ExecutionContext(GraphSchema({}), "test")
    # The saved settings, not the config, decide whether the loaded model votes.
    config = LinearIntentClassifier.get_default_config()
    loaded = LinearIntentClassifier.load(config, storage, Resource("linear"), context)
    assert loaded._model is not None and trained._model is not None
    assert loaded._model.settings == trained._model.settings
    before, after = _message("借呗利息怎么算"), _message("借呗利息怎么算")
    trained.process([before])
    loaded.process([after])
    assert after.get("intent") == before.get("intent")
    assert after.get("response_selector") == before.get("response_selector")


def test_a_component_without_a_trained_model_leaves_messages_alone(storage: LocalModelStorage) -> None:
    context = ExecutionContext(GraphSchema({}), "test")
    config = LinearIntentClassifier.get_default_config()
    component = LinearIntentClassifier.load(config, storage, Resource("never_trained"), context)
    message = _message("借呗怎么还款")
    component.process([message])
    assert message.get("intent") is None


@pytest.mark.parametrize(
    "broken, message", [(MODEL_FILE, "cannot read the linear model"), (RESPONSES_FILE, RESPONSES_FILE)]
)
def test_a_saved_model_that_cannot_be_read_is_refused(
    trained: LinearIntentClassifier, storage: LocalModelStorage, broken: str, message: str
) -> None:
    with storage.read_from(Resource("linear")) as directory:
        (directory / broken).write_text("{", encoding="utf-8")
    context = ExecutionContext(GraphSchema({}), "test")
    config = LinearIntentClassifier.get_default_config()
    with pytest.raises(ModelFileError, match=message):
        LinearIntentClassifier.load(config, storage, Resource("linear"), context)


def test_bad_config_is_refused_when_the_component_is_built(storage: LocalModelStorage) -> None:
    with pytest.raises(ValueError, match="regularization"):
        _component(storage, C=0)
