"""One step of each update rule, worked by hand."""

import numpy as np
import pytest

from sk_shallow._optimizers import SGD, Adam


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


def test_adam_matches_scikit_learns_rule_bit_for_bit(rng):
    # each product and sum rounded in MLP's order: the same numbers, not close ones
    from sklearn.neural_network._stochastic_optimizers import AdamOptimizer

    theta = rng.normal(size=50)
    reference = [theta.copy()]
    ours, theirs = Adam(50, np.float64, 0.01), AdamOptimizer(reference, 0.01)
    for _ in range(6):
        grad = rng.normal(size=50)
        ours.step(theta, grad.copy())
        theirs.update_params(reference, [grad])
    np.testing.assert_array_equal(theta, reference[0])


@pytest.mark.parametrize(("momentum", "nesterov"), [(0.0, False), (0.9, False), (0.9, True)])
def test_sgd_matches_scikit_learns_rule_bit_for_bit(momentum, nesterov, rng):
    from sklearn.neural_network._stochastic_optimizers import SGDOptimizer

    theta = rng.normal(size=50)
    reference = [theta.copy()]
    ours = SGD(50, np.float64, 0.05, momentum=momentum, nesterov=nesterov)
    theirs = SGDOptimizer(reference, 0.05, momentum=momentum, nesterov=nesterov)
    for _ in range(6):
        grad = rng.normal(size=50)
        ours.step(theta, grad.copy())
        theirs.update_params(reference, [grad])
    np.testing.assert_array_equal(theta, reference[0])


def test_float32_state_stays_float32():
    theta = np.ones(3, dtype=np.float32)
    opt = Adam(3, np.float32)
    opt.step(theta, np.ones(3, dtype=np.float32))
    assert theta.dtype == opt.m.dtype == opt.v.dtype == np.float32
