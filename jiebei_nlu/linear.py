"""A linear text classifier over character and word n-grams and a dense vector.

Pure Python (numpy and scipy; no Rasa import), used by
`jiebei_nlu.classifier.LinearIntentClassifier`:

- `NgramTfidf` turns sequences of grams (characters or jieba words) into
  sublinear TF-IDF rows, L2-normalised: ``(1 + log tf) * idf``;
- `LinearModel` stacks the TF-IDF blocks and the sentence vector and holds a
  multinomial logistic regression, so a trained model is only arrays and
  lists;
- with ``neighbours`` set, the model also keeps its training examples and
  blends the regression's probabilities with a vote of the nearest ones
  (`NeighbourMemory`): a question worded like a few examples of one label
  leans towards it even where the regression's weights generalise past it;
- `fit_softmax` trains it: L-BFGS on the L2-regularised cross-entropy, the
  objective of scikit-learn's ``LogisticRegression`` with ``C``, with the
  sparse grams and the dense vector kept apart. scikit-learn needs them as
  one sparse matrix, where the 512 dense columns are most of the stored
  values and each step multiplied them as sparse: the fit took about twice
  as long, half of a retraining after an FAQ import;
- `minimize_lbfgs` is that L-BFGS, in numpy with in-place BLAS: over the
  ~2 million weights scipy's L-BFGS-B spent more time on its own
  bookkeeping than on the loss, about half of the fit.

A model is saved as ``model.json`` (vocabularies, labels, settings) and
``weights.npz`` (idf vectors, coefficients, the neighbour memory), loaded with ``allow_pickle=False``:
loading a model never runs code stored in it.
"""

from __future__ import annotations

import json
import logging
import math
from collections import Counter, deque
from collections.abc import Callable, Mapping, Sequence
from dataclasses import asdict, dataclass, fields
from pathlib import Path
from typing import Any

import numpy as np
import scipy.sparse as sp
from scipy.linalg import blas

logger = logging.getLogger(__name__)

# The solver stops when no gradient component exceeds this (scikit-learn's ``tol``),
GRADIENT_TOLERANCE = 1e-4
# or when a step lowers the loss by less than this share of it (the default of
# scipy's L-BFGS-B, factr 1e7 times the machine epsilon).
LOSS_TOLERANCE = 1e7 * float(np.finfo(np.float64).eps)
# Steps the solver remembers to shape the next one (L-BFGS), and how much a
# step must lower the loss for the line search to accept it (Armijo).
SOLVER_MEMORY = 10
SUFFICIENT_DECREASE = 1e-4
MODEL_FILE = "model.json"
WEIGHTS_FILE = "weights.npz"
FORMAT_VERSION = 2
# Format 1 (before the neighbour vote) has no neighbour settings or memory:
# it still loads, as a model without a vote.
READABLE_FORMATS = (1, 2)


class ModelFileError(ValueError):
    """A saved model is missing, malformed or from another format version."""


def char_grams(text: str, smallest: int, largest: int) -> list[str]:
    """Every character n-gram of ``text`` with ``smallest <= n <= largest``."""
    return [text[i : i + n] for n in range(smallest, largest + 1) for i in range(len(text) - n + 1)]


def word_grams(words: Sequence[str], smallest: int, largest: int) -> list[str]:
    """Every n-gram of ``words`` (joined by a space) with ``smallest <= n <= largest``."""
    return [" ".join(words[i : i + n]) for n in range(smallest, largest + 1) for i in range(len(words) - n + 1)]


@dataclass
class NgramTfidf:
    """Sublinear TF-IDF over grams seen in training; unseen grams are dropped."""

    vocabulary: dict[str, int]
    idf: np.ndarray

    @classmethod
    def fit(cls, documents: Sequence[Sequence[str]]) -> NgramTfidf:
        """Learns the vocabulary and smoothed idf of ``documents`` (lists of grams)."""
        frequency: Counter[str] = Counter()
        for grams in documents:
            frequency.update(set(grams))
        vocabulary = {gram: index for index, gram in enumerate(sorted(frequency))}
        count = len(documents)
        idf = np.array([math.log((1 + count) / (1 + frequency[g])) + 1 for g in sorted(frequency)], dtype=np.float64)
        return cls(vocabulary, idf)

    def transform(self, documents: Sequence[Sequence[str]]) -> sp.csr_matrix:
        """One L2-normalised row per document."""
        rows: list[int] = []
        columns: list[int] = []
        values: list[float] = []
        for row, grams in enumerate(documents):
            counts = Counter(self.vocabulary[g] for g in grams if g in self.vocabulary)
            weights = {col: (1 + math.log(tf)) * self.idf[col] for col, tf in counts.items()}
            norm = math.sqrt(sum(w * w for w in weights.values())) or 1.0
            for col, weight in sorted(weights.items()):
                rows.append(row)
                columns.append(col)
                values.append(weight / norm)
        return sp.csr_matrix((values, (rows, columns)), shape=(len(documents), len(self.vocabulary)))


@dataclass(frozen=True)
class Example:
    """One text to classify: its normalised characters, its words and its sentence vector."""

    text: str
    words: tuple[str, ...]
    vector: np.ndarray | None


@dataclass(frozen=True)
class Settings:
    """How features are built and how hard the regression is regularised."""

    char_ngrams: tuple[int, int] = (1, 3)
    word_ngrams: tuple[int, int] = (1, 1)
    vector_weight: float = 1.0
    regularization: float = 30.0
    max_iterations: int = 3000
    # Nearest training examples that vote (0: no memory, the regression alone),
    # the vote's share of the blended probabilities, and the softmax
    # temperature over their similarities (lower: the nearest counts more).
    neighbours: int = 0
    neighbour_weight: float = 0.2
    neighbour_temperature: float = 0.05

    def __post_init__(self) -> None:
        for name in ("char_ngrams", "word_ngrams"):
            low, high = getattr(self, name)
            if not 1 <= low <= high <= 6:
                raise ValueError(f"{name} must be two whole numbers 1 <= low <= high <= 6, got {(low, high)}")
        if self.vector_weight < 0:
            raise ValueError(f"vector_weight must not be negative, got {self.vector_weight}")
        if self.regularization <= 0:
            raise ValueError(f"regularization (C) must be positive, got {self.regularization}")
        if self.max_iterations < 1:
            raise ValueError(f"max_iterations must be at least 1, got {self.max_iterations}")
        if self.neighbours < 0:
            raise ValueError(f"neighbours must not be negative, got {self.neighbours}")
        if not 0 <= self.neighbour_weight <= 1:
            raise ValueError(f"neighbour_weight must be between 0 and 1, got {self.neighbour_weight}")
        if self.neighbour_temperature <= 0:
            raise ValueError(f"neighbour_temperature must be positive, got {self.neighbour_temperature}")

    @classmethod
    def from_mapping(cls, raw: Mapping[str, Any]) -> Settings:
        """Settings from every field by name (a saved model's, a component config's), converted to its type."""
        values: dict[str, Any] = {}
        for field in fields(cls):
            value = raw[field.name]
            if isinstance(field.default, tuple):
                values[field.name] = tuple(int(v) for v in value)
            else:
                values[field.name] = int(value) if isinstance(field.default, int) else float(value)
        return cls(**values)

    @property
    def votes(self) -> bool:
        """Whether the model keeps its examples and blends their vote in."""
        return self.neighbours > 0 and self.neighbour_weight > 0


@dataclass(frozen=True)
class NeighbourMemory:
    """The training examples as the neighbour vote compares them with a message.

    The similarity of a message and an example is the mean of two cosines:
    of their character TF-IDF rows and of their sentence vectors. The
    ``neighbours`` most similar examples vote for their labels, each with
    ``exp(similarity / temperature)``; the votes are normalised to sum to one.
    A message without a sentence vector (or with ``vector_weight`` 0) has a
    vector cosine of 0, which halves its similarities. A message that shares
    no character gram with any example and has no vector gets no vote; in the
    pipeline that does not happen (every text is padded with spaces, and the
    space gram is in every example), so every message there gets one.
    """

    # Character TF-IDF rows of the examples, transposed (grams by examples):
    # a message's row times this is its similarity to every example.
    chars_by_example: sp.csr_matrix
    # Unit-length sentence vectors, one row per example (zeros without one).
    vectors: np.ndarray
    # The label index of each example.
    targets: np.ndarray

    @classmethod
    def build(cls, chars: sp.csr_matrix, dense: np.ndarray, targets: np.ndarray) -> NeighbourMemory:
        """Keeps the character rows and the unit vectors of the training examples."""
        return cls(chars.T.tocsr(), _unit_rows(dense).astype(np.float32), targets.astype(np.int64))

    def vote(self, chars: sp.csr_matrix, dense: np.ndarray, classes: int, settings: Settings) -> np.ndarray:
        """The neighbours' label distribution, one row per message."""
        if settings.neighbours < 1:
            raise ValueError(f"a vote needs at least one neighbour, got {settings.neighbours}")
        similarity = (chars @ self.chars_by_example).toarray()
        if self.vectors.shape[1]:
            # In float32 like the memory: a float64 message would copy it each call.
            similarity += _unit_rows(dense).astype(np.float32) @ self.vectors.T
        similarity /= 2
        count = min(settings.neighbours, similarity.shape[1])
        nearest = np.argpartition(-similarity, count - 1, axis=1)[:, :count]
        closeness = np.take_along_axis(similarity, nearest, axis=1)
        weights = np.exp((closeness - closeness.max(axis=1, keepdims=True)) / settings.neighbour_temperature)
        # A message that shares nothing with any example gets no vote (a zero row).
        weights[closeness.max(axis=1) <= 0] = 0.0
        votes = np.zeros((similarity.shape[0], classes))
        np.add.at(votes, (np.arange(similarity.shape[0])[:, None], self.targets[nearest]), weights)
        totals = votes.sum(axis=1, keepdims=True)
        normalised: np.ndarray = votes / np.where(totals == 0, 1.0, totals)
        return normalised


def _unit_rows(matrix: np.ndarray) -> np.ndarray:
    """Each row scaled to length one; all-zero rows stay zero."""
    norms = np.linalg.norm(matrix, axis=1, keepdims=True)
    scaled: np.ndarray = matrix / np.where(norms == 0, 1.0, norms)
    return scaled


class LinearModel:
    """Multinomial logistic regression over TF-IDF grams and a sentence vector."""

    def __init__(
        self,
        settings: Settings,
        labels: list[str],
        chars: NgramTfidf,
        words: NgramTfidf,
        vector_size: int,
        coefficients: np.ndarray,
        intercepts: np.ndarray,
        memory: NeighbourMemory | None = None,
    ) -> None:
        """Holds a trained model; build one with `train` or `load`."""
        self.settings = settings
        self.labels = labels
        self._chars = chars
        self._words = words
        self._vector_size = vector_size
        self._intercepts = intercepts
        # Kept once, features by labels and contiguous: a sparse row times this
        # needs no copy (multiplying by ``coefficients.T`` copied it each call).
        self._by_feature = np.ascontiguousarray(coefficients.T)
        self._memory = memory

    @classmethod
    def train(cls, examples: Sequence[Example], labels: Sequence[str], settings: Settings) -> LinearModel:
        """Fits the vocabularies and the regression.

        Args:
            examples: the training texts.
            labels: one label per example; at least two different ones.
            settings: features and regularisation (the solver is deterministic).

        Returns:
            The trained model; its `labels` are sorted.

        Raises:
            ValueError: fewer than two labels, or examples and labels differ in number.
        """
        if len(examples) != len(labels):
            raise ValueError(f"{len(examples)} examples but {len(labels)} labels")
        if len(set(labels)) < 2:
            raise ValueError("a classifier needs examples of at least two labels")
        chars = NgramTfidf.fit([char_grams(e.text, *settings.char_ngrams) for e in examples])
        words = NgramTfidf.fit([word_grams(e.words, *settings.word_ngrams) for e in examples])
        vector_size = max((e.vector.size for e in examples if e.vector is not None), default=0)
        model = cls(settings, sorted(set(labels)), chars, words, vector_size, np.zeros((0, 0)), np.zeros(0))
        index = {label: column for column, label in enumerate(model.labels)}
        char_rows, word_rows = model._gram_rows(examples)
        dense = model._dense_features(examples)
        targets = np.array([index[label] for label in labels])
        sparse = sp.hstack([char_rows, word_rows]).tocsr()
        model._by_feature, model._intercepts = fit_softmax(sparse, dense, targets, len(model.labels), settings)
        if settings.votes:
            model._memory = NeighbourMemory.build(char_rows, dense, targets)
        return model

    def _gram_rows(self, examples: Sequence[Example]) -> tuple[sp.csr_matrix, sp.csr_matrix]:
        """The character and the word TF-IDF rows of the examples."""
        return (
            self._chars.transform([char_grams(e.text, *self.settings.char_ngrams) for e in examples]),
            self._words.transform([word_grams(e.words, *self.settings.word_ngrams) for e in examples]),
        )

    def _dense_features(self, examples: Sequence[Example]) -> np.ndarray:
        dense = np.zeros((len(examples), self._vector_size))
        for row, example in enumerate(examples):
            if example.vector is not None and example.vector.size == self._vector_size:
                dense[row] = example.vector.reshape(-1)
        return dense * self.settings.vector_weight

    def predict(self, examples: Sequence[Example]) -> np.ndarray:
        """Probabilities, one row per example, columns in the order of `labels`."""
        # Each block times its rows of the weights: no stacked copy of the features.
        first = len(self._chars.vocabulary)
        split = first + len(self._words.vocabulary)
        char_rows, word_rows = self._gram_rows(examples)
        dense = self._dense_features(examples)
        weights = self._by_feature
        scores = char_rows @ weights[:first] + word_rows @ weights[first:split] + dense @ weights[split:]
        scores = scores + self._intercepts
        scores = scores - np.max(scores, axis=1, keepdims=True)
        exp = np.exp(scores)
        probabilities: np.ndarray = exp / exp.sum(axis=1, keepdims=True)
        if self._memory is None:
            return probabilities
        share = self.settings.neighbour_weight
        votes = self._memory.vote(char_rows, dense, len(self.labels), self.settings)
        blended: np.ndarray = np.where(
            votes.any(axis=1, keepdims=True), (1 - share) * probabilities + share * votes, probabilities
        )
        return blended

    def save(self, directory: Path) -> None:
        """Writes ``model.json`` and ``weights.npz`` into ``directory``."""
        meta = {
            "format": FORMAT_VERSION,
            "labels": self.labels,
            "settings": asdict(self.settings),
            "char_vocabulary": sorted(self._chars.vocabulary, key=self._chars.vocabulary.__getitem__),
            "word_vocabulary": sorted(self._words.vocabulary, key=self._words.vocabulary.__getitem__),
            "vector_size": self._vector_size,
        }
        (directory / MODEL_FILE).write_text(json.dumps(meta, ensure_ascii=False), encoding="utf-8")
        arrays = {
            "char_idf": self._chars.idf,
            "word_idf": self._words.idf,
            "coefficients": self._by_feature.T,
            "intercepts": self._intercepts,
        }
        if self._memory is not None:
            grams = self._memory.chars_by_example
            arrays.update(
                memory_data=grams.data,
                memory_indices=grams.indices,
                memory_indptr=grams.indptr,
                memory_vectors=self._memory.vectors,
                memory_targets=self._memory.targets,
            )
        np.savez(directory / WEIGHTS_FILE, **arrays)

    @classmethod
    def load(cls, directory: Path) -> LinearModel:
        """Reads a model written by `save`.

        Raises:
            ModelFileError: a file is missing or does not fit the other.
        """
        try:
            meta = json.loads((directory / MODEL_FILE).read_text(encoding="utf-8"))
            with np.load(directory / WEIGHTS_FILE, allow_pickle=False) as arrays:
                weights = {name: arrays[name] for name in arrays.files}
        except (OSError, ValueError) as error:
            raise ModelFileError(f"{directory}: cannot read the linear model ({error})") from error
        missing = [n for n in ("char_idf", "word_idf", "coefficients", "intercepts") if n not in weights]
        if missing:
            raise ModelFileError(f"{directory}: {WEIGHTS_FILE} holds no {', '.join(missing)}")
        if meta.get("format") not in READABLE_FORMATS:
            found = meta.get("format")
            raise ModelFileError(f"{directory}: model format {found!r}, expected one of {READABLE_FORMATS}")
        chars = NgramTfidf({g: i for i, g in enumerate(meta["char_vocabulary"])}, weights["char_idf"])
        words = NgramTfidf({g: i for i, g in enumerate(meta["word_vocabulary"])}, weights["word_idf"])
        raw = meta["settings"]
        if meta["format"] == 1:
            # Saved before the vote: no neighbour settings, and no vote.
            raw = {"neighbours": 0, "neighbour_weight": 0.0, "neighbour_temperature": 1.0, **raw}
        try:
            settings = Settings.from_mapping(raw)
        except (KeyError, TypeError, ValueError) as error:
            raise ModelFileError(f"{directory}: the settings in {MODEL_FILE} are not valid ({error!r})") from error
        labels = [str(label) for label in meta["labels"]]
        vector_size = int(meta["vector_size"])
        width = len(chars.vocabulary) + len(words.vocabulary) + vector_size
        if weights["coefficients"].shape != (len(labels), width) or weights["intercepts"].shape != (len(labels),):
            raise ModelFileError(f"{directory}: the weights do not fit the vocabularies and labels")
        memory = _load_memory(directory, weights, settings, len(chars.vocabulary), vector_size, len(labels))
        return cls(settings, labels, chars, words, vector_size, weights["coefficients"], weights["intercepts"], memory)


def _load_memory(
    directory: Path, weights: dict[str, np.ndarray], settings: Settings, grams: int, vector_size: int, classes: int
) -> NeighbourMemory | None:
    """The neighbour memory of a saved model, checked against the rest of it."""
    if not settings.votes:
        return None
    names = ("memory_data", "memory_indices", "memory_indptr", "memory_vectors", "memory_targets")
    if any(name not in weights for name in names):
        raise ModelFileError(f"{directory}: the model votes by neighbours but {WEIGHTS_FILE} holds no memory")
    vectors, targets = weights["memory_vectors"], weights["memory_targets"]
    if targets.ndim != 1 or not np.issubdtype(targets.dtype, np.integer) or targets.size == 0:
        raise ModelFileError(f"{directory}: the neighbour memory's labels are not a list of label indices")
    count = len(targets)
    try:
        chars = sp.csr_matrix(
            (weights["memory_data"], weights["memory_indices"], weights["memory_indptr"]), shape=(grams, count)
        )
        chars.check_format(full_check=True)
    except ValueError as error:
        raise ModelFileError(f"{directory}: the neighbour memory does not fit the vocabulary ({error})") from error
    if vectors.shape != (count, vector_size) or targets.min() < 0 or targets.max() >= classes:
        raise ModelFileError(f"{directory}: the neighbour memory does not fit the vocabularies and labels")
    return NeighbourMemory(chars, vectors.astype(np.float32, copy=False), targets.astype(np.int64, copy=False))


def fit_softmax(
    sparse: sp.csr_matrix, dense: np.ndarray, targets: np.ndarray, classes: int, settings: Settings
) -> tuple[np.ndarray, np.ndarray]:
    """Multinomial logistic regression: minimises the summed cross-entropy plus ``|W|^2 / 2C``.

    The intercepts are not regularised. Starts from zero weights, so the
    result depends on the data and settings only. With two classes this is
    the symmetric softmax (both rows penalised), which gives the
    probabilities of scikit-learn's binary model at twice the ``C``.

    Args:
        sparse: gram features, one row per example.
        dense: dense features (sentence vectors), one row per example; may have no columns.
        targets: the class of each example, ``0 <= target < classes``.
        classes: how many classes.
        settings: ``regularization`` (C) and ``max_iterations``.

    Returns:
        The weights, features (sparse, then dense) by classes, and the intercepts.
    """
    count, width = sparse.shape[0], sparse.shape[1] + dense.shape[1]
    split = sparse.shape[1]
    sparse_t = sparse.T.tocsr()
    alpha = 1.0 / settings.regularization
    rows = np.arange(count)
    truth = np.zeros((count, classes))
    truth[rows, targets] = 1.0

    def loss_and_gradient(flat: np.ndarray) -> tuple[float, np.ndarray]:
        weights = flat[:-classes].reshape(width, classes)
        scores = sparse @ weights[:split] + dense @ weights[split:] + flat[-classes:]
        scores -= scores.max(axis=1, keepdims=True)
        exp = np.exp(scores)
        norm = exp.sum(axis=1)
        loss = float((np.log(norm) - scores[rows, targets]).sum() + 0.5 * alpha * np.vdot(weights, weights))
        error = exp / norm[:, None] - truth
        gradient = np.empty_like(flat)
        gradient_weights = gradient[:-classes].reshape(width, classes)
        gradient_weights[:split] = sparse_t @ error
        gradient_weights[split:] = dense.T @ error
        blas.daxpy(flat[:-classes], gradient[:-classes], a=alpha)  # += alpha * weights, in place
        gradient[-classes:] = error.sum(axis=0)
        return loss, gradient

    solution = minimize_lbfgs(
        loss_and_gradient, np.zeros(width * classes + classes), GRADIENT_TOLERANCE, settings.max_iterations
    )
    if not solution.converged:
        logger.warning("linear model: the solver stopped before converging (%s)", solution.message)
    return np.ascontiguousarray(solution.x[:-classes].reshape(width, classes)), solution.x[-classes:].copy()


@dataclass(frozen=True)
class Solution:
    """Where `minimize_lbfgs` stopped, and why."""

    x: np.ndarray
    loss: float
    iterations: int
    converged: bool
    message: str


def minimize_lbfgs(
    loss_and_gradient: Callable[[np.ndarray], tuple[float, np.ndarray]],
    start: np.ndarray,
    gradient_tolerance: float,
    max_iterations: int,
    memory: int = SOLVER_MEMORY,
    loss_tolerance: float = LOSS_TOLERANCE,
) -> Solution:
    """Minimises a smooth function with limited-memory BFGS and a backtracking line search.

    Written for `fit_softmax`, whose ~2 million weights made scipy's
    L-BFGS-B spend more time in its own bookkeeping than in the loss; this
    keeps the same two stopping rules (gradient and loss decrease) in numpy.

    Args:
        loss_and_gradient: the loss and its gradient at a point; the
            gradient is copied, so the function may reuse its buffers.
        start: the first point (not modified).
        gradient_tolerance: stop when no gradient component exceeds this.
        max_iterations: stop after this many steps.
        memory: how many past steps shape the next direction.
        loss_tolerance: stop when a step lowers the loss by no more than
            this share of it (0: only the gradient rule and the limit stop it).

    Returns:
        The last point, its loss, the steps taken and whether a stopping rule
        other than the iteration limit ended the search.
    """

    def evaluate(point: np.ndarray) -> tuple[float, np.ndarray]:
        # A float64 copy in one piece: the BLAS calls below work in place on it.
        loss, gradient = loss_and_gradient(point)
        return float(loss), np.array(gradient, dtype=np.float64, order="C", copy=True).reshape(-1)

    def small(gradient: np.ndarray) -> bool:
        return max(gradient.max(), -gradient.min()) <= gradient_tolerance

    x = np.array(start, dtype=np.float64, order="C", copy=True).reshape(-1)
    loss, gradient = evaluate(x)
    steps: deque[tuple[np.ndarray, np.ndarray, float]] = deque(maxlen=memory)
    for iteration in range(max_iterations):
        if small(gradient):
            return Solution(x, loss, iteration, True, "gradient below tolerance")
        direction = _lbfgs_direction(gradient, steps)
        slope = float(gradient @ direction)
        if slope >= 0:  # curvature pairs gone stale: start again from the gradient
            steps.clear()
            direction, slope = -gradient, -float(gradient @ gradient)
        # The first step has no curvature to scale it: one unit of length.
        step = 1.0 if steps else 1.0 / float(np.linalg.norm(direction))
        while True:
            candidate = blas.daxpy(direction, x.copy(), a=step)  # x + step * direction
            new_loss, new_gradient = evaluate(candidate)
            if new_loss <= loss + SUFFICIENT_DECREASE * step * slope:
                break
            step /= 2
            if step * float(np.abs(direction).max()) < 1e-16 * max(1.0, float(np.abs(x).max())):
                return Solution(x, loss, iteration, False, "the line search found no lower loss")
        moved, change = candidate - x, new_gradient - gradient
        curvature = float(moved @ change)
        if curvature > 1e-10 * float(np.linalg.norm(moved) * np.linalg.norm(change)):
            steps.append((moved, change, 1.0 / curvature))
        decrease = (loss - new_loss) / max(abs(loss), abs(new_loss), 1.0)
        x, loss, gradient = candidate, new_loss, new_gradient
        if decrease <= loss_tolerance:
            return Solution(x, loss, iteration + 1, True, "the loss stopped decreasing")
    if small(gradient):  # the last step allowed may have reached the tolerance
        return Solution(x, loss, max_iterations, True, "gradient below tolerance")
    return Solution(x, loss, max_iterations, False, "iteration limit reached")


def _lbfgs_direction(gradient: np.ndarray, steps: deque[tuple[np.ndarray, np.ndarray, float]]) -> np.ndarray:
    """The L-BFGS descent direction: minus the gradient times the inverse Hessian the steps estimate.

    In place with BLAS: with two million weights, each temporary array numpy
    would allocate costs more than the arithmetic. Every array is float64
    and in one piece (`minimize_lbfgs` makes sure), so the BLAS calls
    return the array they were given; it is taken from their result all the
    same.
    """
    direction = -gradient
    scales = []
    for moved, change, inverse in reversed(steps):
        scale = inverse * blas.ddot(moved, direction)
        direction = blas.daxpy(change, direction, a=-scale)
        scales.append(scale)
    if steps:
        moved, change, _ = steps[-1]
        direction = blas.dscal(blas.ddot(moved, change) / blas.ddot(change, change), direction)
    for (moved, change, inverse), scale in zip(steps, reversed(scales), strict=True):
        direction = blas.daxpy(moved, direction, a=scale - inverse * blas.ddot(change, direction))
    return direction
