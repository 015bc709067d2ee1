import numpy as np
import pytest
from sklearn.datasets import load_digits, make_classification, make_moons, make_regression


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
