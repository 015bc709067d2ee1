"""Training loops: mini-batch epochs for SGD/Adam, and the L-BFGS driver.

Both work on a ``Params`` whose flat buffer they update in place, and record
what happened in a ``History`` the estimator keeps between ``partial_fit``
calls. Neither knows about estimators: early stopping gets a scoring callable,
progress reporting an ``on_epoch`` callable.

The data may live on a device (``_arrays``): the batch order is drawn on the
host and sent once per epoch, each batch's weight is summed on the host, and
the epoch's loss adds up on the device, read once per epoch. L-BFGS drives a
host vector, as scipy needs, and computes the objective on the device.
"""

from dataclasses import dataclass, field

import numpy as np
from scipy.optimize import minimize

from ._arrays import namespace_of
from ._network import Workspace, logits, loss_and_grad, loss_and_grad_blocks

# Rows per block of L-BFGS's full-batch objective (see ``loss_and_grad_blocks``)
LBFGS_BLOCK_ROWS = 2048


@dataclass
class History:
    """What training has seen so far; carried across ``partial_fit`` calls."""

    loss_curve: list = field(default_factory=list)
    validation_scores: list | None = None
    validation_loss_curve: list | None = None
    best_loss: float | None = np.inf
    best_validation_score: float | None = None
    best_flat: object = None  # an array of the parameters' namespace
    no_improvement_count: int = 0
    n_iter: int = 0
    t: int = 0

    @classmethod
    def start(cls, early_stopping):
        if early_stopping:
            return cls(validation_scores=[], validation_loss_curve=[], best_loss=None,
                       best_validation_score=-np.inf)
        return cls()


@dataclass
class Validation:
    """A held-out set for early stopping; ``score(Z2) -> float``, higher is better."""

    X: object
    target: object
    sw: object
    score: object


@dataclass
class Outcome:
    """How a run ended; the estimator turns it into words.

    ``converged`` False means the iteration budget ran out. ``diverged``: the
    loss or the weights became non-finite in epoch ``history.n_iter + 1`` and
    the weights from before it were kept. ``detail`` is L-BFGS's own status.
    """

    converged: bool
    diverged: bool = False
    detail: str = ""


def _sum_or_count(sw, n):
    return float(n) if sw is None else float(namespace_of(sw).sum(sw))


def run_minibatch(params, layout, X, target, sw, hidden, loss, alpha, optimizer, *,
                  batch_size, max_iter, shuffle, tol, n_iter_no_change, rng, history,
                  validation=None, incremental=False, on_epoch=None):
    """Run epochs of mini-batch updates until the loss (or validation score) stalls.

    Parameters
    ----------
    params : Params, updated in place.
    X : array or sparse matrix of shape (n_samples, n_features)
    target : array of shape (n_samples,) or (n_samples, n_outputs)
    sw : array of shape (n_samples,) or None
    optimizer : ``SGD`` or ``Adam`` from ``_optimizers``
    rng : numpy.random.RandomState
    history : History, updated in place.
    validation : Validation or None; when given, the best-scoring weights are kept.
    incremental : bool; run exactly one epoch (``partial_fit``).
    on_epoch : callable(history) -> bool or None; True asks to stop.

    Returns
    -------
    Outcome
    """
    xp = namespace_of(params.flat)
    n_samples = X.shape[0]
    dtype = params.flat.dtype
    # The epoch loss MLP reports and stops on: a sample's -log p counts at most
    # -log(eps); the gradient is unchanged. On unscaled inputs the exact loss of
    # a few saturated, wrong samples jumps by hundreds and ends training early.
    loss = loss.capped_loss()
    work = Workspace(layout, batch_size, dtype, xp)
    grad = layout.empty(dtype, xp)
    if shuffle:
        X_buf = xp.buffer((batch_size, X.shape[1]), dtype)
        target_buf = xp.buffer((batch_size,) + tuple(target.shape[1:]), target.dtype)
        sw_buf = None if sw is None else xp.buffer((batch_size,), sw.dtype)
    sw_host = xp.to_host(sw)  # each batch's weight is summed here: no device read per batch
    total_weight = _sum_or_count(sw_host, n_samples)
    last_good = xp.copy(params.flat)
    epochs = 1 if incremental else max_iter

    # Each epoch shuffles the previous epoch's order, as MLP does: the same
    # random_state then visits the batches in MLP's order.
    order = np.arange(n_samples) if shuffle else None
    for _ in range(epochs):
        if shuffle:
            rng.shuffle(order)
            device_order = xp.from_host(order)
        accumulated = 0.0
        for start in range(0, n_samples, batch_size):
            stop = min(start + batch_size, n_samples)
            if shuffle:
                idx = device_order[start:stop]
                X_batch = xp.take_rows(X, idx, X_buf)
                target_batch = xp.take_rows(target, idx, target_buf)
                sw_batch = None if sw is None else xp.take_rows(sw, idx, sw_buf)
                sw_host_batch = None if sw is None else sw_host[order[start:stop]]
            else:
                X_batch, target_batch = X[start:stop, ...], target[start:stop, ...]
                sw_batch = None if sw is None else sw[start:stop]
                sw_host_batch = None if sw is None else sw_host[start:stop]
            batch_weight = _sum_or_count(sw_host_batch, stop - start)
            if batch_weight <= 0:
                continue  # all-zero weights: this batch carries no information
            try:
                value = loss_and_grad(params, grad, X_batch, target_batch, sw_batch,
                                      batch_weight, hidden, loss, alpha, work)
                accumulated = accumulated + value * batch_weight
                optimizer.step(params.flat, grad.flat, work.scratch)
            except FloatingPointError:
                # np.errstate(over="raise") around fit: the divergence the check below
                # reports when overflows give inf instead
                accumulated = np.nan
                break

        epoch_loss = float(accumulated) / total_weight
        if not (np.isfinite(epoch_loss) and bool(xp.all(xp.isfinite(params.flat)))):
            params.flat[...] = last_good
            return Outcome(converged=False, diverged=True)
        last_good[...] = params.flat
        history.n_iter += 1
        history.t += n_samples
        history.loss_curve.append(epoch_loss)
        # the held-out pass may overflow on weights the next epoch finds diverged;
        # under np.errstate(over="raise") it must not raise first
        with np.errstate(over="ignore", invalid="ignore"):
            _update_no_improvement(history, params, validation, hidden, loss, tol)
        optimizer.epoch_ends(history.t)

        if on_epoch is not None and on_epoch(history):
            return _finish(params, history, validation, Outcome(converged=True))
        if history.no_improvement_count > n_iter_no_change:
            if optimizer.stalled():
                return _finish(params, history, validation, Outcome(converged=True))
            history.no_improvement_count = 0

    return _finish(params, history, validation, Outcome(converged=incremental))


def _update_no_improvement(history, params, validation, hidden, loss, tol):
    """scikit-learn's rule: count epochs whose loss/score did not beat the best by ``tol``."""
    if validation is None:
        current = history.loss_curve[-1]
        if current > history.best_loss - tol:
            history.no_improvement_count += 1
        else:
            history.no_improvement_count = 0
        history.best_loss = min(history.best_loss, current)
        return
    Z2 = logits(params, validation.X, hidden)
    score = float(validation.score(Z2))
    val_weight = _sum_or_count(validation.sw, Z2.shape[0])
    val_loss = float(loss.loss(Z2, validation.target, validation.sw, val_weight))
    history.validation_scores.append(score)
    history.validation_loss_curve.append(val_loss)
    if score < history.best_validation_score + tol:
        history.no_improvement_count += 1
    else:
        history.no_improvement_count = 0
    if score > history.best_validation_score:
        history.best_validation_score = score
        history.best_flat = namespace_of(params.flat).copy(params.flat)


def _finish(params, history, validation, outcome):
    if validation is not None and history.best_flat is not None:
        params.flat[...] = history.best_flat
    return outcome


def run_lbfgs(params, layout, X, target, sw, hidden, loss, alpha, *, max_iter, max_fun,
              tol, history, on_epoch=None):
    """Full-batch L-BFGS-B on the flat parameter vector (scipy works in float64).

    One ``history.loss_curve`` entry per L-BFGS iteration; ``on_epoch`` is
    called after each iteration and may return True to stop.

    Returns
    -------
    Outcome
    """
    xp = namespace_of(params.flat)
    n_samples = X.shape[0]
    dtype = params.flat.dtype
    # full batch, on NumPy in blocks of rows whose hidden layer stays in cache
    block_rows = LBFGS_BLOCK_ROWS if xp.is_numpy else n_samples
    work = Workspace(layout, min(n_samples, block_rows), dtype, xp)
    grad, block_grad = layout.empty(dtype, xp), layout.empty(dtype, xp)
    sw_sum = _sum_or_count(sw, n_samples)

    def objective(theta):
        params.flat[...] = xp.from_host(theta, dtype)
        # a line-search trial point may overflow: scipy backs off from the inf loss,
        # also when the caller has numpy raise on overflow
        with np.errstate(over="ignore", invalid="ignore"):
            value = loss_and_grad_blocks(params, grad, X, target, sw, sw_sum, hidden, loss,
                                         alpha, work, block_grad)
        # a copy: scipy keeps the gradient it was handed, and grad is reused
        return float(value), xp.to_host(grad.flat).astype(np.float64)

    def after_iteration(intermediate_result):
        history.n_iter += 1
        history.loss_curve.append(float(intermediate_result.fun))
        if on_epoch is not None and on_epoch(history):
            raise StopIteration

    start_iter = history.n_iter
    result = minimize(
        objective, xp.to_host(params.flat).astype(np.float64), method="L-BFGS-B", jac=True,
        callback=after_iteration,
        options={"maxiter": max_iter, "maxfun": max_fun, "gtol": tol},
    )
    if not np.isfinite(result.x).all():
        raise FloatingPointError("L-BFGS produced non-finite weights")
    params.flat[...] = xp.from_host(result.x, dtype)
    history.best_loss = None
    if history.n_iter == start_iter:  # stopped before its first iteration ended
        fun = float(result.fun)
        if not np.isfinite(fun):
            # the line search broke down (an overflowing gradient norm makes scipy
            # try NaN steps) and returned the start point with fun=NaN
            fun = objective(result.x)[0]
        history.loss_curve.append(fun)
    message = result.message if isinstance(result.message, str) else result.message.decode()
    # status 99: a callback raised StopIteration, which is a requested stop
    return Outcome(converged=result.status in (0, 99),
                   detail=f"(status={result.status}): {message}")
