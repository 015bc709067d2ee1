"""scikit-learn's own estimator checks, on both estimators, with nothing skipped or xfailed."""

import pytest
from sklearn.utils.estimator_checks import parametrize_with_checks

from sk_shallow import ShallowNetClassifier, ShallowNetRegressor


# The checks fit the default estimators (adam, 200 epochs) on small random data, and
# check_n_features_in, check_fit_check_is_fitted and check_fit_idempotent draw X around 100
# with a pure-noise y. Two warnings of those fits are true, and expected here:
# - "Maximum iterations (200) reached": 200 epochs do not meet tol on such data (about 100
#   of the checks; scikit-learn's own common tests ignore ConvergenceWarning for this reason);
# - "The training R^2 is ...": the regressor on X around 100 and noise ends worse than y's
#   mean, and says that X is far from unit scale.
# Any other ConvergenceWarning (a divergence, dead units) would be news: it fails the check.
@pytest.mark.filterwarnings(
    "ignore:Stochastic Optimizer. Maximum iterations .200. reached:"
    "sklearn.exceptions.ConvergenceWarning")
@pytest.mark.filterwarnings("ignore:The training R.2 is:sklearn.exceptions.ConvergenceWarning")
# (the mark nearest the function is applied first, so the two ignores above win over it)
@pytest.mark.filterwarnings("error::sklearn.exceptions.ConvergenceWarning")
@parametrize_with_checks([ShallowNetClassifier(), ShallowNetRegressor()])
def test_sklearn_compatible_estimator(estimator, check):
    check(estimator)
