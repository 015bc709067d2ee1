"""Activation functions of the hidden and output layers, each beside its derivative.

Every activation ``g(Z)`` is paired with ``g_grad(Z, A)``, the element-wise
derivative ``dA/dZ`` evaluated from the pre-activation ``Z`` and the activation
``A = g(Z)``: tanh and the sigmoid read it off ``A`` (the lecture's ``1 - a^2``
and ``a(1 - a)``), relu and swish need ``Z``.

All functions return new arrays unless ``out=`` is given (the network passes
buffers it owns), and keep the dtype of ``Z``: float32 in, float32 out. An
activation may write over its input (``g(Z, out=Z)``); a derivative's ``out``
must be a third buffer, distinct from ``Z`` and ``A``.

Examples
--------
>>> import numpy as np
>>> from sk_shallow import activations
>>> z = np.array([-10.0, 0.0, 10.0])
>>> activations.logistic_grad(z, activations.logistic(z)).round(4)
array([0.  , 0.25, 0.  ])
>>> activations.relu_grad(np.array([-1.0, 0.0, 1.0]), None)
array([0., 1., 1.])
"""

import difflib
import inspect

from ._arrays import namespace_of

__all__ = [
    "ACTIVATIONS",
    "ALIASES",
    "UNTRAINABLE",
    "elu",
    "elu_grad",
    "identity",
    "identity_grad",
    "leaky_relu",
    "leaky_relu_grad",
    "log_logistic",
    "log_softmax",
    "logistic",
    "logistic_grad",
    "prelu",
    "prelu_grad",
    "prelu_slope_grad",
    "relu",
    "relu_grad",
    "resolve",
    "softmax",
    "softmax_grad",
    "step",
    "step_grad",
    "swish",
    "swish_grad",
    "tanh",
    "tanh_grad",
]


def _constant(Z, value, out):
    if out is None:
        return namespace_of(Z).full_like(Z, value)
    out[...] = value
    return out


def identity(Z, out=None):
    """``g(z) = z``: a hidden layer of these makes the whole network linear."""
    if out is None:
        return namespace_of(Z).copy(Z)
    if out is not Z:
        out[...] = Z
    return out


def identity_grad(Z, A, out=None):
    """``g'(z) = 1``."""
    return _constant(Z, 1.0, out)


def logistic(Z, out=None):
    """The sigmoid ``g(z) = 1 / (1 + e^-z)``, via ``expit`` so no ``exp`` overflows."""
    return namespace_of(Z).expit(Z, out=out)


def logistic_grad(Z, A, out=None):
    """``g'(z) = a (1 - a)`` (lecture, derivatives of activation functions)."""
    xp = namespace_of(A)
    out = xp.subtract(1.0, A, out=out)
    out *= A
    return out


def tanh(Z, out=None):
    """``g(z) = (e^z - e^-z) / (e^z + e^-z)``."""
    return namespace_of(Z).tanh(Z, out=out)


def tanh_grad(Z, A, out=None):
    """``g'(z) = 1 - a^2``."""
    xp = namespace_of(A)
    out = xp.multiply(A, A, out=out)
    return xp.subtract(1.0, out, out=out)


def relu(Z, out=None):
    """``g(z) = max(0, z)``."""
    return namespace_of(Z).maximum(Z, 0.0, out=out)


def relu_grad(Z, A, out=None):
    """``g'(z) = 0`` for ``z < 0`` and ``1`` for ``z >= 0``.

    The course's convention ``g'(0) = 1``: ``A`` alone cannot tell ``z = 0``
    from ``z < 0``, so this reads ``Z``.
    """
    return namespace_of(Z).at_least(Z, 0.0, out=out)


def leaky_relu(Z, slope=0.01, out=None):
    """``g(z) = max(slope * z, z)``: ``z`` for ``z >= 0`` and ``slope * z`` below."""
    return prelu(Z, slope, out)  # a prelu whose slope is fixed and shared by every unit


def leaky_relu_grad(Z, A, slope=0.01, out=None):
    """``g'(z) = slope`` for ``z < 0`` and ``1`` for ``z >= 0`` (the course's ``g'(0) = 1``)."""
    return prelu_grad(Z, A, slope, out)


def prelu(Z, slope=0.25, out=None):
    """Parametric relu: ``z`` for ``z >= 0`` and ``slope_j * z`` below, one learnt slope per unit.

    ``slope`` is a scalar or an array of shape ``(n_hidden,)`` broadcast over
    the rows of ``Z``.
    """
    return namespace_of(Z).where(Z >= 0, Z, Z * slope, out=out)


def prelu_grad(Z, A, slope=0.25, out=None):
    """``g'(z) = 1`` for ``z >= 0`` and ``slope_j`` below."""
    xp = namespace_of(Z)
    return xp.where(Z >= 0, xp.ones_like(Z), slope, out=out)


def prelu_slope_grad(Z, dA):
    """``d loss / d slope_j = sum_i dA_ij min(Z_ij, 0)``.

    Shapes: ``Z, dA (n_samples, n_hidden)`` -> ``(n_hidden,)``.
    """
    xp = namespace_of(Z)
    return xp.sum(dA * xp.minimum(Z, 0.0), axis=0)


def elu(Z, out=None):
    """``g(z) = z`` for ``z > 0`` and ``e^z - 1`` below.

    ``expm1`` is accurate near 0, and evaluated at ``min(z, 0)`` no ``exp`` of a
    large ``z`` ever overflows.
    """
    xp = namespace_of(Z)
    below = xp.expm1(xp.minimum(Z, 0.0))
    return xp.where(Z > 0, Z, below, out=out)


def elu_grad(Z, A, out=None):
    """``g'(z) = 1`` for ``z > 0`` and ``e^z = a + 1`` below."""
    xp = namespace_of(Z)
    return xp.where(Z > 0, 1.0, A + 1.0, out=out)


def swish(Z, out=None):
    """``g(z) = z sigmoid(z)`` (also called SiLU)."""
    xp = namespace_of(Z)
    return xp.multiply(Z, xp.expit(Z), out=out)


def swish_grad(Z, A, out=None):
    """``g'(z) = s + z s (1 - s)`` with ``s = sigmoid(z)``, i.e. ``s (1 + z (1 - s))``."""
    xp = namespace_of(Z)
    s = xp.expit(Z)
    out = xp.subtract(1.0, s, out=out)
    out *= Z
    out += 1.0
    out *= s
    return out


def step(Z, out=None):
    """The threshold unit: ``1`` for ``z >= 0``, ``0`` below. Drawn in the notes, never trained."""
    return namespace_of(Z).at_least(Z, 0.0, out=out)


def step_grad(Z, A, out=None):
    """``g'(z) = 0`` everywhere it exists: why gradient descent cannot train a step unit."""
    return _constant(Z, 0.0, out)


def softmax(Z, out=None):
    """Row-wise ``e^z_k / sum_j e^z_j``, shifted by the row max so nothing overflows.

    Examples
    --------
    >>> import numpy as np
    >>> softmax(np.array([[1.2, 0.9, 0.75]])).round(2)
    array([[0.42, 0.31, 0.27]])
    """
    xp = namespace_of(Z)
    out = xp.subtract(Z, xp.max(Z, axis=1, keepdims=True), out=out)
    out = xp.exp(out, out=out)
    out /= xp.sum(out, axis=1, keepdims=True)
    return out


def softmax_grad(Z, A):
    """The Jacobian of each row, ``dA_k / dZ_j = a_k (delta_kj - a_j)``.

    Softmax is not element-wise, so its derivative is a matrix per row: the
    diagonal ``a_k (1 - a_k)`` is the sigmoid's, the rest ``-a_k a_j``.
    Training never builds it: with cross-entropy the output delta is
    ``A2 - Y`` directly. Shapes: ``Z, A (n_samples, n_classes)`` ->
    ``(n_samples, n_classes, n_classes)``.

    Examples
    --------
    >>> import numpy as np
    >>> Z = np.array([[1.2, 0.9, 0.75]])
    >>> J = softmax_grad(Z, softmax(Z))
    >>> J[0].diagonal().round(3)
    array([0.244, 0.214, 0.196])
    >>> bool(np.allclose(J.sum(axis=1), 0))  # the outputs always sum to 1
    True
    """
    xp = namespace_of(A)
    eye = xp.eye(A.shape[1], dtype=A.dtype, device=xp.device)
    return A[:, :, None] * (eye - A[:, None, :])


def log_softmax(Z):
    """Row-wise ``z_k - logsumexp(z)``: finite for every finite ``Z``."""
    return Z - namespace_of(Z).logsumexp(Z, axis=1, keepdims=True)


def log_logistic(Z):
    """``log sigmoid(z) = -log(1 + e^-z)``: finite for every finite ``Z``."""
    return namespace_of(Z).log_expit(Z)


# name -> (g, g_grad). The derivative of each takes (Z, A[, slope], out=None).
ACTIVATIONS = {
    "identity": (identity, identity_grad),
    "logistic": (logistic, logistic_grad),
    "tanh": (tanh, tanh_grad),
    "relu": (relu, relu_grad),
    "leaky_relu": (leaky_relu, leaky_relu_grad),
    "elu": (elu, elu_grad),
    "swish": (swish, swish_grad),
    "prelu": (prelu, prelu_grad),
}
ALIASES = {"linear": "identity", "sigmoid": "logistic", "silu": "swish"}
# Known to the notes, refused for training, with the reason the error gives.
UNTRAINABLE = {
    "step": (
        (step, step_grad),
        "its derivative is zero almost everywhere, so gradient descent cannot train it",
    ),
}


def resolve(name):
    """Return the canonical name of a hidden activation, or raise ``ValueError``.

    Parameters
    ----------
    name : str
        A name from ``ACTIVATIONS`` or ``ALIASES``.

    Returns
    -------
    canonical : str
        The name in ``ACTIVATIONS`` it stands for.

    Examples
    --------
    >>> resolve("sigmoid")
    'logistic'
    """
    accepted = sorted(set(ACTIVATIONS) | set(ALIASES))
    if not isinstance(name, str):
        raise TypeError(
            f"hidden_activation={name!r} is not a known activation; use one of "
            f"{accepted} or a pair (g, g_grad) of callables."
        )
    canonical = ALIASES.get(name, name)
    if canonical in UNTRAINABLE:
        reason = UNTRAINABLE[canonical][1]
        raise ValueError(
            f"hidden_activation={name!r} cannot be trained ({reason}); use one of "
            f"{accepted}."
        )
    if canonical not in ACTIVATIONS:
        close = difflib.get_close_matches(name.lower(), accepted, n=1)
        hint = f" (did you mean {close[0]!r}?)" if close else ""
        raise ValueError(
            f"hidden_activation={name!r} is not a known activation{hint}; use one of "
            f"{accepted} or a pair (g, g_grad) of callables."
        )
    return canonical


# Every activation and derivative above takes the same few arguments: their
# descriptions are written once here and added to each docstring that has no
# Parameters section of its own, so that help() shows them in full.
_ARGUMENTS = {
    "Z": "Z : ndarray of shape (n_samples, n_units)\n    The pre-activations ``Z = X W + b``.",
    "A": "A : ndarray of shape (n_samples, n_units) or None\n"
         "    ``g(Z)``, for the derivatives read off the activation (tanh's\n"
         "    ``1 - a^2``, the sigmoid's ``a(1 - a)``); None where only Z is used.",
    "dA": "dA : ndarray of shape (n_samples, n_units)\n    The gradient of the loss with "
          "respect to the activations.",
    "slope": "slope : float or ndarray of shape (n_units,)\n    The slope for ``z < 0``.",
    "out": "out : ndarray of the shape and dtype of Z, default=None\n    Where to write the "
           "result; a new array when None.",
}


def _document_arguments(function):
    if "Parameters\n" in function.__doc__:
        return
    names = [n for n in inspect.signature(function).parameters if n in _ARGUMENTS]
    shape = "shape (n_units,)" if function is prelu_slope_grad else "the shape of Z"
    lines = ["Parameters", "----------", *(_ARGUMENTS[n] for n in names), "",
             "Returns", "-------", f"ndarray of {shape}", "    In the dtype of Z."]
    sections = "".join(f"    {line}\n" if line else "\n" for line in "\n".join(lines).split("\n"))
    doc = function.__doc__.rstrip() + "\n"
    # numpydoc's order: Parameters and Returns come before Notes and Examples
    at = min([doc.find(f"\n    {name}\n    ---") for name in ("Notes", "Examples")
              if f"\n    {name}\n    ---" in doc], default=len(doc))
    function.__doc__ = f"{doc[:at].rstrip()}\n\n{sections}{doc[at:]}"


for _function in [f for f in map(globals().get, __all__) if callable(f)]:
    _document_arguments(_function)
