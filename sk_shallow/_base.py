"""BaseShallowNet: what the classifier and the regressor share.

The estimator is the door: it checks parameters, validates and converts the
input, chooses the dtype, and hands plain arrays to the NumPy core in
``_network``/``_solvers``. Fitted state is one flat parameter vector
(``_flat``) plus the layout that slices it; ``coefs_`` and ``intercepts_`` are
views into it.
"""

import copy
import functools
import numbers
import os
import sys
import time
import types
import warnings
from typing import TYPE_CHECKING, NamedTuple

import numpy as np
import scipy.sparse as sp
import sklearn
from numpy.typing import ArrayLike, NDArray
from sklearn.base import BaseEstimator
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import train_test_split
from sklearn.utils import check_random_state
from sklearn.utils.validation import validate_data

from . import _validation as check
from . import activations as act
from ._callbacks import CallbackSupportMixin, FitTasks, with_callbacks
from ._fitted import FittedNetwork
from ._network import Hidden, Layout, Params, forward, hidden_forward, init_params, make_hidden
from ._optimizers import OPTIMIZERS
from ._solvers import History, Outcome, Validation, run_lbfgs, run_minibatch

_SOLVERS = ("adam", "sgd", "lbfgs")
_LEARNING_RATES = ("constant", "invscaling", "adaptive")
# Below this many rows, predict checks a plain ndarray itself instead of through
# validate_data, whose fixed cost is most of a one-row prediction.
_FAST_PATH_MAX_ROWS = 2048

# Type hints of the public API: X is array-like or a scipy sparse matrix/array.
MatrixLike = ArrayLike | sp.spmatrix | sp.sparray
if TYPE_CHECKING:  # typing.Self needs Python 3.11
    from typing_extensions import Self


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


def _finite_logits(params, X, hidden):
    """Whether the logits ``Z2 (n_samples, n_outputs)`` on X are all finite.

    A bound from ``max |X|`` and ``max |theta|`` settles it almost always, at a
    fraction of a forward pass: every built-in ``g`` has
    ``|g(z)| <= max(1, slope) |z| + 1``, and a prelu slope is part of theta.
    """
    with np.errstate(over="ignore", invalid="ignore"):
        if hidden.name != "custom":
            values = X if isinstance(X, np.ndarray) else X.data  # CSR/CSC: stored values
            # max |X| without np.abs(X), a temporary the size of X (issue 3, P8)
            x_max = max(float(values.max()), -float(values.min())) if values.size else 0.0
            w_max = float(np.abs(params.flat).max())
            n_features, n_hidden = params.W1.shape
            a_max = max(1.0, w_max) * (n_features * x_max * w_max + w_max) + 1.0
            if n_hidden * a_max * w_max + w_max < np.finfo(params.flat.dtype).max / 4:
                return True
        return bool(np.isfinite(forward(params, X, hidden)).all())


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
                else f"{obj.solver!r} is not a solver (use one of {list(_SOLVERS)})."
            )
            raise AttributeError(
                f"{self.method.__name__} is only available for the stochastic solvers "
                f"'sgd' and 'adam', not solver={obj.solver!r}: {why}"
            )
        return types.MethodType(self.method, obj)


class FitSetup(NamedTuple):
    """What ``fit`` builds before the solver runs; ``check_gradients`` starts from it too."""

    p: dict  # the checked parameters
    continuing: bool  # warm_start or partial_fit on a fitted network
    X: object  # validated, in the fit dtype
    y: np.ndarray  # validated (labels, not their encoding)
    sample_weight: np.ndarray | None  # validated, as given
    sw: np.ndarray | None  # sample_weight times the class weights
    task: object  # the encoded targets and their loss
    layout: Layout
    rng: np.random.RandomState  # after the initialisation drew from it
    params: Params
    history: History
    hidden: Hidden


class BaseShallowNet(FittedNetwork, CallbackSupportMixin, BaseEstimator):
    """Shared machinery of ``ShallowNetClassifier`` and ``ShallowNetRegressor``."""

    # the "?" link of the HTML repr (_repr_html_): the README's parameter table,
    # as PyPI shows it for this version
    _doc_link_module = "sk_shallow"
    _doc_link_template = "https://pypi.org/project/sk-shallow/{version}/#{anchor}"

    def _doc_link_url_param_generator(self):
        from . import __version__

        return {"version": __version__, "anchor": "parameters"}

    # ------------------------------------------------------------------ params
    def _checked_params(self, incremental):
        """Check every constructor parameter; return the normalised values the fit uses."""
        p = {}
        p["n_hidden"] = check.check_int("n_hidden", self.n_hidden, 1)
        spec = self.hidden_activation
        if isinstance(spec, tuple | list) and not isinstance(spec, str):
            check.check_custom_activation(tuple(spec))
            p["hidden"] = tuple(spec)
            p["hidden_name"] = "custom"
        else:
            try:
                p["hidden"] = p["hidden_name"] = act.resolve(spec)
            except (TypeError, ValueError) as exc:
                raise check.InvalidParameterError(str(exc)) from None
        p["leaky_slope"] = check.check_real("leaky_slope", self.leaky_slope, 0, 1, high_open=True)
        p["solver"] = check.check_option("solver", self.solver, _SOLVERS)
        p["alpha"] = check.check_real("alpha", self.alpha, 0)
        p["batch_size"] = check.check_batch_size(self.batch_size)
        p["learning_rate"] = check.check_option("learning_rate", self.learning_rate, _LEARNING_RATES)
        p["learning_rate_init"] = check.check_real(
            "learning_rate_init", self.learning_rate_init, 0, low_open=True
        )
        p["power_t"] = check.check_real("power_t", self.power_t, 0)
        p["max_iter"] = check.check_int("max_iter", self.max_iter, 1)
        p["shuffle"] = check.check_bool("shuffle", self.shuffle)
        p["tol"] = check.check_real("tol", self.tol, 0)
        p["verbose"] = check.check_verbose(self.verbose)
        p["warm_start"] = check.check_bool("warm_start", self.warm_start)
        p["momentum"] = check.check_real("momentum", self.momentum, 0, 1)
        p["nesterovs_momentum"] = check.check_bool("nesterovs_momentum", self.nesterovs_momentum)
        p["early_stopping"] = check.check_bool("early_stopping", self.early_stopping)
        p["validation_fraction"] = check.check_real(
            "validation_fraction", self.validation_fraction, 0, 1,
            low_open=p["early_stopping"], high_open=True,
        )
        p["beta_1"] = check.check_real("beta_1", self.beta_1, 0, 1, high_open=True)
        p["beta_2"] = check.check_real("beta_2", self.beta_2, 0, 1, high_open=True)
        p["epsilon"] = check.check_real("epsilon", self.epsilon, 0, low_open=True)
        p["n_iter_no_change"] = check.check_patience(self.n_iter_no_change)
        p["max_fun"] = check.check_int("max_fun", self.max_fun, 1)
        p["dtype"] = check.check_dtype(self.dtype)
        if incremental:
            if p["solver"] == "lbfgs":
                raise ValueError(
                    "partial_fit is only available for the stochastic solvers 'sgd' and "
                    "'adam'; solver='lbfgs' fits the whole batch at once: use fit."
                )
            if p["early_stopping"]:
                raise ValueError("partial_fit does not support early_stopping=True; "
                                 "use fit, or set early_stopping=False.")
        p.update(self._checked_task_params())
        return p

    # ------------------------------------------------------------------ input
    def _validate_fit_input(self, X, y, reset, dtype):
        X, y = _validate_numeric(
            "X and y" if self._y_numeric else "X", self, X, y, reset=reset,
            accept_sparse=("csr", "csc"), dtype=(np.float64, np.float32), multi_output=True,
            y_numeric=self._y_numeric,
        )
        if dtype is not None and X.dtype != dtype:
            X = X.astype(dtype)
        return X, y

    def _validate_predict_input(self, X):
        """Return X ready for the forward pass, in the fitted dtype."""
        self._check_fitted()
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
        X = _validate_numeric("X", self, X, reset=False, accept_sparse=("csr", "csc"),
                              dtype=(np.float64, np.float32))
        return X if X.dtype == dtype else X.astype(dtype)

    def _validate_sample_weight(self, sample_weight, n_samples, dtype):
        if sample_weight is None:
            return None
        if isinstance(sample_weight, numbers.Real):
            sample_weight = np.full(n_samples, sample_weight)
        try:
            sw = np.asarray(sample_weight, dtype=dtype)
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
            sample_weight: ArrayLike | float | None = None) -> "Self":
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

    def _is_continuing(self, incremental):
        fitted = self.__sklearn_is_fitted__()
        return fitted and (incremental or self.warm_start)

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

    def _prepare_fit(self, X, y, sample_weight, incremental, classes):
        """Check the parameters, validate and encode the data, initialise (or continue) the network."""
        p = self._checked_params(incremental)
        continuing = self._is_continuing(incremental)
        dtype = self._flat.dtype if continuing else p["dtype"]
        X, y = self._validate_fit_input(X, y, reset=not continuing, dtype=dtype)
        if X.shape[0] == 0:
            raise ValueError("X has 0 samples; at least one is required.")
        dtype = X.dtype
        sample_weight = self._validate_sample_weight(sample_weight, X.shape[0], dtype)
        task = self._encode_targets(y, p, continuing, incremental, classes, dtype)
        sw = self._combine_weights(sample_weight, task, dtype)

        layout = Layout(X.shape[1], p["n_hidden"], task.n_outputs, p["hidden_name"] == "prelu")
        rng = check_random_state(self.random_state)
        if continuing:
            if layout != self._layout():
                raise ValueError(
                    f"n_hidden={p['n_hidden']} or the hidden activation changed since the "
                    "last fit; warm_start and partial_fit continue the same network. Set "
                    "warm_start=False to start a new one."
                )
            params = layout.views(self._flat.copy())
            # a copy, so that a failed partial_fit or warm refit leaves the old state
            history = copy.deepcopy(self._history)
            if not incremental:
                # warm_start: the curves go on, n_iter_ counts this call's epochs (as MLP)
                history.n_iter = 0
                fresh = self._fresh_history(p, incremental)
                if (history.validation_scores is None) != (fresh.validation_scores is None):
                    history = fresh
        else:
            params = init_params(layout, p["hidden_name"], rng, dtype)
            history = self._fresh_history(p, incremental)
        hidden = make_hidden(p["hidden"], p["leaky_slope"])
        return FitSetup(p, continuing, X, y, sample_weight, sw, task, layout, rng, params,
                        history, hidden)

    @with_callbacks  # inside _fit's restore: the callbacks' teardown runs first
    def _fit_uncommitted(self, X, y, sample_weight, incremental, classes):
        p, continuing, X, y, sample_weight, sw, task, layout, rng, params, history, hidden = (
            self._prepare_fit(X, y, sample_weight, incremental, classes)
        )
        dtype = X.dtype
        loss = task.loss
        on_epoch = self._epoch_reporter(p["verbose"], history)
        tasks = FitTasks(
            self, X, y, sample_weight, task_name="partial_fit" if incremental else "fit",
            epoch_name="lbfgs-iter" if p["solver"] == "lbfgs" else "epoch",
            max_epochs=1 if incremental else p["max_iter"],
            snapshot=lambda: {**self._predict_state(params.flat.copy(), layout, p, task),
                              "n_iter_": history.n_iter, "loss_curve_": list(history.loss_curve)},
        )
        on_epoch = tasks.wrap(on_epoch)

        start = params.flat.copy()
        if p["solver"] == "lbfgs":
            outcome = run_lbfgs(
                params, layout, X, task.target, sw, hidden, loss, p["alpha"],
                max_iter=p["max_iter"], max_fun=p["max_fun"], tol=p["tol"], history=history,
                on_epoch=on_epoch,
            )
            optimizer = None
        else:
            optimizer = None
            if incremental and continuing and self._optimizer is not None:
                optimizer = copy.deepcopy(self._optimizer)
            if optimizer is None:
                optimizer = self._make_optimizer(p, layout.n_params, dtype)
            X_train, target_train, sw_train, validation = X, task.target, sw, None
            if p["early_stopping"]:
                X_train, target_train, sw_train, validation = self._split_validation(
                    X, task, sw, p, rng
                )
            n_train = X_train.shape[0]
            batch_size = min(200, n_train) if p["batch_size"] == "auto" else p["batch_size"]
            if batch_size > n_train:
                _warn(f"batch_size={batch_size} is larger than the {n_train} training samples; "
                      "it is clipped to the number of samples.", UserWarning)
                batch_size = n_train
            outcome = run_minibatch(
                params, layout, X_train, target_train, sw_train, hidden, loss, p["alpha"],
                optimizer, batch_size=batch_size, max_iter=p["max_iter"], shuffle=p["shuffle"],
                tol=p["tol"], n_iter_no_change=p["n_iter_no_change"], rng=rng, history=history,
                validation=validation, incremental=incremental, on_epoch=on_epoch,
            )
        if not _finite_logits(params, X, hidden):
            # finite weights that overflow on X itself (the last steps were never
            # evaluated, or L-BFGS stopped on an overflowing line search): keep what
            # this call started from
            params.flat[...] = start
            outcome = Outcome(converged=False, diverged=True, message=(
                f"training diverged by iteration {history.n_iter} (the logits on the "
                "training data overflow); the weights from before this call were kept. "
                "Lower learning_rate_init or scale the inputs."))

        dead = 0.0 if outcome.diverged else _dead_fraction(params, X, hidden)
        self._warn_about(outcome, p, history, incremental, dead)

        # commit
        for name, value in self._predict_state(params.flat, layout, p, task).items():
            setattr(self, name, value)
        self._history = history
        self._optimizer = optimizer
        self.n_iter_ = history.n_iter
        self.t_ = history.t
        self.loss_curve_ = list(history.loss_curve)
        # None when training diverged in its first epoch (the initial weights are kept)
        self.loss_ = history.loss_curve[-1] if history.loss_curve else None
        self.best_loss_ = history.best_loss
        self.validation_scores_ = (
            None if history.validation_scores is None else list(history.validation_scores)
        )
        self.validation_loss_curve_ = (
            None if history.validation_loss_curve is None
            else list(history.validation_loss_curve)
        )
        self.best_validation_score_ = history.best_validation_score
        tasks.end_fit()
        return self

    @staticmethod
    def _warn_about(outcome, p, history, incremental, dead_fraction):
        """A ConvergenceWarning for a diverged, unfinished, worsening or dead run."""
        if outcome.diverged:
            _warn(outcome.message)
            return
        if not outcome.converged:
            if p["solver"] == "lbfgs":
                _warn(f"lbfgs failed to converge after {history.n_iter} iteration(s) "
                      f"{outcome.message}. Increase max_iter or max_fun, or scale the data.")
            elif not incremental:
                _warn(f"Stochastic Optimizer: Maximum iterations ({p['max_iter']}) reached "
                      "and the optimization hasn't converged yet.")
        elif p["solver"] != "lbfgs" and not incremental and not p["early_stopping"]:
            curve = history.loss_curve
            window = p["n_iter_no_change"] + 1  # the epochs the no-improvement stop saw
            if len(curve) > window and min(curve[-window:]) > min(curve[:-window]):
                # the no-improvement rule also stops a run whose loss only grew
                _warn(f"Training stopped after its loss stayed above its best "
                      f"({min(curve[:-window]):.4g}) for the last {window} epochs (now "
                      f"{curve[-1]:.4g}): the optimizer is diverging. Lower "
                      "learning_rate_init or scale the inputs.")
        if dead_fraction > 0.5:
            _warn(f"{dead_fraction:.0%} of the hidden units are dead (zero on every "
                  "training sample, so they no longer learn). Scale the inputs, lower "
                  "learning_rate_init, or use hidden_activation='leaky_relu'.")

    @staticmethod
    def _predict_state(flat, layout, p, task):
        """The attributes predict reads: fit commits them; callbacks' snapshots copy them."""
        state = types.SimpleNamespace()
        task.commit(state)
        return {
            "_flat": flat, "_shape": tuple(layout), "_hidden_resolved": p["hidden"],
            "_leaky_slope": p["leaky_slope"], "_loss": task.loss, **vars(state),
            "n_layers_": 3, "n_outputs_": task.n_outputs, "out_activation_": task.loss.output,
        }

    @staticmethod
    def _fresh_history(p, incremental):
        return History.start(p["early_stopping"] and not incremental and p["solver"] != "lbfgs")

    @staticmethod
    def _make_optimizer(p, n_params, dtype):
        if p["solver"] == "sgd":
            return OPTIMIZERS["sgd"](
                n_params, dtype, p["learning_rate_init"], p["learning_rate"], p["momentum"],
                p["nesterovs_momentum"], p["power_t"],
            )
        return OPTIMIZERS["adam"](
            n_params, dtype, p["learning_rate_init"], p["beta_1"], p["beta_2"], p["epsilon"]
        )

    def _split_validation(self, X, task, sw, p, rng):
        n_samples = X.shape[0]
        stratify = task.stratify_labels
        arrays = [np.arange(n_samples)]
        try:
            (train_idx, val_idx) = train_test_split(
                *arrays, random_state=rng, test_size=p["validation_fraction"], stratify=stratify
            )
        except ValueError:
            # too few members of some class to stratify: split at random instead
            (train_idx, val_idx) = train_test_split(
                *arrays, random_state=rng, test_size=p["validation_fraction"]
            )
        if val_idx.shape[0] < 2:
            raise ValueError(
                f"The validation set is too small ({val_idx.shape[0]} samples): increase "
                "validation_fraction or the size of the dataset, or set early_stopping=False."
            )
        # kept in train_test_split's order, as MLP keeps it: the epochs then
        # shuffle from the same starting order
        target = task.target
        sw_train = None if sw is None else sw[train_idx]
        sw_val = None if sw is None else sw[val_idx]
        validation = Validation(
            X[val_idx], target[val_idx], sw_val,
            lambda Z2: self._validation_score(Z2, task, val_idx, sw_val),
        )
        return X[train_idx], target[train_idx], sw_train, validation

    def _epoch_reporter(self, verbose, history):
        if not verbose:
            return None
        started = time.perf_counter()

        def report(h):
            line = f"Iteration {h.n_iter}, loss = {h.loss_curve[-1]:.8f}"
            if h.validation_scores:
                line += f", validation score = {h.validation_scores[-1]:.6f}"
            line += f", elapsed = {time.perf_counter() - started:.2f}s"
            print(line)
            return False

        return report

    def _logits(self, X):
        X = self._validate_predict_input(X)
        return forward(self._params(), X, self._hidden())

    def hidden_activations(self, X: MatrixLike) -> NDArray[np.floating]:
        """The hidden layer's output ``A1 = g(X W1 + b1)``.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)

        Returns
        -------
        A1 : ndarray of shape (n_samples, n_hidden)
            In the fitted dtype.
        """
        X = self._validate_predict_input(X)
        return hidden_forward(self._params(), X, self._hidden())

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.sparse = True
        return tags


# ours, and scikit-learn's (its callback wrapper and meta-estimators sit between
# the user's line and fit)
_LIBRARY_DIRS = (os.path.dirname(os.path.abspath(__file__)) + os.sep,
                 os.path.dirname(os.path.abspath(sklearn.__file__)) + os.sep)


def _warn(message, category=ConvergenceWarning):
    """A warning pointing at the user's line: the first frame outside the libraries."""
    # stacklevel=2 is _warn's caller; climb while the frames are ours
    frame, level = sys._getframe(1), 2
    while frame is not None and frame.f_code.co_filename.startswith(_LIBRARY_DIRS):
        frame, level = frame.f_back, level + 1
    warnings.warn(message, category, stacklevel=level)


def _dead_fraction(params, X, hidden, block_rows=4096):
    """The share of relu units that output 0 on every row of X (they get no gradient)."""
    if hidden.name != "relu":
        return 0.0  # the other activations have a gradient everywhere
    alive = np.zeros(params.W1.shape[1], dtype=bool)
    for start in range(0, X.shape[0], block_rows):
        alive |= (hidden_forward(params, X[start:start + block_rows], hidden) > 0).any(axis=0)
    return 1.0 - alive.mean()
