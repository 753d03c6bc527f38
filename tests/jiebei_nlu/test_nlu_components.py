"""Tests for jiebei_nlu.components on Message objects (no training)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from jiebei_nlu.components import FaqConfidenceGate, TextNormalizer, ZhimaScoreExtractor
from jiebei_nlu.normalize import VariantFileError

NORMALIZER_PATH = "jiebei_nlu.components.TextNormalizer"
EXTRACTOR_PATH = "jiebei_nlu.components.ZhimaScoreExtractor"
CLASSIFIER_PATH = "jiebei_nlu.classifier.LinearIntentClassifier"


def _normalizer(config: dict[str, Any] | None = None) -> TextNormalizer:
    full = {**TextNormalizer.get_default_config(), **(config or {})}
    return TextNormalizer.create(full, None, None, None)  # type: ignore[arg-type]


def _extractor() -> ZhimaScoreExtractor:
    return ZhimaScoreExtractor.create({}, None, None, None)  # type: ignore[arg-type]


def _score_entities(message: Message) -> list[dict[str, Any]]:
    return [e for e in message.get("entities", []) if e["entity"] == "zhima_score"]


def test_normalizer_rewrites_message_text() -> None:
    message = Message(data={"text": "芝麻份七百二十 借吧开不了"})
    _normalizer().process([message])
    assert message.get("text") == "芝麻分七百二十借呗开不了"


def test_normalizer_leaves_messages_without_text_alone() -> None:
    message = Message(data={"action_name": "utter_greet"})
    _normalizer().process([message])
    assert message.get("text") is None


def test_normalizer_rewrites_training_examples_and_moves_entities() -> None:
    text = "我的 芝麻份 是 七百二十"
    start = text.index("七百二十")
    example = Message(
        data={
            "text": text,
            "intent": "inform_score",
            "entities": [{"entity": "zhima_score", "start": start, "end": start + 4, "value": "七百二十"}],
        }
    )
    untouched = Message(data={"text": "你好", "intent": "greet"})
    _normalizer().process_training_data(TrainingData([example, untouched]))

    assert example.get("text") == "我的芝麻分是七百二十"
    (entity,) = example.get("entities")
    assert (entity["start"], entity["end"], entity["value"]) == (6, 10, "七百二十")
    assert untouched.get("text") == "你好"


def test_normalizer_keeps_synonym_values_of_moved_entities() -> None:
    text = "我 想关 借吧"
    start = text.index("借吧")
    example = Message(
        data={
            "text": text,
            "entities": [{"entity": "product", "start": start, "end": start + 2, "value": "jiebei"}],
        }
    )
    _normalizer().process_training_data(TrainingData([example]))
    (entity,) = example.get("entities")
    assert example.get("text")[entity["start"] : entity["end"]] == "借呗"
    assert entity["value"] == "jiebei"


def test_normalizer_uses_configured_variant_file(tmp_path: Path) -> None:
    path = tmp_path / "variants.yml"
    path.write_text("variants:\n  余额宝: [余额包]\n", encoding="utf-8")
    message = Message(data={"text": "余额包和借吧"})
    _normalizer({"variants_path": str(path)}).process([message])
    assert message.get("text") == "余额宝和借吧"


def test_normalizer_rejects_invalid_variant_file(tmp_path: Path) -> None:
    path = tmp_path / "variants.yml"
    path.write_text("variants:\n  借呗: [借呗]\n", encoding="utf-8")
    with pytest.raises(VariantFileError, match=str(path)):
        _normalizer({"variants_path": str(path)})


def test_normalizer_fingerprint_follows_the_variant_file(tmp_path: Path) -> None:
    path = tmp_path / "variants.yml"
    path.write_text("variants:\n  借呗: [借吧]\n", encoding="utf-8")
    before = TextNormalizer.fingerprint_addon({"variants_path": str(path)})
    path.write_text("variants:\n  借呗: [借吧, 借贝]\n", encoding="utf-8")
    after = TextNormalizer.fingerprint_addon({"variants_path": str(path)})
    assert before != after


def test_extractor_adds_integer_score_entity() -> None:
    message = Message(data={"text": "芝麻分七百二十借呗开不了"})
    _extractor().process([message])
    assert message.get("entities") == [
        {
            "entity": "zhima_score",
            "value": 720,
            "start": 3,
            "end": 7,
            "extractor": "ZhimaScoreExtractor",
            "confidence_entity": 1.0,
            "additional_info": {"approximate": False},
        }
    ]


def test_extractor_marks_approximate_scores() -> None:
    message = Message(data={"text": "芝麻分7**"})
    _extractor().process([message])
    (entity,) = _score_entities(message)
    assert entity["value"] == 750
    assert entity["additional_info"] == {"approximate": True}


def test_extractor_keeps_entities_already_present() -> None:
    existing = {"entity": "product", "value": "借呗", "start": 7, "end": 9, "extractor": "X"}
    message = Message(data={"text": "芝麻分750开不了借呗", "entities": [existing]})
    _extractor().process([message])
    entities = message.get("entities")
    assert existing in entities
    assert [e["value"] for e in _score_entities(message)] == [750]


def test_extractor_adds_nothing_for_amounts() -> None:
    message = Message(data={"text": "借了5000块"})
    _extractor().process([message])
    assert message.get("entities") == []


def test_extractor_does_not_duplicate_on_second_run() -> None:
    message = Message(data={"text": "我芝麻分才70分"})
    extractor = _extractor()
    extractor.process([message])
    extractor.process([message])
    assert [e["value"] for e in _score_entities(message)] == [70]


def test_extractor_entities_are_in_parse_output() -> None:
    message = Message(data={"text": "七百五十分"})
    _extractor().process([message])
    output = message.as_dict(only_output_properties=True)
    assert [e["value"] for e in output["entities"]] == [750]


@pytest.mark.parametrize(
    "path, component_type, trainable",
    [
        (NORMALIZER_PATH, DefaultV1Recipe.ComponentType.MESSAGE_TOKENIZER, False),
        (EXTRACTOR_PATH, DefaultV1Recipe.ComponentType.ENTITY_EXTRACTOR, False),
        (CLASSIFIER_PATH, DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, True),
    ],
)
def test_components_are_registered_with_the_default_recipe(
    path: str, component_type: DefaultV1Recipe.ComponentType, trainable: bool
) -> None:
    registered = DefaultV1Recipe._from_registry(path)
    assert registered.types == {component_type}
    assert registered.is_trainable is trainable


def _graph_config() -> Any:
    config = {
        "recipe": "default.v1",
        "language": "zh",
        "pipeline": [
            {"name": NORMALIZER_PATH},
            {"name": "JiebaTokenizer"},
            {"name": CLASSIFIER_PATH},
            {"name": EXTRACTOR_PATH},
        ],
    }
    return DefaultV1Recipe().graph_config_for_recipe(config, {})


def test_normalizer_runs_before_the_tokenizer_in_training_graph() -> None:
    nodes = _graph_config().train_schema.nodes
    assert nodes["run_jiebei_nlu.components.TextNormalizer0"].needs == {"training_data": "nlu_training_data_provider"}
    assert nodes["run_JiebaTokenizer1"].needs["training_data"] == ("run_jiebei_nlu.components.TextNormalizer0")
    assert nodes["train_JiebaTokenizer1"].needs["training_data"] == ("run_jiebei_nlu.components.TextNormalizer0")


def test_normalizer_runs_before_tokenizer_and_extractor_after_classifier_in_predict_graph() -> None:
    nodes = _graph_config().predict_schema.nodes
    assert nodes["run_jiebei_nlu.components.TextNormalizer0"].needs == {"messages": "nlu_message_converter"}
    assert nodes["run_JiebaTokenizer1"].needs["messages"] == ("run_jiebei_nlu.components.TextNormalizer0")
    assert nodes["run_jiebei_nlu.components.ZhimaScoreExtractor3"].needs == {
        "messages": "run_jiebei_nlu.classifier.LinearIntentClassifier2"
    }


def _faq_message(key_confidence: float) -> Message:
    return Message(
        data={
            "text": "借呗怎么弄",
            "intent": {"name": "faq", "confidence": 0.98},
            "intent_ranking": [{"name": "faq", "confidence": 0.98}, {"name": "greet", "confidence": 0.02}],
            "response_selector": {
                "faq": {
                    "response": {"intent_response_key": "faq/repayment", "confidence": key_confidence},
                    "ranking": [{"intent_response_key": "faq/repayment", "confidence": key_confidence}],
                }
            },
        }
    )


@pytest.mark.parametrize(("key_confidence", "intent"), [(0.49, "nlu_fallback"), (0.5, "faq"), (0.9, "faq")])
def test_gate_turns_an_unsure_faq_key_into_a_fallback(key_confidence: float, intent: str) -> None:
    message = _faq_message(key_confidence)
    FaqConfidenceGate.create({"threshold": 0.5, "retrieval_intent": "faq"}, None, None, None).process([message])  # type: ignore[arg-type]
    assert message.get("intent")["name"] == intent
    assert [r["name"] for r in message.get("intent_ranking")][-2:] == ["faq", "greet"]
    assert message.get("response_selector")["faq"]["ranking"][0]["confidence"] == key_confidence


def test_gate_leaves_other_intents_alone() -> None:
    message = Message(data={"text": "你好", "intent": {"name": "greet", "confidence": 0.3}, "intent_ranking": []})
    FaqConfidenceGate.create(FaqConfidenceGate.get_default_config(), None, None, None).process([message])  # type: ignore[arg-type]
    assert message.get("intent") == {"name": "greet", "confidence": 0.3}


@pytest.mark.parametrize("threshold", [-0.1, 1.5, "0.5", True, None])
def test_gate_rejects_a_threshold_outside_zero_to_one(threshold: Any) -> None:
    expected = f"FaqConfidenceGate: threshold must be a number from 0 to 1, got {threshold!r}"
    with pytest.raises(ValueError, match=f"^{re.escape(expected)}$"):
        FaqConfidenceGate({"threshold": threshold})


def test_sentence_encoder_adds_one_normalised_512_dimensional_sentence_feature() -> None:
    from jiebei_nlu.components import SentenceEncoderFeaturizer

    config = SentenceEncoderFeaturizer.get_default_config()
    featurizer = SentenceEncoderFeaturizer(config, "sentence_encoder")
    messages = [Message(data={"text": "借呗怎么还款"}), Message(data={"text": "借呗被关了"}), Message(data={})]
    featurizer.process(messages)
    sequence, sentence = messages[0].get_dense_features("text")
    assert sequence is None
    assert sentence.features.shape == (1, 512)
    assert abs(float((sentence.features**2).sum()) - 1.0) < 1e-3
    other = messages[1].get_dense_features("text")[1].features
    assert float((sentence.features * other).sum()) < 0.99
    assert messages[2].get_dense_features("text") == (None, None)


@pytest.mark.parametrize("size", [0, -1, "8", True])
def test_sentence_encoder_refuses_a_bad_batch_size(size: Any) -> None:
    from jiebei_nlu.components import SentenceEncoderFeaturizer

    with pytest.raises(ValueError, match="batch_size must be a positive integer"):
        SentenceEncoderFeaturizer.validate_config({"batch_size": size})
