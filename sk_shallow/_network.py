"""The one-hidden-layer network: parameters, initialisation, forward and backward.

Rows are examples (the lecture stacks them as columns)::

    Z1 = X @ W1 + b1      A1 = g(Z1)      Z2 = A1 @ W2 + b2      A2 = out(Z2)

All parameters live in one flat buffer; ``W1, W2, b1, b2`` (and the prelu
slopes) are views into it, so an optimiser updates them in a few in-place
passes over one array and L-BFGS sees the same vector without packing. The
weights come first, so the L2 penalty reads one contiguous slice.

Every function works in the namespace of its arrays (``_arrays``): NumPy, or
torch, CuPy and array-api-strict arrays on their own device.
"""

from typing import NamedTuple

import numpy as np
import scipy.sparse as sp

from . import _numpy_blas as numpy_blas
from . import activations as act
from ._arrays import NUMPY, namespace_of


class Params(NamedTuple):
    """Views into one flat parameter buffer.

    ``W1 (n_features, n_hidden)``, ``b1 (n_hidden,)``, ``W2 (n_hidden, n_outputs)``,
    ``b2 (n_outputs,)``, ``slope (n_hidden,)`` or None (prelu only).
    """

    flat: object
    W1: object
    b1: object
    W2: object
    b2: object
    slope: object


PRELU_INITIAL_SLOPE = 0.25


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
        """Split ``flat (n_params,)`` into ``Params`` views (no copies), in its namespace."""
        xp = namespace_of(flat)
        F, H, K = self.n_features, self.n_hidden, self.n_outputs
        w1_end = F * H
        w2_end = w1_end + H * K
        b1_end = w2_end + H
        b2_end = b1_end + K
        slope = flat[b2_end : b2_end + H] if self.learns_slope else None
        return Params(
            flat,
            xp.reshape(flat[:w1_end], (F, H)),
            flat[w2_end:b1_end],
            xp.reshape(flat[w1_end:w2_end], (H, K)),
            flat[b1_end:b2_end],
            slope,
        )

    def empty(self, dtype, xp=NUMPY):
        return self.views(xp.empty(self.n_params, dtype))

    def pack(self, W1, b1, W2, b2, slope=None, dtype=np.float64, xp=NUMPY):
        """``Params`` holding these host arrays, in ``dtype`` on ``xp``'s device."""
        host = np.empty(self.n_params, dtype=np.float64)
        params = self.views(host)
        params.W1[...] = W1
        params.b1[...] = b1
        params.W2[...] = W2
        params.b2[...] = b2
        if self.learns_slope:
            params.slope[...] = PRELU_INITIAL_SLOPE if slope is None else slope
        return self.views(xp.from_host(host, dtype))


def init_params(layout, hidden_name, rng, dtype, xp=NUMPY):
    """Glorot-uniform weights and biases, drawn as scikit-learn's MLP draws them.

    Each layer draws ``U(-b, b)`` with ``b = sqrt(6 / (fan_in + fan_out))``
    (2 instead of 6 for a logistic hidden layer), weights then biases, in the
    order W1, b1, W2, b2 and always in float64 on the host: the same ``rng``
    state gives the same starting point as
    ``MLPClassifier(hidden_layer_sizes=(n_hidden,))``, on every device.
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
    return layout.pack(W1, b1, W2, b2, dtype=dtype, xp=xp)


class Hidden(NamedTuple):
    """The hidden activation with its settings bound: ``g(Z, out)``, ``grad(Z, A, out)``.

    ``slope_grad(Z1, dA1) -> (n_hidden,)`` is the gradient of the learnt prelu
    slopes, None for every activation without parameters of its own.
    """

    name: str
    g: object
    grad: object
    slope_grad: object = None


def make_hidden(spec, leaky_slope=0.01, slope=None):
    """Build the ``Hidden`` record for a canonical name or a ``(g, g_grad)`` pair.

    ``slope`` is the ``Params.slope`` view the prelu reads (and training
    updates in place), required for ``'prelu'`` only. A custom pair gets and
    returns arrays of the data's namespace.
    """
    if isinstance(spec, tuple):
        g, g_prime = spec

        def custom(Z, out=None):
            return _into(out, namespace_of(Z).asarray(g(Z), dtype=Z.dtype))

        def custom_grad(Z, A, out=None):
            return _into(out, namespace_of(Z).asarray(g_prime(Z, A), dtype=Z.dtype))

        return Hidden("custom", custom, custom_grad)
    if spec == "leaky_relu":
        return Hidden(
            spec,
            lambda Z, out=None: act.leaky_relu(Z, leaky_slope, out=out),
            lambda Z, A, out=None: act.leaky_relu_grad(Z, A, leaky_slope, out=out),
        )
    if spec == "prelu":
        if slope is None:
            raise ValueError("a prelu hidden layer needs the slope view of its parameters")
        return Hidden(
            spec,
            lambda Z, out=None: act.prelu(Z, slope, out=out),
            lambda Z, A, out=None: act.prelu_grad(Z, A, slope, out=out),
            act.prelu_slope_grad,
        )
    g, grad = act.ACTIVATIONS[spec]
    return Hidden(spec, g, grad)


def _into(out, A):
    if out is None:
        return A
    out[...] = A
    return out


def forward(params, X, hidden, Z1=None, A1=None, Z2=None, *, to_logits=True):
    """The forward pass; returns ``(Z1, A1, Z2)``.

    Buffers given are written into; where ``A1`` is left None on NumPy it takes
    ``Z1``'s buffer (``g`` works in place), which suits every pass whose
    backward will not need ``Z1``. With ``to_logits=False`` the pass stops at
    the hidden layer and returns ``Z2 = None``.
    """
    xp = namespace_of(params.flat)
    Z1 = xp.matmul(X, params.W1, out=Z1)
    Z1 += params.b1
    A1 = hidden.g(Z1, out=xp.reuse(Z1) if A1 is None else A1)
    if not to_logits:
        return Z1, A1, None
    Z2 = xp.matmul(A1, params.W2, out=Z2)
    Z2 += params.b2
    return Z1, A1, Z2


# Rows per block of predict's forward pass on large dense NumPy inputs, per
# thread of NumPy's BLAS: each core's share of a block's hidden layer (1024 x
# n_hidden) stays in its cache between the products. One block for all threads
# left each of 16 cores 64 rows a product, and predict_proba on 100000 rows
# 5 % slower than MLP's one unblocked pass (1.16x faster at 16384 rows a block).
FORWARD_BLOCK_ROWS = 1024
MAX_BLOCK_ROWS = 16384  # the largest measured; bounds the buffer on many cores


def logits(params, X, hidden):
    """``Z2 (n_samples, n_outputs)`` for prediction.

    A dense NumPy X of more rows than a block (``FORWARD_BLOCK_ROWS`` per
    BLAS thread, at most ``MAX_BLOCK_ROWS``) goes through in blocks of rows
    that reuse one hidden-layer buffer: the same products, a fraction of the
    memory, and bias and activation passes over cached data.
    """
    n_samples = X.shape[0]
    if not isinstance(X, np.ndarray) or n_samples <= FORWARD_BLOCK_ROWS:
        return forward(params, X, hidden)[2]
    block = min(FORWARD_BLOCK_ROWS * numpy_blas.threads(), MAX_BLOCK_ROWS)
    dtype = np.result_type(X.dtype, params.W1.dtype)
    Z2 = np.empty((n_samples, params.W2.shape[1]), dtype=dtype)
    buffer = np.empty((min(block, n_samples), params.W1.shape[1]), dtype=dtype)
    for start in range(0, n_samples, block):
        stop = min(start + block, n_samples)
        H1 = buffer[: stop - start]
        forward(params, X[start:stop], hidden, H1, H1, Z2[start:stop])
    return Z2


def hidden_layer(params, X, hidden):
    """``A1 = g(X @ W1 + b1)``, shape ``(n_samples, n_hidden)``."""
    return forward(params, X, hidden, to_logits=False)[1]


def finite_logits(params, X, hidden):
    """Whether the logits ``Z2 (n_samples, n_outputs)`` on X are all finite.

    A bound from ``max |X|`` and ``max |theta|`` settles it almost always, at a
    fraction of a forward pass: every built-in ``g`` has
    ``|g(z)| <= max(1, slope) |z| + 1``, and a prelu slope is part of theta.
    """
    xp = namespace_of(params.flat)
    with np.errstate(over="ignore", invalid="ignore"):
        if hidden.name != "custom":
            values = X.data if sp.issparse(X) else X  # CSR/CSC: the stored values
            # max |X| without abs(X), a temporary the size of X
            x_max = (max(float(xp.max(values)), -float(xp.min(values)))
                     if values.shape[0] else 0.0)
            w_max = float(xp.max(xp.abs(params.flat)))
            n_features, n_hidden = params.W1.shape
            a_max = max(1.0, w_max) * (n_features * x_max * w_max + w_max) + 1.0
            if n_hidden * a_max * w_max + w_max < xp.largest(params.flat.dtype) / 4:
                return True
        return bool(xp.all(xp.isfinite(logits(params, X, hidden))))


def dead_fraction(params, X, hidden, block_rows=1024):
    """The share of relu units that output 0 on every row of X (they get no gradient).

    Blocks of rows, each only through the units no earlier block found alive: a
    healthy network is settled by its first block, a fraction of a forward pass.
    """
    if hidden.name != "relu":
        return 0.0  # the other activations have a gradient everywhere
    xp = namespace_of(params.flat)
    n_samples, n_hidden = X.shape[0], params.W1.shape[1]
    dead = np.arange(n_hidden)  # host indices of the units not yet seen alive
    start = 0
    while dead.size and start < n_samples:
        stop = min(start + block_rows, n_samples)
        columns = xp.from_host(dead)
        Z1 = xp.matmul(X[start:stop, ...], xp.take(params.W1, columns, axis=1))
        Z1 += xp.take(params.b1, columns, axis=0)
        dead = dead[~xp.to_host(xp.any(Z1 > 0, axis=0))]  # relu(z) > 0 where z > 0
        start, block_rows = stop, 2 * block_rows  # fewer units left: longer blocks
    return dead.size / n_hidden


class Workspace:
    """Buffers for one batch, allocated once per fit and reused by every step (NumPy).

    ``Z1, A1, G1 = g'(Z1) (batch_size, n_hidden)``, ``Z2, dZ2 (batch_size,
    n_outputs)``, ``scratch (n_params,)`` (the L2 term's gradient, then the
    optimiser's temporaries) and ``ones (batch_size,)``; a smaller last batch
    uses their leading rows, which stay C-contiguous. On other libraries only
    ``ones`` is kept: the device allocator serves the rest.
    """

    def __init__(self, layout, batch_size, dtype, xp=NUMPY):
        hidden_shape = (batch_size, layout.n_hidden)
        output_shape = (batch_size, layout.n_outputs)
        self.Z1, self.A1, self.G1 = (xp.buffer(hidden_shape, dtype) for _ in range(3))
        self.Z2, self.dZ2 = xp.buffer(output_shape, dtype), xp.buffer(output_shape, dtype)
        self.scratch = xp.buffer((layout.n_params,), dtype)
        self.ones = xp.ones(batch_size, dtype)

    def rows(self, n):
        """The buffers' first ``n`` rows (None where there are no buffers)."""
        return (*(None if b is None else b[:n] for b in (self.Z1, self.A1, self.G1, self.Z2,
                                                          self.dZ2)), self.ones[:n])


def loss_and_grad(params, grad, X, target, sw, sw_sum, hidden, loss, alpha, work):
    """Forward and backward over one batch; fill ``grad`` and return the objective.

    The objective is the ``sw``-weighted mean loss plus
    ``alpha / (2 sum(sw)) ||W||^2``, an array scalar of the data's namespace;
    with ``sw = None`` every weight is 1.

    Parameters
    ----------
    params, grad : Params
        The parameters and a buffer of the same layout for their gradient.
    X : array or sparse matrix of shape (batch, n_features)
    target : array of shape (batch,) (class indices) or (batch, n_outputs)
    sw : array of shape (batch,) or None
    sw_sum : float
    hidden : Hidden
    loss : a loss from ``_losses``
    alpha : float
    work : Workspace with at least ``batch`` rows
    """
    xp = namespace_of(params.flat)
    Z1, A1, G1, Z2, dZ2, ones = work.rows(X.shape[0])
    Z1, A1, Z2 = forward(params, X, hidden, Z1, A1, Z2)
    value, dZ2 = loss.loss_and_delta(Z2, target, sw, sw_sum, dZ2)

    # The lecture's backward pass, its 1/m (m = sum(sw)) folded into dZ2, the
    # smallest array: dZ2 = (A2 - Y) sw / m. On NumPy the buffers are the
    # workspace's, so that no step allocates, and dA1 takes A1's once dW2 has
    # used it (one hidden-sized buffer less to keep in cache); the sums over
    # samples are products with a row of ones, which BLAS does in a third of
    # np.sum's time on a batch (measured).
    dZ2 *= 1.0 / sw_sum if sw is None else (sw / sw_sum)[:, None]
    xp.matmul(A1.T, dZ2, out=grad.W2)                  # dW2 = A1^T dZ2
    xp.matmul(ones, dZ2, out=grad.b2)                  # db2 = sum over samples of dZ2
    G1 = hidden.grad(Z1, A1, out=G1)                   # g'(Z1), while A1 is intact
    # dA1 = dZ2 W2^T; with one output an outer product, which a broadcast
    # multiply does in half the time of BLAS's product with k = 1 (measured)
    if params.W2.shape[1] == 1:
        dA1 = xp.multiply(dZ2, params.W2.T, out=xp.reuse(A1))
    else:
        dA1 = xp.matmul(dZ2, params.W2.T, out=xp.reuse(A1))
    if hidden.slope_grad is not None:
        grad.slope[...] = hidden.slope_grad(Z1, dA1)
    dZ1 = xp.multiply(dA1, G1, out=xp.reuse(dA1))      # dZ1 = dA1 * g'(Z1)
    xp.matmul(X.T, dZ1, out=grad.W1)                   # dW1 = X^T dZ1
    xp.matmul(ones, dZ1, out=grad.b1)                  # db1 = sum over samples of dZ1

    if alpha:
        value = value + _add_l2(params, grad, alpha, sw_sum, work.scratch)
    return value


def _add_l2(params, grad, alpha, sw_sum, scratch):
    """``grad += alpha / sum(sw) * W`` on the weights; return ``alpha / (2 sum(sw)) ||W||^2``.

    ``scratch (n_params,)`` holds ``alpha / sum(sw) * W`` on NumPy (no
    temporary per batch), None elsewhere.
    """
    xp = namespace_of(params.flat)
    n_weights = params.W1.shape[0] * params.W1.shape[1] + params.W2.shape[0] * params.W2.shape[1]
    weights = params.flat[:n_weights]
    grad_weights = grad.flat[:n_weights]
    scale = alpha / sw_sum
    penalty = None if scratch is None else scratch[:n_weights]
    xp.axpy(scale, weights, grad_weights, scratch=penalty)
    return 0.5 * scale * xp.widest(weights @ weights)


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
    n_samples, rows = X.shape[0], work.ones.shape[0]
    if n_samples <= rows:
        return loss_and_grad(params, grad, X, target, sw, sw_sum, hidden, loss, alpha, work)
    value = 0.0
    for start in range(0, n_samples, rows):
        stop = min(start + rows, n_samples)
        out = grad if start == 0 else block_grad
        value = value + loss_and_grad(params, out, X[start:stop, ...], target[start:stop, ...],
                                      None if sw is None else sw[start:stop], sw_sum, hidden,
                                      loss, 0.0, work)
        if start:
            total = grad.flat
            total += block_grad.flat
    if alpha:
        value = value + _add_l2(params, grad, alpha, sw_sum, work.scratch)
    return value
