"""The one-hidden-layer network: parameters, initialisation, forward and backward.

All parameters live in one flat buffer; ``W1, W2, b1, b2`` (and the prelu
slopes) are views into it, so an optimiser updates them in a few in-place
passes over one array and L-BFGS sees the same vector without packing. The
weights come first, so the L2 penalty reads one contiguous slice.

Rows are examples (the lecture stacks them as columns)::

    Z1 = X @ W1 + b1      A1 = g(Z1)      Z2 = A1 @ W2 + b2      A2 = out(Z2)
"""

from typing import NamedTuple

import numpy as np

from . import activations as act
from ._optimizers import axpy


class Params(NamedTuple):
    """Views into one flat parameter buffer.

    ``W1 (n_features, n_hidden)``, ``b1 (n_hidden,)``, ``W2 (n_hidden, n_outputs)``,
    ``b2 (n_outputs,)``, ``slope (n_hidden,)`` or None (prelu only).
    """

    flat: np.ndarray
    W1: np.ndarray
    b1: np.ndarray
    W2: np.ndarray
    b2: np.ndarray
    slope: np.ndarray | None


class Hidden(NamedTuple):
    """A hidden activation bound to its settings: ``g(Z, out)``, ``grad(Z, A, out)``."""

    name: str
    g: object
    grad: object
    learns_slope: bool


PRELU_INITIAL_SLOPE = 0.25


def make_hidden(spec, leaky_slope=0.01):
    """Build the ``Hidden`` record for a canonical name or a ``(g, g_grad)`` pair."""
    if isinstance(spec, tuple):
        g, g_prime = spec

        def custom(Z, out=None):
            A = np.asarray(g(Z), dtype=Z.dtype)
            if out is None:
                return A
            np.copyto(out, A)
            return out

        def custom_grad(Z, A, out=None):
            G = np.asarray(g_prime(Z, A), dtype=Z.dtype)
            if out is None:
                return G
            np.copyto(out, G)
            return out

        return Hidden("custom", custom, custom_grad, False)
    g, grad = act.ACTIVATIONS[spec]
    if spec == "leaky_relu":
        slope = leaky_slope

        def g(Z, out=None):
            return act.leaky_relu(Z, slope, out=out)

        def grad(Z, A, out=None):
            return act.leaky_relu_grad(Z, A, slope, out=out)

    return Hidden(spec, g, grad, spec == "prelu")


class Layout(NamedTuple):
    """Sizes of the network and where each parameter sits in the flat buffer."""

    n_features: int
    n_hidden: int
    n_outputs: int
    learns_slope: bool

    @property
    def n_weights(self):
        return self.n_features * self.n_hidden + self.n_hidden * self.n_outputs

    @property
    def n_params(self):
        return self.n_weights + self.n_hidden + self.n_outputs + self.learns_slope * self.n_hidden

    def views(self, flat):
        """Split ``flat (n_params,)`` into ``Params`` views (no copies)."""
        F, H, K = self.n_features, self.n_hidden, self.n_outputs
        w1_end = F * H
        w2_end = w1_end + H * K
        b1_end = w2_end + H
        b2_end = b1_end + K
        slope = flat[b2_end : b2_end + H] if self.learns_slope else None
        return Params(
            flat,
            flat[:w1_end].reshape(F, H),
            flat[w2_end:b1_end],
            flat[w1_end:w2_end].reshape(H, K),
            flat[b1_end:b2_end],
            slope,
        )

    def empty(self, dtype):
        return self.views(np.empty(self.n_params, dtype=dtype))

    def pack(self, W1, b1, W2, b2, slope=None, dtype=np.float64):
        params = self.empty(dtype)
        params.W1[...] = W1
        params.b1[...] = b1
        params.W2[...] = W2
        params.b2[...] = b2
        if self.learns_slope:
            params.slope[...] = PRELU_INITIAL_SLOPE if slope is None else slope
        return params


def init_params(layout, hidden_name, rng, dtype):
    """Glorot-uniform weights and biases, drawn as scikit-learn's MLP draws them.

    Each layer draws ``U(-b, b)`` with ``b = sqrt(6 / (fan_in + fan_out))``
    (2 instead of 6 for a logistic hidden layer), weights then biases, in the
    order W1, b1, W2, b2 and always in float64: the same ``rng`` state gives
    the same starting point as ``MLPClassifier(hidden_layer_sizes=(n_hidden,))``.
    Random biases matter for relu units: with zero biases and He weights many
    units start (and stay) dead on small, unscaled data. Never zeros: units
    that start equal receive equal gradients and never differentiate.
    """
    F, H, K = layout.n_features, layout.n_hidden, layout.n_outputs
    factor = 2.0 if hidden_name == "logistic" else 6.0

    def glorot(fan_in, fan_out):
        bound = np.sqrt(factor / (fan_in + fan_out))
        weights = rng.uniform(-bound, bound, (fan_in, fan_out))
        return weights, rng.uniform(-bound, bound, fan_out)

    W1, b1 = glorot(F, H)
    W2, b2 = glorot(H, K)
    return layout.pack(W1, b1, W2, b2, dtype=dtype)


def hidden_forward(params, X, hidden, out=None):
    """``A1 = g(X @ W1 + b1)``, shape ``(n_samples, n_hidden)``; one buffer, ``g`` in place."""
    if out is None:
        Z1 = X @ params.W1
    elif isinstance(X, np.ndarray):
        Z1 = np.matmul(X, params.W1, out=out)
    else:  # sparse X: ``@`` dispatches to scipy
        Z1 = out
        Z1[...] = X @ params.W1
    Z1 += params.b1
    if hidden.learns_slope:
        return act.prelu(Z1, params.slope, out=Z1)
    return hidden.g(Z1, out=Z1)


# Rows per block of the forward pass on large dense inputs: a block's hidden
# layer (1024 x n_hidden) stays in cache between its matrix products.
FORWARD_BLOCK_ROWS = 1024


def forward(params, X, hidden):
    """Logits ``Z2 = g(X @ W1 + b1) @ W2 + b2``, shape ``(n_samples, n_outputs)``.

    A dense X of more than ``FORWARD_BLOCK_ROWS`` rows goes through in blocks of
    rows that reuse one hidden-layer buffer: the same products, a fraction of
    the memory, and bias and activation passes over cached data.
    """
    n_samples = X.shape[0]
    if not isinstance(X, np.ndarray) or n_samples <= FORWARD_BLOCK_ROWS:
        A1 = hidden_forward(params, X, hidden)
        Z2 = A1 @ params.W2
        Z2 += params.b2
        return Z2
    dtype = np.result_type(X.dtype, params.W1.dtype)
    Z2 = np.empty((n_samples, params.W2.shape[1]), dtype=dtype)
    buffer = np.empty((FORWARD_BLOCK_ROWS, params.W1.shape[1]), dtype=dtype)
    for start in range(0, n_samples, FORWARD_BLOCK_ROWS):
        stop = min(start + FORWARD_BLOCK_ROWS, n_samples)
        A1 = hidden_forward(params, X[start:stop], hidden, out=buffer[: stop - start])
        np.matmul(A1, params.W2, out=Z2[start:stop])
    Z2 += params.b2
    return Z2


class Workspace:
    """Buffers for one batch, allocated once per fit and reused by every step.

    ``Z1, A1, D1 (batch_size, n_hidden)``, ``Z2 (batch_size, n_outputs)``; a
    smaller last batch uses their leading rows, which stay C-contiguous.
    """

    def __init__(self, layout, batch_size, dtype):
        H, K = layout.n_hidden, layout.n_outputs
        self.Z1 = np.empty((batch_size, H), dtype=dtype)
        self.A1 = np.empty((batch_size, H), dtype=dtype)
        self.D1 = np.empty((batch_size, H), dtype=dtype)
        self.Z2 = np.empty((batch_size, K), dtype=dtype)
        self.ones = np.ones(batch_size, dtype=dtype)


def _matmul_into(A, B, out):
    if isinstance(A, np.ndarray) and isinstance(B, np.ndarray):
        np.matmul(A, B, out=out)
    else:  # sparse X, or X.T: scipy's ``@`` returns a new array
        out[...] = A @ B


def loss_and_grad(params, grad, X, target, sw, sw_sum, hidden, loss, alpha, work):
    """Forward and backward over one batch; fill ``grad`` and return the objective.

    The objective is the ``sw``-weighted mean loss plus
    ``alpha / (2 sum(sw)) ||W||^2``; with ``sw = None`` every weight is 1.

    Parameters
    ----------
    params, grad : Params
        The parameters and a buffer of the same layout for their gradient.
    X : ndarray or sparse matrix of shape (batch, n_features)
    target : ndarray of shape (batch,) (class indices) or (batch, n_outputs)
    sw : ndarray of shape (batch,) or None
    sw_sum : float
    hidden : Hidden
    loss : a loss from ``_losses``
    alpha : float
    work : Workspace with at least ``batch`` rows
    """
    B = X.shape[0]
    Z1, A1, D1, Z2 = work.Z1[:B], work.A1[:B], work.D1[:B], work.Z2[:B]
    ones = work.ones[:B]

    _matmul_into(X, params.W1, Z1)
    Z1 += params.b1
    if hidden.learns_slope:
        act.prelu(Z1, params.slope, out=A1)
    else:
        hidden.g(Z1, out=A1)
    np.matmul(A1, params.W2, out=Z2)
    Z2 += params.b2

    # dZ2 = (A2 - Y) sw / sum(sw), written over Z2
    value = loss.loss_and_delta(Z2, target, sw, sw_sum)
    dZ2 = Z2
    np.matmul(A1.T, dZ2, out=grad.W2)
    np.matmul(ones, dZ2, out=grad.b2)

    # g'(Z1) into its own buffer while A1 is still intact ...
    if hidden.learns_slope:
        act.prelu_grad(Z1, A1, params.slope, out=D1)
    else:
        hidden.grad(Z1, A1, out=D1)
    # ... then A1's buffer is free for dA1 = dZ2 W2^T and dZ1 = dA1 * g'(Z1)
    dZ1 = np.matmul(dZ2, params.W2.T, out=A1)
    if hidden.learns_slope:
        grad.slope[...] = act.prelu_slope_grad(Z1, dZ1)
    dZ1 *= D1
    _matmul_into(X.T, dZ1, grad.W1)
    np.matmul(ones, dZ1, out=grad.b1)

    if alpha:
        value += _add_l2(params, grad, alpha, sw_sum)
    return value


def _add_l2(params, grad, alpha, sw_sum):
    """``grad += alpha / sum(sw) * W`` on the weights; return ``alpha / (2 sum(sw)) ||W||^2``."""
    weights = params.flat[: params.W1.size + params.W2.size]
    grad_weights = grad.flat[: weights.size]
    scale = alpha / sw_sum
    axpy(scale, weights, grad_weights)  # one pass, no temporary
    return 0.5 * scale * float(weights @ weights)


def loss_and_grad_blocks(params, grad, X, target, sw, sw_sum, hidden, loss, alpha, work,
                         block_grad):
    """``loss_and_grad`` on all of X, in blocks of ``work``'s rows, summed.

    The same objective and gradient (each block's loss and ``dZ2`` are already
    divided by the total ``sw_sum``, so the blocks add up), but the hidden-layer
    buffers hold one block instead of every sample: full-batch L-BFGS keeps
    them in cache and allocates a fraction of the memory.

    Parameters
    ----------
    block_grad : Params
        Scratch of ``grad``'s layout for one block's gradient.
    """
    n_samples, rows = X.shape[0], work.Z1.shape[0]
    if n_samples <= rows:
        return loss_and_grad(params, grad, X, target, sw, sw_sum, hidden, loss, alpha, work)
    value = 0.0
    for start in range(0, n_samples, rows):
        stop = min(start + rows, n_samples)
        out = grad if start == 0 else block_grad
        value += loss_and_grad(params, out, X[start:stop], target[start:stop],
                               None if sw is None else sw[start:stop], sw_sum, hidden, loss,
                               0.0, work)
        if start:
            axpy(1.0, block_grad.flat, grad.flat)
    if alpha:
        value += _add_l2(params, grad, alpha, sw_sum)
    return value
