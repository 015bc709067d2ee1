"""One step of each update rule, worked by hand."""

import numpy as np
import pytest

from sk_shallow import _numpy_blas
from sk_shallow._arrays import NUMPY
from sk_shallow._optimizers import SGD, Adam

# long enough for NumPy's BLAS to take the scaled adds (shorter ones stay ufuncs)
N_LONG = _numpy_blas.SHORTEST + 7


@pytest.fixture(params=["numpy-blas", "ufuncs"])
def scaled_adds(request, monkeypatch):
    """Run a test with the scaled adds in NumPy's BLAS (where bound) and in ufuncs."""
    if request.param == "ufuncs":
        monkeypatch.setattr(_numpy_blas, "_ROUTINES", {})
    elif not _numpy_blas._ROUTINES:
        pytest.skip("this NumPy's BLAS is not bound (not NumPy's bundled OpenBLAS)")
    return request.param


def test_plain_gradient_descent_step():
    theta, grad = np.array([1.0, -2.0]), np.array([0.5, -1.0])
    SGD(2, np.float64, learning_rate_init=0.1, momentum=0).step(theta, grad)
    np.testing.assert_allclose(theta, [1.0 - 0.05, -2.0 + 0.1])


def test_momentum_steps_accumulate_velocity():
    theta, opt = np.zeros(1), SGD(1, np.float64, learning_rate_init=0.1, momentum=0.9,
                                  nesterov=False)
    opt.step(theta, np.array([1.0]))  # v = -0.1
    opt.step(theta, np.array([1.0]))  # v = 0.9 * -0.1 - 0.1 = -0.19
    np.testing.assert_allclose(theta, [-0.1 - 0.19])


def test_nesterov_step_looks_ahead():
    theta, opt = np.zeros(1), SGD(1, np.float64, learning_rate_init=0.1, momentum=0.9,
                                  nesterov=True)
    opt.step(theta, np.array([1.0]))
    # v = -0.1; update = 0.9 v - 0.1 g = -0.19
    np.testing.assert_allclose(theta, [-0.19])


def test_invscaling_schedule_and_adaptive_stall():
    opt = SGD(1, np.float64, learning_rate_init=0.1, schedule="invscaling", power_t=0.5)
    opt.epoch_ends(99)
    assert opt.learning_rate == pytest.approx(0.1 / 10)
    adaptive = SGD(1, np.float64, learning_rate_init=0.1, schedule="adaptive")
    assert adaptive.stalled() is False and adaptive.learning_rate == pytest.approx(0.02)
    constant = SGD(1, np.float64, learning_rate_init=0.1)
    assert constant.stalled() is True


def test_first_adam_step_moves_each_parameter_by_the_learning_rate():
    # after one step m_hat = g and v_hat = g^2, so the step is lr * g / (|g| + eps')
    theta, grad = np.array([1.0, 1.0, 1.0]), np.array([3.0, -0.5, 1e-3])
    opt = Adam(3, np.float64, learning_rate_init=0.01, epsilon=1e-8)
    opt.step(theta, grad.copy())
    lr_t = 0.01 * np.sqrt(1 - 0.999) / (1 - 0.9)
    m, v = 0.1 * grad, 0.001 * grad**2
    np.testing.assert_allclose(theta, 1.0 - lr_t * m / (np.sqrt(v) + 1e-8))
    np.testing.assert_allclose(theta, 1.0 - 0.01 * np.sign(grad), rtol=1e-5)


def test_adam_matches_scikit_learns_rule(rng, scaled_adds):
    # the same rule: equal to rounding (a fused scaled add rounds once, MLP twice)
    from sklearn.neural_network._stochastic_optimizers import AdamOptimizer

    theta = rng.normal(size=N_LONG)
    start, reference = theta.copy(), [theta.copy()]
    ours, theirs = Adam(N_LONG, np.float64, 0.01), AdamOptimizer(reference, 0.01)
    for _ in range(6):
        grad = rng.normal(size=N_LONG)
        ours.step(theta, grad.copy())
        theirs.update_params(reference, [grad])
    np.testing.assert_allclose(theta, reference[0], rtol=1e-13, atol=1e-15)
    assert not np.array_equal(theta, start)


@pytest.mark.parametrize(("momentum", "nesterov"), [(0.0, False), (0.9, False), (0.9, True)])
def test_sgd_matches_scikit_learns_rule(momentum, nesterov, rng, scaled_adds):
    from sklearn.neural_network._stochastic_optimizers import SGDOptimizer

    theta = rng.normal(size=N_LONG)
    start, reference = theta.copy(), [theta.copy()]
    ours = SGD(N_LONG, np.float64, 0.05, momentum=momentum, nesterov=nesterov)
    theirs = SGDOptimizer(reference, 0.05, momentum=momentum, nesterov=nesterov)
    for _ in range(6):
        grad = rng.normal(size=N_LONG)
        ours.step(theta, grad.copy())
        theirs.update_params(reference, [grad])
    np.testing.assert_allclose(theta, reference[0], rtol=1e-13, atol=1e-15)
    assert not np.array_equal(theta, start)


def test_float32_state_stays_float32():
    theta = np.ones(3, dtype=np.float32)
    opt = Adam(3, np.float32)
    opt.step(theta, np.ones(3, dtype=np.float32))
    assert theta.dtype == opt.m.dtype == opt.v.dtype == np.float32


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_scaled_adds_compute_a_x_plus_b_y(dtype, rng, scaled_adds):
    x, y = rng.normal(size=N_LONG).astype(dtype), rng.normal(size=N_LONG).astype(dtype)
    tol = {"rtol": 1e-5 if dtype == np.float32 else 1e-13, "atol": 1e-6 if dtype == np.float32 else 1e-14}
    out = NUMPY.axpy(0.5, x, y.copy())
    np.testing.assert_allclose(out, y + 0.5 * x, **tol)
    out = NUMPY.axpby(-0.25, x, 0.9, y.copy())
    np.testing.assert_allclose(out, -0.25 * x + 0.9 * y, **tol)
    assert out.dtype == dtype
    if scaled_adds == "numpy-blas":  # the path under test is the one taken
        assert _numpy_blas.axpy(0.5, x, y.copy()) and _numpy_blas.axpby(0.5, x, 0.5, y.copy())


def test_numpy_blas_takes_only_contiguous_vectors_of_one_dtype(rng):
    n = 2 * N_LONG
    x, y = rng.normal(size=n), rng.normal(size=n)
    before = y.copy()
    refused = [
        (x[::2], y[::2]),                        # strided
        (x.astype(np.float32), y),               # two dtypes
        (x.reshape(2, -1), y.reshape(2, -1)),    # not 1-D
        (x[:N_LONG], y),                         # two lengths
        (x.astype(np.int64), y.astype(np.int64)),
        (x[:100], y[:100]),                      # too short to pay for the call
    ]
    for a, b in refused:
        assert _numpy_blas.axpy(2.0, a, b) is False
        assert _numpy_blas.axpby(2.0, a, 3.0, b) is False
    np.testing.assert_array_equal(y, before)  # nothing was written
    # the namespace falls back to ufuncs for them, with the same result
    np.testing.assert_allclose(NUMPY.axpy(2.0, x[::2], y[::2].copy()), y[::2] + 2 * x[::2])
