"""Persistence (pickle, joblib, skops.io), version checks on load, and concurrent use.

skops.io loads only the types the caller trusts; the guide's hardening section (docs/guide.md)
lists sk_shallow's own types, and ``TRUSTED_TYPES`` below is checked against it.
"""

import pickle
import re
import threading
import warnings
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import joblib
import numpy as np
import pandas as pd
import pytest
import skops.io as sio
from numpy.testing import assert_array_equal
from sklearn.exceptions import ConvergenceWarning, InconsistentVersionWarning
from sklearn.model_selection import GridSearchCV

import sk_shallow
from sk_shallow import ShallowNetClassifier, ShallowNetRegressor

TRUSTED_TYPES = [
    "sk_shallow._classifier.ShallowNetClassifier",
    "sk_shallow._regressor.ShallowNetRegressor",
    "sk_shallow._losses.BinaryLogLoss",
    "sk_shallow._losses.CrossEntropy",
    "sk_shallow._losses.SquaredError",
    "sk_shallow._losses.PoissonLoss",
    "sk_shallow._optimizers.SGD",
    "sk_shallow._optimizers.Adam",
    "sk_shallow._solvers.History",
]
GUIDE = Path(__file__).resolve().parents[1] / "docs" / "guide.md"


def _data(task, n_samples=60, n_features=4, seed=0):
    rng = np.random.RandomState(seed)
    X = rng.randn(n_samples, n_features)
    if task == "binary":
        y = (X[:, 0] + X[:, 1] > 0).astype(int)
    elif task == "multiclass":
        y = np.array(["a", "b", "c"])[np.argmax(X[:, :3], axis=1)]
    elif task == "multilabel":
        y = (X[:, :3] > 0).astype(int)
    elif task == "poisson":
        y = rng.poisson(np.exp(0.3 * X[:, 0]))
    else:
        y = X @ np.arange(1.0, n_features + 1) + 0.1 * rng.randn(n_samples)
    return X, y


CONFIGS = {
    "binary-adam-relu": (ShallowNetClassifier, "binary", {}),
    "multiclass-sgd-tanh": (ShallowNetClassifier, "multiclass",
                            {"solver": "sgd", "hidden_activation": "tanh"}),
    "multiclass-ovr-lbfgs": (ShallowNetClassifier, "multiclass",
                             {"solver": "lbfgs", "output_activation": "sigmoid"}),
    "multilabel-prelu": (ShallowNetClassifier, "multilabel", {"hidden_activation": "prelu"}),
    "regression-early-stopping": (ShallowNetRegressor, "regression",
                                  {"early_stopping": True, "hidden_activation": "elu"}),
    "poisson-float32": (ShallowNetRegressor, "poisson",
                        {"loss": "poisson", "dtype": "float32", "hidden_activation": "swish"}),
}


def _fit(name):
    Est, task, params = CONFIGS[name]
    X, y = _data(task)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        est = Est(n_hidden=5, max_iter=15, random_state=0, **params).fit(X, y)
    return est, X, y


def _outputs(est, X):
    out = [est.predict(X)]
    if isinstance(est, ShallowNetClassifier):
        out += [est.predict_proba(X), est.predict_log_proba(X), est.decision_function(X)]
    out.append(est.hidden_activations(X))
    return out


def _assert_same_model(a, b, X):
    for left, right in zip(_outputs(a, X), _outputs(b, X), strict=True):
        assert_array_equal(left, right, strict=True)
    assert a.get_params() == b.get_params()
    assert a.n_iter_ == b.n_iter_ and a.loss_curve_ == b.loss_curve_


def _skops_round_trip(est):
    data = sio.dumps(est)
    return sio.loads(data, trusted=TRUSTED_TYPES)


ROUND_TRIPS = {
    "pickle": lambda est, tmp_path: pickle.loads(pickle.dumps(est)),
    "joblib": lambda est, tmp_path: (joblib.dump(est, tmp_path / "est.joblib"),
                                     joblib.load(tmp_path / "est.joblib"))[1],
    "skops": lambda est, tmp_path: _skops_round_trip(est),
}


@pytest.mark.parametrize("how", list(ROUND_TRIPS))
@pytest.mark.parametrize("name", list(CONFIGS))
def test_round_trip_predicts_identically(name, how, tmp_path):
    est, X, _ = _fit(name)
    with warnings.catch_warnings():
        warnings.simplefilter("error", InconsistentVersionWarning)
        loaded = ROUND_TRIPS[how](est, tmp_path)
    assert type(loaded) is type(est) and loaded is not est
    _assert_same_model(est, loaded, X)
    assert loaded._flat.dtype == est._flat.dtype
    assert "_sk_shallow_version" not in loaded.__dict__


@pytest.mark.parametrize("how", list(ROUND_TRIPS))
def test_loaded_stochastic_estimator_continues_like_the_original(how, tmp_path):
    """The optimizer's moments and the history are saved too: partial_fit goes on identically."""
    est, X, y = _fit("multiclass-sgd-tanh")
    loaded = ROUND_TRIPS[how](est, tmp_path)
    est.partial_fit(X, y)
    loaded.partial_fit(X, y)
    _assert_same_model(est, loaded, X)


@pytest.mark.parametrize("Est", [ShallowNetClassifier, ShallowNetRegressor])
def test_unfitted_estimator_round_trips(Est):
    est = Est(n_hidden=3, alpha=0.5)
    for loaded in (pickle.loads(pickle.dumps(est)), _skops_round_trip(est)):
        assert loaded.get_params() == est.get_params()
        assert not loaded.__sklearn_is_fitted__()


@pytest.mark.parametrize("name", list(CONFIGS))
def test_skops_untrusted_types_are_only_sk_shallow_types(name):
    est, _, _ = _fit(name)
    untrusted = sio.get_untrusted_types(data=sio.dumps(est))
    assert untrusted, "skops must still ask the caller to trust the estimator's own types"
    assert set(untrusted) <= set(TRUSTED_TYPES)
    assert all(t.startswith("sk_shallow.") for t in untrusted)
    # nothing loads without trusting them
    with pytest.raises(sio.exceptions.UntrustedTypesFoundException):
        sio.loads(sio.dumps(est), trusted=[])


def _custom_g(Z):
    return np.tanh(Z)


def _custom_g_grad(Z, A):
    return 1 - A * A


def test_skops_flags_a_custom_activation_as_untrusted_code():
    X, y = _data("binary")
    est = ShallowNetClassifier(n_hidden=3, max_iter=5, hidden_activation=(_custom_g, _custom_g_grad),
                               random_state=0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        est.fit(X, y)
    untrusted = set(sio.get_untrusted_types(data=sio.dumps(est)))
    foreign = untrusted - set(TRUSTED_TYPES)
    assert foreign == {f"{__name__}._custom_g", f"{__name__}._custom_g_grad"}
    loaded = sio.loads(sio.dumps(est), trusted=sorted(untrusted))
    _assert_same_model(est, loaded, X)


def test_guide_lists_exactly_the_trusted_types():
    text = GUIDE.read_text()
    section = text.split("<!-- BEGIN hardening -->")[1].split("<!-- END hardening -->")[0]
    listed = set(re.findall(r"^- `(sk_shallow\.[\w.]+)`$", section, flags=re.MULTILINE))
    assert listed == set(TRUSTED_TYPES)


# --- versions -------------------------------------------------------------------------


def _pickled_with_version(est, version, monkeypatch):
    with monkeypatch.context() as m:
        m.setattr(sk_shallow._version, "__version__", version)
        return pickle.dumps(est)


def _other_major():
    return f"{int(sk_shallow.__version__.split('.')[0]) + 1}.0.0"


def test_state_records_the_sk_shallow_version():
    est, _, _ = _fit("binary-adam-relu")
    assert est.__getstate__()["_sk_shallow_version"] == sk_shallow.__version__
    assert "_sk_shallow_version" not in est.__dict__


@pytest.mark.parametrize("how", ["pickle", "skops"])
def test_other_major_version_is_refused(how, monkeypatch):
    est, _, _ = _fit("binary-adam-relu")
    other = _other_major()
    with monkeypatch.context() as m:
        m.setattr(sk_shallow._version, "__version__", other)
        data = pickle.dumps(est) if how == "pickle" else sio.dumps(est)
    message = (rf"saved with sk_shallow {re.escape(other)}; this is sk_shallow "
               rf"{re.escape(sk_shallow.__version__)}.*only loaded by the major version.*refit")
    with pytest.raises(ValueError, match=message):
        pickle.loads(data) if how == "pickle" else sio.loads(data, trusted=TRUSTED_TYPES)


def test_same_major_other_version_loads_with_a_warning(monkeypatch):
    est, X, _ = _fit("binary-adam-relu")
    major = sk_shallow.__version__.split(".")[0]
    data = _pickled_with_version(est, f"{major}.999.0", monkeypatch)
    with pytest.warns(InconsistentVersionWarning, match=rf"from version {major}\.999\.0 when"):
        loaded = pickle.loads(data)
    _assert_same_model(est, loaded, X)


def test_state_without_a_version_is_refused():
    # every release records its version, so a state without one is not ours to trust
    est, _, _ = _fit("binary-adam-relu")
    state = est.__getstate__()
    del state["_sk_shallow_version"]
    fresh = ShallowNetClassifier.__new__(ShallowNetClassifier)
    with pytest.raises(ValueError, match=r"saved with sk_shallow \(unrecorded\)"):
        fresh.__setstate__(state)


# --- concurrency ----------------------------------------------------------------------


@pytest.mark.parametrize("name", ["multiclass-sgd-tanh", "multilabel-prelu",
                                  "poisson-float32"])
@pytest.mark.parametrize("n_rows", [7, 3000], ids=["fast-path", "validated"])
def test_eight_threads_predict_like_serial_calls(name, n_rows):
    est, _, _ = _fit(name)
    inputs = [_data("regression", n_samples=n_rows, seed=seed)[0] for seed in range(16)]
    inputs[3] = pd.DataFrame(inputs[3])  # a DataFrame without names, in the mix
    serial = [_outputs(est, X) for X in inputs]
    start = threading.Barrier(8)

    def work(i):
        start.wait()  # all 8 threads enter predict together
        return [_outputs(est, inputs[j]) for j in range(i % 2, len(inputs), 2)]

    with ThreadPoolExecutor(max_workers=8) as pool:
        results = list(pool.map(work, range(8)))
    for i, result in enumerate(results):
        for j, outputs in zip(range(i % 2, len(inputs), 2), result, strict=True):
            for got, want in zip(outputs, serial[j], strict=True):
                assert_array_equal(got, want, strict=True)


def test_grid_search_over_activations_with_loky_workers():
    assert type(joblib.parallel.get_active_backend()[0]).__name__ == "LokyBackend"
    X, y = _data("multiclass", n_samples=90)
    grid = {"hidden_activation": ["relu", "tanh", "logistic", "swish"]}
    base = ShallowNetClassifier(n_hidden=6, solver="lbfgs", max_iter=30, random_state=0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        parallel = GridSearchCV(base, grid, cv=2, n_jobs=2, error_score="raise").fit(X, y)
        serial = GridSearchCV(base, grid, cv=2, n_jobs=1, error_score="raise").fit(X, y)
    assert_array_equal(parallel.cv_results_["mean_test_score"],
                       serial.cv_results_["mean_test_score"])
    assert parallel.best_params_ == serial.best_params_
    assert parallel.best_params_["hidden_activation"] in grid["hidden_activation"]
    assert_array_equal(parallel.predict_proba(X), serial.predict_proba(X))
