"""BaseShallowNet: what the classifier and the regressor share.

The estimator is the door: it checks parameters, validates and converts the
input, chooses the dtype, and hands plain arrays to the NumPy core in
``_network``/``_solvers``. Fitted state is one flat parameter vector
(``_flat``) plus the layout that slices it; ``coefs_`` and ``intercepts_`` are
views into it.
"""

# annotations stay names in help() and signatures (MatrixLike, not its expansion)
from __future__ import annotations

import copy
import functools
import numbers
import types
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import scipy.sparse as sp
from numpy.typing import ArrayLike, NDArray
from sklearn.base import BaseEstimator
from sklearn.model_selection import train_test_split
from sklearn.utils import check_random_state
from sklearn.utils.validation import validate_data

from . import _check_params as check
from . import _fit_report as report
from ._arrays import float_dtypes, host_dtype, namespace_of, to_numpy
from ._callbacks import CallbackSupportMixin, FitTasks, with_callbacks
from ._dispatch import check_same_namespace, compute_dtype, input_namespace
from ._docstrings import fill
from ._fitted import FittedNetwork
from ._network import (
    Hidden,
    Layout,
    Params,
    dead_fraction,
    finite_logits,
    hidden_layer,
    init_params,
    logits,
    make_hidden,
)
from ._optimizers import SGD, Adam
from ._solvers import History, Outcome, Validation, run_lbfgs, run_minibatch
from ._threads import scipy_blas_single_threaded

# Below this many rows, predict checks a plain ndarray itself instead of through
# validate_data, whose fixed cost is most of a one-row prediction.
_FAST_PATH_MAX_ROWS = 2048

# Type hints of the public API: X is array-like or a scipy sparse matrix/array.
MatrixLike = ArrayLike | sp.spmatrix | sp.sparray
if TYPE_CHECKING:  # typing.Self needs Python 3.11
    from typing import Self


def _validate_numeric(what, estimator, *args, **kwargs):
    """``validate_data``, whose conversion errors also say what the input must hold.

    numpy's own message ("could not convert string to float: 'a'") names
    neither the argument nor what is accepted; the type (ValueError for
    strings, TypeError for other objects, as scikit-learn) and text are kept.
    """
    try:
        return validate_data(estimator, *args, **kwargs)
    except (TypeError, ValueError) as exc:
        text = str(exc)
        if "could not convert" not in text and "argument must be a string or a" not in text:
            raise
        raise type(exc)(
            f"{what} must be numeric (float, int or bool values; encode strings and "
            f"categories first, e.g. with OneHotEncoder): {text}"
        ) from exc


class stochastic_only:
    """Method decorator: the method exists only while ``solver`` is 'sgd' or 'adam'.

    Like scikit-learn's ``available_if``, ``hasattr(est, "partial_fit")`` is
    False for lbfgs, but the AttributeError says why and what to do instead.
    """

    def __init__(self, method):
        self.method = method
        functools.update_wrapper(self, method)

    def __get__(self, obj, owner=None):
        if obj is None:
            return self.method
        if obj.solver not in ("sgd", "adam"):
            why = (
                "lbfgs fits the whole batch at once; use fit." if obj.solver == "lbfgs"
                else f"{obj.solver!r} is not a solver (use one of {list(check.SOLVERS)})."
            )
            raise AttributeError(
                f"{self.method.__name__} is only available for the stochastic solvers "
                f"'sgd' and 'adam', not solver={obj.solver!r}: {why}"
            )
        return types.MethodType(self.method, obj)


@dataclass
class FitSetup:
    """What ``fit`` builds before the solver runs; ``check_gradients`` starts from it too."""

    config: check.FitConfig
    continuing: bool  # warm_start or partial_fit on a fitted network
    xp: object  # the namespace (and device) the fit computes in
    X: object  # validated, in the fit dtype
    y: object  # validated (labels, not their encoding)
    sample_weight: np.ndarray | None  # validated, as given, on the host
    task: object  # the encoded targets, their loss and weights (sample x class), on xp
    layout: Layout
    rng: np.random.RandomState  # after the initialisation drew from it
    params: Params
    history: History
    hidden: Hidden


@fill
class BaseShallowNet(FittedNetwork, CallbackSupportMixin, BaseEstimator):
    """Shared machinery of ``ShallowNetClassifier`` and ``ShallowNetRegressor``."""

    # the "?" link of the HTML repr (_repr_html_): the README's parameter table,
    # as PyPI shows it for this version
    # ------------------------------------------------------------------ input
    def _validate_fit_input(self, X, y, reset, dtype, xp):
        """X and y validated, X in the fit's dtype: ``dtype`` (a NumPy or the fitted
        network's dtype), or X's own when None."""
        X, y = _validate_numeric(
            "X and y" if self._y_numeric else "X", self, X, y, reset=reset,
            accept_sparse=("csr", "csc"), dtype=float_dtypes(xp), multi_output=True,
            y_numeric=self._y_numeric,
        )
        requested = None if dtype is None else host_dtype(dtype)
        dtype = compute_dtype(xp, requested, X.dtype)
        if X.dtype != dtype:
            X = xp.astype(X, dtype)
        return X, y

    def _validate_predict_input(self, X, method):
        """Return X ready for the forward pass, in the fitted namespace and dtype."""
        self._check_fitted()
        check_same_namespace(self, X, method)
        dtype = self._flat.dtype
        # Fast path for small plain arrays: the checks validate_data would make
        # (dtype, 2-D, feature count, finiteness), without its fixed cost.
        if (
            type(X) is np.ndarray
            and X.dtype == dtype
            and X.ndim == 2
            and 0 < X.shape[0] <= _FAST_PATH_MAX_ROWS
            and X.shape[1] == self.n_features_in_
            and not hasattr(self, "feature_names_in_")
            and np.isfinite(X).all()
        ):
            return X
        xp = namespace_of(self._flat)
        X = _validate_numeric("X", self, X, reset=False, accept_sparse=("csr", "csc"),
                              dtype=float_dtypes(xp))
        return X if X.dtype == dtype else xp.astype(X, dtype)

    def _validate_sample_weight(self, sample_weight, n_samples, dtype):
        """The weights validated, as a NumPy array in ``dtype``'s precision (or None)."""
        if sample_weight is None:
            return None
        if isinstance(sample_weight, numbers.Real):
            sample_weight = np.full(n_samples, sample_weight)
        try:
            sw = np.asarray(to_numpy(sample_weight), dtype=host_dtype(dtype))
        except (TypeError, ValueError) as exc:
            raise ValueError(f"sample_weight must be an array of numbers: {exc}") from None
        if sw.ndim != 1 or sw.shape[0] != n_samples:
            raise ValueError(
                f"sample_weight.shape == {sw.shape}, expected ({n_samples},): one "
                "non-negative weight per sample."
            )
        if not np.isfinite(sw).all():
            raise ValueError("sample_weight contains NaN or infinity; weights must be finite.")
        if (sw < 0).any():
            raise ValueError("Negative values in data passed to sample_weight; weights must "
                             "be non-negative.")
        if not sw.sum() > 0:
            raise ValueError("sample_weight sums to zero: at least one sample needs a "
                             "positive weight.")
        if sw is sample_weight:
            sw = sw.copy()  # the caller's array is never written to, nor kept
        return sw

    # ------------------------------------------------------------------ fit
    def fit(self, X: MatrixLike, y: ArrayLike,
            sample_weight: ArrayLike | float | None = None) -> Self:
        """Fit the network to X and y.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Training data; CSR/CSC sparse matrices are used as they are.
        y : array-like of shape (n_samples,) or (n_samples, n_outputs)
            Targets.
        sample_weight : array-like of shape (n_samples,), default=None
            Per-sample weights; loss and gradients are their weighted mean, so a
            weight of 2 equals repeating the row.

        Returns
        -------
        self : object
            The fitted estimator.
        """
        return self._fit(X, y, sample_weight, incremental=False)

    def _fit(self, X, y, sample_weight, incremental, classes=None):
        # A failed (re)fit leaves the estimator exactly as it was: everything is
        # built on the side and committed at the end; this undoes what
        # validate_data sets before a later check fails.
        saved = dict(self.__dict__)
        try:
            return self._fit_uncommitted(X, y, sample_weight, incremental, classes)
        except BaseException:
            self.__dict__.clear()
            self.__dict__.update(saved)
            raise

    @with_callbacks  # inside _fit's restore: the callbacks' teardown runs first
    def _fit_uncommitted(self, X, y, sample_weight, incremental, classes):
        setup = self._prepare_fit(X, y, sample_weight, incremental, classes)
        config, params, layout, history = setup.config, setup.params, setup.layout, setup.history
        tasks = FitTasks(
            self, setup.X, setup.y, setup.sample_weight,
            task_name="partial_fit" if incremental else "fit",
            epoch_name="epoch" if config.stochastic else "lbfgs-iter",
            max_epochs=1 if incremental else config.max_iter,
            snapshot=lambda: {
                **self._predict_state(setup.xp.copy(params.flat), layout, config, setup.task),
                "n_iter_": history.n_iter, "loss_curve_": list(history.loss_curve)},
        )
        on_epoch = report.NotedStop(tasks.wrap(report.epoch_reporter(config.verbose)))
        outcome, optimizer = self._run_solver(setup, incremental, on_epoch.for_solver())
        dead = 0.0 if outcome.diverged else dead_fraction(params, setup.X, setup.hidden)
        report.warn_about(outcome, config, history, incremental, dead, report.Training(
            setup.X, setup.task, lambda: logits(params, setup.X, setup.hidden),
            stop_requested=on_epoch.stopped))
        self._commit(params, layout, config, setup.task, history, optimizer)
        tasks.end_fit()
        return self

    def _prepare_fit(self, X, y, sample_weight, incremental, classes):
        """Check the parameters, validate and encode the data, initialise (or continue) the network."""
        xp = input_namespace(X)
        config = check.check_fit_params(self, incremental, self._check_task_params(), xp)
        continuing = self.__sklearn_is_fitted__() and (incremental or config.warm_start)
        if continuing:
            check_same_namespace(self, X, "partial_fit" if incremental else "fit")
        dtype = self._flat.dtype if continuing else config.dtype
        X, y = self._validate_fit_input(X, y, reset=not continuing, dtype=dtype, xp=xp)
        if X.shape[0] == 0:
            raise ValueError("X has 0 samples; at least one is required.")
        dtype = X.dtype
        sample_weight = self._validate_sample_weight(sample_weight, X.shape[0], dtype)
        task = self._encode_targets(y, sample_weight, config, continuing, incremental, classes,
                                    dtype).on(xp, dtype)

        layout = Layout(X.shape[1], config.n_hidden, task.n_outputs, config.hidden_name == "prelu")
        rng = check_random_state(self.random_state)
        if continuing:
            if layout != self._layout():
                raise ValueError(
                    f"n_hidden={config.n_hidden} or the hidden activation changed since the "
                    "last fit; warm_start and partial_fit continue the same network. Set "
                    "warm_start=False to start a new one."
                )
            params = layout.views(xp.copy(self._flat))
            # a copy, so that a failed partial_fit or warm refit leaves the old state
            history = copy.deepcopy(self._history)
            if not incremental:
                # warm_start: the curves go on, n_iter_ counts this call's epochs (as MLP)
                history.n_iter = 0
                fresh = _fresh_history(config, incremental)
                if (history.validation_scores is None) != (fresh.validation_scores is None):
                    history = fresh
        else:
            params = init_params(layout, config.hidden_name, rng, dtype, xp)
            history = _fresh_history(config, incremental)
        hidden = make_hidden(config.hidden, config.leaky_slope, params.slope)
        return FitSetup(config, continuing, xp, X, y, sample_weight, task, layout, rng, params,
                        history, hidden)

    def _run_solver(self, setup, incremental, on_epoch):
        """Train ``setup.params`` in place; return the ``Outcome`` and the optimizer to keep."""
        config, params, X, task, xp = setup.config, setup.params, setup.X, setup.task, setup.xp
        start = xp.copy(params.flat)
        optimizer = None
        if not config.stochastic:
            with scipy_blas_single_threaded():
                outcome = run_lbfgs(
                    params, setup.layout, X, task.target, task.sw, setup.hidden, task.loss,
                    config.alpha, max_iter=config.max_iter, max_fun=config.max_fun,
                    tol=config.tol, history=setup.history, on_epoch=on_epoch,
                )
        else:
            if incremental and setup.continuing and self._optimizer is not None:
                optimizer = copy.deepcopy(self._optimizer)
            else:
                optimizer = _make_optimizer(config, setup.layout.n_params, X.dtype, xp)
            X_train, target_train, sw_train, validation = X, task.target, task.sw, None
            if config.early_stopping:
                X_train, target_train, sw_train, validation = _split_validation(
                    X, task, config.validation_fraction, setup.rng, xp)
            n_train = X_train.shape[0]
            batch_size = min(200, n_train) if config.batch_size == "auto" else config.batch_size
            if batch_size > n_train:
                report.warn(f"batch_size={batch_size} is larger than the {n_train} training "
                            "samples; it is clipped to the number of samples.", UserWarning)
                batch_size = n_train
            outcome = run_minibatch(
                params, setup.layout, X_train, target_train, sw_train, setup.hidden, task.loss,
                config.alpha, optimizer, batch_size=batch_size, max_iter=config.max_iter,
                shuffle=config.shuffle, tol=config.tol, n_iter_no_change=config.n_iter_no_change,
                rng=setup.rng, history=setup.history, validation=validation,
                incremental=incremental, on_epoch=on_epoch,
            )
        if not finite_logits(params, X, setup.hidden):
            # finite weights that overflow on X itself (the last steps were never
            # evaluated, or L-BFGS stopped on an overflowing line search): keep what
            # this call started from
            params.flat[...] = start
            outcome = Outcome(converged=False, diverged=True,
                              detail=report.diverged_on_training_data(setup.history.n_iter))
        return outcome, optimizer

    def _logits(self, X, method):
        X = self._validate_predict_input(X, method)
        params, hidden = self._network()
        return logits(params, X, hidden)

    def hidden_activations(self, X: MatrixLike) -> NDArray[np.floating]:
        """The hidden layer's output ``A1 = g(X W1 + b1)``.

        [X, then Returns]
        A1 : ndarray of shape (n_samples, n_hidden)
            In the fitted dtype.
        """
        X = self._validate_predict_input(X, "hidden_activations")
        params, hidden = self._network()
        return hidden_layer(params, X, hidden)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.sparse = True
        tags.array_api_support = True
        return tags


def _fresh_history(config, incremental):
    return History.start(config.early_stopping and not incremental and config.stochastic)


def _make_optimizer(config, n_params, dtype, xp):
    if config.solver == "sgd":
        return SGD(n_params, dtype, config.learning_rate_init, config.learning_rate,
                   config.momentum, config.nesterovs_momentum, config.power_t, xp=xp)
    return Adam(n_params, dtype, config.learning_rate_init, config.beta_1, config.beta_2,
                config.epsilon, xp=xp)


def _split_validation(X, task, validation_fraction, rng, xp):
    """Hold out ``validation_fraction`` of the rows for early stopping, as MLP splits them."""
    indices = np.arange(X.shape[0])
    try:
        train_idx, val_idx = train_test_split(indices, random_state=rng,
                                              test_size=validation_fraction,
                                              stratify=task.stratify_labels)
    except ValueError:
        # too few members of some class to stratify: split at random instead
        train_idx, val_idx = train_test_split(indices, random_state=rng,
                                              test_size=validation_fraction)
    if val_idx.shape[0] < 2:
        raise ValueError(
            f"The validation set is too small ({val_idx.shape[0]} samples): increase "
            "validation_fraction or the size of the dataset, or set early_stopping=False."
        )
    # kept in train_test_split's order, as MLP keeps it: the epochs then shuffle
    # from the same starting order
    train_rows, val_rows = xp.from_host(train_idx), xp.from_host(val_idx)
    sw = task.sw
    sw_train = None if sw is None else xp.take_rows(sw, train_rows)
    sw_val = None if sw is None else xp.take_rows(sw, val_rows)
    validation = Validation(xp.take_rows(X, val_rows), xp.take_rows(task.target, val_rows),
                            sw_val, lambda Z2: task.score(Z2, val_rows, sw_val))
    return (xp.take_rows(X, train_rows), xp.take_rows(task.target, train_rows), sw_train,
            validation)
