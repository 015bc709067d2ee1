"""ShallowNetRegressor: linear outputs with squared error, or exp outputs with Poisson loss."""

# annotations stay names in help() and signatures (MatrixLike, not its expansion)
from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
from numpy.typing import ArrayLike, NDArray
from sklearn.base import RegressorMixin

from . import _check_params as check
from ._arrays import host_dtype, to_numpy
from ._base import BaseShallowNet, MatrixLike, stochastic_only
from ._docstrings import fill
from ._targets import REGRESSION_LOSSES, encode_numbers

if TYPE_CHECKING:  # typing.Self needs Python 3.11
    from typing import Self

_MATCHED_OUTPUT = {"squared_error": "identity", "poisson": "exp"}
_OUTPUT_NAMES = {"auto": None, "linear": "identity", "identity": "identity", "exp": "exp"}


@fill
class ShallowNetRegressor(RegressorMixin, BaseShallowNet):
    """A one-hidden-layer neural network regressor on a vectorised NumPy core.

    ``Z1 = X W1 + b1``, ``A1 = g(Z1)``, ``Z2 = A1 W2 + b2`` and the prediction
    ``Z2`` itself (``loss='squared_error'``) or ``exp(Z2)`` (``loss='poisson'``).

    Parameters
    ----------
    [network parameters]
    output_activation : {'auto', 'linear', 'exp'}, default='auto'
        The output layer. ``'auto'`` picks the output matched to ``loss``: linear for squared
        error, exp for Poisson; the other pairing is refused (its delta is not
        ``A2 - Y``).
    loss : {'squared_error', 'poisson'}, default='squared_error'
        Half the squared error, or half the Poisson deviance (for counts and
        other non-negative y, predicted as ``exp(Z2)``).
    [training parameters]

    Attributes
    ----------
    coefs_ : list of [ndarray of shape (n_features, n_hidden), ndarray of shape (n_hidden, n_outputs)]
    intercepts_ : list of [ndarray of shape (n_hidden,), ndarray of shape (n_outputs,)]
    n_features_in_ : int
    feature_names_in_ : ndarray of shape (n_features_in_,)
    n_iter_ : int
    t_ : int
    loss_ : float
    loss_curve_ : list of float
    best_loss_ : float or None
    validation_scores_ : list of float or None
    validation_loss_curve_ : list of float or None
    best_validation_score_ : float or None
    n_outputs_ : int
    n_layers_ : int
    out_activation_ : str

    See Also
    --------
    ShallowNetClassifier : The same network for classification.
    sklearn.neural_network.MLPRegressor : Scikit-learn's multi-layer perceptron.
    sklearn.linear_model.Ridge : What ``hidden_activation='identity'`` reduces to.

    Notes
    -----
    Scale y: the untrained network predicts values near 0, so on y in natural
    units (a mean of 152, or 4200 grams) sgd and adam spend their steps moving
    the output towards y. ``TransformedTargetRegressor(regressor=...,
    transformer=StandardScaler())`` fits on standardised y and predicts in y's
    units.

    [fit warnings]

    Examples
    --------
    >>> import numpy as np
    >>> from sk_shallow import ShallowNetRegressor
    >>> rng = np.random.RandomState(0)
    >>> X = rng.uniform(-2, 2, (300, 1))
    >>> y = np.sin(2 * X[:, 0])
    >>> reg = ShallowNetRegressor(n_hidden=20, hidden_activation="tanh", solver="lbfgs",
    ...                           random_state=0).fit(X, y)
    >>> reg.score(X, y) > 0.98
    True
    """

    _y_numeric = True

    def __init__(self, n_hidden=100, *, hidden_activation="relu", leaky_slope=0.01,
                 output_activation="auto", loss="squared_error", solver="adam", alpha=1e-4,
                 batch_size="auto", learning_rate="constant", learning_rate_init=1e-3,
                 power_t=0.5, max_iter=200, shuffle=True, random_state=None, tol=1e-4,
                 verbose=False, warm_start=False, momentum=0.9, nesterovs_momentum=True,
                 early_stopping=False, validation_fraction=0.1, beta_1=0.9, beta_2=0.999,
                 epsilon=1e-8, n_iter_no_change=10, max_fun=15000, dtype=None):
        self.n_hidden = n_hidden
        self.hidden_activation = hidden_activation
        self.leaky_slope = leaky_slope
        self.output_activation = output_activation
        self.loss = loss
        self.solver = solver
        self.alpha = alpha
        self.batch_size = batch_size
        self.learning_rate = learning_rate
        self.learning_rate_init = learning_rate_init
        self.power_t = power_t
        self.max_iter = max_iter
        self.shuffle = shuffle
        self.random_state = random_state
        self.tol = tol
        self.verbose = verbose
        self.warm_start = warm_start
        self.momentum = momentum
        self.nesterovs_momentum = nesterovs_momentum
        self.early_stopping = early_stopping
        self.validation_fraction = validation_fraction
        self.beta_1 = beta_1
        self.beta_2 = beta_2
        self.epsilon = epsilon
        self.n_iter_no_change = n_iter_no_change
        self.max_fun = max_fun
        self.dtype = dtype

    def _check_task_params(self):
        loss = check.check_option("loss", self.loss, REGRESSION_LOSSES)
        output = self.output_activation
        if not isinstance(output, str) or output not in _OUTPUT_NAMES:
            raise check.InvalidParameterError(
                f"output_activation={output!r} is not valid for a regressor: use one of "
                f"{sorted(_OUTPUT_NAMES)} ('sigmoid'/'softmax' are for ShallowNetClassifier)."
            )
        resolved = _OUTPUT_NAMES[output] or _MATCHED_OUTPUT[loss]
        if resolved != _MATCHED_OUTPUT[loss]:
            raise check.InvalidParameterError(
                f"output_activation={output!r} does not match loss={loss!r}: "
                f"loss='squared_error' takes a linear output and loss='poisson' an exp "
                "output; use output_activation='auto'."
            )
        return {"loss": loss, "output": resolved}

    @stochastic_only
    def partial_fit(self, X: MatrixLike, y: ArrayLike,
                    sample_weight: ArrayLike | float | None = None) -> Self:
        """Run one epoch of the stochastic solver on X and y.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
        y : array-like of shape (n_samples,) or (n_samples, n_outputs)
            The targets.
        sample_weight : array-like of shape (n_samples,), default=None
            Weights of the samples; None gives every sample weight 1.

        Returns
        -------
        self : object
            The estimator, one epoch further on.
        """
        return self._fit(X, y, sample_weight, incremental=True)

    def _encode_targets(self, y, sample_weight, config, continuing, incremental, classes, dtype):
        return encode_numbers(to_numpy(y), sample_weight, config.loss,
                              self.n_outputs_ if continuing else None,
                              host_dtype(dtype))

    def predict(self, X: MatrixLike) -> NDArray[np.floating]:
        """Predict with the network: ``Z2`` (squared error) or ``exp(Z2)`` (Poisson).

        [X, then Returns]
        y : ndarray of shape (n_samples,) or (n_samples, n_outputs)
            The predictions, 1-D where the fitted y was.
        """
        Z2 = self._logits(X, "predict")
        prediction = self._loss.predict(Z2)
        return prediction[:, 0] if self._y_one_d else prediction

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.target_tags.multi_output = True
        tags.target_tags.single_output = True
        if self.loss == "poisson":
            tags.target_tags.positive_only = True
        return tags
