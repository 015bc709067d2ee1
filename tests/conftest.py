import numpy as np
import pytest
from hypothesis import HealthCheck, settings
from sklearn.datasets import load_digits, make_classification, make_moons, make_regression

# Hypothesis (tests/test_fuzz.py): "ci", the default, is fixed (derandomized) and keeps the
# fuzz file under a minute on 2 cores; run longer with --hypothesis-profile=long.
_FUZZ = {"deadline": None, "suppress_health_check": [HealthCheck.too_slow]}
settings.register_profile("ci", max_examples=200, derandomize=True, print_blob=True, **_FUZZ)
settings.register_profile("long", max_examples=3000, **_FUZZ)
settings.load_profile("ci")


@pytest.fixture
def rng():
    return np.random.RandomState(0)


@pytest.fixture(params=[np.float64, np.float32], ids=["float64", "float32"])
def dtype(request):
    return request.param


@pytest.fixture(scope="session")
def moons():
    return make_moons(n_samples=300, noise=0.2, random_state=0)


@pytest.fixture(scope="session")
def blobs3():
    """A small 3-class problem."""
    return make_classification(n_samples=240, n_features=6, n_informative=4, n_redundant=0,
                               n_classes=3, n_clusters_per_class=1, random_state=0)


@pytest.fixture(scope="session")
def small_regression():
    X, y = make_regression(n_samples=200, n_features=5, noise=0.1, random_state=0)
    return X, y / y.std()


@pytest.fixture(scope="session")
def digits():
    X, y = load_digits(return_X_y=True)
    return X / 16.0, y
