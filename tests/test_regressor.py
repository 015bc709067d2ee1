"""ShallowNetRegressor: squared error with a linear output, Poisson with an exp output."""

import numpy as np
import pytest
from sklearn.linear_model import LinearRegression, PoissonRegressor

from sk_shallow import ShallowNetRegressor
from sk_shallow import activations as act

pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")


def test_tanh_fits_a_sine(rng):
    X = rng.uniform(-2, 2, (300, 1))
    y = np.sin(2 * X[:, 0])
    reg = ShallowNetRegressor(n_hidden=20, hidden_activation="tanh", solver="lbfgs",
                              random_state=0).fit(X, y)
    assert reg.score(X, y) > 0.98
    assert LinearRegression().fit(X, y).score(X, y) < 0.6


def test_identity_hidden_layer_collapses_to_linear_regression(small_regression):
    X, y = small_regression
    reg = ShallowNetRegressor(n_hidden=4, hidden_activation="identity", solver="lbfgs",
                              alpha=1e-8, tol=1e-10, max_iter=500, random_state=0).fit(X, y)
    linear = LinearRegression().fit(X, y)
    np.testing.assert_allclose(reg.predict(X), linear.predict(X), atol=1e-3)
    W1, W2 = reg.coefs_
    np.testing.assert_allclose((W1 @ W2).ravel(), linear.coef_, atol=1e-3)


@pytest.mark.parametrize("hidden", sorted(act.ACTIVATIONS))
def test_every_activation_fits(hidden, small_regression):
    X, y = small_regression
    reg = ShallowNetRegressor(n_hidden=10, hidden_activation=hidden, solver="lbfgs",
                              max_iter=200, random_state=0).fit(X, y)
    assert reg.score(X, y) > 0.95
    assert reg.out_activation_ == "identity"


def test_one_d_and_multi_output_shapes(small_regression, rng):
    X, y = small_regression
    reg = ShallowNetRegressor(n_hidden=5, max_iter=5, random_state=0)
    assert reg.fit(X, y).predict(X).shape == (X.shape[0],)
    assert reg.fit(X, y[:, None]).predict(X).shape == (X.shape[0], 1)
    Y = np.column_stack([y, -y, 2 * y])
    multi = ShallowNetRegressor(n_hidden=10, solver="lbfgs", random_state=0).fit(X, Y)
    assert multi.predict(X).shape == (X.shape[0], 3) and multi.n_outputs_ == 3
    assert multi.score(X, Y) > 0.95


def test_poisson_predicts_positive_means_like_a_poisson_glm(rng):
    X = rng.normal(size=(400, 3))
    mean = np.exp(0.5 * X[:, 0] - 0.3 * X[:, 1] + 0.2)
    y = rng.poisson(mean)
    reg = ShallowNetRegressor(n_hidden=5, hidden_activation="identity", loss="poisson",
                              solver="lbfgs", alpha=1e-6, random_state=0).fit(X, y)
    assert reg.out_activation_ == "exp"
    prediction = reg.predict(X)
    assert (prediction > 0).all()
    glm = PoissonRegressor(alpha=0).fit(X, y)
    # an identity hidden layer + exp output is the log-link GLM
    np.testing.assert_allclose(prediction, glm.predict(X), rtol=0.02)


def test_poisson_refuses_negative_y(small_regression):
    X, y = small_regression
    with pytest.raises(ValueError, match="negative.*poisson"):
        ShallowNetRegressor(loss="poisson").fit(X, y)


def test_output_activation_must_match_loss(small_regression):
    X, y = small_regression
    with pytest.raises(ValueError, match="does not match loss"):
        ShallowNetRegressor(output_activation="exp").fit(X, y)
    with pytest.raises(ValueError, match="for a regressor"):
        ShallowNetRegressor(output_activation="softmax").fit(X, y)


def test_float32_in_float32_out(small_regression):
    X, y = small_regression
    reg = ShallowNetRegressor(n_hidden=5, max_iter=5, random_state=0).fit(X.astype(np.float32), y)
    assert reg.predict(X.astype(np.float32)).dtype == np.float32
    assert reg.coefs_[1].dtype == np.float32


def test_partial_fit_and_early_stopping(small_regression):
    X, y = small_regression
    reg = ShallowNetRegressor(n_hidden=10, learning_rate_init=0.01, random_state=0)
    for _ in range(60):
        reg.partial_fit(X, y)
    assert reg.n_iter_ == 60 and reg.score(X, y) > 0.9
    stopped = ShallowNetRegressor(n_hidden=10, learning_rate_init=0.01, early_stopping=True,
                                  random_state=0, max_iter=500).fit(X, y)
    assert stopped.n_iter_ < 500
    assert stopped.best_validation_score_ == max(stopped.validation_scores_)


def test_sample_weight_two_equals_duplicating_the_row(small_regression):
    X, y = small_regression
    X, y = X[:50], y[:50]
    sw = np.ones(50)
    sw[[1, 7]] = 2
    params = {"n_hidden": 4, "hidden_activation": "tanh", "max_iter": 100, "random_state": 0}
    weighted = ShallowNetRegressor(**params).fit(X, y, sample_weight=sw)
    repeat = np.repeat(np.arange(50), sw.astype(int))
    duplicated = ShallowNetRegressor(**params).fit(X[repeat], y[repeat])
    np.testing.assert_allclose(weighted.predict(X), duplicated.predict(X), rtol=1e-9, atol=1e-12)
