"""Constructor-parameter checks: each error names the parameter, the value and what is accepted.

Kept apart from the estimators so that one table says what every parameter
accepts. Checks run at ``fit``/``partial_fit`` (``__init__`` only stores), and
before any fitted state is touched.
"""

import numbers

import numpy as np


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


def check_custom_activation(pair):
    """Validate a ``(g, g_grad)`` pair by central differences on a few points."""
    if len(pair) != 2 or not all(callable(f) for f in pair):
        raise InvalidParameterError(
            f"hidden_activation={pair!r} is not valid: a custom activation is a pair "
            "(g, g_grad) of callables, g(Z) -> A and g_grad(Z, A) -> dA/dZ."
        )
    g, g_grad = pair
    Z = np.linspace(-2.5, 2.5, 12).reshape(3, 4) + 0.0123  # off the kinks at 0
    step = 1e-6
    try:
        A = np.asarray(g(Z), dtype=float)
        analytic = np.asarray(g_grad(Z, A), dtype=float)
        numeric = (np.asarray(g(Z + step), dtype=float) - np.asarray(g(Z - step), dtype=float)) / (
            2 * step
        )
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
    if not np.isfinite(error) or error > 1e-4:
        raise InvalidParameterError(
            "hidden_activation: the derivative g_grad does not match central differences "
            f"of g (max relative error {error:.3g} on points in [-2.5, 2.5]); g_grad(Z, A) "
            "must return dA/dZ element-wise."
        )
