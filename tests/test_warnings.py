"""The warnings at the end of a fit: each rule of the estimators' Notes, on both sides.

Every case fits once and reads all the warnings of that fit: a hint comes in
the one ConvergenceWarning of its fit, at the caller's line (this file), and
never on a fit that went well.
"""

import os
import re
import warnings

import numpy as np
import pytest
import sklearn
from sklearn.base import clone
from sklearn.compose import TransformedTargetRegressor
from sklearn.datasets import load_diabetes, load_wine, make_classification, make_regression
from sklearn.exceptions import ConvergenceWarning
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import FunctionTransformer, StandardScaler

import sk_shallow._base
from sk_shallow import ShallowNetClassifier, ShallowNetRegressor, _fit_report


def _warnings_of(fit, X, y):
    """The messages of every warning ``fit(X, y)`` gives; each is a ConvergenceWarning here."""
    with warnings.catch_warnings(record=True) as record:
        warnings.simplefilter("always")
        with np.errstate(over="ignore", invalid="ignore"):  # a diverging fit may overflow
            fit(X, y)
    for w in record:
        assert w.category is ConvergenceWarning, str(w.message)
        assert w.filename == __file__, f"{w.filename}: {w.message}"  # the caller's line
    return [str(w.message) for w in record]


def _stopped_on_a_plateau(net):
    """Stopped by n_iter_no_change with its last epochs above its best: the old false alarm."""
    curve, window = net.loss_curve_, net.n_iter_no_change + 1
    return net.n_iter_ < net.max_iter and min(curve[-window:]) > min(curve[:-window])


def _standardized(y):
    return (y - y.mean()) / y.std()


def _noisy_classification():
    return make_classification(n_samples=100, n_features=5, flip_y=0.3, random_state=1)


def _diabetes():
    return load_diabetes(return_X_y=True)  # X scaled, y in natural units: mean 152, std 77


def _diabetes_standardized_y():
    X, y = load_diabetes(return_X_y=True)
    return X, _standardized(y)


# ---------------------------------------------------------------- divergence

PLATEAUS = {
    # the survey-table case of the issue: an identity hidden layer, scaled inputs
    "classifier-identity-noisy-labels": (
        ShallowNetClassifier(n_hidden=50, hidden_activation="identity",
                             learning_rate_init=1e-2, random_state=0),
        _noisy_classification),
    "regressor-diabetes-standardized-y": (
        ShallowNetRegressor(n_hidden=20, hidden_activation="tanh", learning_rate_init=3e-2,
                            random_state=0),
        _diabetes_standardized_y),
}


@pytest.mark.parametrize("name", list(PLATEAUS))
def test_a_plateau_stop_is_not_reported(name):
    net, data = clone(PLATEAUS[name][0]), PLATEAUS[name][1]
    X, y = data()
    messages = _warnings_of(net.fit, X, y)
    assert _stopped_on_a_plateau(net)
    assert messages == []


DIVERGING = {
    # the loss rises more than 10-fold and stays finite
    "classifier-sgd-lr5-unscaled": (
        ShallowNetClassifier(n_hidden=20, solver="sgd", learning_rate_init=5.0,
                             n_iter_no_change=3, random_state=0), 50.0,
        "training diverged: the loss rose from"),
    "regressor-adam-lr10": (
        ShallowNetRegressor(n_hidden=20, learning_rate_init=10.0, random_state=0), 1.0,
        "training diverged: the loss rose from"),
    # the loss becomes non-finite: the weights from before that epoch are kept
    "regressor-sgd-lr10": (
        ShallowNetRegressor(n_hidden=20, solver="sgd", learning_rate_init=10.0,
                            random_state=0), 1.0,
        r"training diverged in epoch \d+ \(the loss or the weights became non-finite\)"),
}


@pytest.mark.parametrize("name", list(DIVERGING))
def test_a_diverging_run_is_reported_once(name):
    net, x_scale, message = DIVERGING[name]
    net = clone(net)
    if isinstance(net, ShallowNetClassifier):
        X, y = make_classification(n_samples=200, n_features=5, random_state=0)
    else:
        X, y = make_regression(n_samples=100, n_features=3, noise=1, random_state=0)
        y = _standardized(y)
    messages = _warnings_of(net.fit, X * x_scale, y)
    assert len(messages) == 1, messages
    assert re.match(message, messages[0]), messages
    assert messages[0].endswith("Lower learning_rate_init or scale the inputs.")


def test_the_divergence_factor_is_the_documented_one():
    assert _fit_report.DIVERGENCE_FACTOR == 10
    assert "more than 10 times its first epoch's" in ShallowNetClassifier.__doc__


# ---------------------------------------------------------------- y's scale

Y_SCALE_HINTED = {
    # training R^2 below 0 (-2.2): the default adam fit on y in natural units
    "diabetes-adam": (ShallowNetRegressor(random_state=0), _diabetes,
                      ["Stochastic Optimizer: Maximum iterations (200) reached",
                       "The training R^2 is -2.17", "y has mean 152.1 and std 77.01"]),
    # y's std far above 100 and the iterations ran out, though R^2 stayed above 0
    "std-189-unconverged": (ShallowNetRegressor(random_state=0),
                            lambda: make_regression(200, 5, noise=1, random_state=0),
                            ["Maximum iterations (200) reached", "y has mean -18.9 and std 188.9"]),
    # y's mean 20 and std 10 are only moderately off, but R^2 ended below 0
    "mean-20-r2-below-0": (ShallowNetRegressor(n_hidden=20, max_iter=20, random_state=0),
                           lambda: (_diabetes()[0], 20 + 10 * _standardized(_diabetes()[1])),
                           ["The training R^2 is", "y has mean 20 and std 10"]),
}


@pytest.mark.parametrize("name", list(Y_SCALE_HINTED))
def test_y_far_from_unit_scale_is_named_with_the_remedy(name):
    net, data, expected = Y_SCALE_HINTED[name]
    net = clone(net)
    messages = _warnings_of(net.fit, *data())
    hinted = [m for m in messages if "TransformedTargetRegressor(regressor=" in m]
    assert len(hinted) == 1, messages
    for part in expected:
        assert part in hinted[0], hinted[0]


def _regression_standardized_y():
    X, y = make_regression(200, 5, noise=1, random_state=0)
    return X, _standardized(y)


LBFGS_TO_THE_END = {"n_hidden": 5, "hidden_activation": "tanh", "solver": "lbfgs",
                    "alpha": 10.0, "max_iter": 1000}

Y_SCALE_QUIET = {
    # the remedy itself: the same network on standardised y
    "diabetes-transformed-target": (
        TransformedTargetRegressor(ShallowNetRegressor(random_state=0, max_iter=500),
                                   transformer=StandardScaler()), "fit", _diabetes),
    "standardised-y": (ShallowNetRegressor(random_state=0), "fit", _regression_standardized_y),
    # y in natural units, and a fit that got there (R^2 0.52, converged)
    "diabetes-lbfgs-converged": (ShallowNetRegressor(random_state=0, **LBFGS_TO_THE_END), "fit",
                                 _diabetes),
    # partial_fit is one epoch of many: it never judges the fit
    "diabetes-partial-fit": (ShallowNetRegressor(random_state=0), "partial_fit", _diabetes),
    # Poisson's exp output reaches large counts through its log link; no StandardScaler
    "poisson-counts": (ShallowNetRegressor(loss="poisson", random_state=0, **LBFGS_TO_THE_END),
                       "fit", lambda: (_diabetes()[0], np.round(_diabetes()[1]))),
}


@pytest.mark.parametrize("name", list(Y_SCALE_QUIET))
def test_no_y_hint_where_y_is_scaled_or_the_fit_went_well(name):
    net, method, data = Y_SCALE_QUIET[name]
    assert _warnings_of(getattr(clone(net), method), *data()) == []


STEP_HINTED = {
    # adam's steps too large: the loss jumps tenfold and more, then falls back above its start
    "adam-lr1": (ShallowNetRegressor(n_hidden=20, learning_rate_init=1.0, random_state=0),
                 ("The training R^2 is {}: the network predicts its training data worse than "
                  "y's mean does. Its loss ended above its first epoch's ({}, now {}): lower "
                  "learning_rate_init.")),
    # too few steps
    "two-epochs": (ShallowNetRegressor(n_hidden=20, max_iter=2, random_state=0),
                   ("Stochastic Optimizer: Maximum iterations (2) reached and the optimization "
                    "hasn't converged yet. The training R^2 is {}: the network predicts its "
                    "training data worse than y's mean does. Increase max_iter or "
                    "learning_rate_init, or lower alpha.")),
}


@pytest.mark.parametrize("name", list(STEP_HINTED))
def test_r2_below_0_on_scaled_data_is_put_down_to_the_steps(name):
    net, expected = STEP_HINTED[name]
    X, y = make_regression(n_samples=100, n_features=3, noise=1, random_state=0)
    messages = _warnings_of(clone(net).fit, X, _standardized(y))
    number = r"-?[0-9.]+(e[+-][0-9]+)?"
    assert len(messages) == 1, messages
    assert re.fullmatch(re.escape(expected).replace(r"\{\}", number), messages[0]), messages


# ---------------------------------------------------------------- X's scale

def _wine():
    return load_wine(return_X_y=True)  # columns from max 0.66 (column 7) to 1680 (column 12)


def _x_near_100():
    rng = np.random.RandomState(0)  # scikit-learn's check_n_features_in draws such X
    return rng.normal(loc=100, size=(100, 2)), rng.normal(size=100)


X_SCALE_HINTED = {
    "wine-classifier-unconverged": (ShallowNetClassifier(random_state=0), _wine,
                                    ("X's columns differ in scale by orders of magnitude "
                                     "(max |x| is 0.66 in column 7 and 1.68e+03 in column 12)")),
    # the warning points at this line through the pipeline's frames too
    "wine-pipeline-without-scaler": (make_pipeline(FunctionTransformer(),
                                                   ShallowNetClassifier(random_state=0)), _wine,
                                     "X's columns differ in scale by orders of magnitude"),
    "diabetes-raw-x-r2-below-0": (ShallowNetRegressor(random_state=0),
                                  lambda: (load_diabetes(return_X_y=True, scaled=False)[0],
                                           _standardized(_diabetes()[1])),
                                  "X's columns differ in scale by orders of magnitude"),
    "x-around-100-r2-below-0": (ShallowNetRegressor(random_state=0), _x_near_100,
                                "X is far from unit scale (max |x| is 102 in column 0)"),
}


@pytest.mark.parametrize("name", list(X_SCALE_HINTED))
def test_x_far_apart_or_far_from_unit_scale_is_named_with_the_remedy(name):
    net, data, expected = X_SCALE_HINTED[name]
    net = clone(net)
    messages = _warnings_of(net.fit, *data())
    hinted = [m for m in messages if "make_pipeline(StandardScaler(), <this estimator>)" in m]
    assert len(hinted) == 1, messages
    assert expected in hinted[0]


X_SCALE_QUIET = {
    "wine-in-a-scaling-pipeline": (
        make_pipeline(StandardScaler(), ShallowNetClassifier(random_state=0, max_iter=500)),
        _wine),
    # X far apart in scale, but the fit went well (converged, training accuracy 0.97)
    "wine-lbfgs-converged": (ShallowNetClassifier(solver="lbfgs", alpha=1.0, max_iter=1000,
                                                  random_state=0), _wine),
}


@pytest.mark.parametrize("name", list(X_SCALE_QUIET))
def test_no_x_hint_where_x_is_scaled_or_the_fit_went_well(name):
    net, data = X_SCALE_QUIET[name]
    assert _warnings_of(clone(net).fit, *data()) == []


# ---------------------------------------------------------------- what a hint costs

def _counting(function, calls):
    def counted(*args, **kwargs):
        calls.append(function.__name__)
        return function(*args, **kwargs)
    return counted


@pytest.mark.parametrize("case, extra_passes", [
    ("well-fitted", []),
    ("r2-below-0", ["logits", "_x_hint"]),
    ("unconverged-classifier", ["_x_hint"]),
])
def test_x_is_read_again_only_after_a_fit_that_ended_poorly(case, extra_passes, monkeypatch):
    calls = []
    monkeypatch.setattr(sk_shallow._base, "logits", _counting(sk_shallow._base.logits, calls))
    monkeypatch.setattr(_fit_report, "_x_hint", _counting(_fit_report._x_hint, calls))
    X, y = make_regression(200, 5, noise=1, random_state=0)
    if case == "well-fitted":
        net = ShallowNetRegressor(random_state=0)
        y = _standardized(y)
    elif case == "r2-below-0":
        net = ShallowNetRegressor(random_state=0, max_iter=5)
        y = 20 + 10 * _standardized(y)
    else:
        net, y = ShallowNetClassifier(random_state=0, max_iter=5), y > 0
    _warnings_of(net.fit, X, y)
    assert calls == extra_passes


# ---------------------------------------------------------------- dead units

@pytest.mark.parametrize("solver, remedies", [
    ("adam", "Scale the inputs, lower learning_rate_init, or use hidden_activation='leaky_relu'."),
    ("lbfgs", "Scale the inputs or use hidden_activation='leaky_relu'."),  # no learning rate
])
def test_dead_units_are_told_the_remedies_of_their_solver(solver, remedies):
    X, y = make_classification(n_samples=80, n_features=4, random_state=0)
    net = ShallowNetClassifier(n_hidden=10, solver=solver, max_iter=300, random_state=0)
    _warnings_of(net.fit, X, y)
    net.intercepts_[0][...] = -1e3  # Z1 < 0 on every row: every relu unit dead
    messages = _warnings_of(net.set_params(warm_start=True).fit, X, y)
    assert messages[-1] == ("100% of the hidden units are dead (zero on every training sample, "
                            f"so they no longer learn). {remedies}")


# ---------------------------------------------------------------- where the data live

def _in_namespace(name, *arrays):
    """The arrays in namespace ``name``; torch on ``SK_SHALLOW_TORCH_DEVICE`` (default cpu)."""
    xp = pytest.importorskip(name)
    device = {"device": os.environ.get("SK_SHALLOW_TORCH_DEVICE", "cpu")} if name == "torch" else {}
    return [xp.asarray(np.ascontiguousarray(A), **device) for A in arrays]


@pytest.mark.parametrize("namespace", ["array_api_strict",
                                       pytest.param("torch", marks=pytest.mark.torch)])
@pytest.mark.parametrize("case", ["y-scale", "x-scale", "well-fitted"])
def test_the_hints_are_the_same_on_every_namespace(case, namespace):
    # y's statistics and X's scales are computed where the data live; only a few numbers
    # (and, after a fit that ended poorly, the logits) come to the host
    if case == "y-scale":
        net, (X, y) = ShallowNetRegressor(random_state=0), _diabetes()
    elif case == "x-scale":
        net, (X, y) = ShallowNetRegressor(random_state=0), _x_near_100()
    else:
        net, (X, y) = ShallowNetRegressor(random_state=0), _regression_standardized_y()
    on_numpy = _warnings_of(clone(net).fit, X, y)
    with sklearn.config_context(array_api_dispatch=True):
        elsewhere = _warnings_of(clone(net).fit, *_in_namespace(namespace, X, y))
    # y-scale: the hint, and the dead-units warning of the same fit
    assert len(on_numpy) == {"y-scale": 2, "x-scale": 1, "well-fitted": 0}[case], on_numpy

    def words(message):  # numbers may differ in the last digits (float32 on some devices)
        return re.sub(r"-?[0-9][0-9.e+-]*", "#", message)

    assert [words(m) for m in elsewhere] == [words(m) for m in on_numpy]
