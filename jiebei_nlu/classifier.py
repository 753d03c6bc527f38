"""`LinearIntentClassifier`: intents and FAQ keys from one linear model.

It replaces DIET and the ResponseSelector (docs/benchmarks.md has the
side-by-side figures): one multinomial logistic regression over character
n-grams, jieba word n-grams and the dense sentence vector of
`SentenceEncoderFeaturizer` (`jiebei_nlu.linear`) learns every label at once,
where a retrieval intent's examples are labelled by their key
(``faq/repayment``). Its output has the shape the rest of the assistant
already reads:

- ``intent``/``intent_ranking``: the retrieval intent's confidence is the sum
  over its keys, so ``FallbackClassifier`` judges "an FAQ at all" as before;
- ``response_selector[<retrieval intent>]``: the key, its confidence *given*
  the retrieval intent (what `FaqConfidenceGate` gates), the key ranking and
  the responses, as Rasa's ResponseSelector writes them.

Rasa warns at training time when retrieval examples exist without a
``ResponseSelector``; this component is the response selector, so that one
warning is silenced here (nothing else).
"""

from __future__ import annotations

import hashlib
import inspect
import json
import logging
import warnings
from typing import Any

import numpy as np
from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.classifiers.classifier import IntentClassifier
from rasa.nlu.constants import (
    RESPONSE_SELECTOR_PREDICTION_KEY,
    RESPONSE_SELECTOR_PROPERTY_NAME,
    RESPONSE_SELECTOR_RANKING_KEY,
    RESPONSE_SELECTOR_RESPONSES_KEY,
    RESPONSE_SELECTOR_RETRIEVAL_INTENTS,
    RESPONSE_SELECTOR_UTTER_ACTION_KEY,
    TOKENS_NAMES,
)
from rasa.shared.nlu.constants import (
    INTENT,
    INTENT_NAME_KEY,
    INTENT_RANKING_KEY,
    INTENT_RESPONSE_KEY,
    PREDICTED_CONFIDENCE_KEY,
    TEXT,
)
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from jiebei_nlu import linear
from jiebei_nlu.linear import Example, LinearModel, ModelFileError, Settings

logger = logging.getLogger(__name__)

warnings.filterwarnings(
    "ignore", message="You have defined training data with examples for training a response selector"
)

RESPONSES_FILE = "responses.json"
RANKING_LENGTH = 10


def _example(message: Message) -> Example:
    """The text, words and sentence vector of one message."""
    tokens = message.get(TOKENS_NAMES[TEXT]) or []
    _, sentence = message.get_dense_features(TEXT)
    vector = None if sentence is None else np.asarray(sentence.features, dtype=np.float64).reshape(-1)
    return Example(text=f" {message.get(TEXT) or ''} ", words=tuple(t.text for t in tokens), vector=vector)


def _label(message: Message) -> str | None:
    """``faq/<key>`` for a retrieval example, else its intent."""
    return message.get(INTENT_RESPONSE_KEY) or message.get(INTENT)


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=True)
class LinearIntentClassifier(GraphComponent, IntentClassifier):
    """Classifies intents and retrieval keys with `jiebei_nlu.linear.LinearModel`.

    Config:
        char_ngrams: smallest and largest character n-gram, ``[1, 3]``.
        word_ngrams: smallest and largest jieba word n-gram, ``[1, 1]``.
        vector_weight: scale of the dense sentence vector, ``1.0``.
        C: inverse regularisation strength, ``30``.
        max_iterations: solver iterations at most, ``3000``.
        neighbours: nearest training examples whose labels vote, ``0`` (off).
        neighbour_weight: the vote's share of the probabilities, ``0.2``.
        neighbour_temperature: softmax temperature over their similarities, ``0.05``.
    """

    @staticmethod
    def get_default_config() -> dict[str, Any]:
        """The component's default config."""
        return {
            "char_ngrams": [1, 3],
            "word_ngrams": [1, 1],
            "vector_weight": 1.0,
            "C": 30.0,
            "max_iterations": 3000,
            "neighbours": 0,
            "neighbour_weight": 0.2,
            "neighbour_temperature": 0.05,
        }

    @classmethod
    def fingerprint_addon(cls, config: dict[str, Any]) -> str | None:
        """Changes with the model code, so Rasa's cache retrains after an edit of it."""
        return hashlib.sha256(inspect.getsource(linear).encode("utf-8")).hexdigest()

    def __init__(
        self,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        model: LinearModel | None = None,
        responses: dict[str, Any] | None = None,
    ) -> None:
        """Validates the config; a model comes from `train` or `load`."""
        self._config = config
        # The config names the regularisation ``C``, as scikit-learn does.
        self._settings = Settings.from_mapping({**config, "regularization": config["C"]})
        self._storage = model_storage
        self._resource = resource
        self._model = model
        self._responses = responses or {}

    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> LinearIntentClassifier:
        """Creates an untrained component (see `GraphComponent.create`)."""
        return cls(config, model_storage, resource)

    def train(self, training_data: TrainingData) -> Resource:
        """Trains on every intent example and saves the model.

        Args:
            training_data: featurised NLU training data.

        Returns:
            The resource the model was saved to.
        """
        messages = [m for m in training_data.intent_examples if _label(m)]
        if len({_label(m) for m in messages}) < 2:
            logger.warning("LinearIntentClassifier: fewer than two labels to learn; nothing trained")
            return self._resource
        self._model = LinearModel.train(
            [_example(m) for m in messages],
            [str(_label(m)) for m in messages],
            self._settings,
        )
        self._responses = dict(training_data.responses)
        logger.info("LinearIntentClassifier: %d examples, %d labels", len(messages), len(self._model.labels))
        with self._storage.write_to(self._resource) as directory:
            self._model.save(directory)
            (directory / RESPONSES_FILE).write_text(json.dumps(self._responses, ensure_ascii=False), encoding="utf-8")
        return self._resource

    @classmethod
    def load(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
        **kwargs: Any,
    ) -> LinearIntentClassifier:
        """Loads a trained component; an untrained one classifies nothing.

        Raises:
            ModelFileError: the model was saved but cannot be read; serving
                without intents would answer every message with the fallback.
        """
        try:
            with model_storage.read_from(resource) as directory:
                model = LinearModel.load(directory)
                try:
                    responses = json.loads((directory / RESPONSES_FILE).read_text(encoding="utf-8"))
                except (OSError, ValueError) as error:
                    raise ModelFileError(f"{directory}: cannot read {RESPONSES_FILE} ({error})") from error
        except ModelFileError:
            raise
        except ValueError as error:
            # Rasa's storage has no directory for a component it never trained.
            logger.warning("LinearIntentClassifier: no trained model (%s); messages get no intent", error)
            return cls(config, model_storage, resource)
        return cls(config, model_storage, resource, model, responses)

    def process(self, messages: list[Message]) -> list[Message]:
        """Sets intent, intent ranking and the response selector output."""
        if self._model is None or not messages:
            return messages
        probabilities = self._model.predict([_example(m) for m in messages])
        for message, row in zip(messages, probabilities, strict=True):
            self._set_prediction(message, self._model.labels, row)
        return messages

    def _set_prediction(self, message: Message, labels: list[str], row: np.ndarray) -> None:
        intents: dict[str, float] = {}
        keys: dict[str, dict[str, float]] = {}
        for label, probability in zip(labels, row.tolist(), strict=True):
            intent, _, key = label.partition("/")
            intents[intent] = intents.get(intent, 0.0) + probability
            if key:
                keys.setdefault(intent, {})[label] = probability
        ranking = [
            {INTENT_NAME_KEY: name, PREDICTED_CONFIDENCE_KEY: confidence}
            for name, confidence in sorted(intents.items(), key=lambda item: -item[1])[:RANKING_LENGTH]
        ]
        message.set(INTENT, ranking[0], add_to_output=True)
        message.set(INTENT_RANKING_KEY, ranking, add_to_output=True)
        if not keys:
            return
        selectors: dict[str, Any] = {RESPONSE_SELECTOR_RETRIEVAL_INTENTS: sorted(keys)}
        for intent, shares in keys.items():
            total = sum(shares.values()) or 1.0
            ordered = sorted(shares.items(), key=lambda item: -item[1])[:RANKING_LENGTH]
            best = ordered[0][0]
            selectors[intent] = {
                RESPONSE_SELECTOR_PREDICTION_KEY: {
                    RESPONSE_SELECTOR_RESPONSES_KEY: self._responses.get(f"utter_{best}"),
                    PREDICTED_CONFIDENCE_KEY: ordered[0][1] / total,
                    INTENT_RESPONSE_KEY: best,
                    RESPONSE_SELECTOR_UTTER_ACTION_KEY: f"utter_{best}",
                },
                RESPONSE_SELECTOR_RANKING_KEY: [
                    {
                        "id": int(hashlib.sha256(key.encode("utf-8")).hexdigest()[:12], 16),
                        PREDICTED_CONFIDENCE_KEY: share / total,
                        INTENT_RESPONSE_KEY: key,
                    }
                    for key, share in ordered
                ],
            }
        message.set(RESPONSE_SELECTOR_PROPERTY_NAME, selectors, add_to_output=True)
