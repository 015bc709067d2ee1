"""class_weight on ShallowNetClassifier: None, 'balanced' or a dict, multiplied into sample_weight."""

import numpy as np
import pytest
from sklearn.datasets import make_classification
from sklearn.metrics import balanced_accuracy_score
from sklearn.model_selection import train_test_split
from sklearn.utils.class_weight import compute_class_weight

from sk_shallow import InvalidParameterError, ShallowNetClassifier


def imbalanced(rng, n_samples=90):
    X = rng.normal(size=(n_samples, 3))
    y = np.array(["common"] * (n_samples - 20) + ["rare"] * 12 + ["odd"] * 8)
    X[y == "rare"] += 1.0
    return X, y


def fitted(solver="lbfgs", **params):
    return ShallowNetClassifier(n_hidden=4, solver=solver, max_iter=15, random_state=0,
                                tol=0, **params)


def same_network(a, b, rtol=1e-10):
    np.testing.assert_allclose(a._flat, b._flat, rtol=rtol, atol=1e-12)


@pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")
@pytest.mark.parametrize("solver", ["lbfgs", "adam"])
def test_balanced_is_sklearns_balanced_weights_as_sample_weight(solver, rng):
    X, y = imbalanced(rng)
    classes = np.unique(y)
    per_class = compute_class_weight("balanced", classes=classes, y=y)
    sw = per_class[np.searchsorted(classes, y)]
    same_network(fitted(solver, class_weight="balanced").fit(X, y),
                 fitted(solver).fit(X, y, sample_weight=sw))


@pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")
def test_dict_multiplies_into_sample_weight(rng):
    X, y = imbalanced(rng)
    sw = rng.uniform(0.2, 2.0, y.size)
    sw_before = sw.copy()
    weights = {"rare": 4.0, "odd": 0.5}  # missing labels ('common') weigh 1
    by_class = fitted(class_weight=weights).fit(X, y, sample_weight=sw)
    np.testing.assert_array_equal(sw, sw_before)  # the caller's weights are not written to
    product = sw * np.array([weights.get(label, 1.0) for label in y])
    same_network(by_class, fitted().fit(X, y, sample_weight=product))


@pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")
def test_balanced_counts_weighted_samples(rng):
    # a sample weight of 2 equals the row repeated, also for the balanced weights
    X, y = imbalanced(rng)
    sw = np.where(np.arange(y.size) % 3 == 0, 2.0, 1.0)
    repeat = np.repeat(np.arange(y.size), sw.astype(int))
    weighted = fitted(class_weight="balanced").fit(X, y, sample_weight=sw)
    repeated = fitted(class_weight="balanced").fit(X[repeat], y[repeat])
    assert weighted.loss_curve_[0] == pytest.approx(repeated.loss_curve_[0], rel=1e-12)
    same_network(weighted, repeated, rtol=1e-6)


@pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")
def test_partial_fit_applies_class_weight_per_call(rng):
    X, y = imbalanced(rng)
    classes = np.unique(y)
    weights = {"rare": 3.0}
    a = fitted("sgd", class_weight=weights)
    b = fitted("sgd")
    for _ in range(2):
        a.partial_fit(X, y, classes=classes)
        b.partial_fit(X, y, classes=classes, sample_weight=np.where(y == "rare", 3.0, 1.0))
    same_network(a, b)


def test_balanced_is_refused_in_partial_fit(rng):
    X, y = imbalanced(rng)
    with pytest.raises(ValueError, match="'balanced' is not supported in partial_fit"):
        fitted("sgd", class_weight="balanced").partial_fit(X, y, classes=np.unique(y))


def test_invalid_class_weight(rng):
    X, y = imbalanced(rng)
    for bad in ["auto", [1.0, 2.0], 3.0]:
        with pytest.raises(InvalidParameterError, match="class_weight"):
            fitted(class_weight=bad).fit(X, y)
    with pytest.raises(ValueError, match="class_weight=.*'unknown'"):
        fitted(class_weight={"unknown": 2.0}).fit(X, y)
    Y = (rng.uniform(size=(30, 2)) > 0.5).astype(int)
    with pytest.raises(ValueError, match="class_weight is not supported for multilabel"):
        fitted(class_weight="balanced").fit(X[:30], Y)


def balanced_accuracies(seed):
    """Held-out balanced accuracy without and with class_weight='balanced' (95% / 5% classes)."""
    X, y = make_classification(n_samples=600, n_features=6, n_informative=4, n_redundant=0,
                               weights=[0.95, 0.05], class_sep=0.8, n_clusters_per_class=1,
                               random_state=seed)
    X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.5, stratify=y,
                                                        random_state=seed)
    scores = []
    for class_weight in [None, "balanced"]:
        # alpha=10 regularises enough that the network cannot simply memorise the
        # 16 minority training rows: then weighting them decides the boundary
        clf = ShallowNetClassifier(n_hidden=8, solver="lbfgs", alpha=10.0, max_iter=300,
                                   class_weight=class_weight, random_state=0)
        clf.fit(X_train, y_train)
        scores.append(balanced_accuracy_score(y_test, clf.predict(X_test)))
    return scores


# alpha=10 shrinks most relu units of one of the twelve fits to zero on every row: the
# dead-units warning is true there, and part of the setting this test measures
@pytest.mark.filterwarnings(
    "ignore:[0-9]+% of the hidden units are dead:sklearn.exceptions.ConvergenceWarning")
def test_balanced_improves_balanced_accuracy_on_imbalanced_data():
    # six datasets, none chosen: on some the minority is separable and both tie
    gains = []
    for seed in range(6):
        unweighted, balanced = balanced_accuracies(seed)
        assert balanced >= unweighted
        gains.append(balanced - unweighted)
    assert np.mean(gains) > 0.1
