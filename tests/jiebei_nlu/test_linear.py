"""The linear model: features, training, prediction, saving and safe loading."""

from __future__ import annotations

import json
import logging
from collections import deque
from pathlib import Path

import numpy as np
import pytest
import scipy.sparse as sp

from jiebei_nlu.linear import (
    MODEL_FILE,
    WEIGHTS_FILE,
    Example,
    LinearModel,
    ModelFileError,
    NeighbourMemory,
    NgramTfidf,
    Settings,
    _lbfgs_direction,
    char_grams,
    minimize_lbfgs,
    word_grams,
)

TRAINING = [
    ("借呗怎么还款", "faq/repayment"),
    ("借呗还款日能改吗", "faq/repayment"),
    ("借呗提前还", "faq/repayment"),
    ("借呗利息多少", "faq/interest_rate"),
    ("借呗日利率怎么算", "faq/interest_rate"),
    ("借呗利息贵不贵", "faq/interest_rate"),
    ("你好", "greet"),
    ("在吗", "greet"),
    ("哈喽你好啊", "greet"),
]


def _example(text: str, vector: np.ndarray | None = None) -> Example:
    return Example(text=f" {text} ", words=tuple(text), vector=vector)


def _trained(settings: Settings | None = None) -> LinearModel:
    examples = [_example(text) for text, _ in TRAINING]
    return LinearModel.train(examples, [label for _, label in TRAINING], settings or Settings())


@pytest.mark.parametrize(
    "text, low, high, expected",
    [
        ("借呗", 1, 1, ["借", "呗"]),
        ("借呗吗", 2, 3, ["借呗", "呗吗", "借呗吗"]),
        ("借", 2, 3, []),
    ],
)
def test_char_grams_lists_every_gram_of_the_asked_sizes(text: str, low: int, high: int, expected: list[str]) -> None:
    assert char_grams(text, low, high) == expected


def test_word_grams_join_neighbouring_words_with_a_space() -> None:
    assert word_grams(["借呗", "怎么", "还"], 1, 2) == ["借呗", "怎么", "还", "借呗 怎么", "怎么 还"]


def test_tfidf_rows_are_unit_length_and_unseen_grams_dropped() -> None:
    tfidf = NgramTfidf.fit([["a", "b"], ["a", "c"]])
    rows = tfidf.transform([["a", "a", "b"], ["zzz"]]).toarray()
    assert np.isclose(np.linalg.norm(rows[0]), 1.0)
    assert not rows[1].any()
    # "b" is rarer than "a", so it weighs more although "a" occurs twice.
    assert rows[0][tfidf.vocabulary["b"]] > rows[0][tfidf.vocabulary["a"]] / 2


def test_trained_model_classifies_texts_like_its_examples() -> None:
    model = _trained()
    probabilities = model.predict([_example("借呗咋还款"), _example("利息多少钱"), _example("你好在吗")])
    predicted = [model.labels[i] for i in probabilities.argmax(axis=1)]
    assert predicted == ["faq/repayment", "faq/interest_rate", "greet"]
    assert np.allclose(probabilities.sum(axis=1), 1.0)


def test_two_labels_give_the_same_answer_as_more() -> None:
    pairs = [p for p in TRAINING if p[1] != "greet"]
    model = LinearModel.train([_example(t) for t, _ in pairs], [label for _, label in pairs], Settings())
    probabilities = model.predict([_example("借呗还款日"), _example("日利率")])
    assert [model.labels[i] for i in probabilities.argmax(axis=1)] == ["faq/repayment", "faq/interest_rate"]


def test_sentence_vectors_are_features_too() -> None:
    # Same text, told apart only by the vector.
    examples = [_example("同一句", np.array([1.0, 0.0])), _example("同一句", np.array([0.0, 1.0]))] * 3
    model = LinearModel.train(examples, ["left", "right"] * 3, Settings(vector_weight=3.0))
    probabilities = model.predict([_example("同一句", np.array([0.0, 1.0]))])
    assert model.labels[int(probabilities.argmax())] == "right"


def test_the_nearest_examples_vote_by_closeness() -> None:
    # Three examples on two grams: the message is the first example exactly.
    rows = sp.csr_matrix(np.array([[1.0, 0.0], [0.8, 0.6], [0.0, 1.0]]))
    memory = NeighbourMemory.build(rows, np.zeros((3, 0)), np.array([0, 1, 1]))
    message = sp.csr_matrix(np.array([[1.0, 0.0]]))
    nearest_only = memory.vote(message, np.zeros((1, 0)), 2, Settings(neighbours=1))
    assert np.allclose(nearest_only, [[1.0, 0.0]])
    # With two voting, the second example (cosine 0.8, halved with the empty
    # vector part as 0.4 against 0.5) counts exp((0.4 - 0.5) / 0.1) as much.
    two = memory.vote(message, np.zeros((1, 0)), 2, Settings(neighbours=2, neighbour_temperature=0.1))
    share = np.exp(-1.0)
    assert np.allclose(two, [[1 / (1 + share), share / (1 + share)]])


def test_the_sentence_vectors_count_half_of_the_closeness() -> None:
    # Two examples with the same characters: only the vector tells them apart.
    rows = sp.csr_matrix(np.array([[1.0, 0.0], [1.0, 0.0]]))
    memory = NeighbourMemory.build(rows, np.array([[3.0, 0.0], [0.0, 2.0]]), np.array([0, 1]))
    message = sp.csr_matrix(np.array([[1.0, 0.0]]))
    votes = memory.vote(message, np.array([[0.0, 5.0]]), 2, Settings(neighbours=2, neighbour_temperature=0.1))
    # Closeness (1 + 0) / 2 against (1 + 1) / 2: the second counts exp(5) times the first.
    share = np.exp(-5.0)
    assert np.allclose(votes, [[share / (1 + share), 1 / (1 + share)]])


def test_more_neighbours_than_examples_lets_every_example_vote() -> None:
    rows = sp.csr_matrix(np.array([[1.0, 0.0], [0.0, 1.0]]))
    memory = NeighbourMemory.build(rows, np.zeros((2, 0)), np.array([0, 1]))
    votes = memory.vote(sp.csr_matrix(np.array([[0.6, 0.8]])), np.zeros((1, 0)), 2, Settings(neighbours=50))
    share = np.exp((0.3 - 0.4) / 0.05)
    assert np.allclose(votes, [[share / (1 + share), 1 / (1 + share)]])


def test_a_vote_without_neighbours_is_refused() -> None:
    memory = NeighbourMemory.build(sp.csr_matrix(np.eye(2)), np.zeros((2, 0)), np.array([0, 1]))
    with pytest.raises(ValueError, match="at least one neighbour"):
        memory.vote(sp.csr_matrix(np.eye(2)[:1]), np.zeros((1, 0)), 2, Settings())


def test_a_batch_is_predicted_as_each_message_alone() -> None:
    model = _trained(Settings(neighbours=3, neighbour_weight=0.4))
    # The last message shares no gram with any example: no vote in that row.
    messages = [_example("借呗咋还款"), _example("利息多少钱"), Example(text="完全陌生", words=(), vector=None)]
    one_by_one = np.vstack([model.predict([message]) for message in messages])
    assert np.allclose(model.predict(messages), one_by_one)


def test_the_vote_blends_with_the_regression_by_its_weight() -> None:
    messages = [_example("借呗咋还款"), _example("利息多少钱"), _example("你好在吗")]
    alone = _trained().predict(messages)
    assert np.allclose(_trained(Settings(neighbours=3, neighbour_weight=0.0)).predict(messages), alone)
    votes_only = _trained(Settings(neighbours=1, neighbour_weight=1.0)).predict(messages)
    # One neighbour and the whole weight: each row is one label with certainty.
    assert np.allclose(votes_only.max(axis=1), 1.0)
    blended = _trained(Settings(neighbours=1, neighbour_weight=0.25)).predict(messages)
    assert np.allclose(blended, 0.75 * alone + 0.25 * votes_only)


def test_the_vote_leans_to_the_label_of_the_nearest_example() -> None:
    # Three texts, two of one label; the message is the third one word for word.
    texts = [("借呗怎么还款", "faq/repayment"), ("借呗还款日", "faq/repayment"), ("借呗还款利息", "faq/interest_rate")]
    examples, labels = [_example(t) for t, _ in texts], [label for _, label in texts]
    message = [_example("借呗还款利息")]
    alone = LinearModel.train(examples, labels, Settings()).predict(message)
    with_vote = LinearModel.train(examples, labels, Settings(neighbours=1, neighbour_weight=0.5)).predict(message)
    column = sorted(set(labels)).index("faq/interest_rate")
    assert with_vote[0, column] > alone[0, column]
    assert np.isclose(with_vote[0, column], 0.5 * alone[0, column] + 0.5)


def test_a_message_like_no_example_keeps_the_regression_answer() -> None:
    # Without the boundary spaces every example has, no gram is shared.
    message = [Example(text="完全陌生", words=(), vector=None)]
    alone = _trained().predict(message)
    assert np.allclose(_trained(Settings(neighbours=3, neighbour_weight=0.5)).predict(message), alone)


@pytest.mark.parametrize("neighbours", [0, 2], ids=["regression", "with neighbours"])
def test_saved_model_predicts_exactly_as_before(tmp_path: Path, neighbours: int) -> None:
    vectors = np.random.default_rng(7).normal(size=(len(TRAINING) + 3, 4))
    examples = [_example(text, vectors[row]) for row, (text, _) in enumerate(TRAINING)]
    settings = Settings(char_ngrams=(1, 2), word_ngrams=(1, 2), regularization=10.0, neighbours=neighbours)
    model = LinearModel.train(examples, [label for _, label in TRAINING], settings)
    model.save(tmp_path)
    loaded = LinearModel.load(tmp_path)
    texts = [_example(text, vectors[-row]) for row, text in enumerate(["借呗还款", "哈喽", "完全没见过的话"], start=1)]
    assert loaded.labels == model.labels
    assert loaded.settings == model.settings
    assert np.allclose(loaded.predict(texts), model.predict(texts))


def test_weights_are_loaded_without_pickle(tmp_path: Path) -> None:
    _trained().save(tmp_path)
    with np.load(tmp_path / WEIGHTS_FILE) as saved:
        arrays = dict(saved)
    # Every array is there, but one holds objects, which only pickle can read.
    arrays["coefficients"] = np.array([object()], dtype=object)
    np.savez(tmp_path / WEIGHTS_FILE, **arrays)
    with pytest.raises(ModelFileError, match="allow_pickle=False"):
        LinearModel.load(tmp_path)


@pytest.mark.parametrize(
    "change, message",
    [
        (lambda meta: meta.update(format=99), "model format 99"),
        (lambda meta: meta.update(labels=meta["labels"][:-1]), "do not fit"),
        (lambda meta: meta["char_vocabulary"].pop(), "do not fit"),
    ],
)
def test_a_model_file_that_does_not_fit_its_weights_is_refused(tmp_path: Path, change, message: str) -> None:  # type: ignore[no-untyped-def]
    _trained().save(tmp_path)
    meta = json.loads((tmp_path / MODEL_FILE).read_text(encoding="utf-8"))
    change(meta)
    (tmp_path / MODEL_FILE).write_text(json.dumps(meta, ensure_ascii=False), encoding="utf-8")
    with pytest.raises(ModelFileError, match=message):
        LinearModel.load(tmp_path)


def test_a_model_that_votes_without_its_memory_is_refused(tmp_path: Path) -> None:
    _trained(Settings(neighbours=2)).save(tmp_path)
    with np.load(tmp_path / WEIGHTS_FILE) as saved:
        arrays = {name: saved[name] for name in saved.files if not name.startswith("memory_")}
    np.savez(tmp_path / WEIGHTS_FILE, **arrays)
    with pytest.raises(ModelFileError, match="holds no memory"):
        LinearModel.load(tmp_path)


@pytest.mark.parametrize(
    "name, change, message",
    [
        ("memory_targets", lambda targets: targets + 100, "fit the vocabularies and labels"),
        ("memory_targets", lambda targets: targets - 100, "fit the vocabularies and labels"),
        ("memory_targets", lambda targets: targets.astype(float), "not a list of label indices"),
        ("memory_targets", lambda targets: targets[:0], "not a list of label indices"),
        ("memory_vectors", lambda vectors: vectors[:, :0], "fit the vocabularies and labels"),
        ("memory_indices", lambda indices: indices + 1000, "does not fit the vocabulary"),
        ("memory_indptr", lambda indptr: indptr[:-1], "does not fit the vocabulary"),
    ],
    ids=["unknown labels", "negative labels", "float labels", "no examples", "vectors", "examples", "grams"],
)
def test_a_memory_that_does_not_fit_the_model_is_refused(tmp_path: Path, name: str, change, message: str) -> None:  # type: ignore[no-untyped-def]
    vectors = np.random.default_rng(3).normal(size=(len(TRAINING), 4))
    examples = [_example(text, vectors[row]) for row, (text, _) in enumerate(TRAINING)]
    LinearModel.train(examples, [label for _, label in TRAINING], Settings(neighbours=2)).save(tmp_path)
    with np.load(tmp_path / WEIGHTS_FILE) as saved:
        arrays = dict(saved)
    arrays[name] = change(arrays[name])
    np.savez(tmp_path / WEIGHTS_FILE, **arrays)
    with pytest.raises(ModelFileError, match=message):
        LinearModel.load(tmp_path)


def test_a_model_saved_before_the_vote_loads_without_one(tmp_path: Path) -> None:
    model = _trained()
    model.save(tmp_path)
    meta = json.loads((tmp_path / MODEL_FILE).read_text(encoding="utf-8"))
    meta["format"] = 1
    for name in ("neighbours", "neighbour_weight", "neighbour_temperature"):
        del meta["settings"][name]
    (tmp_path / MODEL_FILE).write_text(json.dumps(meta, ensure_ascii=False), encoding="utf-8")
    loaded = LinearModel.load(tmp_path)
    assert loaded.settings.neighbours == 0
    texts = [_example("借呗还款"), _example("哈喽")]
    assert np.allclose(loaded.predict(texts), model.predict(texts))


def test_a_model_without_its_settings_is_refused(tmp_path: Path) -> None:
    _trained().save(tmp_path)
    meta = json.loads((tmp_path / MODEL_FILE).read_text(encoding="utf-8"))
    del meta["settings"]["vector_weight"]
    (tmp_path / MODEL_FILE).write_text(json.dumps(meta, ensure_ascii=False), encoding="utf-8")
    with pytest.raises(ModelFileError, match="vector_weight"):
        LinearModel.load(tmp_path)


def test_a_vote_of_no_weight_keeps_no_memory(tmp_path: Path) -> None:
    _trained(Settings(neighbours=5, neighbour_weight=0.0)).save(tmp_path)
    with np.load(tmp_path / WEIGHTS_FILE) as saved:
        assert not [name for name in saved.files if name.startswith("memory_")]


def test_a_missing_model_is_refused_with_its_directory(tmp_path: Path) -> None:
    with pytest.raises(ModelFileError, match=str(tmp_path)):
        LinearModel.load(tmp_path)


@pytest.mark.parametrize(
    "settings, message",
    [
        ({"char_ngrams": (0, 3)}, "char_ngrams"),
        ({"word_ngrams": (3, 2)}, "word_ngrams"),
        ({"vector_weight": -1.0}, "vector_weight"),
        ({"regularization": 0.0}, "regularization"),
        ({"max_iterations": 0}, "max_iterations"),
        ({"neighbours": -1}, "neighbours"),
        ({"neighbour_weight": 1.5}, "neighbour_weight"),
        ({"neighbour_temperature": 0.0}, "neighbour_temperature"),
    ],
)
def test_bad_settings_are_refused_by_name(settings: dict, message: str) -> None:  # type: ignore[type-arg]
    with pytest.raises(ValueError, match=message):
        Settings(**settings)


def test_training_needs_two_labels_and_one_label_per_example() -> None:
    with pytest.raises(ValueError, match="two labels"):
        LinearModel.train([_example("你好"), _example("在吗")], ["greet", "greet"], Settings())
    with pytest.raises(ValueError, match="2 examples but 1 labels"):
        LinearModel.train([_example("你好"), _example("在吗")], ["greet"], Settings())


def test_the_solver_finds_the_regression_scikit_learn_finds() -> None:
    # fit_softmax minimises scikit-learn's LogisticRegression objective (summed
    # cross-entropy + |W|^2 / 2C, intercepts free) with the dense block apart:
    # on the same features both reach the same probabilities.
    from sklearn.linear_model import LogisticRegression

    rng = np.random.default_rng(7)
    vectors = rng.normal(size=(len(TRAINING), 4))
    examples = [_example(text, vector) for (text, _), vector in zip(TRAINING, vectors, strict=True)]
    labels = [label for _, label in TRAINING]
    settings = Settings(regularization=3.0)
    model = LinearModel.train(examples, labels, settings)
    sparse, dense = sp.hstack(model._gram_rows(examples)).tocsr(), model._dense_features(examples)
    reference = LogisticRegression(C=3.0, tol=1e-8, max_iter=10_000).fit(np.hstack([sparse.toarray(), dense]), labels)

    assert model.labels == list(reference.classes_)
    assert np.abs(model.predict(examples) - reference.predict_proba(np.hstack([sparse.toarray(), dense]))).max() < 1e-4


def _quadratic(matrix: np.ndarray, target: np.ndarray):  # type: ignore[no-untyped-def]
    def loss_and_gradient(x: np.ndarray) -> tuple[float, np.ndarray]:
        return float(0.5 * x @ matrix @ x - target @ x), matrix @ x - target

    return loss_and_gradient


def test_the_solver_reaches_the_minimum_of_an_ill_conditioned_quadratic() -> None:
    rng = np.random.default_rng(3)
    basis, _ = np.linalg.qr(rng.normal(size=(30, 30)))
    matrix = basis @ np.diag(np.logspace(0, 4, 30)) @ basis.T
    target = rng.normal(size=30)
    minimum = np.linalg.solve(matrix, target)
    start = np.zeros(30)

    exact = minimize_lbfgs(_quadratic(matrix, target), start, 1e-5, max_iterations=2000, loss_tolerance=0.0)
    early = minimize_lbfgs(_quadratic(matrix, target), start, 1e-5, max_iterations=2000)

    assert (exact.converged, exact.message) == (True, "gradient below tolerance")
    assert np.allclose(exact.x, minimum, atol=1e-5)  # gradient 1e-5, smallest eigenvalue 1
    # By default it stops, like scipy's L-BFGS-B, once a step barely lowers the loss.
    assert (early.converged, early.message) == (True, "the loss stopped decreasing")
    assert early.iterations < exact.iterations
    assert 0 <= early.loss - exact.loss < 1e-6 * abs(exact.loss)
    assert not start.any()  # the start point is not modified


def test_the_solver_follows_a_curved_valley_to_its_minimum() -> None:
    def rosenbrock(x: np.ndarray) -> tuple[float, np.ndarray]:
        a, b = x
        loss = (1 - a) ** 2 + 100 * (b - a * a) ** 2
        return float(loss), np.array([-2 * (1 - a) - 400 * a * (b - a * a), 200 * (b - a * a)])

    solution = minimize_lbfgs(rosenbrock, np.array([-1.2, 1.0]), gradient_tolerance=1e-6, max_iterations=1000)

    assert solution.converged
    assert np.allclose(solution.x, [1.0, 1.0], atol=1e-4)


def test_the_solver_says_when_it_ran_out_of_iterations(caplog: pytest.LogCaptureFixture) -> None:
    rng = np.random.default_rng(3)
    matrix = np.diag(np.logspace(0, 4, 30))
    solution = minimize_lbfgs(_quadratic(matrix, rng.normal(size=30)), np.zeros(30), 1e-12, max_iterations=2)
    assert (solution.converged, solution.iterations, solution.message) == (False, 2, "iteration limit reached")

    with caplog.at_level(logging.WARNING, logger="jiebei_nlu.linear"):
        LinearModel.train(
            [_example(text) for text, _ in TRAINING], [label for _, label in TRAINING], Settings(max_iterations=1)
        )
    assert "stopped before converging (iteration limit reached)" in caplog.text


def test_the_direction_meets_the_newest_step_s_secant_condition() -> None:
    # L-BFGS's inverse Hessian H maps the newest gradient change y onto its
    # step s (H y = s); the direction for a gradient g is -H g.
    rng = np.random.default_rng(5)
    steps: deque[tuple[np.ndarray, np.ndarray, float]] = deque(maxlen=4)
    for _ in range(4):
        moved, change = rng.normal(size=12), rng.normal(size=12)
        change += 3 * moved  # positive curvature
        steps.append((moved, change, 1.0 / float(moved @ change)))
    newest_move, newest_change, _ = steps[-1]

    assert np.allclose(_lbfgs_direction(newest_change, steps), -newest_move)
    assert np.allclose(_lbfgs_direction(np.ones(12), deque()), -np.ones(12))


def test_the_solver_copes_with_single_precision_and_reused_gradient_buffers() -> None:
    matrix = np.diag(np.logspace(0, 2, 20))
    target = np.linspace(-1, 1, 20)
    buffer = np.zeros(20, dtype=np.float32)

    def loss_and_gradient(x: np.ndarray) -> tuple[float, np.ndarray]:
        buffer[:] = matrix @ x - target  # the same float32 array every call
        return float(0.5 * x @ matrix @ x - target @ x), buffer

    solution = minimize_lbfgs(loss_and_gradient, np.zeros(20), 1e-4, max_iterations=200)

    assert solution.converged
    assert np.allclose(solution.x, target / np.diag(matrix), atol=1e-4)


def test_the_solver_says_when_no_step_lowers_the_loss() -> None:
    # A gradient that points the wrong way: every step along it goes uphill.
    def misleading(x: np.ndarray) -> tuple[float, np.ndarray]:
        return float(x @ x), -2 * x - 1

    solution = minimize_lbfgs(misleading, np.zeros(3), 1e-6, max_iterations=50)

    assert (solution.converged, solution.message) == (False, "the line search found no lower loss")
    assert not solution.x.any()  # it stays where the loss was lowest


def test_the_last_allowed_step_counts_if_it_reaches_the_tolerance() -> None:
    matrix = np.diag([1.0, 2.0])
    target = np.array([1.0, 1.0])
    needed = minimize_lbfgs(_quadratic(matrix, target), np.zeros(2), 1e-10, 100, loss_tolerance=0.0).iterations

    solution = minimize_lbfgs(_quadratic(matrix, target), np.zeros(2), 1e-10, needed, loss_tolerance=0.0)

    assert (solution.converged, solution.iterations) == (True, needed)
