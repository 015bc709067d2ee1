"""scikit-learn's callback API (sklearn.callback, scikit-learn >= 1.9) in both estimators."""

import pickle
import subprocess
import sys
import threading
import warnings

import numpy as np
import pytest
from sklearn.base import clone
from sklearn.callback import ProgressBar, ScoringMonitor
from sklearn.exceptions import ConvergenceWarning
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GridSearchCV
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from sk_shallow import ShallowNetClassifier, ShallowNetRegressor

SOLVERS = ["adam", "sgd", "lbfgs"]
EPOCH_NAME = {"adam": "epoch", "sgd": "epoch", "lbfgs": "lbfgs-iter"}


class Recorder:
    """Records every hook call: (hook, task_name, task_id, max_subtasks, got X, got a fitted copy)."""

    def __init__(self, stop_after=None):
        self.calls = []
        self.stop_after = stop_after  # stop the fit at the end of this epoch (0-based)

    def setup(self, estimator, context):
        self.calls.append(("setup", context.task_name))

    def teardown(self, estimator, context):
        self.calls.append(("teardown", context.task_name))

    def on_fit_task_begin(self, estimator, context, *, X=None, fitted_estimator=None):
        self.calls.append(("begin", context.task_name, context.task_id, context.max_subtasks,
                           X is not None, fitted_estimator is not None))

    def on_fit_task_end(self, estimator, context, *, X=None, fitted_estimator=None):
        self.calls.append(("end", context.task_name, context.task_id, context.max_subtasks,
                           X is not None, fitted_estimator is not None))
        return self.stop_after is not None and context.parent is not None and (
            context.task_id == self.stop_after
        )

    def hooks(self, hook, task_name):
        return [c for c in self.calls if c[0] == hook and c[1] == task_name]


class PropagatedRecorder(Recorder):
    """The same, auto-propagated by meta-estimators to the estimators they fit."""

    max_propagation_depth = None


def problem(kind):
    rng = np.random.RandomState(0)
    X = rng.normal(size=(60, 4))
    if kind == "classifier":
        return X, np.where(X[:, 0] + X[:, 1] > 0, "yes", "no")
    return X, X @ np.array([1.0, -2.0, 0.5, 0.0]) + 0.1 * rng.normal(size=60)


def make(kind, solver, **params):
    est = ShallowNetClassifier if kind == "classifier" else ShallowNetRegressor
    defaults = {"n_hidden": 5, "solver": solver, "max_iter": 4, "random_state": 0,
                "batch_size": 20, "learning_rate_init": 0.01}
    return est(**{**defaults, **params})


def quiet_fit(est, X, y, **fit_params):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        return est.fit(X, y, **fit_params)


@pytest.mark.parametrize("kind", ["classifier", "regressor"])
@pytest.mark.parametrize("solver", SOLVERS)
def test_scoring_monitor_scores_every_epoch(kind, solver):
    # epoch k's row holds the score of the weights after k epochs, which a fit
    # stopped by max_iter=k reproduces (same seed, same draws)
    X, y = problem(kind)
    scoring = "accuracy" if kind == "classifier" else "r2"
    monitor = ScoringMonitor(scoring=scoring)
    est = quiet_fit(make(kind, solver).set_callbacks(monitor), X, y)
    rows = monitor.get_logs().data
    assert rows[0]["task_name"] == "fit" and rows[0]["task_id_path"] == (0,)
    assert rows[0][scoring] == pytest.approx(est.score(X, y))
    epochs = rows[1:]
    assert [r["task_name"] for r in epochs] == [EPOCH_NAME[solver]] * est.n_iter_ == (
        [EPOCH_NAME[solver]] * 4
    )
    assert [r["task_id_path"] for r in epochs] == [(0, k) for k in range(4)]
    for k, row in enumerate(epochs, start=1):
        truncated = quiet_fit(make(kind, solver, max_iter=k), X, y)
        assert row[scoring] == pytest.approx(truncated.score(X, y), abs=1e-12)


def test_scoring_monitor_rows_have_logistic_regressions_format():
    X, y = problem("classifier")
    logs = {}
    for est in [LogisticRegression(max_iter=3), make("classifier", "lbfgs", max_iter=3)]:
        monitor = ScoringMonitor(scoring=["accuracy", "neg_log_loss"])
        quiet_fit(est.set_callbacks(monitor), X, y)
        logs[type(est).__name__] = monitor.get_logs(include_lineage=True)
    ours, theirs = logs["ShallowNetClassifier"], logs["LogisticRegression"]
    assert ours.estimator_name == "ShallowNetClassifier"
    strip = ("estimator_name", "accuracy", "neg_log_loss")

    def structure(log):
        return [{k: v for k, v in row.items() if k not in strip} for row in log.data]

    assert structure(ours) == structure(theirs)
    assert [set(row) for row in ours.data] == [set(row) for row in theirs.data]
    assert list(ours.data_as_pandas.columns) == list(theirs.data_as_pandas.columns)


@pytest.mark.parametrize("solver", SOLVERS)
def test_one_task_per_epoch_each_begun_and_ended(solver):
    X, y = problem("classifier")
    recorder = Recorder()
    est = quiet_fit(make("classifier", solver, max_iter=6).set_callbacks(recorder), X, y)
    assert recorder.calls[0] == ("setup", "fit") and recorder.calls[-1] == ("teardown", "fit")
    assert recorder.hooks("begin", "fit") == [("begin", "fit", 0, 6, True, False)]
    # the root task ends after fit committed: a fitted copy is available
    assert recorder.hooks("end", "fit") == [("end", "fit", 0, 6, True, True)]
    begun = recorder.hooks("begin", EPOCH_NAME[solver])
    ended = recorder.hooks("end", EPOCH_NAME[solver])
    assert [c[2] for c in begun] == [c[2] for c in ended] == list(range(est.n_iter_))
    assert all(c[3:] == (0, True, True) for c in begun + ended)


def test_epoch_begun_but_never_run_ends_as_an_empty_task():
    # tol so large that no epoch after the first counts as an improvement: adam
    # stops once n_iter_no_change=2 is exceeded, after 1 + 3 epochs
    X, y = problem("classifier")
    recorder = Recorder()
    est = make("classifier", "adam", max_iter=50, tol=1e3, n_iter_no_change=2)
    est.set_callbacks(recorder).fit(X, y)
    assert est.n_iter_ == 4
    ended = recorder.hooks("end", "epoch")
    assert [c[2] for c in ended] == [0, 1, 2, 3, 4]
    assert all(c[4:] == (True, True) for c in ended[:-1])
    assert ended[-1][4:] == (False, False)  # no data, no fitted copy: nothing ran
    assert len(recorder.hooks("begin", "epoch")) == 5


@pytest.mark.parametrize("kind", ["classifier", "regressor"])
@pytest.mark.parametrize("solver", SOLVERS)
def test_callback_can_stop_the_fit(kind, solver):
    X, y = problem(kind)
    est = make(kind, solver, max_iter=100).set_callbacks(Recorder(stop_after=1))
    with warnings.catch_warnings():
        warnings.simplefilter("error", ConvergenceWarning)  # a requested stop is no failure
        est.fit(X, y)
    assert est.n_iter_ == 2
    assert len(est.loss_curve_) == 2


def test_partial_fit_is_one_task_with_one_epoch():
    X, y = problem("classifier")
    recorder = Recorder()
    est = make("classifier", "sgd").set_callbacks(recorder)
    for _ in range(3):
        est.partial_fit(X, y, classes=["no", "yes"])
    assert [c[2:4] for c in recorder.hooks("begin", "partial_fit")] == [(0, 1)] * 3
    assert [c[2] for c in recorder.hooks("end", "epoch")] == [0, 0, 0]
    assert est.n_iter_ == 3


def test_verbose_still_prints_with_callbacks(capsys):
    X, y = problem("regressor")
    recorder = Recorder()
    est = quiet_fit(make("regressor", "adam", verbose=True).set_callbacks(recorder), X, y)
    out = capsys.readouterr().out
    assert out.count("Iteration ") == est.n_iter_ == len(recorder.hooks("end", "epoch")) == 4


@pytest.mark.parametrize("solver", SOLVERS)
def test_progress_bar(solver, capsys):
    X, y = problem("classifier")
    est = quiet_fit(make("classifier", solver).set_callbacks(ProgressBar()), X, y)
    out = capsys.readouterr().out
    assert "ShallowNetClassifier - fit" in out and "100%" in out
    assert est.n_iter_ == 4


def test_callbacks_propagated_through_pipeline_and_grid_search(capsys):
    X, y = problem("classifier")
    recorder = PropagatedRecorder()
    search = GridSearchCV(
        make_pipeline(StandardScaler(), make("classifier", "lbfgs", max_iter=3)),
        {"shallownetclassifier__n_hidden": [2, 4]}, cv=2,
    )
    search.set_callbacks(recorder, ProgressBar(max_propagation_depth=None))
    quiet_fit(search, X, y)
    # 2 candidates x 2 folds + the refit, each 3 L-BFGS iterations
    # the network's own root tasks (max_subtasks=max_iter=3), merged into the pipeline's step 1
    ours = [c for c in recorder.hooks("end", "fit") if c[3] == 3]
    assert ours == [("end", "fit", 1, 3, True, True)] * 5
    # set up and torn down once, by the outermost estimator only
    assert [c for c in recorder.calls if c[0] in ("setup", "teardown")] == [
        ("setup", "fit"), ("teardown", "fit")
    ]
    assert len(recorder.hooks("end", "lbfgs-iter")) == 5 * 3
    assert "ShallowNetClassifier - fit" in capsys.readouterr().out
    # propagated callbacks are removed again after the search
    assert not hasattr(search.best_estimator_[-1], "_skl_callbacks")


def test_scoring_monitor_inside_pipeline_and_grid_search():
    X, y = problem("classifier")
    paths = {}
    for est in [LogisticRegression(max_iter=2), make("classifier", "lbfgs", max_iter=2)]:
        monitor = ScoringMonitor(scoring="accuracy")
        name = type(est).__name__.lower()
        search = GridSearchCV(make_pipeline(StandardScaler(), est.set_callbacks(monitor)),
                              {f"{name}__tol": [1e-4, 1e-5]}, cv=2)
        quiet_fit(search, X, y)
        log = monitor.get_logs()
        assert log.estimator_name == "GridSearchCV"  # one run: the outermost fit
        paths[name] = [(r["task_id_path"], r["task_name"]) for r in log.data]
    assert paths["shallownetclassifier"] == paths["logisticregression"]


def progress_threads():
    return [t for t in threading.enumerate() if type(t).__name__ == "RichProgressMonitor"]


class FailingRecorder(Recorder):
    def on_fit_task_end(self, estimator, context, *, X=None, fitted_estimator=None):
        super().on_fit_task_end(estimator, context, X=X, fitted_estimator=fitted_estimator)
        if context.task_id == 1 and context.parent is not None:
            raise RuntimeError("callback failed in epoch 2")


@pytest.mark.parametrize("solver", ["adam", "lbfgs"])
def test_failed_fit_tears_callbacks_down(solver):
    X, y = problem("classifier")
    recorder = FailingRecorder()
    est = make("classifier", solver).set_callbacks(recorder, ProgressBar())
    with pytest.raises(RuntimeError, match="epoch 2"):
        est.fit(X, y)
    assert recorder.calls[-1] == ("teardown", "fit")
    assert progress_threads() == []  # the progress bar's display thread ended
    assert not hasattr(est, "_callback_fit_ctx") and not est.__sklearn_is_fitted__()
    # invalid input fails before any callback is set up
    recorder.calls.clear()
    with pytest.raises(ValueError, match="sample_weight"):
        est.fit(X, y, sample_weight=-np.ones(len(y)))
    assert recorder.calls == [] and progress_threads() == []
    est.set_callbacks(ProgressBar())
    quiet_fit(est, X, y)
    assert est.__sklearn_is_fitted__()


def test_callbacks_survive_clone_and_pickle():
    X, y = problem("regressor")
    recorder = Recorder()
    est = make("regressor", "lbfgs").set_callbacks(recorder)
    copy = clone(est)
    quiet_fit(copy, X, y)
    assert recorder.hooks("end", "fit")  # clone shares the callback instances
    restored = pickle.loads(pickle.dumps(quiet_fit(est, X, y)))
    np.testing.assert_array_equal(restored.predict(X), est.predict(X))


def test_without_sklearn_callback_the_estimators_work():
    # scikit-learn 1.6 - 1.8 has no sklearn.callback: simulate it in a fresh interpreter
    code = """
import sys, pickle, warnings
import numpy as np
import sklearn.base, sklearn.metrics, sklearn.model_selection, sklearn.utils.validation
sys.modules["sklearn.callback"] = None  # `import sklearn.callback` now raises ImportError
from sklearn.base import clone
from sklearn.exceptions import ConvergenceWarning
import sk_shallow
from sk_shallow import _callbacks
assert not _callbacks.HAS_CALLBACKS
warnings.simplefilter("ignore", ConvergenceWarning)
X = np.random.RandomState(0).normal(size=(40, 3))
y = (X[:, 0] > 0).astype(int)
for solver in ["adam", "sgd", "lbfgs"]:
    for est in [sk_shallow.ShallowNetClassifier(n_hidden=3, solver=solver, max_iter=3),
                sk_shallow.ShallowNetRegressor(n_hidden=3, solver=solver, max_iter=3)]:
        assert not hasattr(est, "set_callbacks")
        est = clone(est).fit(X, y)
        assert pickle.loads(pickle.dumps(est)).predict(X).shape == (40,)
        assert not hasattr(est, "_callback_fit_ctx")
print("ok")
"""
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            timeout=120, check=False)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "ok"
