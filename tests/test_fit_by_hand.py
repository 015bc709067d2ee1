"""One training step on a problem small enough to work out by hand, as scikit-learn's test_fit.

Three samples, two features, two logistic hidden units and one linear output
(squared error). The step is computed below one number at a time, sample by
sample, with the lecture's formulas and none of the package's code, then
compared with what ``fit`` did to the same starting weights.
"""

import math

import numpy as np
import pytest
from sklearn.exceptions import ConvergenceWarning

from sk_shallow import ShallowNetRegressor

X = [[1.0, 2.0], [0.5, -1.0], [-1.5, 0.5]]
y = [1.0, 0.0, 2.0]
W1 = [[0.1, -0.2], [0.3, 0.4]]  # W1[k][j]: feature k to hidden unit j
b1 = [0.05, -0.05]
W2 = [0.5, -0.6]  # hidden unit j to the output
b2 = 0.1
ALPHA, LR = 0.1, 0.1
m = len(X)


def sigmoid(z):
    return 1.0 / (1.0 + math.exp(-z))


def loss_and_gradient_by_hand():
    """J = 1/m sum_i (z2_i - y_i)^2 / 2 + alpha / (2 m) ||W||^2 and its gradient."""
    loss = 0.0
    dW1 = [[0.0, 0.0], [0.0, 0.0]]
    db1 = [0.0, 0.0]
    dW2 = [0.0, 0.0]
    db2 = 0.0
    for x, target in zip(X, y):
        z1 = [x[0] * W1[0][j] + x[1] * W1[1][j] + b1[j] for j in range(2)]
        a1 = [sigmoid(z) for z in z1]
        z2 = a1[0] * W2[0] + a1[1] * W2[1] + b2
        loss += (z2 - target) ** 2 / 2 / m
        dz2 = (z2 - target) / m  # dZ2 = (A2 - Y) / m, the identity output
        db2 += dz2
        for j in range(2):
            dW2[j] += a1[j] * dz2
            dz1 = dz2 * W2[j] * a1[j] * (1 - a1[j])  # g'(z) = a (1 - a)
            db1[j] += dz1
            for k in range(2):
                dW1[k][j] += x[k] * dz1
    squared_weights = sum(w * w for row in W1 for w in row) + sum(w * w for w in W2)
    loss += ALPHA / (2 * m) * squared_weights
    for j in range(2):
        dW2[j] += ALPHA / m * W2[j]  # the biases are not penalised
        for k in range(2):
            dW1[k][j] += ALPHA / m * W1[k][j]
    return loss, dW1, db1, dW2, db2


def one_step_from_the_hand_weights(solver):
    est = ShallowNetRegressor(n_hidden=2, hidden_activation="logistic", solver=solver,
                              alpha=ALPHA, learning_rate_init=LR, momentum=0.0, batch_size=m,
                              shuffle=False, max_iter=1, warm_start=True, random_state=0)
    with pytest.warns(ConvergenceWarning):  # one epoch only
        est.fit(X, y)  # builds the network; its weights are replaced next
    est.coefs_ = [np.array(W1), np.array(W2).reshape(2, 1)]
    est.intercepts_ = [np.array(b1), np.array([b2])]
    with pytest.warns(ConvergenceWarning):
        est.fit(X, y)  # warm start: a fresh optimiser, one step over the one batch
    return est


def test_one_sgd_step_by_hand():
    loss, dW1, db1, dW2, db2 = loss_and_gradient_by_hand()
    est = one_step_from_the_hand_weights("sgd")
    # plain gradient descent: theta <- theta - lr * dJ/dtheta
    expected_W1 = [[W1[k][j] - LR * dW1[k][j] for j in range(2)] for k in range(2)]
    np.testing.assert_allclose(est.coefs_[0], expected_W1, rtol=1e-12, atol=1e-15)
    np.testing.assert_allclose(est.coefs_[1][:, 0], [W2[j] - LR * dW2[j] for j in range(2)],
                               rtol=1e-12, atol=1e-15)
    np.testing.assert_allclose(est.intercepts_[0], [b1[j] - LR * db1[j] for j in range(2)],
                               rtol=1e-12, atol=1e-15)
    assert est.intercepts_[1][0] == pytest.approx(b2 - LR * db2, rel=1e-12)
    assert est.loss_curve_[-1] == pytest.approx(loss, rel=1e-12)  # the loss before the step


def test_one_adam_step_by_hand():
    beta_1, beta_2, eps = 0.9, 0.999, 1e-8
    _, dW1, db1, dW2, db2 = loss_and_gradient_by_hand()
    est = one_step_from_the_hand_weights("adam")

    def adam_first_step(theta, g):
        m1 = (1 - beta_1) * g  # m and v start at zero
        v1 = (1 - beta_2) * g * g
        m_hat, v_hat = m1 / (1 - beta_1), v1 / (1 - beta_2)  # bias corrections, t = 1
        # scikit-learn folds the corrections into the step size; eps sits outside
        # them, so eps * sqrt(1 - beta_2) here gives its step to the last digit
        return theta - LR * m_hat / (math.sqrt(v_hat) + eps / math.sqrt(1 - beta_2))

    expected_W1 = [[adam_first_step(W1[k][j], dW1[k][j]) for j in range(2)] for k in range(2)]
    np.testing.assert_allclose(est.coefs_[0], expected_W1, rtol=1e-12, atol=1e-15)
    np.testing.assert_allclose(est.coefs_[1][:, 0],
                               [adam_first_step(W2[j], dW2[j]) for j in range(2)], rtol=1e-12, atol=1e-15)
    np.testing.assert_allclose(est.intercepts_[0],
                               [adam_first_step(b1[j], db1[j]) for j in range(2)], rtol=1e-12, atol=1e-15)
    assert est.intercepts_[1][0] == pytest.approx(adam_first_step(b2, db2), rel=1e-12)
    # the first Adam step moves every parameter by about lr, whatever its gradient's size
    moved = np.abs(np.asarray(est.coefs_[0]) - np.asarray(W1))
    np.testing.assert_allclose(moved, LR, rtol=1e-5)
