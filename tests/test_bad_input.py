"""The bad-input matrix: every input the estimators cannot use is refused clearly.

Each case runs against both estimators (where it applies) and each method it
concerns (fit, partial_fit, predict, predict_proba, score) and checks:

- the exception type scikit-learn uses for that problem,
- a message naming the parameter or the problem (and, where the message is
  ours, what is accepted),
- the caller's arrays are unchanged (compared with copies made before),
- an estimator fitted before the failed call predicts exactly as before,
  and a fresh estimator whose first fit failed is still unfitted.

Inputs the estimators accept by converting them (bool, int, float16, one
feature, sparse COO, ...) are checked at the end: they fit, match the
float64 conversion, and are left unchanged.
"""

import copy
import pickle
import re
import warnings
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import pytest
import scipy.sparse as sp
from numpy.testing import assert_array_equal
from sklearn.exceptions import ConvergenceWarning, NotFittedError

from sk_shallow import InvalidParameterError, ShallowNetClassifier, ShallowNetRegressor

N_SAMPLES, N_FEATURES = 24, 3
ESTIMATORS = {"clf": ShallowNetClassifier, "reg": ShallowNetRegressor}
SMALL = {"n_hidden": 4, "max_iter": 3, "random_state": 0}


def _data(kind):
    rng = np.random.RandomState(0)
    X = rng.randn(N_SAMPLES, N_FEATURES)
    if kind == "clf":
        y = np.arange(N_SAMPLES) % 3
    else:
        y = X @ np.array([1.0, -2.0, 0.5]) + 0.1 * rng.randn(N_SAMPLES)
    return X, y


def _fitted(kind, frame=False):
    X, y = _data(kind)
    if frame:
        X = pd.DataFrame(X, columns=["a", "b", "c"])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        return ESTIMATORS[kind](**SMALL).fit(X, y)


def _with_nan(X):
    X = X.copy()
    X[1, 2] = np.nan
    return X


def _with_inf(X):
    X = X.copy()
    X[0, 1] = np.inf
    return X


def _wrong_grad(Z, A):
    return Z  # not the derivative of tanh


@dataclass
class Case:
    """One bad input. ``make(kind) -> dict`` of the call's arguments (and ``params``)."""

    name: str
    make: object
    exc: type
    match: str
    methods: tuple
    kinds: tuple = ("clf", "reg")
    fresh: bool = False  # run on an unfitted estimator only (a first call)
    frame: bool = False  # the fitted estimator saw a DataFrame
    continuing: bool = False  # only wrong for a fitted estimator (a later call)
    extra: dict = field(default_factory=dict)


FIT = ("fit", "partial_fit")
PREDICT = ("predict", "predict_proba", "score")
ALL = FIT + PREDICT


def X_case(name, transform, exc, match, methods=ALL, **kw):
    """A bad X, with the good y for fit/score."""

    def make(kind):
        X, y = _data(kind)
        X = transform(X)
        n = X.shape[0] if hasattr(X, "shape") and len(X.shape) else N_SAMPLES
        return {"X": X, "y": y[:n] if n <= N_SAMPLES else y}

    return Case(name, make, exc, match, methods, **kw)


def y_case(name, transform, exc, match, methods=("fit", "partial_fit", "score"), **kw):
    def make(kind):
        X, y = _data(kind)
        return {"X": X, "y": transform(y, kind)}

    return Case(name, make, exc, match, methods, **kw)


def sw_case(name, weights, exc, match, methods=FIT, **kw):
    def make(kind):
        X, y = _data(kind)
        return {"X": X, "y": y, "sample_weight": weights(N_SAMPLES)}

    return Case(name, make, exc, match, methods, **kw)


def param_case(name, params, match, exc=InvalidParameterError, kinds=("clf", "reg"),
               methods=FIT, continuing=False):
    def make(kind):
        X, y = _data(kind)
        if kind == "reg" and params.get("loss") == "poisson":
            y = np.abs(y)
        return {"X": X, "y": y, "params": dict(params)}

    return Case(name, make, exc, match, methods, kinds, continuing=continuing)


def _nan_y(y, kind):
    y = y.astype(float)
    y[3] = np.nan
    return y


def _strings(X):
    return np.array([["a", "b", "c"]] * X.shape[0])


def _objects(X):
    out = X.astype(object)
    out[0, 0] = {"key": "value"}
    return out


CASES = [
    # --- X
    X_case("nan_X", _with_nan, ValueError, "Input X contains NaN"),
    X_case("inf_X", _with_inf, ValueError, "Input X contains infinity"),
    X_case("nan_X_sparse", lambda X: sp.csr_matrix(_with_nan(X)), ValueError,
           "Input X contains NaN"),
    X_case("inf_X_sparse", lambda X: sp.csc_matrix(_with_inf(X)), ValueError,
           "Input X contains infinity"),
    X_case("string_X", _strings, ValueError,
           r"X (and y )?must be numeric \(float, int or bool.*could not convert string"),
    X_case("object_X", _objects, TypeError,
           r"X (and y )?must be numeric \(float, int or bool.*argument must be"),
    X_case("nan_X_frame", lambda X: pd.DataFrame(_with_nan(X), columns=list("abc")),
           ValueError, "Input X contains NaN", frame=True),
    X_case("empty_X", lambda X: X[:0], ValueError, r"Found array with 0 sample\(s\)"),
    X_case("no_features", lambda X: X[:, :0], ValueError,
           r"0 feature\(s\)|X has 0 features, but"),
    X_case("X_3d", lambda X: X[:, :, None], ValueError, "Found array with dim 3"),
    X_case("X_1d", lambda X: X[:, 0], ValueError, "Expected 2D array, got 1D array"),
    X_case("X_scalar", lambda X: np.float64(3.0), ValueError,
           "Expected 2D array, got scalar array", methods=PREDICT),
    X_case("complex_X", lambda X: X + 1j, ValueError, "Complex data not supported"),
    X_case("wrong_n_features", lambda X: X[:, :2], ValueError,
           "X has 2 features, but .* is expecting 3 features",
           methods=("partial_fit",) + PREDICT, continuing=True),
    X_case("frame_other_columns", lambda X: pd.DataFrame(X, columns=["x", "y", "z"]),
           ValueError, "feature names should match those that were passed during fit",
           methods=("partial_fit",) + PREDICT, frame=True, continuing=True),
    X_case("frame_reordered_columns", lambda X: pd.DataFrame(X, columns=["a", "b", "c"])[
        ["c", "a", "b"]], ValueError, "Feature names must be in the same order",
           methods=("partial_fit",) + PREDICT, frame=True, continuing=True),
    # --- y
    y_case("nan_y", _nan_y, ValueError, "Input y(_true)? contains NaN|Input contains NaN"),
    y_case("inf_y", lambda y, k: np.r_[np.inf, y[1:]], ValueError,
           "Input y contains infinity", methods=FIT, kinds=("reg",)),
    y_case("y_3d", lambda y, k: y.reshape(-1, 1, 1), ValueError,
           "dim 3|can't handle a mix of unknown"),
    y_case("y_wrong_length", lambda y, k: y[:-4], ValueError,
           "inconsistent numbers of samples"),
    y_case("y_none", lambda y, k: None, ValueError, "requires y to be passed|y_true",
           methods=("fit",)),
    y_case("single_class", lambda y, k: np.zeros_like(y), ValueError,
           "at least 2 classes in the data, but the data contains only one class",
           methods=("fit",), kinds=("clf",)),
    Case("one_sample_classifier", lambda k: {"X": _data(k)[0][:1], "y": _data(k)[1][:1]},
         ValueError, "at least 2 classes", ("fit",), ("clf",)),
    y_case("continuous_y_classifier", lambda y, k: np.linspace(0, 1, y.size), ValueError,
           "Unknown label type: continuous", methods=("fit",), kinds=("clf",)),
    y_case("multiclass_multioutput_y", lambda y, k: np.c_[y, (y + 1) % 3], ValueError,
           "multiclass-multioutput.*use a 1-D y of labels, or a 0/1 multilabel",
           methods=FIT, kinds=("clf",)),
    y_case("string_y_regressor", lambda y, k: np.array(["a"] * y.size), ValueError,
           "(X and )?y must be numeric.*could not convert string", methods=FIT, kinds=("reg",)),
    y_case("mixed_label_types", lambda y, k: np.array([1, "a"] * (y.size // 2), dtype=object),
           ValueError, "Unknown label type", methods=("fit",), kinds=("clf",)),
    y_case("extra_outputs_continuing", lambda y, k: np.c_[y, y], ValueError,
           "y has 2 outputs, the network was fitted on 1", methods=("partial_fit",),
           kinds=("reg",), continuing=True),
    Case("poisson_negative_y",
         lambda k: {"X": _data(k)[0], "y": _data(k)[1], "params": {"loss": "poisson"}},
         ValueError, "negative which is not allowed for loss='poisson'.*needs y >= 0", FIT,
         ("reg",)),
    # --- sample_weight
    sw_case("sw_negative", lambda n: -np.ones(n), ValueError,
            "Negative values in data passed to sample_weight"),
    sw_case("sw_nan", lambda n: np.full(n, np.nan), ValueError,
            "sample_weight contains NaN|Input sample_weight contains NaN",
            methods=FIT + ("score",)),
    sw_case("sw_inf", lambda n: np.r_[np.inf, np.ones(n - 1)], ValueError,
            "sample_weight contains NaN or infinity"),
    sw_case("sw_wrong_length", lambda n: np.ones(n - 1), ValueError,
            r"sample_weight.shape == \(23,\), expected \(24,\)|inconsistent numbers of samples",
            methods=FIT + ("score",)),
    sw_case("sw_2d", lambda n: np.ones((n, 1)), ValueError,
            r"sample_weight.shape == \(24, 1\), expected \(24,\)"),
    sw_case("sw_all_zero", lambda n: np.zeros(n), ValueError,
            "sample_weight sums to zero|at least one non-zero", methods=FIT + ("score",)),
    sw_case("sw_strings", lambda n: np.array(["w"] * n), ValueError,
            "sample_weight must be an array of numbers"),
    # --- partial_fit's classes
    Case("partial_fit_first_call_without_classes",
         lambda k: {"X": _data(k)[0], "y": _data(k)[1], "classes": None},
         ValueError, "classes must be passed on the first call to partial_fit",
         ("partial_fit",), ("clf",), fresh=True),
    Case("partial_fit_y_outside_classes",
         lambda k: {"X": _data(k)[0], "y": _data(k)[1], "classes": [0, 1]},
         ValueError, r"y contains labels \[2\] that are not in classes=\[0 1\]",
         ("partial_fit",), ("clf",), fresh=True),
    Case("partial_fit_unknown_class",
         lambda k: {"X": _data(k)[0][:4], "y": np.array([0, 1, 5, 5])},
         ValueError, r"y has classes not in self.classes_: \[5\].*pass every class in classes=",
         ("partial_fit",), ("clf",), continuing=True),
    Case("partial_fit_changed_classes",
         lambda k: {"X": _data(k)[0], "y": _data(k)[1], "classes": [0, 1, 2, 3]},
         ValueError, "not the same as on the first call to partial_fit",
         ("partial_fit",), ("clf",), continuing=True),
    Case("partial_fit_early_stopping",
         lambda k: {"X": _data(k)[0], "y": _data(k)[1], "params": {"early_stopping": True},
                    **({"classes": [0, 1, 2]} if k == "clf" else {})},
         ValueError, "partial_fit does not support early_stopping=True", ("partial_fit",)),
    param_case("partial_fit_lbfgs", {"solver": "lbfgs"},
               "partial_fit is only available for the stochastic solvers 'sgd' and 'adam', "
               "not solver='lbfgs'.*use fit", exc=AttributeError, methods=("partial_fit",)),
    # --- warm_start continuing a different network
    y_case("warm_start_other_classes", lambda y, k: y % 2, ValueError,
           "warm_start can only be used where y has the same classes", methods=("fit",),
           kinds=("clf",), extra={"warm_start": True}, continuing=True),
    param_case("warm_start_other_n_hidden", {"warm_start": True, "n_hidden": 5},
               "n_hidden=5 or the hidden activation changed since the last fit",
               exc=ValueError, methods=("fit",), continuing=True),
    # --- every parameter outside its range
    param_case("n_hidden_0", {"n_hidden": 0}, r"n_hidden=0 is not valid: .*integer >= 1"),
    param_case("n_hidden_negative", {"n_hidden": -3}, r"n_hidden=-3 .*integer >= 1"),
    param_case("n_hidden_float", {"n_hidden": 2.5}, r"n_hidden=2.5 .*integer >= 1"),
    param_case("n_hidden_str", {"n_hidden": "8"}, r"n_hidden='8' .*integer >= 1"),
    param_case("n_hidden_bool", {"n_hidden": True}, r"n_hidden=True .*integer >= 1"),
    param_case("n_hidden_none", {"n_hidden": None}, r"n_hidden=None .*integer >= 1"),
    param_case("hidden_activation_unknown", {"hidden_activation": "nope"},
               r"hidden_activation='nope' is not a known activation; use one of \[.*'relu'"),
    param_case("hidden_activation_step", {"hidden_activation": "step"},
               r"hidden_activation='step' cannot be trained.*use one of"),
    param_case("hidden_activation_int", {"hidden_activation": 3},
               r"hidden_activation=3 is not a known activation"),
    param_case("hidden_activation_one_callable", {"hidden_activation": (np.tanh,)},
               r"a custom activation is a pair \(g, g_grad\) of callables"),
    param_case("hidden_activation_wrong_derivative",
               {"hidden_activation": (np.tanh, _wrong_grad)},
               "g_grad does not match central differences", exc=ValueError),
    param_case("leaky_slope_negative", {"leaky_slope": -0.1}, r"leaky_slope=-0.1 .*\[0, 1\)"),
    param_case("leaky_slope_one", {"leaky_slope": 1.0}, r"leaky_slope=1.0 .*\[0, 1\)"),
    param_case("output_activation_linear_classifier", {"output_activation": "linear"},
               "output_activation='linear' is not valid for a classifier: use one of",
               kinds=("clf",)),
    param_case("output_activation_softmax_regressor", {"output_activation": "softmax"},
               "output_activation='softmax' is not valid for a regressor: use one of",
               kinds=("reg",)),
    param_case("output_activation_unmatched", {"loss": "poisson", "output_activation": "linear"},
               "output_activation='linear' does not match loss='poisson'", kinds=("reg",)),
    param_case("loss_unknown", {"loss": "absolute_error"},
               r"loss='absolute_error' is not valid: loss must be one of \['poisson', "
               "'squared_error'\\]", kinds=("reg",)),
    param_case("solver_unknown", {"solver": "newton"},
               r"solver='newton' is not valid: solver must be one of \['adam', 'lbfgs', 'sgd'\]",
               methods=("fit",)),
    param_case("solver_unknown_partial_fit", {"solver": "newton"},
               r"not solver='newton': 'newton' is not a solver \(use one of \['adam', 'sgd', "
               r"'lbfgs'\]\)", exc=AttributeError, methods=("partial_fit",)),
    param_case("alpha_negative", {"alpha": -1}, r"alpha=-1 is not valid: .*\[0, inf\]"),
    param_case("alpha_nan", {"alpha": float("nan")}, r"alpha=nan .*finite real"),
    param_case("alpha_inf", {"alpha": float("inf")}, r"alpha=inf .*finite real"),
    param_case("alpha_str", {"alpha": "0.1"}, r"alpha='0.1' .*finite real"),
    param_case("batch_size_0", {"batch_size": 0}, r"batch_size=0 .*'auto' or an integer >= 1"),
    param_case("batch_size_negative", {"batch_size": -1}, r"batch_size=-1 .*'auto' or"),
    param_case("batch_size_float", {"batch_size": 2.5}, r"batch_size=2.5 .*'auto' or"),
    param_case("batch_size_str", {"batch_size": "all"}, r"batch_size='all' .*'auto' or"),
    param_case("learning_rate_unknown", {"learning_rate": "optimal"},
               r"learning_rate='optimal' .*one of \['adaptive', 'constant', 'invscaling'\]"),
    param_case("learning_rate_init_0", {"learning_rate_init": 0},
               r"learning_rate_init=0 is not valid: .*\(0, inf\]"),
    param_case("learning_rate_init_negative", {"learning_rate_init": -0.1},
               r"learning_rate_init=-0.1 .*\(0, inf\]"),
    param_case("power_t_negative", {"power_t": -0.5}, r"power_t=-0.5 .*\[0, inf\]"),
    param_case("max_iter_0", {"max_iter": 0}, r"max_iter=0 .*integer >= 1"),
    param_case("max_iter_float", {"max_iter": 1.5}, r"max_iter=1.5 .*integer >= 1"),
    param_case("shuffle_str", {"shuffle": "yes"}, r"shuffle='yes' .*True or False"),
    param_case("random_state_str", {"random_state": "seed"},
               "'seed' cannot be used to seed a numpy.random.RandomState", exc=ValueError),
    param_case("tol_negative", {"tol": -1.0}, r"tol=-1.0 .*\[0, inf\]"),
    param_case("verbose_negative", {"verbose": -1}, r"verbose=-1 .*bool or an integer >= 0"),
    param_case("warm_start_none", {"warm_start": None}, r"warm_start=None .*True or False"),
    param_case("momentum_negative", {"momentum": -0.1}, r"momentum=-0.1 .*\[0, 1\]"),
    param_case("momentum_above_1", {"momentum": 1.1}, r"momentum=1.1 .*\[0, 1\]"),
    param_case("nesterovs_momentum_str", {"nesterovs_momentum": "no"},
               r"nesterovs_momentum='no' .*True or False"),
    param_case("early_stopping_int", {"early_stopping": 1}, r"early_stopping=1 .*True or False",
               methods=("fit",)),
    param_case("validation_fraction_1", {"validation_fraction": 1},
               r"validation_fraction=1 is not valid: .*\[0, 1\)"),
    param_case("validation_fraction_1_early_stopping",
               {"validation_fraction": 1, "early_stopping": True},
               r"validation_fraction=1 .*\(0, 1\)", methods=("fit",)),
    param_case("validation_fraction_0_early_stopping",
               {"validation_fraction": 0.0, "early_stopping": True},
               r"validation_fraction=0.0 .*\(0, 1\)", methods=("fit",)),
    param_case("validation_fraction_negative", {"validation_fraction": -0.1},
               r"validation_fraction=-0.1 .*\[0, 1\)"),
    param_case("validation_set_too_small", {"early_stopping": True, "validation_fraction": 0.01},
               r"validation set is too small \(1 samples\): increase validation_fraction",
               exc=ValueError, methods=("fit",)),
    param_case("beta_1_one", {"beta_1": 1}, r"beta_1=1 .*\[0, 1\)"),
    param_case("beta_2_one", {"beta_2": 1.0}, r"beta_2=1.0 .*\[0, 1\)"),
    param_case("beta_2_negative", {"beta_2": -0.1}, r"beta_2=-0.1 .*\[0, 1\)"),
    param_case("epsilon_0", {"epsilon": 0}, r"epsilon=0 .*\(0, inf\]"),
    param_case("n_iter_no_change_0", {"n_iter_no_change": 0}, r"n_iter_no_change=0 .*>= 1"),
    param_case("max_fun_0", {"max_fun": 0}, r"max_fun=0 .*integer >= 1"),
    param_case("dtype_float16", {"dtype": "float16"},
               r"dtype='float16' is not valid: .*'float32' or 'float64'"),
    param_case("dtype_int", {"dtype": int}, r"dtype=<class 'int'> .*'float32' or 'float64'"),
    param_case("class_weight_str", {"class_weight": "auto"},
               r"class_weight='auto' is not valid: use None, 'balanced' or a dict",
               kinds=("clf",)),
    param_case("class_weight_int", {"class_weight": 3}, r"class_weight=3 is not valid",
               kinds=("clf",)),
    param_case("class_weight_unknown_label", {"class_weight": {7: 1.0}},
               r"class_weight=\{7: 1.0\}: The classes, \[0, 1, 2\], are not in class_weight",
               exc=ValueError, kinds=("clf",)),
]


def _matrix():
    for case in CASES:
        for kind in case.kinds:
            for method in case.methods:
                if method == "predict_proba" and kind == "reg":
                    continue
                yield pytest.param(case, kind, method, id=f"{case.name}-{kind}-{method}")


def _copy(value):
    return copy.deepcopy(value)


def _assert_unchanged(original, now):
    assert type(original) is type(now)
    if isinstance(original, pd.DataFrame):
        pd.testing.assert_frame_equal(original, now)
    elif sp.issparse(original):
        assert original.format == now.format and original.dtype == now.dtype
        assert_array_equal(original.toarray(), now.toarray())  # NaN == NaN here
    elif isinstance(original, np.ndarray):
        assert original.dtype == now.dtype and original.shape == now.shape
        if original.dtype == object:
            assert all(a == b for a, b in zip(original.ravel(), now.ravel(), strict=True))
        else:
            assert_array_equal(original, now)  # NaN == NaN here
    else:
        assert original == now or (np.isnan(original) and np.isnan(now))


def _call(est, method, args):
    X, y = args.get("X"), args.get("y")
    sw = {"sample_weight": args["sample_weight"]} if "sample_weight" in args else {}
    if method == "fit":
        return est.fit(X, y, **sw)
    if method == "partial_fit":
        classes = {"classes": args["classes"]} if "classes" in args else {}
        if isinstance(est, ShallowNetClassifier) and not est.__sklearn_is_fitted__():
            classes.setdefault("classes", [0, 1, 2])
        return est.partial_fit(X, y, **sw, **classes)
    if method == "score":
        return est.score(X, y, **sw)
    return getattr(est, method)(X)


def _predictions(est, kind):
    X, _ = _data(kind)
    if est.__dict__.get("feature_names_in_") is not None:
        X = pd.DataFrame(X, columns=est.feature_names_in_)
    out = [est.predict(X)]
    if kind == "clf":
        out.append(est.predict_proba(X))
    return out


@pytest.mark.parametrize("case, kind, method", list(_matrix()))
def test_bad_input_is_refused(case, kind, method):
    args = case.make(kind)
    params = {**case.extra, **args.pop("params", {})}
    saved = {name: _copy(value) for name, value in args.items()}

    targets = []
    if not case.fresh:
        fitted = _fitted(kind, frame=case.frame)
        targets.append(("fitted", fitted, _predictions(fitted, kind)))
    if case.fresh or (method in FIT and not case.continuing):
        targets.append(("fresh", ESTIMATORS[kind](**SMALL), None))
    if method in PREDICT and case.fresh:
        pytest.fail("a predict-side case needs a fitted estimator")

    for label, est, before in targets:
        if label == "fresh" and method not in FIT:
            continue
        est.set_params(**params)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)
            with pytest.raises(case.exc, match=case.match) as info:
                _call(est, method, args)
        if case.exc is InvalidParameterError:
            assert isinstance(info.value, ValueError) and isinstance(info.value, TypeError)
        for name, value in args.items():
            _assert_unchanged(saved[name], value)
        if before is None:
            assert not est.__sklearn_is_fitted__(), f"{label}: a failed first fit left state"
            with pytest.raises(NotFittedError):
                est.predict(_data(kind)[0])
        else:
            for old, new in zip(before, _predictions(est, kind), strict=True):
                assert_array_equal(old, new, strict=True)


def test_partial_fit_with_lbfgs_is_absent_not_a_silent_full_fit():
    for Est in ESTIMATORS.values():
        est = Est(solver="lbfgs", **SMALL)
        assert not hasattr(est, "partial_fit")
        X, y = _data("clf" if Est is ShallowNetClassifier else "reg")
        with pytest.raises(AttributeError, match="use fit"):
            est.partial_fit(X, y)
        assert not est.__sklearn_is_fitted__()


UNFITTED = [
    (kind, method)
    for kind in ESTIMATORS
    for method in ("predict", "predict_proba", "predict_log_proba", "score",
                   "decision_function", "hidden_activations")
    if hasattr(ESTIMATORS[kind], method)
]


@pytest.mark.parametrize("kind, method", UNFITTED)
def test_unfitted_estimator_raises_not_fitted(kind, method):
    est = ESTIMATORS[kind]()
    X, y = _data(kind)
    with pytest.raises(NotFittedError, match="is not fitted yet. Call 'fit'"):
        getattr(est, method)(*((X, y) if method == "score" else (X,)))


@pytest.mark.parametrize("Est", list(ESTIMATORS.values()), ids=list(ESTIMATORS))
def test_unknown_parameter_names(Est):
    with pytest.raises(TypeError, match="unexpected keyword argument 'n_hiden'"):
        Est(n_hiden=3)
    with pytest.raises(ValueError, match=re.escape("Invalid parameter 'n_hiden' for estimator")):
        Est().set_params(n_hiden=3)


# --- inputs that are accepted by conversion ----------------------------------------------

ACCEPTED = {
    "bool_X": lambda X: X > 0,
    "int_X": lambda X: np.round(3 * X).astype(np.int64),
    "float16_X": lambda X: X.astype(np.float16),
    "one_feature": lambda X: X[:, :1],
    "coo_sparse": lambda X: sp.coo_matrix(X),
    "list_of_lists": lambda X: X.tolist(),
    "fortran_order": np.asfortranarray,
}


def _as_float64(X):
    if sp.issparse(X):
        return sp.csr_matrix(X, dtype=np.float64)
    return np.asarray(X, dtype=np.float64)


@pytest.mark.parametrize("kind", ["clf", "reg"])
@pytest.mark.parametrize("name", list(ACCEPTED))
def test_accepted_inputs_convert_like_float64(name, kind):
    X, y = _data(kind)
    X = ACCEPTED[name](X)
    saved = _copy(X)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        est = ESTIMATORS[kind](**SMALL).fit(X, y)
        reference = ESTIMATORS[kind](**SMALL).fit(_as_float64(X), y)
    assert est._flat.dtype == np.float64
    assert_array_equal(est.predict(X), reference.predict(_as_float64(X)), strict=True)
    if isinstance(saved, list):
        assert saved == X
    else:
        _assert_unchanged(saved, X)


def test_one_sample_regression_fits():
    X, y = _data("reg")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        est = ShallowNetRegressor(**SMALL).fit(X[:1], y[:1])
    assert est.predict(X).shape == (N_SAMPLES,)
    assert np.isfinite(est.predict(X)).all()


@pytest.mark.parametrize("kind", ["clf", "reg"])
@pytest.mark.parametrize("solver", ["adam", "lbfgs"])
def test_successful_fit_leaves_caller_arrays_untouched(kind, solver):
    """The good path too: X, y and sample_weight are never written to, nor kept."""
    X, y = _data(kind)
    sw = np.linspace(0.5, 2.0, N_SAMPLES)
    saved = [X.copy(), y.copy(), sw.copy()]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        est = ESTIMATORS[kind](solver=solver, **SMALL).fit(X, y, sample_weight=sw)
        if solver != "lbfgs":
            est.partial_fit(X, y, sample_weight=sw)
    est.predict(X)
    est.score(X, y, sample_weight=sw)
    for old, new in zip(saved, [X, y, sw], strict=True):
        assert_array_equal(old, new, strict=True)
    for value in est.__dict__.values():
        for array in (X, y, sw):
            assert value is not array


@pytest.mark.parametrize("kind", ["clf", "reg"])
@pytest.mark.parametrize("params", [{"solver": "sgd"}, {"solver": "adam", "warm_start": True},
                                    {"solver": "lbfgs"}], ids=["sgd", "adam-warm", "lbfgs"])
def test_refit_failing_after_training_leaves_the_estimator_byte_identical(kind, params):
    """The latest failure point: the solver ran, then the ConvergenceWarning is an error."""
    X, y = _data(kind)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        est = ESTIMATORS[kind](**{**SMALL, **params}).fit(X, y)
        if params["solver"] != "lbfgs":
            est.partial_fit(X, y)
    before = pickle.dumps(est)
    with warnings.catch_warnings():
        warnings.simplefilter("error", ConvergenceWarning)
        with pytest.raises(ConvergenceWarning):
            est.fit(X, y)
    assert pickle.dumps(est) == before
