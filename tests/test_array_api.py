"""Training where the data is: torch and array-api-strict arrays under scikit-learn's dispatch.

With ``array_api_dispatch`` on, a fit computes in X's namespace and on its
device; initial weights, batch order and the early-stopping split are drawn on
the host, so the same ``random_state`` gives the same model as NumPy: float64
loss curves to 1e-8, predictions to 1e-7. torch runs on the CPU here (the GPU
figures are benchmarks/bench_gpu.py's); tests that need torch are skipped
where it is not installed, array-api-strict runs everywhere.
"""

import os
import pickle
import warnings

import array_api_compat
import numpy as np
import pytest
import scipy.sparse as sp
import sklearn
from sklearn.callback import ScoringMonitor
from sklearn.datasets import make_classification, make_regression
from sklearn.exceptions import ConvergenceWarning

from sk_shallow import ShallowNetClassifier, ShallowNetRegressor
from sk_shallow._arrays import _bound
from sk_shallow.activations import ACTIVATIONS

array_api_strict = pytest.importorskip("array_api_strict")

NAMESPACES = ["array_api_strict", pytest.param("torch", marks=pytest.mark.torch)]
# where the torch tests put their tensors: the CPU, or a GPU where one is (the device check)
TORCH_DEVICE = os.environ.get("SK_SHALLOW_TORCH_DEVICE", "cpu")
SOLVERS = ["adam", "sgd", "lbfgs"]


def xp_module(name):
    return pytest.importorskip(name)


def to_xp(name, A, dtype=None, device=None):
    """A NumPy array in namespace ``name`` (on its CPU device, or ``device``)."""
    if A is None:
        return None
    xp = xp_module(name)
    if name == "torch" and device is None:
        device = TORCH_DEVICE
    return xp.asarray(np.ascontiguousarray(A), dtype=dtype, device=device)


def to_np(A):
    if isinstance(A, np.ndarray):
        return A
    if hasattr(A, "detach"):
        return A.detach().cpu().numpy()
    return np.from_dlpack(A)


def namespace_name(A):
    module = type(A).__module__
    return "torch" if module.startswith("torch") else module.split(".")[0]


def quiet_fit(est, *args, **kwargs):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        return est.fit(*args, **kwargs)


def fit_both(name, est, X, y, sample_weight=None, **fit_params):
    """The estimator fitted on NumPy, and a clone fitted on namespace ``name`` with dispatch."""
    reference = quiet_fit(sklearn.clone(est), X, y, sample_weight=sample_weight, **fit_params)
    on_xp = sklearn.clone(est)
    with sklearn.config_context(array_api_dispatch=True):
        quiet_fit(on_xp, to_xp(name, X), to_xp(name, y), sample_weight=to_xp(name, sample_weight),
                  **fit_params)
    return reference, on_xp


def predict_both(reference, on_xp, name, X, method="predict"):
    with sklearn.config_context(array_api_dispatch=True):
        got = getattr(on_xp, method)(to_xp(name, X))
    return getattr(reference, method)(X), got


def assert_same_model(reference, on_xp, name, X, methods=("predict",)):
    np.testing.assert_allclose(on_xp.loss_curve_, reference.loss_curve_, rtol=0, atol=1e-8)
    for method in methods:
        expected, got = predict_both(reference, on_xp, name, X, method)
        assert namespace_name(got) == name, method
        np.testing.assert_allclose(to_np(got), expected, rtol=0, atol=1e-7, err_msg=method)


@pytest.fixture(scope="module")
def multiclass():
    return make_classification(n_samples=150, n_features=6, n_informative=4, n_classes=3,
                               random_state=0)


@pytest.fixture(scope="module")
def regression():
    X, y = make_regression(n_samples=150, n_features=5, noise=0.5, random_state=0)
    return X, y / y.std()


# --------------------------------------------------------------- same random_state, same model
@pytest.mark.parametrize("name", NAMESPACES)
@pytest.mark.parametrize("solver", SOLVERS)
def test_classifier_is_the_same_model_on_every_namespace(name, solver, multiclass):
    X, y = multiclass
    est = ShallowNetClassifier(n_hidden=8, solver=solver, max_iter=8, batch_size=32,
                               random_state=0)
    reference, on_xp = fit_both(name, est, X, y)
    assert_same_model(reference, on_xp, name, X,
                      ("predict_proba", "predict_log_proba", "decision_function", "predict"))


@pytest.mark.parametrize("name", NAMESPACES)
@pytest.mark.parametrize("solver", SOLVERS)
def test_regressor_is_the_same_model_on_every_namespace(name, solver, regression):
    X, y = regression
    est = ShallowNetRegressor(n_hidden=8, solver=solver, max_iter=8, batch_size=32,
                              random_state=0)
    reference, on_xp = fit_both(name, est, X, y)
    assert_same_model(reference, on_xp, name, X, ("predict",))


@pytest.mark.parametrize("name", NAMESPACES)
@pytest.mark.parametrize("hidden", sorted(ACTIVATIONS) + ["custom"])
def test_every_hidden_activation_trains_alike(name, hidden, multiclass):
    X, y = multiclass
    if hidden == "custom":  # written with operators only, so any namespace runs it
        hidden = (lambda Z: Z / (1 + Z * Z) ** 0.5,
                  lambda Z, A: (1 + Z * Z) ** -1.5)
    est = ShallowNetClassifier(n_hidden=6, hidden_activation=hidden, max_iter=4, batch_size=50,
                               random_state=0)
    reference, on_xp = fit_both(name, est, X, y)
    assert_same_model(reference, on_xp, name, X, ("predict_proba",))


@pytest.mark.parametrize("name", NAMESPACES)
@pytest.mark.parametrize("target", ["binary", "multilabel", "ovr-sigmoid", "poisson",
                                    "two-outputs"])
def test_every_output_and_loss_trains_alike(name, target, multiclass, regression):
    X, y = multiclass
    if target == "binary":
        est, y = ShallowNetClassifier(n_hidden=5, max_iter=4, random_state=0), y % 2
    elif target == "multilabel":
        est = ShallowNetClassifier(n_hidden=5, max_iter=4, random_state=0)
        y = np.column_stack([y == 0, y == 1, X[:, 0] > 0]).astype(int)
    elif target == "ovr-sigmoid":
        est = ShallowNetClassifier(n_hidden=5, output_activation="sigmoid", max_iter=4,
                                   random_state=0)
    elif target == "poisson":
        X, y = regression
        est = ShallowNetRegressor(n_hidden=5, loss="poisson", max_iter=4, random_state=0)
        y = np.round(np.exp(y / 2))
    else:
        X, y = regression
        est = ShallowNetRegressor(n_hidden=5, max_iter=4, random_state=0)
        y = np.column_stack([y, -y])
    reference, on_xp = fit_both(name, est, X, y)
    assert_same_model(reference, on_xp, name, X)


@pytest.mark.parametrize("name", NAMESPACES)
def test_sample_and_class_weights_train_alike(name, multiclass):
    X, y = multiclass
    weights = np.random.RandomState(0).uniform(0, 2, len(y))
    est = ShallowNetClassifier(n_hidden=5, max_iter=4, class_weight="balanced", random_state=0)
    reference, on_xp = fit_both(name, est, X, y, sample_weight=weights)
    assert_same_model(reference, on_xp, name, X, ("predict_proba",))


@pytest.mark.parametrize("name", NAMESPACES)
@pytest.mark.parametrize("Estimator", [ShallowNetClassifier, ShallowNetRegressor])
def test_early_stopping_splits_and_scores_alike(name, Estimator, multiclass, regression):
    X, y = multiclass if Estimator is ShallowNetClassifier else regression
    est = Estimator(n_hidden=5, max_iter=6, early_stopping=True, random_state=0)
    reference, on_xp = fit_both(name, est, X, y)
    np.testing.assert_allclose(on_xp.validation_scores_, reference.validation_scores_,
                               rtol=0, atol=1e-8)
    assert_same_model(reference, on_xp, name, X)


@pytest.mark.parametrize("name", NAMESPACES)
def test_warm_start_and_partial_fit_continue_alike(name, multiclass):
    X, y = multiclass
    reference, on_xp = fit_both(name, ShallowNetClassifier(n_hidden=5, max_iter=3,
                                                           warm_start=True, random_state=0),
                                X, y)
    quiet_fit(reference, X, y)
    with sklearn.config_context(array_api_dispatch=True):
        quiet_fit(on_xp, to_xp(name, X), to_xp(name, y))
        on_xp.partial_fit(to_xp(name, X), to_xp(name, y))
    reference.partial_fit(X, y)
    assert_same_model(reference, on_xp, name, X, ("predict_proba",))


@pytest.mark.parametrize("name", NAMESPACES)
def test_callbacks_see_each_epoch(name, multiclass):
    X, y = multiclass
    est = ShallowNetClassifier(n_hidden=5, max_iter=3, random_state=0)
    monitor = ScoringMonitor(scoring="accuracy")
    est.set_callbacks(monitor)
    with sklearn.config_context(array_api_dispatch=True):
        quiet_fit(est, to_xp(name, X), to_xp(name, y))
    fit, *epochs = monitor.get_logs().data
    assert len(epochs) == est.n_iter_ == 3  # each epoch's snapshot scored on the device data
    with sklearn.config_context(array_api_dispatch=True):
        assert fit["accuracy"] == pytest.approx(est.score(to_xp(name, X), to_xp(name, y)))
    assert all(0 <= row["accuracy"] <= 1 for row in epochs)


# --------------------------------------------------------------- where results live
@pytest.mark.parametrize("name", NAMESPACES)
def test_every_method_answers_in_x_namespace(name, multiclass):
    X, y = multiclass
    est = ShallowNetClassifier(n_hidden=5, max_iter=2, random_state=0)
    X_xp, y_xp = to_xp(name, X), to_xp(name, y)
    with sklearn.config_context(array_api_dispatch=True):
        quiet_fit(est, X_xp, y_xp)
        assert namespace_name(est._flat) == name
        assert namespace_name(est.coefs_[0]) == namespace_name(est.intercepts_[1]) == name
        assert namespace_name(est.classes_) == name  # y's namespace
        for method in ("predict", "predict_proba", "predict_log_proba", "decision_function",
                       "hidden_activations"):
            assert namespace_name(getattr(est, method)(X_xp)) == name, method
        assert isinstance(est.score(X_xp, y_xp), float)
        est.partial_fit(X_xp, y_xp)


@pytest.mark.parametrize("name", NAMESPACES)
def test_string_labels_stay_numpy(name, multiclass):
    X, y = multiclass
    labels = np.array(["ant", "bee", "cat"])[y]
    est = ShallowNetClassifier(n_hidden=5, max_iter=2, random_state=0)
    with sklearn.config_context(array_api_dispatch=True):
        quiet_fit(est, to_xp(name, X), labels)
        predicted = est.predict(to_xp(name, X))
    assert isinstance(est.classes_, np.ndarray) and isinstance(predicted, np.ndarray)
    assert set(predicted) <= set(labels)


@pytest.mark.parametrize("name", NAMESPACES)
@pytest.mark.parametrize("method", ["predict", "predict_proba", "decision_function",
                                    "hidden_activations", "partial_fit"])
def test_another_namespace_than_fits_is_refused_naming_the_method(name, method, multiclass):
    X, y = multiclass
    est = ShallowNetClassifier(n_hidden=5, max_iter=2, random_state=0)
    with sklearn.config_context(array_api_dispatch=True):
        quiet_fit(est, to_xp(name, X), to_xp(name, y))
        args = (X, y) if method == "partial_fit" else (X,)
        with pytest.raises(ValueError, match=rf"ShallowNetClassifier\.{method}\(\) must use "
                                             "the same namespace"):
            getattr(est, method)(*args)


def test_a_network_on_a_device_refuses_numpy_with_dispatch_off(multiclass):
    X, y = multiclass
    est = ShallowNetClassifier(n_hidden=5, max_iter=2, random_state=0)
    with sklearn.config_context(array_api_dispatch=True):
        quiet_fit(est, to_xp("array_api_strict", X), to_xp("array_api_strict", y))
    with pytest.raises(ValueError, match="array_api_dispatch is off"):
        est.predict(X)


@pytest.mark.torch
def test_dispatch_off_converts_to_numpy_as_before(multiclass):
    X, y = multiclass
    est = ShallowNetClassifier(n_hidden=5, max_iter=3, random_state=0)
    reference = quiet_fit(sklearn.clone(est), X, y)
    # CPU tensors: NumPy takes them as they are; a CUDA tensor it refuses, for
    # scikit-learn's estimators as for ours (torch's "Use Tensor.cpu()" error)
    X_torch, y_torch = to_xp("torch", X, device="cpu"), to_xp("torch", y, device="cpu")
    quiet_fit(est, X_torch, y_torch)  # dispatch off: NumPy inside
    assert isinstance(est._flat, np.ndarray)
    np.testing.assert_array_equal(est.loss_curve_, reference.loss_curve_)
    np.testing.assert_array_equal(est.predict_proba(X_torch), reference.predict_proba(X))


def test_a_device_without_float64_computes_in_float32_and_says_so(multiclass):
    X, y = multiclass
    device = array_api_strict.Device("no_float64")
    est = ShallowNetClassifier(n_hidden=5, max_iter=2, random_state=0)
    with sklearn.config_context(array_api_dispatch=True):
        X_xp = to_xp("array_api_strict", X.astype(np.float32), device=device)
        y_xp = to_xp("array_api_strict", y, device=device)
        with pytest.warns(UserWarning, match="no float64: the network computes in float32"):
            quiet_fit(est.set_params(dtype="float64"), X_xp, y_xp)
        assert est._flat.dtype == array_api_strict.float32
        assert est.predict_proba(X_xp).dtype == array_api_strict.float32


def test_a_device_without_a_hash_gets_one_namespace_per_device():
    """CuPy's ``Device`` defines ``==`` and no hash: the core still keeps one
    namespace per device (the first GPU run failed here, ``unhashable type``)."""

    class Device:  # as cupy.cuda.Device
        def __init__(self, number):
            self.number = number

        def __eq__(self, other):
            return isinstance(other, Device) and other.number == self.number

        def __repr__(self):
            return f"<Device {self.number}>"

    xp = array_api_compat.array_namespace(array_api_strict.asarray([1.0]))
    first = _bound(xp, Device(0))
    assert first.device == Device(0)
    assert _bound(xp, Device(0)) is first
    assert _bound(xp, Device(1)) is not first


def test_sparse_x_stays_numpy_with_dispatch_on(multiclass):
    X, y = multiclass
    est = ShallowNetClassifier(n_hidden=5, max_iter=2, random_state=0)
    with sklearn.config_context(array_api_dispatch=True):
        quiet_fit(est, sp.csr_matrix(X), y)
        assert isinstance(est._flat, np.ndarray)
        assert isinstance(est.predict_proba(sp.csr_matrix(X)), np.ndarray)


@pytest.mark.torch
def test_a_torch_sparse_tensor_is_refused_clearly(multiclass):
    torch = xp_module("torch")
    X, y = multiclass
    X_sparse = torch.asarray(X).to_sparse()
    with (sklearn.config_context(array_api_dispatch=True),
          pytest.raises(TypeError, match="sparse input is taken as a SciPy sparse matrix")):
        ShallowNetClassifier(n_hidden=5, max_iter=2).fit(X_sparse, to_xp("torch", y))


# --------------------------------------------------------------- saving and moving
@pytest.mark.torch
@pytest.mark.parametrize("Estimator", [ShallowNetClassifier, ShallowNetRegressor])
def test_a_pickled_torch_network_loads_as_numpy_and_moves_back(Estimator, multiclass):
    X, y = multiclass
    est = Estimator(n_hidden=5, max_iter=3, random_state=0)
    with sklearn.config_context(array_api_dispatch=True):
        quiet_fit(est, to_xp("torch", X), to_xp("torch", y))
        expected = to_np(est.predict(to_xp("torch", X)))
    loaded = pickle.loads(pickle.dumps(est))
    assert isinstance(loaded._flat, np.ndarray)
    assert isinstance(loaded._optimizer.m, np.ndarray)
    np.testing.assert_allclose(loaded.predict(X), expected, rtol=0, atol=1e-12)
    assert namespace_name(est._flat) == "torch"  # saving left the fitted network where it was
    with sklearn.config_context(array_api_dispatch=True):
        moved = loaded.move_to(to_xp("torch", X[:1]))
        assert moved is loaded and namespace_name(loaded._flat) == "torch"
        np.testing.assert_allclose(to_np(loaded.predict(to_xp("torch", X))), expected, atol=1e-12)
        loaded.partial_fit(to_xp("torch", X), to_xp("torch", y))  # the optimizer moved too


@pytest.mark.torch
def test_a_torch_network_saves_with_skops(tmp_path, multiclass):
    skops_io = pytest.importorskip("skops.io")
    X, y = multiclass
    est = ShallowNetClassifier(n_hidden=5, max_iter=3, random_state=0)
    with sklearn.config_context(array_api_dispatch=True):
        quiet_fit(est, to_xp("torch", X), to_xp("torch", y))
        expected = to_np(est.predict_proba(to_xp("torch", X)))
    path = tmp_path / "net.skops"
    skops_io.dump(est, path)
    loaded = skops_io.load(path, trusted=skops_io.get_untrusted_types(file=path))
    np.testing.assert_allclose(loaded.predict_proba(X), expected, rtol=0, atol=1e-12)


@pytest.mark.torch
def test_copies_stay_on_the_device(multiclass):
    import copy

    X, y = multiclass
    est = ShallowNetClassifier(n_hidden=5, max_iter=2, random_state=0)
    with sklearn.config_context(array_api_dispatch=True):
        quiet_fit(est, to_xp("torch", X), to_xp("torch", y))
    assert namespace_name(copy.deepcopy(est)._flat) == "torch"
    assert copy.copy(est)._flat is est._flat
