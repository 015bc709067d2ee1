"""sk_shallow.check_gradients: backpropagation against central differences, set up as fit would."""

import inspect
from pathlib import Path

import numpy as np
import pytest
import scipy.sparse as sp
from sklearn.exceptions import ConvergenceWarning
from sklearn.linear_model import LogisticRegression

import sk_shallow
from sk_shallow import ShallowNetClassifier, ShallowNetRegressor, check_gradients
from sk_shallow._network import Workspace, loss_and_grad
from sk_shallow.activations import ACTIVATIONS


def data(target, rng, n_samples=30, n_features=4):
    X = rng.normal(size=(n_samples, n_features))
    if target == "binary":
        return X, np.where(X[:, 0] > 0, "a", "b")
    if target == "multiclass":
        return X, rng.randint(0, 3, n_samples)
    if target == "multilabel":
        return X, (rng.uniform(size=(n_samples, 3)) > 0.5).astype(int)
    if target == "regression":
        return X, rng.normal(size=(n_samples, 2))
    return X, rng.poisson(2.0, n_samples).astype(float)  # poisson


CASES = {
    "binary": lambda **kw: ShallowNetClassifier(**kw),
    "multiclass": lambda **kw: ShallowNetClassifier(**kw),
    "multiclass-ovr": lambda **kw: ShallowNetClassifier(output_activation="sigmoid", **kw),
    "multilabel": lambda **kw: ShallowNetClassifier(**kw),
    "regression": lambda **kw: ShallowNetRegressor(**kw),
    "poisson": lambda **kw: ShallowNetRegressor(loss="poisson", **kw),
}


@pytest.mark.parametrize("case", sorted(CASES))
@pytest.mark.parametrize("hidden", sorted(ACTIVATIONS))
def test_every_activation_and_output_within_1e_6(case, hidden, rng):
    X, y = data(case.split("-")[0], rng)
    est = CASES[case](n_hidden=5, hidden_activation=hidden, alpha=0.3, random_state=0)
    error = check_gradients(est, X, y)
    assert isinstance(error, float)
    assert 0 <= error < 1e-6


def test_weights_sparse_input_and_custom_activation(rng):
    X, y = data("multiclass", rng)
    sw = rng.uniform(0.1, 3, y.size)
    est = ShallowNetClassifier(n_hidden=4, hidden_activation="prelu", alpha=1.0,
                               class_weight="balanced", random_state=1)
    assert check_gradients(est, X, y, sample_weight=sw) < 1e-6
    # mostly zeros, but no all-zero row: those put every unit at z = b1 = 0, the
    # prelu kink, where central differences are wrong (see check_gradients' Notes)
    X_sparse = np.where(X > 0.5, X, 0)
    X_sparse[:, 0] = X[:, 0]
    assert check_gradients(est, sp.csr_matrix(X_sparse), y) < 1e-6
    custom = ShallowNetRegressor(n_hidden=4, hidden_activation=(np.sin, lambda Z, A: np.cos(Z)),
                                 alpha=0.1, random_state=0)
    assert check_gradients(custom, *data("regression", rng)) < 1e-6


def _tanh(Z):
    return np.tanh(Z)


def _tanh_grad_slightly_wrong(Z, A):
    return (1 - A**2) * (1 + 3e-5)  # within fit's 1e-4 activation check, still wrong


def test_detects_a_wrong_gradient(rng):
    X, y = data("binary", rng)
    est = ShallowNetClassifier(n_hidden=5, hidden_activation=(_tanh, _tanh_grad_slightly_wrong),
                               alpha=0.1, max_iter=1, random_state=0)
    with pytest.warns(ConvergenceWarning):  # fit's own check lets the pair through ...
        est.fit(X, y)
    assert check_gradients(est, X, y) > 1e-6  # ... the gradient check does not


def test_starts_from_fits_initial_network(rng):
    # One full-batch plain gradient-descent step: W_fit = W0 - lr * grad(W0). The W0
    # and grad check_gradients works with (from the estimator's _prepare_fit) must
    # give exactly the weights fit produced: same init, encoding and weights.
    X, y = data("multiclass", rng)
    sw = rng.uniform(0.5, 2, y.size)
    lr = 0.1
    est = ShallowNetClassifier(n_hidden=4, hidden_activation="elu", solver="sgd", alpha=0.5,
                               batch_size=y.size, momentum=0, learning_rate_init=lr,
                               max_iter=1, shuffle=False, class_weight={0: 3.0},
                               random_state=7)
    setup = est._prepare_fit(X, y, sw, incremental=False, classes=None)
    W0 = setup.params.flat.copy()
    grad = setup.layout.empty(W0.dtype)
    value = loss_and_grad(setup.params, grad, setup.X, setup.task.target, setup.task.sw,
                          float(setup.task.sw.sum()), setup.hidden, setup.task.loss, 0.5,
                          Workspace(setup.layout, y.size, W0.dtype))
    with pytest.warns(ConvergenceWarning):  # one epoch only
        est.fit(X, y, sample_weight=sw)
    np.testing.assert_allclose(est._flat, W0 - lr * grad.flat, rtol=1e-12, atol=1e-14)
    assert est.loss_curve_[0] == pytest.approx(value, rel=1e-12)


def test_leaves_the_estimator_alone(rng):
    X, y = data("regression", rng)
    est = ShallowNetRegressor(n_hidden=3, solver="lbfgs", max_iter=5, random_state=0)
    check_gradients(est, X, y)
    assert not est.__sklearn_is_fitted__() and not hasattr(est, "n_features_in_")
    with pytest.warns(ConvergenceWarning):
        est.fit(X, y)
    before = est._flat.copy()
    assert check_gradients(est, X[:, :2], y) < 1e-6  # a fresh network for the new X
    np.testing.assert_array_equal(est._flat, before)
    assert est.n_features_in_ == 4


def test_float32_computes_in_float32_unless_told(rng):
    X, y = data("binary", rng)
    X32 = X.astype(np.float32)
    est = ShallowNetClassifier(n_hidden=4, alpha=0.1, random_state=0)
    coarse = check_gradients(est, X32, y, epsilon=1e-3)
    assert 1e-9 < coarse < 1e-1  # float32 rounding shows
    assert check_gradients(est.set_params(dtype="float64"), X32, y) < 1e-6


def test_bad_arguments(rng):
    X, y = data("binary", rng)
    with pytest.raises(TypeError, match="ShallowNetClassifier or ShallowNetRegressor"):
        check_gradients(LogisticRegression(), X, y)
    for epsilon in [0, -1e-6, np.inf, "small", True]:
        with pytest.raises(ValueError, match="epsilon"):
            check_gradients(ShallowNetClassifier(), X, y, epsilon=epsilon)
    with pytest.raises(ValueError, match="n_hidden"):
        check_gradients(ShallowNetClassifier(n_hidden=0), X, y)
    with pytest.raises(ValueError, match="sample_weight"):
        check_gradients(ShallowNetClassifier(), X, y, sample_weight=np.ones(3))


def test_exported_at_top_level():
    assert "check_gradients" in sk_shallow.__all__
    assert sk_shallow.check_gradients is check_gradients


def test_public_api_is_typed_and_links_to_nothing_that_does_not_exist():
    # py.typed marks the package as typed (PEP 561); no documentation is hosted
    # anywhere, so the HTML repr carries no "?" link (scikit-learn's own would 404)
    package = Path(sk_shallow.__file__).parent
    assert (package / "py.typed").is_file()
    for est in [ShallowNetClassifier(), ShallowNetRegressor()]:
        hints = inspect.signature(est.fit).parameters
        assert all(hints[name].annotation is not inspect.Parameter.empty for name in hints)
        assert est._get_doc_link() == ""
        html = est._repr_html_()
        assert "pypi.org" not in html and "scikit-learn.org/stable/modules/generated" not in html
    assert inspect.signature(check_gradients).return_annotation is float
