"""scikit-learn's own estimator checks, on both estimators, with nothing skipped or xfailed."""

from sklearn.utils.estimator_checks import parametrize_with_checks

from sk_shallow import ShallowNetClassifier, ShallowNetRegressor


@parametrize_with_checks([ShallowNetClassifier(), ShallowNetRegressor()])
def test_sklearn_compatible_estimator(estimator, check):
    check(estimator)
