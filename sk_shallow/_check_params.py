"""Constructor-parameter checks: each error names the parameter, the value and what is accepted.

``check_fit_params`` reads every parameter of an estimator once, at
``fit``/``partial_fit`` (``__init__`` only stores), before any fitted state is
touched, and returns the frozen ``FitConfig`` the fit runs on; one table here
says what every parameter accepts.
"""

import numbers
from dataclasses import dataclass

import numpy as np

from . import activations as act
from ._arrays import NUMPY, float_dtypes, host_dtype, to_numpy

SOLVERS = ("adam", "sgd", "lbfgs")
LEARNING_RATES = ("constant", "invscaling", "adaptive")


class InvalidParameterError(ValueError, TypeError):
    """A constructor parameter has a wrong type or value.

    Inherits from both ``ValueError`` and ``TypeError``, as scikit-learn's own
    ``InvalidParameterError`` does, so either ``except`` clause catches it.
    """


InvalidParameterError.__module__ = "sk_shallow"  # where users import it from


def _fail(name, value, accepted):
    raise InvalidParameterError(f"{name}={value!r} is not valid: {name} must be {accepted}.")


def is_int(value):
    return isinstance(value, numbers.Integral) and not isinstance(value, bool)


def is_real(value):
    return isinstance(value, numbers.Real) and not isinstance(value, bool) and np.isfinite(value)


def check_int(name, value, low, high=None):
    if not is_int(value) or value < low or (high is not None and value > high):
        bound = f">= {low}" if high is None else f"in [{low}, {high}]"
        _fail(name, value, f"an integer {bound}")
    return int(value)


def check_patience(value):
    """n_iter_no_change: an integer >= 1, or ``np.inf`` to never stop on it (as MLP)."""
    if isinstance(value, numbers.Real) and value == np.inf:  # True == inf is False
        return np.inf
    if not is_int(value) or value < 1:
        _fail("n_iter_no_change", value, "an integer >= 1, or np.inf to disable the stop")
    return int(value)


def check_real(name, value, low=None, high=None, low_open=False, high_open=False):
    """A finite real within the (half-)open or closed bounds given."""
    ok = is_real(value)
    if ok and low is not None:
        ok = value > low if low_open else value >= low
    if ok and high is not None:
        ok = value < high if high_open else value <= high
    if not ok:
        left = "(" if low_open else "["
        right = ")" if high_open else "]"
        lo = "-inf" if low is None else low
        hi = "inf" if high is None else high
        _fail(name, value, f"a finite real number in {left}{lo}, {hi}{right}")
    return float(value)


def check_option(name, value, options):
    if not isinstance(value, str) or value not in options:
        _fail(name, value, f"one of {sorted(options)}")
    return value


def check_bool(name, value):
    if not isinstance(value, bool | np.bool_):
        _fail(name, value, "True or False")
    return bool(value)


def check_verbose(value):
    if isinstance(value, bool | np.bool_):
        return bool(value)
    if is_int(value) and value >= 0:
        return int(value)
    _fail("verbose", value, "a bool or an integer >= 0")


def check_batch_size(value):
    if isinstance(value, str) and value == "auto":
        return "auto"
    if not is_int(value) or value < 1:
        _fail("batch_size", value, "'auto' or an integer >= 1")
    return int(value)


def check_dtype(value):
    if value is None:
        return None
    try:
        dtype = np.dtype(value)
    except TypeError:
        dtype = None
    if dtype not in (np.dtype(np.float32), np.dtype(np.float64)):
        _fail("dtype", value, "None (the dtype of X: float32 stays float32, anything else "
              "computes in float64), 'float32' or 'float64'")
    return dtype


def check_custom_activation(pair, xp=NUMPY):
    """Validate a ``(g, g_grad)`` pair by central differences on a few points.

    The points are an array of ``xp``, the namespace the fit computes in: a pair
    written for torch tensors need not take NumPy arrays.
    """
    if len(pair) != 2 or not all(callable(f) for f in pair):
        raise InvalidParameterError(
            f"hidden_activation={pair!r} is not valid: a custom activation is a pair "
            "(g, g_grad) of callables, g(Z) -> A and g_grad(Z, A) -> dA/dZ."
        )
    g, g_grad = pair
    dtype = float_dtypes(xp)[0]
    # central differences in float32 (a device without float64) need a wider step
    step, tolerance = (1e-6, 1e-4) if host_dtype(dtype) == np.float64 else (1e-2, 1e-2)
    Z = xp.from_host(np.linspace(-2.5, 2.5, 12).reshape(3, 4) + 0.0123, dtype)  # off 0
    try:
        A_xp = g(Z)
        A = np.asarray(to_numpy(A_xp), dtype=float)
        analytic = np.asarray(to_numpy(g_grad(Z, A_xp)), dtype=float)
        numeric = (np.asarray(to_numpy(g(Z + step)), dtype=float)
                   - np.asarray(to_numpy(g(Z - step)), dtype=float)) / (2 * step)
    except Exception as exc:
        raise InvalidParameterError(
            f"hidden_activation: calling the custom pair on a (3, 4) array failed: {exc!r}"
        ) from exc
    if A.shape != Z.shape or analytic.shape != Z.shape:
        raise InvalidParameterError(
            "hidden_activation: a custom g(Z) and g_grad(Z, A) must return arrays of "
            f"Z's shape {Z.shape}; got {A.shape} and {analytic.shape}."
        )
    error = np.max(np.abs(analytic - numeric) / np.maximum(1.0, np.abs(numeric)))
    if not np.isfinite(error) or error > tolerance:
        raise InvalidParameterError(
            "hidden_activation: the derivative g_grad does not match central differences "
            f"of g (max relative error {error:.3g} on points in [-2.5, 2.5]); g_grad(Z, A) "
            "must return dA/dZ element-wise."
        )


@dataclass(frozen=True)
class FitConfig:
    """The checked, normalised constructor parameters of one fit."""

    n_hidden: int
    hidden: object  # a canonical activation name, or a (g, g_grad) pair
    hidden_name: str  # the canonical name, or "custom"
    leaky_slope: float
    solver: str
    alpha: float
    batch_size: object  # "auto" or an int
    learning_rate: str
    learning_rate_init: float
    power_t: float
    max_iter: int
    shuffle: bool
    tol: float
    verbose: int
    warm_start: bool
    momentum: float
    nesterovs_momentum: bool
    early_stopping: bool
    validation_fraction: float
    beta_1: float
    beta_2: float
    epsilon: float
    n_iter_no_change: float  # an int, or np.inf
    max_fun: int
    dtype: object  # None, float32 or float64
    output: str | None = None  # the estimator's own output choice
    loss: str | None = None  # the regressor's loss name

    @property
    def stochastic(self):
        return self.solver != "lbfgs"


def check_hidden_activation(spec, xp=NUMPY):
    """Return ``(hidden, hidden_name)`` for a name or a custom ``(g, g_grad)`` pair."""
    if isinstance(spec, tuple | list) and not isinstance(spec, str):
        check_custom_activation(tuple(spec), xp)
        return tuple(spec), "custom"
    try:
        name = act.resolve(spec)
    except (TypeError, ValueError) as exc:
        raise InvalidParameterError(str(exc)) from None
    return name, name


def check_fit_params(est, incremental, task_params, xp=NUMPY):
    """Check every constructor parameter of ``est``; return the ``FitConfig`` of this fit.

    ``task_params``: the estimator's own checked parameters (``output``, ``loss``);
    ``xp``: the namespace the fit computes in.
    """
    n_hidden = check_int("n_hidden", est.n_hidden, 1)
    hidden, hidden_name = check_hidden_activation(est.hidden_activation, xp)
    early_stopping = check_bool("early_stopping", est.early_stopping)
    config = FitConfig(
        n_hidden=n_hidden,
        hidden=hidden,
        hidden_name=hidden_name,
        leaky_slope=check_real("leaky_slope", est.leaky_slope, 0, 1, high_open=True),
        solver=check_option("solver", est.solver, SOLVERS),
        alpha=check_real("alpha", est.alpha, 0),
        batch_size=check_batch_size(est.batch_size),
        learning_rate=check_option("learning_rate", est.learning_rate, LEARNING_RATES),
        learning_rate_init=check_real("learning_rate_init", est.learning_rate_init, 0,
                                      low_open=True),
        power_t=check_real("power_t", est.power_t, 0),
        max_iter=check_int("max_iter", est.max_iter, 1),
        shuffle=check_bool("shuffle", est.shuffle),
        tol=check_real("tol", est.tol, 0),
        verbose=check_verbose(est.verbose),
        warm_start=check_bool("warm_start", est.warm_start),
        momentum=check_real("momentum", est.momentum, 0, 1),
        nesterovs_momentum=check_bool("nesterovs_momentum", est.nesterovs_momentum),
        early_stopping=early_stopping,
        validation_fraction=check_real("validation_fraction", est.validation_fraction, 0, 1,
                                       low_open=early_stopping, high_open=True),
        beta_1=check_real("beta_1", est.beta_1, 0, 1, high_open=True),
        beta_2=check_real("beta_2", est.beta_2, 0, 1, high_open=True),
        epsilon=check_real("epsilon", est.epsilon, 0, low_open=True),
        n_iter_no_change=check_patience(est.n_iter_no_change),
        max_fun=check_int("max_fun", est.max_fun, 1),
        dtype=check_dtype(est.dtype),
        **task_params,
    )
    if incremental:
        if not config.stochastic:
            raise ValueError(
                "partial_fit is only available for the stochastic solvers 'sgd' and "
                "'adam'; solver='lbfgs' fits the whole batch at once: use fit."
            )
        if config.early_stopping:
            raise ValueError("partial_fit does not support early_stopping=True; "
                             "use fit, or set early_stopping=False.")
    return config
