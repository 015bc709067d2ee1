"""ShallowNetClassifier: the lecture's claims and the scikit-learn contract, on small data."""

import pickle
import warnings

import numpy as np
import pytest
from scipy import sparse
from sklearn.datasets import make_blobs, make_multilabel_classification
from sklearn.exceptions import ConvergenceWarning
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GridSearchCV, train_test_split
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from sk_shallow import ShallowNetClassifier
from sk_shallow import activations as act

pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")


def test_identity_hidden_layer_gives_an_affine_decision_function(blobs3, rng):
    """The lecture: a composition of linear functions is linear, so the net is affine in X."""
    X, y = blobs3
    clf = ShallowNetClassifier(n_hidden=7, hidden_activation="identity", max_iter=30,
                               random_state=0).fit(X, y)
    X1, X2 = rng.normal(size=(5, X.shape[1])), rng.normal(size=(5, X.shape[1]))
    t = 0.3
    mixed = clf.decision_function(t * X1 + (1 - t) * X2)
    np.testing.assert_allclose(mixed, t * clf.decision_function(X1)
                               + (1 - t) * clf.decision_function(X2), rtol=1e-10, atol=1e-10)
    # and the affine map is W1 W2 with bias b1 W2 + b2: one linear layer
    W1, W2 = clf.coefs_
    b1, b2 = clf.intercepts_
    np.testing.assert_allclose(clf.decision_function(X1), X1 @ (W1 @ W2) + (b1 @ W2 + b2))


def test_identity_hidden_layer_matches_logistic_regression_on_separable_data():
    X, y = make_blobs(n_samples=300, centers=[[-2, -2], [2, 2]], cluster_std=1.0, random_state=0)
    X_train, X_test, y_train, y_test = train_test_split(X, y, random_state=0)
    net = ShallowNetClassifier(n_hidden=5, hidden_activation="identity", solver="lbfgs",
                               random_state=0).fit(X_train, y_train)
    logreg = LogisticRegression().fit(X_train, y_train)
    assert net.score(X_test, y_test) == pytest.approx(logreg.score(X_test, y_test), abs=0.02)
    assert net.score(X_test, y_test) > 0.95


def test_tanh_beats_logistic_regression_on_moons(moons):
    X, y = moons
    X_train, X_test, y_train, y_test = train_test_split(X, y, random_state=0)
    net = ShallowNetClassifier(n_hidden=20, hidden_activation="tanh", solver="lbfgs", alpha=0.1,
                               random_state=0).fit(X_train, y_train)
    logreg = LogisticRegression().fit(X_train, y_train)
    assert net.score(X_test, y_test) > 0.93
    assert net.score(X_test, y_test) - logreg.score(X_test, y_test) > 0.06


@pytest.mark.parametrize("hidden", sorted(act.ACTIVATIONS))
@pytest.mark.parametrize("solver", ["adam", "sgd", "lbfgs"])
def test_every_activation_and_solver_learns_moons(hidden, solver, moons):
    X, y = moons
    clf = ShallowNetClassifier(n_hidden=16, hidden_activation=hidden, solver=solver,
                               learning_rate_init=0.05 if solver != "lbfgs" else 1e-3,
                               max_iter=150, random_state=0).fit(X, y)
    floor = 0.8 if hidden != "identity" else 0.75
    assert clf.score(X, y) > floor
    assert np.isfinite(clf.loss_)
    assert len(clf.loss_curve_) == clf.n_iter_


def test_in_pipeline_and_grid_search_over_activations(blobs3):
    X, y = blobs3
    pipe = make_pipeline(StandardScaler(), ShallowNetClassifier(n_hidden=10, max_iter=60,
                                                                learning_rate_init=0.01,
                                                                random_state=0))
    grid = GridSearchCV(pipe, {"shallownetclassifier__hidden_activation":
                               ["identity", "tanh", "relu"]}, cv=3)
    grid.fit(X, y)
    assert grid.best_params_["shallownetclassifier__hidden_activation"] in {"identity", "tanh",
                                                                           "relu"}
    assert grid.score(X, y) > 0.8
    assert len(grid.cv_results_["mean_test_score"]) == 3


def test_float32_in_float32_out(blobs3):
    X, y = blobs3
    X32 = X.astype(np.float32)
    clf = ShallowNetClassifier(n_hidden=8, max_iter=20, random_state=0).fit(X32, y)
    assert clf.coefs_[0].dtype == np.float32
    assert clf.predict_proba(X32).dtype == np.float32
    assert clf.decision_function(X32).dtype == np.float32
    # float64 X on a float32 model is computed in float32 too
    assert clf.predict_proba(X).dtype == np.float32


def test_dtype_float32_computes_in_float32_whatever_x_is(blobs3):
    X, y = blobs3
    clf = ShallowNetClassifier(n_hidden=8, max_iter=20, random_state=0, dtype="float32")
    clf.fit(X, y)
    assert clf.coefs_[0].dtype == np.float32
    assert clf.predict_proba(X).dtype == np.float32
    reference = ShallowNetClassifier(n_hidden=8, max_iter=20, random_state=0).fit(X, y)
    assert clf.score(X, y) == pytest.approx(reference.score(X, y), abs=0.03)


def test_integer_x_computes_in_float64(blobs3):
    X, y = blobs3
    clf = ShallowNetClassifier(n_hidden=4, max_iter=5, random_state=0)
    clf.fit(np.round(X * 10).astype(np.int64), y)
    assert clf.coefs_[0].dtype == np.float64


@pytest.mark.parametrize("container", [sparse.csr_matrix, sparse.csc_matrix])
def test_sparse_x_gives_the_dense_predictions(container, rng):
    X = rng.normal(size=(120, 8))
    X[rng.uniform(size=X.shape) < 0.6] = 0
    y = (X[:, 0] + X[:, 1] > 0).astype(int)
    params = {"n_hidden": 6, "max_iter": 20, "random_state": 0, "shuffle": True}
    dense = ShallowNetClassifier(**params).fit(X, y)
    sparse_fit = ShallowNetClassifier(**params).fit(container(X), y)
    np.testing.assert_allclose(sparse_fit.predict_proba(container(X)), dense.predict_proba(X),
                               rtol=1e-10, atol=1e-12)


def test_pickle_round_trip_predicts_identically(blobs3):
    X, y = blobs3
    clf = ShallowNetClassifier(n_hidden=6, hidden_activation="prelu", max_iter=10,
                               random_state=0).fit(X, y)
    restored = pickle.loads(pickle.dumps(clf))
    np.testing.assert_array_equal(restored.predict_proba(X), clf.predict_proba(X))
    # the restored weights are still views of one buffer
    assert np.shares_memory(restored.coefs_[0], restored._flat)


@pytest.mark.parametrize("solver", ["adam", "sgd", "lbfgs"])
def test_same_random_state_gives_identical_fits(solver, blobs3):
    X, y = blobs3
    a = ShallowNetClassifier(n_hidden=6, solver=solver, max_iter=15, random_state=3).fit(X, y)
    b = ShallowNetClassifier(n_hidden=6, solver=solver, max_iter=15, random_state=3).fit(X, y)
    np.testing.assert_array_equal(a._flat, b._flat)
    c = ShallowNetClassifier(n_hidden=6, solver=solver, max_iter=15, random_state=4).fit(X, y)
    assert not np.array_equal(a._flat, c._flat)


def test_warm_start_continues_training(blobs3):
    X, y = blobs3
    clf = ShallowNetClassifier(n_hidden=8, max_iter=5, tol=0, warm_start=True, random_state=0)
    clf.fit(X, y)
    first_curve = list(clf.loss_curve_)
    weights = clf._flat.copy()
    clf.fit(X, y)
    assert clf.loss_curve_[: len(first_curve)] == first_curve
    assert len(clf.loss_curve_) == 10
    assert clf.loss_curve_[-1] < first_curve[-1]
    # a cold refit starts again from the same initialisation instead
    cold = ShallowNetClassifier(n_hidden=8, max_iter=5, tol=0, random_state=0).fit(X, y)
    assert cold.loss_curve_ == first_curve
    assert not np.array_equal(clf._flat, weights)


def test_partial_fit_continues_training_and_needs_classes(blobs3):
    X, y = blobs3
    clf = ShallowNetClassifier(n_hidden=8, random_state=0)
    with pytest.raises(ValueError, match="classes must be passed"):
        clf.partial_fit(X, y)
    clf.partial_fit(X[:100], y[:100], classes=np.unique(y))
    losses = [clf.loss_]
    for _ in range(10):
        clf.partial_fit(X, y)
        losses.append(clf.loss_)
    assert clf.t_ == 100 + 10 * X.shape[0]
    assert clf.n_iter_ == 11
    assert losses[-1] < losses[1]
    assert len(clf.loss_curve_) == 11


def test_partial_fit_with_classes_unseen_in_the_first_batch(blobs3):
    X, y = blobs3
    first = y != 2
    clf = ShallowNetClassifier(n_hidden=8, random_state=0)
    clf.partial_fit(X[first], y[first], classes=[0, 1, 2])
    assert clf.predict_proba(X).shape == (X.shape[0], 3)
    clf.partial_fit(X, y)
    np.testing.assert_array_equal(clf.classes_, [0, 1, 2])


def test_early_stopping_stops_and_keeps_the_best_weights(digits):
    X, y = digits
    X, y = X[:600], y[:600]
    params = {"n_hidden": 20, "early_stopping": True, "n_iter_no_change": 3, "tol": 1e-3,
                  "learning_rate_init": 0.01, "random_state": 0}
    stopped = ShallowNetClassifier(max_iter=200, **params).fit(X, y)
    assert stopped.n_iter_ < 200
    assert stopped.best_validation_score_ == max(stopped.validation_scores_)
    assert len(stopped.validation_scores_) == len(stopped.validation_loss_curve_) == stopped.n_iter_
    best_epoch = int(np.argmax(stopped.validation_scores_)) + 1
    # training is deterministic, so a run cut at the best epoch has the kept weights
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        cut = ShallowNetClassifier(max_iter=best_epoch, **params).fit(X, y)
    np.testing.assert_array_equal(stopped._flat, cut._flat)
    assert stopped.n_iter_ > best_epoch  # it did train past the best epoch


def test_string_labels_and_probabilities(blobs3):
    X, y = blobs3
    labels = np.array(["cat", "dog", "emu"])[y]
    clf = ShallowNetClassifier(n_hidden=10, max_iter=50, random_state=0).fit(X, labels)
    np.testing.assert_array_equal(clf.classes_, ["cat", "dog", "emu"])
    proba = clf.predict_proba(X)
    np.testing.assert_allclose(proba.sum(axis=1), 1.0)
    np.testing.assert_array_equal(clf.predict(X), clf.classes_[proba.argmax(axis=1)])
    np.testing.assert_allclose(clf.predict_log_proba(X), np.log(proba), rtol=1e-10, atol=1e-12)
    assert clf.out_activation_ == "softmax" and clf.n_outputs_ == 3


def test_binary_uses_one_sigmoid_output(moons):
    X, y = moons
    clf = ShallowNetClassifier(n_hidden=8, max_iter=20, random_state=0).fit(X, y)
    assert clf.out_activation_ == "logistic" and clf.n_outputs_ == 1
    assert clf.decision_function(X).shape == (X.shape[0],)
    proba = clf.predict_proba(X)
    assert proba.shape == (X.shape[0], 2)
    np.testing.assert_allclose(proba[:, 1], 1 / (1 + np.exp(-clf.decision_function(X))))
    np.testing.assert_array_equal(clf.predict(X), (clf.decision_function(X) > 0).astype(int))


def test_forced_sigmoid_on_multiclass_is_one_vs_rest_normalised(blobs3):
    X, y = blobs3
    clf = ShallowNetClassifier(n_hidden=8, output_activation="sigmoid", max_iter=50,
                               learning_rate_init=0.01, random_state=0).fit(X, y)
    assert clf.out_activation_ == "logistic" and clf.n_outputs_ == 3
    Z = clf.decision_function(X)
    sigmoids = 1 / (1 + np.exp(-Z))
    np.testing.assert_allclose(clf.predict_proba(X), sigmoids / sigmoids.sum(axis=1,
                                                                              keepdims=True))
    assert clf.score(X, y) > 0.8


def test_forced_softmax_on_binary(moons):
    X, y = moons
    clf = ShallowNetClassifier(n_hidden=8, output_activation="softmax", max_iter=30,
                               random_state=0).fit(X, y)
    assert clf.out_activation_ == "softmax" and clf.n_outputs_ == 2
    assert clf.decision_function(X).shape == (X.shape[0], 2)


def test_multilabel_indicator_targets():
    X, Y = make_multilabel_classification(n_samples=200, n_features=8, n_classes=4,
                                          random_state=0)
    clf = ShallowNetClassifier(n_hidden=16, solver="lbfgs", max_iter=100,
                               random_state=0).fit(X, Y)
    assert clf.predict(X).shape == Y.shape
    proba = clf.predict_proba(X)
    assert proba.shape == Y.shape and ((proba >= 0) & (proba <= 1)).all()
    np.testing.assert_array_equal(clf.predict(X), (proba > 0.5).astype(int))
    assert (clf.predict(X) == Y).mean() > 0.8
    with pytest.raises(ValueError, match="softmax"):
        ShallowNetClassifier(output_activation="softmax").fit(X, Y)


@pytest.mark.parametrize("solver", ["adam", "sgd"])
def test_sample_weight_two_equals_duplicating_the_row(solver, blobs3):
    # full-batch epochs (n <= 200): the weighted and the duplicated data see the
    # same gradients, so the two fits agree to rounding
    X, y = blobs3
    X, y = X[:60], y[:60]
    sw = np.ones(60)
    sw[[3, 10, 40]] = 2
    params = {"n_hidden": 5, "solver": solver, "max_iter": 100, "random_state": 0}
    weighted = ShallowNetClassifier(**params).fit(X, y, sample_weight=sw)
    repeat = np.repeat(np.arange(60), sw.astype(int))
    duplicated = ShallowNetClassifier(**params).fit(X[repeat], y[repeat])
    np.testing.assert_allclose(weighted.predict_proba(X), duplicated.predict_proba(X),
                               rtol=1e-9, atol=1e-12)


def test_dataframe_feature_names(blobs3):
    import pandas as pd  # in the test extra
    X, y = blobs3
    frame = pd.DataFrame(X, columns=[f"f{i}" for i in range(X.shape[1])])
    clf = ShallowNetClassifier(n_hidden=4, max_iter=5, random_state=0).fit(frame, y)
    np.testing.assert_array_equal(clf.feature_names_in_, frame.columns)
    with pytest.warns(UserWarning, match="does not have valid feature names"):
        from_array = clf.predict(X)
    np.testing.assert_array_equal(clf.predict(frame), from_array)


def test_prelu_learns_its_slopes(moons):
    X, y = moons
    clf = ShallowNetClassifier(n_hidden=8, hidden_activation="prelu", solver="lbfgs",
                               max_iter=100, random_state=0).fit(X, y)
    assert clf.prelu_slopes_.shape == (8,)
    assert not np.allclose(clf.prelu_slopes_, 0.25)
    with pytest.raises(AttributeError, match="prelu"):
        _ = ShallowNetClassifier(max_iter=2).fit(X, y).prelu_slopes_


def test_course_batch_gradient_descent_decreases_the_loss_every_epoch(moons):
    X, y = moons
    clf = ShallowNetClassifier(n_hidden=10, hidden_activation="tanh", solver="sgd",
                               batch_size=X.shape[0], momentum=0, learning_rate_init=0.5,
                               max_iter=60, tol=0, n_iter_no_change=1000, random_state=0)
    clf.fit(X, y)
    assert np.all(np.diff(clf.loss_curve_) < 0)


def test_hidden_activations_are_a1(blobs3):
    X, y = blobs3
    clf = ShallowNetClassifier(n_hidden=9, hidden_activation="tanh", max_iter=5,
                               random_state=0).fit(X, y)
    A1 = clf.hidden_activations(X)
    assert A1.shape == (X.shape[0], 9)
    np.testing.assert_allclose(A1, np.tanh(X @ clf.coefs_[0] + clf.intercepts_[0]))
    assert not hasattr(clf, "transform")


def test_lbfgs_records_one_loss_per_iteration(moons):
    X, y = moons
    clf = ShallowNetClassifier(n_hidden=8, solver="lbfgs", max_iter=25, random_state=0)
    clf.fit(X, y)
    assert len(clf.loss_curve_) == clf.n_iter_ <= 25
    assert clf.loss_curve_[-1] == pytest.approx(clf.loss_)
    assert clf.loss_curve_[-1] < clf.loss_curve_[0]


def test_verbose_prints_one_line_per_epoch(moons, capsys):
    X, y = moons
    ShallowNetClassifier(n_hidden=4, max_iter=3, verbose=True, random_state=0).fit(X, y)
    lines = capsys.readouterr().out.strip().splitlines()
    assert len(lines) == 3
    assert lines[0].startswith("Iteration 1, loss = ") and "elapsed" in lines[0]


def test_coefs_can_be_set_by_hand(moons):
    X, y = moons
    clf = ShallowNetClassifier(n_hidden=3, max_iter=2, random_state=0).fit(X, y)
    W1, W2 = clf.coefs_
    clf.coefs_ = [np.zeros_like(W1), np.zeros_like(W2)]
    clf.intercepts_ = [np.zeros(3), np.array([5.0])]
    np.testing.assert_allclose(clf.decision_function(X), 5.0)
