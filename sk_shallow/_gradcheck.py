"""Gradient checking as a public tool: backpropagation against central differences."""

import numpy as np
from numpy.typing import ArrayLike
from sklearn.base import clone

from ._base import BaseShallowNet, MatrixLike
from ._network import Workspace, loss_and_grad

__all__ = ["check_gradients"]


def check_gradients(estimator: BaseShallowNet, X: MatrixLike, y: ArrayLike,
                    sample_weight: ArrayLike | float | None = None, *,
                    epsilon: float = 1e-6) -> float:
    """Compare backpropagation's gradient with central differences at fit's initial weights.

    The network is set up for ``X`` and ``y`` exactly as ``fit`` would set it
    up, through the estimator's own code: parameter checks, input validation
    and dtype, target encoding, ``sample_weight`` times ``class_weight``, and
    the initial weights drawn from ``random_state``. The objective is the one
    fit minimises, the weighted mean loss plus ``alpha / (2 sum(w)) ||W||^2``,
    and every parameter is checked: ``W1, b1, W2, b2`` (and the prelu slopes).
    The estimator itself is not modified (a clone is set up).

    Parameters
    ----------
    estimator : ShallowNetClassifier or ShallowNetRegressor
        Fitted or not; its parameters define the network (a fitted network's
        weights are not used: the check runs at fresh initial weights).
    X : {array-like, sparse matrix} of shape (n_samples, n_features)
        Data, as for ``fit``. Use float64 data (or ``dtype='float64'``): in
        float32 the central differences themselves are only accurate to ~1e-3.
    y : array-like of shape (n_samples,) or (n_samples, n_outputs)
        Targets, as for ``fit``.
    sample_weight : array-like of shape (n_samples,), default=None
        As for ``fit``.
    epsilon : float, default=1e-6
        Step of the central differences ``(J(theta + eps) - J(theta - eps)) / (2 eps)``,
        one parameter at a time.

    Returns
    -------
    error : float
        ``max_i |g_i - n_i| / max(max_i |g_i|, max_i |n_i|)`` over all
        parameters ``i``, with ``g`` backpropagation's gradient and ``n`` the
        central differences: the largest disagreement, relative to the
        gradient's scale. Below ~1e-7 in float64 means backpropagation is right.

    Raises
    ------
    TypeError
        If ``estimator`` is not a sk-shallow estimator.
    ValueError
        For invalid parameters or data, with the messages of ``fit``, or
        ``epsilon`` that is not a positive finite number.

    See Also
    --------
    ShallowNetClassifier.fit : The fit whose first gradient this checks.
    ShallowNetRegressor.fit : The same for the regressor.

    Notes
    -----
    This is the course's gradient checking. The relative error is taken
    against the gradient's largest component rather than component by
    component: a component that is nearly zero (a dead relu unit, a tiny bias
    gradient) has a numerical derivative dominated by rounding
    (``~1e-16 J / eps``), which would make a componentwise ratio large while
    backpropagation is exact. Central differences are wrong across a kink:
    with relu-family activations, a unit whose ``z`` lies within ``epsilon``
    of 0 on some row gets a numerical derivative from both sides of it.
    The cost is two objective evaluations per parameter, so keep the network
    and X small.

    Examples
    --------
    >>> from sklearn.datasets import make_moons
    >>> from sk_shallow import ShallowNetClassifier, check_gradients
    >>> X, y = make_moons(60, noise=0.2, random_state=0)
    >>> clf = ShallowNetClassifier(n_hidden=8, hidden_activation="tanh", alpha=0.1,
    ...                            random_state=0)
    >>> error = check_gradients(clf, X, y)
    >>> isinstance(error, float), error < 1e-7
    (True, True)
    """
    if not isinstance(estimator, BaseShallowNet):
        raise TypeError(
            "check_gradients needs a ShallowNetClassifier or ShallowNetRegressor, got "
            f"{type(estimator).__name__}."
        )
    if isinstance(epsilon, bool) or not isinstance(epsilon, int | float) or not (
        np.isfinite(epsilon) and epsilon > 0
    ):
        raise ValueError(f"epsilon={epsilon!r} is not valid: epsilon must be a finite real > 0.")
    setup = clone(estimator)._prepare_fit(X, y, sample_weight, incremental=False, classes=None)
    X, target, sw, params, layout = setup.X, setup.task.target, setup.task.sw, setup.params, setup.layout
    dtype = params.flat.dtype
    sw_sum = float(X.shape[0]) if sw is None else float(sw.sum())
    work = Workspace(layout, X.shape[0], dtype)
    grad = layout.empty(dtype)

    def objective():
        return loss_and_grad(params, grad, X, target, sw, sw_sum, setup.hidden, setup.task.loss,
                             setup.config.alpha, work)

    objective()
    analytic = grad.flat.astype(np.float64)
    numeric = np.empty_like(analytic)
    theta = params.flat
    for i in range(theta.size):
        saved = theta[i]
        theta[i] = saved + epsilon
        up, plus = objective(), theta[i]
        theta[i] = saved - epsilon
        down, minus = objective(), theta[i]
        theta[i] = saved
        # divide by the step actually taken: saved +- epsilon is rounded
        numeric[i] = (up - down) / (float(plus) - float(minus))
    scale = max(np.abs(analytic).max(), np.abs(numeric).max())
    if scale == 0:
        return 0.0
    return float(np.abs(analytic - numeric).max() / scale)
