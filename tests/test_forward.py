"""The vectorised forward pass equals the lecture's loop over examples."""

import numpy as np
import pytest

from sk_shallow import activations as act
from sk_shallow._network import Layout, hidden_layer, init_params, logits, make_hidden


def forward_one_example(params, x, g):
    """The lecture's per-example equations, for one row x of shape (n_features,)."""
    z1 = params.W1.T @ x + params.b1  # z[1] = W[1] x + b[1], W[1] = W1.T
    a1 = g(z1)
    return params.W2.T @ a1 + params.b2  # z[2] = W[2] a[1] + b[2]


@pytest.mark.parametrize("hidden_name", sorted(act.ACTIVATIONS))
def test_vectorised_forward_equals_per_example_loop(hidden_name, rng):
    layout = Layout(4, 6, 3, hidden_name == "prelu")
    params = init_params(layout, hidden_name, rng, np.float64)
    params.b1[...] = rng.normal(size=6)
    hidden = make_hidden(hidden_name, leaky_slope=0.1, slope=params.slope)

    def g(z):
        return hidden.g(z[None, :])[0]

    X = rng.normal(size=(11, 4))
    looped = np.array([forward_one_example(params, x, g) for x in X])
    np.testing.assert_allclose(logits(params, X, hidden), looped, rtol=1e-12, atol=1e-14)


def test_flat_buffer_views_share_memory(rng):
    layout = Layout(3, 4, 2, True)
    params = init_params(layout, "prelu", rng, np.float64)
    assert params.flat.size == layout.n_params == 3 * 4 + 4 * 2 + 4 + 2 + 4
    for view in (params.W1, params.b1, params.W2, params.b2, params.slope):
        assert np.shares_memory(view, params.flat)
    params.W2[0, 0] = 123.0
    assert 123.0 in params.flat
    np.testing.assert_array_equal(params.slope, 0.25)  # prelu's initial slope


@pytest.mark.parametrize("hidden_name", ["relu", "tanh", "logistic", "identity"])
def test_init_is_random_scaled_and_never_symmetric(hidden_name, rng):
    layout = Layout(50, 40, 3, False)
    params = init_params(layout, hidden_name, rng, np.float64)
    # no two hidden units start equal: symmetric units would never differentiate
    assert np.unique(params.W1, axis=1).shape[1] == 40
    # Glorot for every activation, as scikit-learn's MLP (2 for the logistic)
    bound = np.sqrt((2.0 if hidden_name == "logistic" else 6.0) / (50 + 40))
    assert np.abs(params.W1).max() <= bound
    assert np.abs(params.W1).max() > 0.9 * bound


def test_blocked_logits_equal_one_product(rng, monkeypatch):
    """Predict's blocks of rows give the same logits as one pass over all rows."""
    layout = Layout(3, 5, 2, False)
    params = init_params(layout, "tanh", rng, np.float64)
    X = rng.normal(size=(25, 3))
    hidden = make_hidden("tanh")
    whole = logits(params, X, hidden)
    monkeypatch.setattr("sk_shallow._network.FORWARD_BLOCK_ROWS", 4)
    np.testing.assert_allclose(logits(params, X, hidden), whole, rtol=1e-14)
    Z1 = X @ params.W1 + params.b1
    np.testing.assert_allclose(whole, np.tanh(Z1) @ params.W2 + params.b2, rtol=1e-12)


@pytest.mark.parametrize(("threads", "blocks"), [(1, [4] * 6 + [1]), (2, [8, 8, 8, 1]),
                                                (50, [12, 12, 1])])
def test_predict_blocks_are_a_block_per_blas_thread_up_to_a_cap(threads, blocks, rng,
                                                                 monkeypatch):
    """Each BLAS thread gets FORWARD_BLOCK_ROWS rows of a block (at most MAX_BLOCK_ROWS in all)."""
    from sk_shallow import _network

    params = init_params(Layout(3, 5, 2, False), "relu", rng, np.float64)
    X = rng.normal(size=(25, 3))
    whole = logits(params, X, make_hidden("relu"))
    monkeypatch.setattr(_network, "FORWARD_BLOCK_ROWS", 4)
    monkeypatch.setattr(_network, "MAX_BLOCK_ROWS", 12)
    monkeypatch.setattr(_network.numpy_blas, "threads", lambda: threads)
    rows, forward = [], _network.forward
    monkeypatch.setattr(_network, "forward",
                        lambda params, X, *args: rows.append(X.shape[0]) or forward(params, X, *args))
    np.testing.assert_allclose(logits(params, X, make_hidden("relu")), whole, rtol=1e-14)
    assert rows == blocks


def test_forward_float32_stays_float32(rng):
    layout = Layout(3, 5, 1, False)
    params = init_params(layout, "swish", rng, np.float32)
    X = rng.normal(size=(4, 3)).astype(np.float32)
    assert hidden_layer(params, X, make_hidden("swish")).dtype == np.float32
    assert logits(params, X, make_hidden("swish")).dtype == np.float32


@pytest.mark.parametrize("shift", [-4.0, -1.0, 0.0, 2.0])
@pytest.mark.parametrize("block_rows", [7, 1024])
def test_dead_fraction_is_the_share_of_relu_units_zero_on_every_row(shift, block_rows, rng):
    from sk_shallow._network import dead_fraction, init_params

    layout = Layout(3, 40, 2, False)
    params = init_params(layout, "relu", rng, np.float64)
    params.b1[...] += shift * rng.uniform(0, 2, 40)  # pushes some units below 0 everywhere
    X = rng.normal(size=(3000, 3))
    alive = ((X @ params.W1 + params.b1) > 0).any(axis=0)
    assert dead_fraction(params, X, make_hidden("relu"), block_rows) == (~alive).sum() / 40
