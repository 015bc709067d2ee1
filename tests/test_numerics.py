"""Numerics that cannot overflow: extreme input scales, extreme logits, divergence, float32.

Every run that should stay finite runs under
``np.errstate(over="raise", divide="raise", invalid="raise")``, so an overflow,
a division by zero or a NaN anywhere in the computation fails the test instead
of hiding in a warning. (Underflow to 0 is allowed: it is how e^-10000 ends.)
"""

import warnings

import numpy as np
import pytest
from numpy.testing import assert_allclose, assert_array_equal
from sklearn.datasets import load_digits
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler

from sk_shallow import ShallowNetClassifier, ShallowNetRegressor
from sk_shallow.activations import ACTIVATIONS

HIDDEN = sorted(ACTIVATIONS)
RAISE = {"over": "raise", "divide": "raise", "invalid": "raise"}
N_SAMPLES = 30


def _X(seed=0):
    return np.random.RandomState(seed).randn(N_SAMPLES, 3)


def _task(output):
    """(estimator class, its extra parameters, y) for each output layer."""
    X = _X()
    classes = np.arange(N_SAMPLES) % 3
    return {
        "sigmoid-binary": (ShallowNetClassifier, {}, (X[:, 0] > 0).astype(int)),
        "softmax": (ShallowNetClassifier, {}, classes),
        "sigmoid-ovr": (ShallowNetClassifier, {"output_activation": "sigmoid"}, classes),
        "sigmoid-multilabel": (ShallowNetClassifier, {}, (X > 0).astype(int)),
        "identity": (ShallowNetRegressor, {}, X @ np.array([1.0, -2.0, 3.0])),
        "exp": (ShallowNetRegressor, {"loss": "poisson"},
                np.random.RandomState(1).poisson(2.0, N_SAMPLES)),
    }[output]


OUTPUTS = ["sigmoid-binary", "softmax", "sigmoid-ovr", "sigmoid-multilabel", "identity", "exp"]


def _check_outputs(est, X):
    """Everything the fitted estimator returns is finite and well-formed."""
    prediction = est.predict(X)
    assert np.isfinite(np.asarray(prediction, dtype=float)).all()
    assert np.isfinite(est._flat).all()
    if isinstance(est, ShallowNetRegressor):
        if est.loss == "poisson":
            assert (prediction >= 0).all()
        return
    proba = est.predict_proba(X)
    log_proba = est.predict_log_proba(X)
    assert np.isfinite(proba).all() and ((proba >= 0) & (proba <= 1)).all()
    assert np.isfinite(log_proba).all(), "predict_log_proba returned -inf or NaN"
    assert (log_proba <= 0).all()
    assert_allclose(np.exp(log_proba), proba, rtol=1e-6, atol=1e-300)
    assert np.isfinite(est.decision_function(X)).all()
    if est._target_kind != "multilabel-indicator":
        assert_allclose(proba.sum(axis=1), 1.0, rtol=1e-6)
        assert_array_equal(prediction, est.classes_[proba.argmax(axis=1)])


def _fit_recording(est, X, y):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        est.fit(X, y)
    others = [w for w in caught if not issubclass(w.category, ConvergenceWarning)]
    assert not others, [str(w.message) for w in others]
    return [str(w.message) for w in caught]


@pytest.mark.parametrize("solver", ["adam", "sgd", "lbfgs"])
@pytest.mark.parametrize("output", OUTPUTS)
@pytest.mark.parametrize("hidden", HIDDEN)
@pytest.mark.parametrize("scale", [1e6, 1e-6], ids=["1e6", "1e-6"])
def test_fit_and_predict_at_extreme_input_scales(scale, hidden, output, solver):
    Est, params, y = _task(output)
    X = _X() * scale
    est = Est(n_hidden=4, hidden_activation=hidden, solver=solver, max_iter=3, random_state=0,
              **params)
    with np.errstate(**RAISE):
        messages = _fit_recording(est, X, y)
        _check_outputs(est, X)
    assert all(np.isfinite(value) for value in est.loss_curve_)
    if est.loss_ is None:  # diverged in the first epoch: said so, initial weights kept
        assert any("diverged in epoch 1" in m for m in messages)
    else:
        assert np.isfinite(est.loss_)


@pytest.mark.parametrize("output", OUTPUTS)
@pytest.mark.parametrize("hidden", HIDDEN)
@pytest.mark.parametrize("scale", [1e6, 1e-6], ids=["1e6", "1e-6"])
def test_early_stopping_at_extreme_input_scales(scale, hidden, output):
    """The held-out pass runs on weights that may already overflow: it must not raise."""
    Est, params, y = _task(output)
    X = _X() * scale
    est = Est(n_hidden=4, hidden_activation=hidden, solver="sgd", learning_rate_init=1.0,
              early_stopping=True, validation_fraction=0.2, max_iter=4, random_state=0,
              **params)
    with np.errstate(**RAISE):
        _fit_recording(est, X, y)
        _check_outputs(est, X)
    assert all(np.isfinite(value) for value in est.loss_curve_)


def _push_logits(est, X, how):
    """Set the output layer by hand so that the logits Z2 reach +-1e4."""
    W1, W2 = est.coefs_
    b1, b2 = est.intercepts_
    n_outputs = W2.shape[1]
    if how == "bias":
        # every sample gets the same extreme logits: +1e4, -1e4, 0, +1e4, ...
        W2[...] = 0
        b2[...] = np.resize([1e4, -1e4, 0.0], n_outputs)
    else:
        # logits that vary per sample, scaled so the largest is 1e4 in magnitude
        A1 = est.hidden_activations(X)
        if np.ptp(A1) == 0:
            W1[...] = np.linspace(-1, 1, W1.size).reshape(W1.shape)
            b1[...] = 0.1
            A1 = est.hidden_activations(X)
        W2[...] = np.linspace(-1, 1, W2.size).reshape(W2.shape)
        b2[...] = 0
        Z2 = A1 @ W2
        W2 *= 1e4 / np.abs(Z2).max()
    Z2 = est.hidden_activations(X) @ est.coefs_[1] + est.intercepts_[1]
    assert np.isclose(np.abs(Z2).max(), 1e4, rtol=1e-6)
    return Z2


def _loss_target(est, y):
    """The target in the form the estimator's loss takes (class indices or a 0/1 matrix)."""
    if isinstance(est, ShallowNetRegressor):
        return np.asarray(y, dtype=float).reshape(len(y), -1)
    if est._target_kind == "multilabel-indicator":
        return y.astype(float)
    indices = np.searchsorted(est.classes_, y)
    if est.out_activation_ == "softmax":
        return indices
    if est.classes_.size == 2:
        return indices.astype(float).reshape(-1, 1)
    return np.eye(est.classes_.size)[indices]


@pytest.mark.parametrize("how", ["bias", "weights"])
@pytest.mark.parametrize("output", OUTPUTS)
@pytest.mark.parametrize("hidden", HIDDEN)
def test_logits_pushed_to_1e4_stay_finite(hidden, output, how):
    Est, params, y = _task(output)
    X = _X()
    est = Est(n_hidden=4, hidden_activation=hidden, max_iter=1, random_state=0, solver="sgd",
              learning_rate_init=1e-8, **params)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        est.fit(X, y)
    with np.errstate(**RAISE):
        Z2 = _push_logits(est, X, how)
        _check_outputs(est, X)
        loss = est._loss.loss(Z2.copy(), _loss_target(est, y), None, float(N_SAMPLES))
        assert np.isfinite(loss)
        # one more epoch from there: finite weights, and a finite loss or a clear warning
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            est.partial_fit(X, y)
        _check_outputs(est, X)
    assert np.isfinite(est.loss_) or any("diverged" in str(w.message) for w in caught)


@pytest.mark.parametrize("sign", [1, -1])
def test_predict_log_proba_is_exact_where_proba_underflows(sign):
    X = _X()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        binary = ShallowNetClassifier(n_hidden=3, max_iter=1, random_state=0).fit(
            X, (X[:, 0] > 0).astype(int))
        multi = ShallowNetClassifier(n_hidden=3, max_iter=1, random_state=0).fit(
            X, np.arange(N_SAMPLES) % 3)
    for est, b2 in [(binary, [sign * 1e4]), (multi, [sign * 1e4, -sign * 1e4, 0.0])]:
        est.coefs_[1][...] = 0
        est.intercepts_[1][...] = b2
    with np.errstate(**RAISE):
        log_binary = binary.predict_log_proba(X)
        log_multi = multi.predict_log_proba(X)
        proba_binary = binary.predict_proba(X)
    # log sigmoid(-1e4) = -1e4 (+ e^-1e4), where sigmoid itself is 0.0
    expected = np.array([-1e4, 0.0]) if sign == 1 else np.array([0.0, -1e4])
    assert_allclose(log_binary, np.tile(expected, (N_SAMPLES, 1)))
    assert (proba_binary == 0).any()
    expected = np.array([0.0, -2e4, -1e4]) if sign == 1 else np.array([-2e4, 0.0, -1e4])
    assert_allclose(log_multi, np.tile(expected, (N_SAMPLES, 1)))


DIVERGENT = {
    "clf-sgd-lr10": (ShallowNetClassifier, {"learning_rate_init": 10.0}),
    "clf-sgd-lr1e3": (ShallowNetClassifier, {"learning_rate_init": 1e3}),
    "reg-sgd-lr10": (ShallowNetRegressor, {"learning_rate_init": 10.0}),
    "reg-sgd-lr1e3-no-momentum": (ShallowNetRegressor, {"learning_rate_init": 1e3,
                                                        "momentum": 0.0}),
    "reg-sgd-lr1e6-first-epoch": (ShallowNetRegressor, {"learning_rate_init": 1e6,
                                                        "batch_size": 2}),
    "reg-poisson-sgd-lr1": (ShallowNetRegressor, {"learning_rate_init": 1.0, "loss": "poisson"}),
}


@pytest.mark.parametrize("name", list(DIVERGENT))
def test_divergent_configuration_ends_finite_with_a_convergence_warning(name):
    Est, params = DIVERGENT[name]
    X = _X() * 3
    y = (np.arange(N_SAMPLES) % 3 if Est is ShallowNetClassifier
         else np.abs(X @ np.array([1.0, -2.0, 3.0])) * 10)
    est = Est(n_hidden=8, solver="sgd", max_iter=50, random_state=0, **params)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        with np.errstate(over="ignore", invalid="ignore"):  # the divergence itself may warn
            est.fit(X, y)
    convergence = [str(w.message) for w in caught if issubclass(w.category, ConvergenceWarning)]
    assert len(convergence) == 1, convergence
    assert "diverg" in convergence[0] and "Lower learning_rate_init" in convergence[0]
    assert np.isfinite(est._flat).all(), "NaN or inf weights in a fitted estimator"
    assert all(np.isfinite(value) for value in est.loss_curve_)
    assert est.loss_ is None or np.isfinite(est.loss_)
    with np.errstate(**RAISE):
        _check_outputs(est, X)


@pytest.fixture(scope="module")
def standardized_digits():
    X, y = load_digits(return_X_y=True)
    X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.3, random_state=0,
                                                        stratify=y)
    scaler = StandardScaler().fit(X_train)
    return scaler.transform(X_train), scaler.transform(X_test), y_train, y_test


@pytest.mark.parametrize("params", [{"solver": "adam", "learning_rate_init": 1e-3},
                                    {"solver": "sgd", "learning_rate_init": 0.05}],
                         ids=["adam", "sgd"])
def test_float32_matches_float64_accuracy_on_digits(standardized_digits, params):
    X_train, X_test, y_train, y_test = standardized_digits
    scores = {}
    for dtype in (np.float64, np.float32):
        est = ShallowNetClassifier(n_hidden=32, max_iter=30, random_state=0, **params)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)
            est.fit(X_train.astype(dtype), y_train)
        assert est._flat.dtype == dtype
        assert est.predict_proba(X_test.astype(dtype)).dtype == dtype
        scores[dtype] = est.score(X_test.astype(dtype), y_test)
    assert scores[np.float64] > 0.85  # the comparison is between two trained networks
    assert abs(scores[np.float32] - scores[np.float64]) <= 0.005, scores
