"""Outgrowing one machine: GridSearchCV on a dask.distributed cluster, and
dask-ml's Incremental streaming dask-array blocks through partial_fit.

One LocalCluster for the module, on the loopback interface only: two worker
processes with one thread each, no dashboard.
"""

import logging
import os

import dask.array as da
import numpy as np
import pytest
from dask_ml.wrappers import Incremental
from distributed import Client, LocalCluster
from joblib import parallel_config
from sklearn.datasets import make_classification, make_moons
from sklearn.model_selection import GridSearchCV
from threadpoolctl import threadpool_limits

from sk_shallow import ShallowNetClassifier

pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")

# Incremental's accuracy on held-out data may trail the in-memory fit's by at
# most this much (it sees the same epochs, but shuffled within blocks only)
INCREMENTAL_MARGIN = 0.03


@pytest.fixture(scope="module")
def client():
    cluster = LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1",
        dashboard_address=None, silence_logs=logging.ERROR,
    )
    # One BLAS thread here too, as in the workers (distributed sets
    # OMP_NUM_THREADS=1 there): on two cores shared with the worker processes, a
    # multi-threaded BLAS on these tiny matrices spins and runs ~10x slower.
    with cluster, Client(cluster) as client, threadpool_limits(1):
        yield client


def test_cluster_listens_on_loopback_only(client):
    addresses = [client.scheduler.address, *client.scheduler_info()["workers"]]
    assert len(addresses) == 3
    assert all(address.startswith("tcp://127.0.0.1:") for address in addresses), addresses


def test_grid_search_on_the_cluster_matches_the_local_search(client):
    X, y = make_moons(n_samples=200, noise=0.25, random_state=0)
    worker_pids = set(client.run(os.getpid).values())

    def worker_pid(estimator, X, y):  # a nested function: pickled by value
        return float(os.getpid())

    def search():
        return GridSearchCV(
            ShallowNetClassifier(solver="lbfgs", max_iter=100, random_state=0),
            {"n_hidden": [3, 12], "alpha": [1e-4, 1.0]},
            scoring={"accuracy": "accuracy", "pid": worker_pid}, refit="accuracy", cv=3,
            n_jobs=-1,
        )

    local = search().set_params(n_jobs=1).fit(X, y)
    with parallel_config(backend="dask"):
        remote = search().fit(X, y)

    # every fit ran in a worker process, none here
    pids = {pid for i in range(3) for pid in remote.cv_results_[f"split{i}_test_pid"]}
    assert pids <= worker_pids and os.getpid() not in pids
    assert len(pids) == 2  # both workers took part
    np.testing.assert_array_equal(remote.cv_results_["params"], local.cv_results_["params"])
    np.testing.assert_allclose(remote.cv_results_["mean_test_accuracy"],
                               local.cv_results_["mean_test_accuracy"], rtol=0, atol=1e-12)
    assert remote.best_params_ == local.best_params_
    np.testing.assert_allclose(remote.predict_proba(X), local.predict_proba(X), atol=1e-12)


def test_incremental_on_dask_blocks_reaches_the_in_memory_accuracy(client):
    X, y = make_classification(n_samples=3000, n_features=20, n_informative=10,
                               n_redundant=0, class_sep=0.8, random_state=0)
    X_train, y_train, X_test, y_test = X[:2400], y[:2400], X[2400:], y[2400:]
    params = {"n_hidden": 32, "solver": "adam", "learning_rate_init": 0.01, "batch_size": 50,
              "random_state": 0}
    n_epochs = 5

    in_memory = ShallowNetClassifier(max_iter=n_epochs, **params).fit(X_train, y_train)
    in_memory_accuracy = in_memory.score(X_test, y_test)

    # 8 blocks of 300 rows; each pass streams every block through partial_fit once
    dX = da.from_array(X_train, chunks=(300, 20))
    dy = da.from_array(y_train, chunks=300)
    incremental = Incremental(ShallowNetClassifier(**params), random_state=0)
    for _ in range(n_epochs):
        incremental.partial_fit(dX, dy, classes=[0, 1])
    streamed = incremental.estimator_
    streamed_accuracy = streamed.score(X_test, y_test)

    assert streamed.t_ == n_epochs * X_train.shape[0]  # every row of every pass was seen
    assert in_memory_accuracy > 0.85
    assert streamed_accuracy >= in_memory_accuracy - INCREMENTAL_MARGIN, (
        streamed_accuracy, in_memory_accuracy)
    # Incremental.predict maps the fitted network over the blocks
    np.testing.assert_array_equal(incremental.predict(da.from_array(X_test, chunks=200))
                                  .compute(), streamed.predict(X_test))
