"""Same random_state, same start, same batches: the defaults follow scikit-learn's MLP.

The initial weights (Glorot-uniform weights and biases, drawn W1, b1, W2, b2),
the per-epoch shuffle (each epoch shuffles the previous order) and the
early-stopping split are drawn from one RandomState in MLP's order, so a
float64 fit tracks MLP's loss curve to round-off.
"""

import warnings

import numpy as np
import pytest
from sklearn.datasets import load_wine, make_classification, make_regression
from sklearn.exceptions import ConvergenceWarning
from sklearn.neural_network import MLPClassifier, MLPRegressor

from sk_shallow import ShallowNetClassifier, ShallowNetRegressor
from sk_shallow._network import Layout, init_params


def _fit_both(ours, theirs, X, y):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        return ours.fit(X, y), theirs.fit(X, y)


@pytest.mark.parametrize("hidden", ["relu", "tanh", "logistic", "identity"])
def test_initial_weights_are_mlps_glorot_draw(hidden):
    # MLP draws W = U(-b, b, (fan_in, fan_out)), then the bias U(-b, b, fan_out),
    # layer by layer, b = sqrt(6 / (fan_in + fan_out)) (2 for logistic)
    n_features, n_hidden, n_outputs = 4, 6, 3
    params = init_params(Layout(n_features, n_hidden, n_outputs, False), hidden,
                         np.random.RandomState(7), np.float64)
    rng = np.random.RandomState(7)
    factor = 2.0 if hidden == "logistic" else 6.0
    bound1 = np.sqrt(factor / (n_features + n_hidden))
    bound2 = np.sqrt(factor / (n_hidden + n_outputs))
    np.testing.assert_array_equal(params.W1, rng.uniform(-bound1, bound1, (n_features, n_hidden)))
    np.testing.assert_array_equal(params.b1, rng.uniform(-bound1, bound1, n_hidden))
    np.testing.assert_array_equal(params.W2, rng.uniform(-bound2, bound2, (n_hidden, n_outputs)))
    np.testing.assert_array_equal(params.b2, rng.uniform(-bound2, bound2, n_outputs))


@pytest.mark.parametrize("solver", ["adam", "sgd"])
@pytest.mark.parametrize("hidden", ["relu", "tanh", "logistic"])
@pytest.mark.parametrize("n_classes", [2, 3])
def test_classifier_tracks_mlp_over_first_epochs(solver, hidden, n_classes):
    X, y = make_classification(n_samples=90, n_features=5, n_informative=3,
                               n_classes=n_classes, random_state=0)
    settings = {"solver": solver, "max_iter": 5, "batch_size": 16, "random_state": 3}
    ours, theirs = _fit_both(
        ShallowNetClassifier(n_hidden=7, hidden_activation=hidden, **settings),
        MLPClassifier(hidden_layer_sizes=(7,), activation=hidden, **settings), X, y,
    )
    assert len(ours.loss_curve_) == len(theirs.loss_curve_) == 5
    np.testing.assert_allclose(ours.loss_curve_, theirs.loss_curve_, rtol=0, atol=1e-6)
    for mine, reference in zip(ours.coefs_ + ours.intercepts_,
                               theirs.coefs_ + theirs.intercepts_):
        np.testing.assert_allclose(mine, reference, rtol=0, atol=1e-6)


@pytest.mark.parametrize("solver", ["adam", "sgd"])
def test_regressor_tracks_mlp_over_first_epochs(solver):
    X, y = make_regression(n_samples=80, n_features=4, noise=1.0, random_state=0)
    y = y / y.std()
    settings = {"solver": solver, "max_iter": 5, "batch_size": 16, "random_state": 5,
                    "learning_rate_init": 1e-3}
    ours, theirs = _fit_both(
        ShallowNetRegressor(n_hidden=6, hidden_activation="tanh", **settings),
        MLPRegressor(hidden_layer_sizes=(6,), activation="tanh", **settings), X, y,
    )
    np.testing.assert_allclose(ours.loss_curve_, theirs.loss_curve_, rtol=0, atol=1e-6)


@pytest.mark.parametrize("n_classes", [2, 3])  # MLP stratifies the binary split only
def test_early_stopping_split_and_scores_match_mlp(n_classes):
    X, y = make_classification(n_samples=150, n_features=6, n_informative=4,
                               n_classes=n_classes, random_state=1)
    settings = {"max_iter": 5, "batch_size": 20, "random_state": 11, "early_stopping": True}
    ours, theirs = _fit_both(ShallowNetClassifier(n_hidden=8, **settings),
                             MLPClassifier(hidden_layer_sizes=(8,), **settings), X, y)
    np.testing.assert_allclose(ours.loss_curve_, theirs.loss_curve_, rtol=0, atol=1e-6)
    np.testing.assert_allclose(ours.validation_scores_, theirs.validation_scores_, atol=1e-12)


def test_n_iter_no_change_inf_disables_the_stop():
    X, y = make_classification(n_samples=60, n_features=4, random_state=0)
    settings = {"max_iter": 40, "tol": 10.0, "random_state": 0, "n_iter_no_change": np.inf}
    ours, theirs = _fit_both(ShallowNetClassifier(n_hidden=5, **settings),
                             MLPClassifier(hidden_layer_sizes=(5,), **settings), X, y)
    # tol=10 makes every epoch "no improvement": only max_iter can end the fit
    assert ours.n_iter_ == theirs.n_iter_ == 40


def test_dead_relu_units_are_reported_at_the_callers_line():
    X, y = make_classification(n_samples=80, n_features=4, random_state=0)
    net = ShallowNetClassifier(n_hidden=10, max_iter=30, random_state=0)
    # every unit dead: a large negative hidden bias keeps Z1 < 0 on every row
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        net.fit(X, y)
    net.intercepts_[0][...] = -1e3
    with warnings.catch_warnings(record=True) as record:
        warnings.simplefilter("always")
        net.set_params(warm_start=True, max_iter=1).fit(X, y)
    messages = [str(w.message) for w in record]
    # max_iter=1 also leaves the run unconverged: the two warnings, each once
    assert len(messages) == 2, messages
    assert messages[0].startswith("Stochastic Optimizer: Maximum iterations (1) reached")
    assert messages[1].startswith("100% of the hidden units are dead")
    assert all(w.filename == __file__ for w in record)


def test_saturated_outputs_stop_at_mlps_epoch():
    # Raw wine (features up to 1680): some logits reach hundreds, and the exact
    # loss of those samples makes the epoch loss jump. With random_state=26 the
    # exact loss stops the fit at epoch 18; MLP's loss, and ours, counts each
    # -log p as at most -log(eps) and trains all 200 epochs.
    X, y = load_wine(return_X_y=True)
    ours, theirs = _fit_both(ShallowNetClassifier(random_state=26),
                             MLPClassifier(random_state=26), X, y)
    assert ours.n_iter_ == theirs.n_iter_ == 200
    np.testing.assert_allclose(ours.loss_curve_, theirs.loss_curve_, rtol=0, atol=1e-6)
    assert ours.score(X, y) == theirs.score(X, y)
