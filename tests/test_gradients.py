"""Backpropagation equals central differences of the objective, for every activation x loss."""

import numpy as np
import pytest
from scipy import sparse

from sk_shallow import activations as act
from sk_shallow._losses import BinaryLogLoss, CrossEntropy, PoissonLoss, SquaredError
from sk_shallow._network import Layout, Workspace, init_params, loss_and_grad, make_hidden

LOSSES = {
    "sigmoid": BinaryLogLoss,
    "softmax": CrossEntropy,
    "linear": SquaredError,
    "exp": PoissonLoss,
}


def relative_error(analytic, numeric):
    return np.max(np.abs(analytic - numeric) / np.maximum(1e-7, np.abs(analytic) + np.abs(numeric)))


def make_problem(output, hidden_name, rng, n_samples=9, n_features=4, n_hidden=5, n_outputs=3):
    X = rng.normal(size=(n_samples, n_features))
    if output == "softmax":
        target = rng.randint(0, n_outputs, n_samples)
    elif output == "sigmoid":
        target = (rng.uniform(size=(n_samples, n_outputs)) < 0.5).astype(float)
    elif output == "linear":
        target = rng.normal(size=(n_samples, n_outputs))
    else:
        target = rng.poisson(1.5, (n_samples, n_outputs)).astype(float)
    layout = Layout(n_features, n_hidden, n_outputs, hidden_name == "prelu")
    params = init_params(layout, hidden_name, rng, np.float64)
    # move biases and prelu slopes off their initial values so their gradients are generic
    params.b1[...] = rng.normal(scale=0.3, size=n_hidden)
    params.b2[...] = rng.normal(scale=0.3, size=n_outputs)
    if params.slope is not None:
        params.slope[...] = rng.uniform(0.05, 0.5, n_hidden)
    return X, target, layout, params


def objective(params, layout, X, target, sw, hidden, loss, alpha):
    grad = layout.empty(np.float64)
    work = Workspace(layout, X.shape[0], np.float64)
    sw_sum = X.shape[0] if sw is None else sw.sum()
    value = loss_and_grad(params, grad, X, target, sw, sw_sum, hidden, loss, alpha, work)
    return value, grad.flat.copy()


def numeric_gradient(params, layout, X, target, sw, hidden, loss, alpha, h=1e-6):
    flat = params.flat
    numeric = np.empty_like(flat)
    for i in range(flat.size):
        saved = flat[i]
        flat[i] = saved + h
        up, _ = objective(params, layout, X, target, sw, hidden, loss, alpha)
        flat[i] = saved - h
        down, _ = objective(params, layout, X, target, sw, hidden, loss, alpha)
        flat[i] = saved
        numeric[i] = (up - down) / (2 * h)
    return numeric


@pytest.mark.parametrize("output", sorted(LOSSES))
@pytest.mark.parametrize("hidden_name", sorted(act.ACTIVATIONS))
@pytest.mark.parametrize("weighted", [False, True], ids=["unweighted", "weighted"])
def test_backward_matches_central_differences(hidden_name, output, weighted, rng):
    X, target, layout, params = make_problem(output, hidden_name, rng)
    sw = rng.uniform(0.2, 3.0, X.shape[0]) if weighted else None
    hidden = make_hidden(hidden_name, leaky_slope=0.05, slope=params.slope)
    loss = LOSSES[output]()
    alpha = 0.3
    # keep every Z1 away from the kinks at 0 so that finite differences are defined
    Z1 = X @ params.W1 + params.b1
    params.b1[...] += np.where(np.abs(Z1).min(axis=0) < 1e-3, 0.01, 0.0)

    _, analytic = objective(params, layout, X, target, sw, hidden, loss, alpha)
    numeric = numeric_gradient(params, layout, X, target, sw, hidden, loss, alpha)
    assert relative_error(analytic, numeric) < 1e-6


def test_l2_term_enters_objective_and_gradient(rng):
    X, target, layout, params = make_problem("linear", "tanh", rng)
    hidden, loss = make_hidden("tanh"), SquaredError()
    plain, grad_plain = objective(params, layout, X, target, None, hidden, loss, 0.0)
    alpha = 2.0
    penalised, grad_penalised = objective(params, layout, X, target, None, hidden, loss, alpha)
    W = np.concatenate([params.W1.ravel(), params.W2.ravel()])
    n = X.shape[0]
    assert penalised - plain == pytest.approx(alpha / (2 * n) * W @ W)
    n_weights = W.size
    np.testing.assert_allclose(grad_penalised[:n_weights] - grad_plain[:n_weights], alpha / n * W)
    # biases are not penalised
    np.testing.assert_allclose(grad_penalised[n_weights:], grad_plain[n_weights:])


def test_weight_two_equals_a_duplicated_row(rng):
    X, target, layout, params = make_problem("softmax", "relu", rng)
    hidden, loss = make_hidden("relu"), CrossEntropy()
    sw = np.ones(X.shape[0])
    sw[2] = 2.0
    weighted = objective(params, layout, X, target, sw, hidden, loss, 0.1)
    X_dup = np.vstack([X, X[2:3]])
    target_dup = np.concatenate([target, target[2:3]])
    duplicated = objective(params, layout, X_dup, target_dup, None, hidden, loss, 0.1)
    assert weighted[0] == pytest.approx(duplicated[0], rel=1e-12)
    np.testing.assert_allclose(weighted[1], duplicated[1], rtol=1e-10, atol=1e-14)


def test_sparse_input_gives_the_dense_gradient(rng):
    X, target, layout, params = make_problem("sigmoid", "elu", rng)
    X[rng.uniform(size=X.shape) < 0.5] = 0.0
    hidden, loss = make_hidden("elu"), BinaryLogLoss()
    dense = objective(params, layout, X, target, None, hidden, loss, 0.1)
    for container in (sparse.csr_matrix, sparse.csc_matrix):
        sparse_result = objective(params, layout, container(X), target, None, hidden, loss, 0.1)
        assert sparse_result[0] == pytest.approx(dense[0], rel=1e-12)
        np.testing.assert_allclose(sparse_result[1], dense[1], rtol=1e-10, atol=1e-14)
