"""Property-based fuzzing of both estimators with hypothesis.

Random shapes, finite X with mixed column scales, random labels (integers,
strings, booleans; imbalanced; multilabel) and random valid hyper-parameters
over the whole parameter space. Properties:

- ``fit`` raises nothing but a documented ``ValueError``, and warns nothing
  but ``ConvergenceWarning`` and the clipped-``batch_size`` ``UserWarning``,
  with numpy set to raise on overflow, division by zero and NaN;
- predictions have the right shape and dtype and are finite;
- ``predict_proba`` rows lie in [0, 1] and sum to 1 (except multilabel), and
  ``predict == classes_[argmax(predict_proba)]``;
- refitting with the same ``random_state`` is bit-for-bit identical;
- a ``sample_weight`` of 2 on a row equals duplicating the row (the same L-BFGS
  steps with a tight tol, up to round-off);
- the caller's arrays are never changed.

The profiles are registered in ``conftest.py``: ``ci`` (the default: fixed,
derandomized examples, well under a minute) and ``long``
(``--hypothesis-profile=long``).
"""

import re
import warnings

import numpy as np
from hypothesis import assume, event, given, settings
from hypothesis import strategies as st
from numpy.testing import assert_allclose, assert_array_equal
from sklearn.base import clone
from sklearn.exceptions import ConvergenceWarning

from sk_shallow import ShallowNetClassifier, ShallowNetRegressor
from sk_shallow.activations import ACTIVATIONS, ALIASES

# Every ValueError fit may raise on valid parameters and finite data, with why.
DOCUMENTED_ERRORS = [
    r"needs samples of at least 2 classes",  # a draw with one class (or one sample)
    r"The validation set is too small",  # early_stopping on very few samples
    r"output_activation='softmax' cannot fit multilabel targets",
    r"class_weight is not supported for multilabel targets",
]
ALLOWED_USER_WARNINGS = [r"batch_size=\d+ is larger than the \d+ training samples"]

HIDDEN_NAMES = sorted(ACTIVATIONS) + sorted(ALIASES)
RAISE = {"over": "raise", "divide": "raise", "invalid": "raise"}


def _examples(fraction):
    """A share of the active profile's max_examples, so the long profile scales every test."""
    return max(5, int(settings.default.max_examples * fraction))


def _log_uniform(low, high):
    return st.floats(np.log10(low), np.log10(high)).map(lambda e: float(10.0**e))


@st.composite
def features(draw, min_samples=2, max_samples=40):
    """X of random shape with columns on mixed scales (1e-3 .. 1e3), all finite."""
    n_samples = draw(st.integers(min_samples, max_samples))
    n_features = draw(st.integers(1, 5))
    seed = draw(st.integers(0, 2**32 - 1))
    exponents = draw(st.lists(st.integers(-3, 3), min_size=n_features, max_size=n_features))
    offsets = draw(st.lists(st.sampled_from([0.0, 0.0, 1.0, -50.0]), min_size=n_features,
                            max_size=n_features))
    rng = np.random.RandomState(seed)
    X = rng.randn(n_samples, n_features)
    if draw(st.booleans()):  # repeated rows and a constant column now and then
        X[n_samples // 2:] = X[: n_samples - n_samples // 2]
        X[:, 0] = 1.0
    X = X * 10.0 ** np.array(exponents) + np.array(offsets)
    return X, rng


@st.composite
def classification_data(draw, allow_multilabel=True):
    X, rng = draw(features())
    n_samples = X.shape[0]
    if allow_multilabel and draw(st.integers(0, 5)) == 0:
        n_labels = draw(st.integers(2, 4))
        Y = (rng.rand(n_samples, n_labels) < draw(st.floats(0.2, 0.8))).astype(int)
        return X, Y
    n_classes = draw(st.integers(2, 4))
    # imbalance: class shares from a skewed Dirichlet-like draw
    shares = np.array(draw(st.lists(st.floats(0.05, 1.0), min_size=n_classes,
                                    max_size=n_classes)))
    indices = rng.choice(n_classes, size=n_samples, p=shares / shares.sum())
    kind = draw(st.sampled_from(["int", "str", "bool", "negative-int"]))
    if kind == "bool" and n_classes == 2:
        labels = np.array([False, True])
    elif kind in ("str", "bool"):
        labels = np.array(["cat", "dog", "émeu", "zebra finch"])[:n_classes]
    elif kind == "negative-int":
        labels = np.array([-7, 0, 3, 100])[:n_classes]
    else:
        labels = np.arange(n_classes)
    return X, labels[indices]


@st.composite
def regression_data(draw, loss):
    X, rng = draw(features())
    n_outputs = draw(st.sampled_from([0, 0, 1, 2]))  # 0: a 1-D y
    shape = (X.shape[0],) if n_outputs == 0 else (X.shape[0], n_outputs)
    scale = 10.0 ** draw(st.integers(-2, 3))
    y = rng.randn(*shape) * scale
    if loss == "poisson":
        y = rng.poisson(np.minimum(np.abs(y), 1e3)).astype(float)
    return X, y


def common_params():
    return st.fixed_dictionaries({
        "n_hidden": st.integers(1, 8),
        "hidden_activation": st.sampled_from(HIDDEN_NAMES),
        "leaky_slope": st.floats(0.0, 0.99),
        "solver": st.sampled_from(["adam", "sgd", "lbfgs"]),
        "alpha": st.one_of(st.just(0.0), _log_uniform(1e-6, 10.0)),
        "batch_size": st.one_of(st.just("auto"), st.integers(1, 50)),
        "learning_rate": st.sampled_from(["constant", "invscaling", "adaptive"]),
        "learning_rate_init": _log_uniform(1e-5, 0.5),
        "power_t": st.floats(0.0, 1.0),
        "max_iter": st.integers(1, 8),
        "shuffle": st.booleans(),
        "random_state": st.integers(0, 2**31 - 1),
        "tol": st.one_of(st.just(0.0), _log_uniform(1e-8, 1e-1)),
        "momentum": st.floats(0.0, 1.0),
        "nesterovs_momentum": st.booleans(),
        "early_stopping": st.booleans(),
        "validation_fraction": st.floats(0.1, 0.5),
        "beta_1": st.floats(0.0, 0.999),
        "beta_2": st.floats(0.0, 0.9999),
        "epsilon": _log_uniform(1e-10, 1e-4),
        "n_iter_no_change": st.integers(1, 5),
        "max_fun": st.integers(5, 200),
        "dtype": st.sampled_from([None, "float32", "float64"]),
    })


def classifier_params():
    return common_params().flatmap(lambda p: st.fixed_dictionaries({
        "output_activation": st.sampled_from(["auto", "sigmoid", "logistic", "softmax"]),
        "class_weight": st.sampled_from([None, "balanced"]),
    }).map(lambda extra: {**p, **extra}))


def regressor_params():
    return common_params().flatmap(lambda p: st.sampled_from(["squared_error", "poisson"]).flatmap(
        lambda loss: st.sampled_from(["auto", "exp" if loss == "poisson" else "linear"]).map(
            lambda out: {**p, "loss": loss, "output_activation": out})))


def _fit_checked(est, X, y, **fit_params):
    """Fit; return the estimator, or None after a documented ValueError. Check the warnings."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        with np.errstate(**RAISE):  # an overflow anywhere fails; divergence is a warning
            try:
                est.fit(X, y, **fit_params)
            except ValueError as exc:
                assert any(re.search(p, str(exc)) for p in DOCUMENTED_ERRORS), repr(exc)
                event(f"documented ValueError: {str(exc)[:40]}")
                return None
    for w in caught:
        if issubclass(w.category, ConvergenceWarning):
            event("diverged" if "diverg" in str(w.message) else "ConvergenceWarning")
            continue
        assert issubclass(w.category, UserWarning), (w.category, str(w.message))
        assert any(re.search(p, str(w.message)) for p in ALLOWED_USER_WARNINGS), str(w.message)
    return est


def _check_classifier(est, X, y):
    n_samples = X.shape[0]
    with np.errstate(**RAISE):
        prediction = est.predict(X)
        proba = est.predict_proba(X)
        log_proba = est.predict_log_proba(X)
    dtype = est._flat.dtype
    assert proba.dtype == dtype and proba.shape == (n_samples, est.classes_.shape[0])
    assert np.isfinite(proba).all() and ((proba >= 0) & (proba <= 1)).all()
    assert np.isfinite(log_proba).all()
    if y.ndim == 2:  # multilabel: an indicator matrix, rows need not sum to 1
        assert prediction.shape == y.shape
        assert set(np.unique(prediction)) <= {0, 1}
        assert_array_equal(prediction, (proba > 0.5).astype(int))
        return
    assert prediction.shape == (n_samples,)
    assert prediction.dtype == est.classes_.dtype == np.unique(y).dtype
    assert set(prediction) <= set(np.unique(y))
    assert_allclose(proba.sum(axis=1), 1.0, rtol=1e-5 if dtype == np.float32 else 1e-12)
    assert_array_equal(prediction, est.classes_[np.argmax(proba, axis=1)])


def _check_regressor(est, X, y):
    with np.errstate(**RAISE):
        prediction = est.predict(X)
    assert prediction.shape == y.shape
    assert prediction.dtype == est._flat.dtype
    assert np.isfinite(prediction).all()
    if est.loss == "poisson":
        assert (prediction >= 0).all()


def _check_refit_identical(est, X, y):
    again = clone(est)
    assert _fit_checked(again, X, y) is not None
    assert_array_equal(again._flat, est._flat, strict=True)
    assert again.loss_curve_ == est.loss_curve_ and again.n_iter_ == est.n_iter_
    with np.errstate(**RAISE):
        assert_array_equal(again.predict(X), est.predict(X), strict=True)


def _check_fit_properties(est, X, y, check_predictions):
    """Fit (or a documented refusal), inputs untouched, finite weights, sane and repeatable predictions."""
    saved = (X.copy(), y.copy())
    est = _fit_checked(est, X, y)
    assert_array_equal(X, saved[0], strict=True)
    assert_array_equal(y, saved[1], strict=True)
    if est is None:
        return
    assert np.isfinite(est._flat).all()
    check_predictions(est, X, y)
    _check_refit_identical(est, X, y)


@settings(max_examples=_examples(0.5))
@given(data=classification_data(), params=classifier_params())
def test_classifier_properties(data, params):
    X, y = data
    _check_fit_properties(ShallowNetClassifier(**params), X, y, _check_classifier)


@settings(max_examples=_examples(0.5))
@given(data=st.data(), params=regressor_params())
def test_regressor_properties(data, params):
    X, y = data.draw(regression_data(params["loss"]))
    _check_fit_properties(ShallowNetRegressor(**params), X, y, _check_regressor)


def smooth_lbfgs_params():
    return st.fixed_dictionaries({
        "n_hidden": st.integers(1, 4),
        "hidden_activation": st.sampled_from(["tanh", "logistic", "identity", "swish"]),
        "alpha": _log_uniform(1e-2, 1.0),
        "random_state": st.integers(0, 2**31 - 1),
    }).map(lambda p: {**p, "solver": "lbfgs", "tol": 1e-12})


@st.composite
def weighted_problem(draw, task):
    X, rng = draw(features(min_samples=4, max_samples=25))
    X = X / np.maximum(np.abs(X).max(axis=0), 1e-12)  # lbfgs to a tight tol wants O(1) inputs
    n_samples = X.shape[0]
    if task == "clf":
        y = np.arange(n_samples) % draw(st.integers(2, 3))
        rng.shuffle(y)
    else:
        y = X.sum(axis=1) + 0.1 * rng.randn(n_samples)
    row = draw(st.integers(0, n_samples - 1))
    return X, y, row


def _assert_weight_two_equals_duplicate(Est, params, X, y, row):
    """The objective and its gradient are the same function of the network's weights.

    So from the same start L-BFGS takes the same steps, up to round-off (the
    sums run over different rows). Round-off grows along a non-convex run, and
    thousands of iterations later two runs may settle in different points of a
    flat valley; the first iterations, with gtol too tight to stop them, agree.
    """
    weights = np.ones(X.shape[0])
    weights[row] = 2.0
    X_dup, y_dup = np.vstack([X, X[row:row + 1]]), np.concatenate([y, y[row:row + 1]])
    for max_iter, slack in ((1, 1e-9), (12, 1e-5)):
        # after one step the runs agree to round-off; twelve steps on, round-off has
        # grown along flat directions of the loss (loss curves still agree to 1e-7)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)
            weighted = Est(**params, max_iter=max_iter).fit(X, y, sample_weight=weights)
            duplicated = Est(**params, max_iter=max_iter).fit(X_dup, y_dup)
        assert weighted.n_iter_ == duplicated.n_iter_
        assert_allclose(weighted.loss_curve_, duplicated.loss_curve_, rtol=1e-7)
        atol = slack * max(1.0, float(np.abs(duplicated._flat).max()))
        assert_allclose(weighted._flat, duplicated._flat, rtol=1e-6, atol=atol)
        if isinstance(weighted, ShallowNetClassifier):
            assert_allclose(weighted.predict_proba(X), duplicated.predict_proba(X), rtol=1e-6,
                            atol=slack)
        else:
            assert_allclose(weighted.predict(X), duplicated.predict(X), rtol=1e-6,
                            atol=slack * max(1.0, float(np.abs(y).max())))


@settings(max_examples=_examples(0.25))
@given(problem=weighted_problem("clf"), params=smooth_lbfgs_params())
def test_classifier_weight_two_equals_duplicated_row(problem, params):
    _assert_weight_two_equals_duplicate(ShallowNetClassifier, params, *problem)


@settings(max_examples=_examples(0.25))
@given(problem=weighted_problem("reg"), params=smooth_lbfgs_params())
def test_regressor_weight_two_equals_duplicated_row(problem, params):
    _assert_weight_two_equals_duplicate(ShallowNetRegressor, params, *problem)


@settings(max_examples=_examples(0.25))
@given(data=classification_data(allow_multilabel=False), params=classifier_params(),
       n_chunks=st.integers(1, 4))
def test_partial_fit_sequences_stay_finite(data, params, n_chunks):
    """partial_fit on successive chunks (every class declared up front) keeps a usable model."""
    X, y = data
    # 'balanced' is refused by partial_fit (documented, tested in test_class_weight.py)
    params = {**params, "solver": params["solver"] if params["solver"] != "lbfgs" else "sgd",
              "early_stopping": False,
              "class_weight": None if params.get("class_weight") == "balanced"
              else params.get("class_weight")}
    est = ShallowNetClassifier(**params)
    classes = np.unique(y)
    assume(classes.size >= 2)  # one class is refused (documented, tested above)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        with np.errstate(**RAISE):
            for chunk in np.array_split(np.arange(X.shape[0]), n_chunks):
                if chunk.size:
                    est.partial_fit(X[chunk], y[chunk], classes=classes)
    for w in caught:
        if not issubclass(w.category, ConvergenceWarning):
            assert any(re.search(p, str(w.message)) for p in ALLOWED_USER_WARNINGS), w
    assert est.n_iter_ == sum(1 for c in np.array_split(np.arange(X.shape[0]), n_chunks) if c.size)
    assert np.isfinite(est._flat).all()
    assert_array_equal(est.classes_, classes)
    _check_classifier(est, X, y)
