"""Bad parameters and bad input: a ValueError that names the problem and what is accepted."""

import numpy as np
import pytest

from sk_shallow import InvalidParameterError, ShallowNetClassifier, ShallowNetRegressor

pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")

ESTIMATORS = [ShallowNetClassifier, ShallowNetRegressor]


@pytest.fixture
def data(rng):
    X = rng.normal(size=(40, 3))
    return X, (X[:, 0] > 0).astype(int)


@pytest.mark.parametrize("Estimator", ESTIMATORS)
@pytest.mark.parametrize(
    "params, message",
    [
        ({"hidden_activation": "softplus"}, r"hidden_activation='softplus'.*one of.*relu"),
        ({"hidden_activation": "step"}, r"'step' cannot be trained \(its derivative is zero"),
        ({"solver": "newton"}, r"solver='newton'.*one of \['adam', 'lbfgs', 'sgd'\]"),
        ({"n_hidden": 0}, r"n_hidden=0.*integer >= 1"),
        ({"n_hidden": 2.5}, r"n_hidden=2.5.*integer >= 1"),
        ({"alpha": -1.0}, r"alpha=-1.0.*\[0, inf\]"),
        ({"learning_rate_init": 0}, r"learning_rate_init=0.*\(0, inf\]"),
        ({"learning_rate": "fast"}, r"learning_rate='fast'.*constant"),
        ({"batch_size": 0}, r"batch_size=0.*'auto' or an integer >= 1"),
        ({"validation_fraction": 1.0}, r"validation_fraction=1.0.*\[0, 1\)"),
        ({"momentum": 1.5}, r"momentum=1.5.*\[0, 1\]"),
        ({"leaky_slope": 1.0}, r"leaky_slope=1.0.*\[0, 1\)"),
        ({"dtype": "int32"}, r"dtype='int32'.*'float32' or 'float64'"),
        ({"shuffle": "yes"}, r"shuffle='yes'.*True or False"),
        ({"max_iter": 0}, r"max_iter=0.*integer >= 1"),
    ],
)
def test_bad_parameter_names_itself_and_what_is_accepted(Estimator, params, message, data):
    X, y = data
    with pytest.raises(ValueError, match=message) as info:
        Estimator(**params).fit(X, y)
    assert isinstance(info.value, InvalidParameterError)


def test_unknown_regression_loss(data):
    X, y = data
    with pytest.raises(ValueError, match=r"loss='hinge'.*one of \['poisson', 'squared_error'\]"):
        ShallowNetRegressor(loss="hinge").fit(X, y)


@pytest.mark.parametrize("Estimator", ESTIMATORS)
@pytest.mark.parametrize("bad", [np.nan, np.inf], ids=["nan", "inf"])
def test_non_finite_x_is_refused(Estimator, bad, data):
    X, y = data
    X = X.copy()
    X[3, 1] = bad
    with pytest.raises(ValueError, match="Input X contains (NaN|infinity)"):
        Estimator(max_iter=2).fit(X, y)
    fitted = Estimator(max_iter=2).fit(data[0], y)
    with pytest.raises(ValueError, match="Input X contains (NaN|infinity)"):
        fitted.predict(X)


@pytest.mark.parametrize("Estimator", ESTIMATORS)
@pytest.mark.parametrize("n_rows", [1, 5000], ids=["fast-path", "validate_data"])
def test_wrong_number_of_features_at_predict(Estimator, n_rows, data):
    X, y = data
    fitted = Estimator(max_iter=2).fit(X, y)
    with pytest.raises(ValueError, match="X has 2 features, but .* is expecting 3 features"):
        fitted.predict(np.zeros((n_rows, 2)))


def test_negative_y_with_poisson(data):
    X, _ = data
    with pytest.raises(ValueError, match="negative.*loss='poisson'.*y >= 0"):
        ShallowNetRegressor(loss="poisson").fit(X, X[:, 0])


def test_partial_fit_is_not_offered_by_lbfgs(data):
    X, y = data
    clf = ShallowNetClassifier(solver="lbfgs")
    assert not hasattr(clf, "partial_fit")
    with pytest.raises(AttributeError, match="stochastic solvers 'sgd' and 'adam'.*use fit"):
        clf.partial_fit(X, y, classes=[0, 1])


def test_failed_refit_leaves_the_fitted_estimator_unchanged(data):
    X, y = data
    clf = ShallowNetClassifier(n_hidden=4, max_iter=5, random_state=0).fit(X, y)
    before = clf.predict_proba(X)
    clf.set_params(alpha=-1)
    with pytest.raises(ValueError, match="alpha"):
        clf.fit(X, y)
    clf.set_params(alpha=1e-4)
    # fails after validate_data has already reset n_features_in_ to 6
    with pytest.raises(ValueError, match="at least 2 classes"):
        clf.fit(np.hstack([X, X]), np.full(X.shape[0], 1))
    np.testing.assert_array_equal(clf.predict_proba(X), before)
    assert clf.n_features_in_ == 3
