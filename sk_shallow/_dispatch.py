"""The estimators' side of scikit-learn's array API dispatch: where a fit computes, and checks.

With ``sklearn.set_config(array_api_dispatch=True)`` an estimator computes in
the namespace and on the device of X (a torch tensor on a GPU, a CuPy array,
an array-api-strict array); ``y`` and ``sample_weight`` follow X, and the
fitted weights stay on X's device. With dispatch off every input becomes a
NumPy array, as scikit-learn converts it. A prediction must come in the
namespace and on the device of the fit, as scikit-learn's own estimators
require; ``move_to`` moves a fitted network.
"""

import warnings

import array_api_compat
import numpy as np
import scipy.sparse as sp
from sklearn import get_config

from ._arrays import NUMPY, float_dtypes, holds_numbers, namespace_of, to_numpy


def dispatch_on():
    return bool(get_config().get("array_api_dispatch", False))


def input_namespace(X):
    """The namespace a fit or a prediction on X computes in: X's with dispatch on, else NumPy."""
    if not dispatch_on() or sp.issparse(X) or not array_api_compat.is_array_api_obj(X):
        return NUMPY
    if "sparse" in str(getattr(X, "layout", "")) or array_api_compat.is_pydata_sparse_array(X):
        raise TypeError(
            f"X is a sparse {type(X).__module__}.{type(X).__name__}: sparse input is taken as "
            "a SciPy sparse matrix (CSR or CSC), computed with NumPy. Pass a dense array, or "
            "a scipy.sparse matrix.")
    return namespace_of(X)


def same_namespace(a, b):
    return (a.name, str(a.device)) == (b.name, str(b.device))


def check_same_namespace(estimator, X, method):
    """Raise where X's namespace or device is not the fitted network's."""
    if type(X) is np.ndarray and type(estimator._flat) is np.ndarray:
        return  # the common case, first: a prediction's fixed cost is mostly checks
    fitted, given = namespace_of(estimator._flat), input_namespace(X)
    if same_namespace(fitted, given):
        return
    off = "" if dispatch_on() else (
        " (array_api_dispatch is off, so X is converted to a NumPy array; turn it on with "
        "sklearn.set_config(array_api_dispatch=True) to compute on the fitted device)")
    raise ValueError(
        f"Inputs passed to {type(estimator).__name__}.{method}() must use the same namespace "
        f"and the same device as those passed to fit(). The network was fitted in "
        f"{fitted.name} on device {fitted.device}; X is in {given.name} on device "
        f"{given.device}{off}. Move the estimator to X's namespace and device with "
        "estimator.move_to(X), or pass X where the fit was."
    )


def compute_dtype(xp, requested, given):
    """The float dtype of a fit on ``xp``: ``requested`` (a NumPy dtype or None) or ``given``'s.

    ``given`` is X's validated dtype. A device without float64 (Apple's MPS,
    array-api-strict's ``no_float64``) computes in float32, with a warning.
    """
    available = float_dtypes(xp)
    wanted = given if requested is None else getattr(xp, requested.name)
    if wanted in available:
        return wanted
    warnings.warn(
        f"{xp.name} on device {xp.device} has no float64: the network computes in "
        "float32 there.", UserWarning, stacklevel=4)
    return available[0]


def move(A, xp):
    """``A`` in namespace ``xp`` on its device (no copy where it is there already)."""
    if A is None or same_namespace(namespace_of(A), xp):
        return A
    return xp.from_host(to_numpy(A))


def _map_arrays(value, convert):
    """``value`` with ``convert`` applied to every array in it: in dicts, in lists
    and tuples, and in our own records (an estimator's ``__dict__`` items)."""
    if array_api_compat.is_array_api_obj(value) and not sp.issparse(value):
        return convert(value)
    if isinstance(value, dict):
        return {key: _map_arrays(item, convert) for key, item in value.items()}
    if isinstance(value, list | tuple) and any(
            array_api_compat.is_array_api_obj(item) for item in value):
        return type(value)(_map_arrays(item, convert) for item in value)
    if type(value).__module__.startswith("sk_shallow.") and hasattr(value, "__dict__"):
        copied = object.__new__(type(value))
        copied.__dict__.update(_map_arrays(vars(value), convert))
        return copied
    return value


def host_copy(value):
    """``value`` with every array in it as a NumPy array.

    For pickling: a saved network loads where no GPU (or no torch) is.
    """
    return _map_arrays(value, to_numpy)


def moved_state(value, xp):
    """``value`` (an estimator's ``__dict__`` item) with its numeric arrays moved to ``xp``.

    Arrays of strings or objects (class labels, feature names) stay NumPy.
    """
    return _map_arrays(value, lambda A: move(A, xp) if holds_numbers(A) else A)
