"""hidden_activation=(g, g_grad): a pair of callables, checked by central differences at fit."""

import pickle

import numpy as np
import pytest
from sklearn.base import clone
from sklearn.model_selection import GridSearchCV

from sk_shallow import InvalidParameterError, ShallowNetClassifier, ShallowNetRegressor


# module-level, so that pickling (and so joblib, GridSearchCV's workers) finds them by name
def softsign(Z):
    return Z / (1 + np.abs(Z))


def softsign_grad(Z, A):
    return (1 - np.abs(A)) ** 2  # 1 / (1 + |z|)^2, read off A


def softsign_grad_wrong(Z, A):
    return 1 - np.abs(A)  # forgot the square


def tanh(Z):
    return np.tanh(Z)


def tanh_grad(Z, A):
    return 1 - A**2


def rows(rng, n_samples=80):
    X = rng.normal(size=(n_samples, 3))
    return X, (X[:, 0] * X[:, 1] > 0).astype(int)


def net(activation, **params):
    return ShallowNetClassifier(n_hidden=6, hidden_activation=activation, solver="lbfgs",
                                max_iter=30, random_state=0, **params)


@pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")
def test_pair_trains_and_predicts_with_it(rng):
    X, y = rows(rng)
    clf = net((softsign, softsign_grad)).fit(X, y)
    W1, b1 = clf.coefs_[0], clf.intercepts_[0]
    np.testing.assert_allclose(clf.hidden_activations(X), softsign(X @ W1 + b1), rtol=1e-12)
    assert clf.score(X, y) > 0.8


@pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")
def test_pair_equal_to_a_builtin_trains_the_same_network(rng):
    # same Glorot initialisation, same forward and backward: the same weights
    X, y = rows(rng)
    custom = net((tanh, tanh_grad)).fit(X, y)
    builtin = net("tanh").fit(X, y)
    np.testing.assert_allclose(custom._flat, builtin._flat, rtol=1e-9, atol=1e-12)


def test_wrong_derivative_is_refused(rng):
    X, y = rows(rng)
    clf = net((softsign, softsign_grad_wrong))
    with pytest.raises(ValueError, match="does not match central differences"):
        clf.fit(X, y)
    assert not clf.__sklearn_is_fitted__()
    with pytest.raises(ValueError, match="does not match"):
        ShallowNetRegressor(hidden_activation=(np.sin, lambda Z, A: -np.cos(Z))).fit(X, y)


def test_malformed_pairs(rng):
    X, y = rows(rng)
    for bad in [(softsign,), (softsign, softsign_grad, tanh), (softsign, "grad")]:
        with pytest.raises(InvalidParameterError, match="pair"):
            net(bad).fit(X, y)
    with pytest.raises(ValueError, match="shape"):
        net((np.sum, softsign_grad)).fit(X, y)  # g must work element-wise
    with pytest.raises(ValueError, match="calling the custom pair .* failed"):
        net((softsign, lambda Z: Z)).fit(X, y)  # g_grad takes (Z, A)


@pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")
def test_clone_and_pickle(rng):
    X, y = rows(rng)
    clf = net((softsign, softsign_grad))
    copy = clone(clf)
    assert copy.get_params()["hidden_activation"] == (softsign, softsign_grad)
    clf.fit(X, y)
    restored = pickle.loads(pickle.dumps(clf))
    assert restored.hidden_activation == (softsign, softsign_grad)
    np.testing.assert_array_equal(restored.predict_proba(X), clf.predict_proba(X))
    np.testing.assert_array_equal(copy.fit(X, y).predict_proba(X), clf.predict_proba(X))
    # a list is accepted as well, and round-trips the same way
    listed = pickle.loads(pickle.dumps(net([softsign, softsign_grad]).fit(X, y)))
    np.testing.assert_array_equal(listed.predict_proba(X), clf.predict_proba(X))


@pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")
def test_grid_search_over_custom_and_builtin(rng):
    X, y = rows(rng)
    grid = {"hidden_activation": [(softsign, softsign_grad), "relu"], "alpha": [1e-4, 1e-2]}
    # n_jobs=2: the candidates are pickled to worker processes and back
    search = GridSearchCV(net("tanh"), grid, cv=2, n_jobs=2).fit(X, y)
    serial = GridSearchCV(net("tanh"), grid, cv=2).fit(X, y)
    np.testing.assert_array_equal(search.cv_results_["mean_test_score"],
                                  serial.cv_results_["mean_test_score"])
    assert len(search.cv_results_["params"]) == 4
    assert search.cv_results_["params"][0]["hidden_activation"] == (softsign, softsign_grad)
    assert np.isfinite(search.cv_results_["mean_test_score"]).all()
    best = search.best_estimator_
    assert pickle.loads(pickle.dumps(best)).score(X, y) == best.score(X, y)
