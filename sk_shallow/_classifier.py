"""ShallowNetClassifier: labels in, sigmoid or softmax outputs, probabilities out."""

# annotations stay names in help() and signatures (MatrixLike, not its expansion)
from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
from numpy.typing import ArrayLike, NDArray
from sklearn.base import ClassifierMixin
from sklearn.utils import assert_all_finite

from . import _check_params as check
from ._arrays import holds_numbers, host_dtype, namespace_of, to_numpy
from ._base import BaseShallowNet, MatrixLike, stochastic_only
from ._dispatch import input_namespace, move
from ._docstrings import fill
from ._targets import FittedLabels, class_weighted, encode_labels, indices_from_logits
from .activations import log_logistic, log_softmax, softmax

if TYPE_CHECKING:  # typing.Self needs Python 3.11
    from typing import Self

_OUTPUTS = {"auto": "auto", "sigmoid": "logistic", "logistic": "logistic", "softmax": "softmax"}


@fill
class ShallowNetClassifier(ClassifierMixin, BaseShallowNet):
    """A one-hidden-layer neural network classifier on a vectorised NumPy core.

    ``Z1 = X W1 + b1``, ``A1 = g(Z1)``, ``Z2 = A1 W2 + b2``, and the outputs
    ``A2 = sigmoid(Z2)`` (binary, multilabel) or ``softmax(Z2)`` (multiclass),
    trained on the log loss computed from the logits ``Z2``.

    Parameters
    ----------
    [network parameters]
    output_activation : {'auto', 'sigmoid', 'softmax'}, default='auto'
        The output layer. ``'auto'``: sigmoid for binary and multilabel targets, softmax for
        multiclass. ``'sigmoid'`` on multiclass trains one-vs-rest outputs whose
        probabilities are normalised to sum to 1.
    [training parameters]
    class_weight : dict, 'balanced' or None, default=None
        Weights per class, multiplied into ``sample_weight``; ``'balanced'`` uses
        ``n_samples / (n_classes * bincount(y))``. Not for multilabel targets.

    Attributes
    ----------
    classes_ : ndarray of shape (n_classes,)
    coefs_ : list of [ndarray of shape (n_features, n_hidden), ndarray of shape (n_hidden, n_outputs)]
    intercepts_ : list of [ndarray of shape (n_hidden,), ndarray of shape (n_outputs,)]
    prelu_slopes_ : ndarray of shape (n_hidden,)
        Only with ``hidden_activation='prelu'``.
    n_features_in_ : int
    feature_names_in_ : ndarray of shape (n_features_in_,)
        Only when X had string column names.
    n_iter_ : int
    t_ : int
        Training samples seen.
    loss_ : float
    loss_curve_ : list of float
        One entry per epoch (per iteration for lbfgs). For sgd and adam, as in
        MLP, each sample's ``-log p`` counts at most ``-log(eps)`` (36 in
        float64), and the no-improvement stop is judged on this curve.
    best_loss_ : float or None
    validation_scores_ : list of float or None
    validation_loss_curve_ : list of float or None
        The held-out loss per epoch with ``early_stopping``, capped as
        ``loss_curve_`` is.
    best_validation_score_ : float or None
    n_outputs_ : int
    n_layers_ : int
    out_activation_ : str

    See Also
    --------
    ShallowNetRegressor : The same network for regression.
    sklearn.neural_network.MLPClassifier : Scikit-learn's multi-layer perceptron.
    sklearn.linear_model.LogisticRegression : What ``hidden_activation='identity'`` reduces to.

    Notes
    -----
    The course notes stack examples as columns (``Z = W X + b``); scikit-learn
    stacks them as rows, so the code computes ``Z = X W + b`` with ``W`` of
    shape ``(n_in, n_out)``: the same network, transposed.

    [fit warnings]

    Examples
    --------
    >>> from sklearn.datasets import make_moons
    >>> from sk_shallow import ShallowNetClassifier
    >>> X, y = make_moons(200, noise=0.1, random_state=0)
    >>> clf = ShallowNetClassifier(n_hidden=16, hidden_activation="tanh", solver="lbfgs",
    ...                            random_state=0).fit(X, y)
    >>> clf.score(X, y) > 0.95
    True
    >>> clf.predict_proba(X[:2]).shape
    (2, 2)
    """

    _y_numeric = False

    def __init__(self, n_hidden=100, *, hidden_activation="relu", leaky_slope=0.01,
                 output_activation="auto", solver="adam", alpha=1e-4, batch_size="auto",
                 learning_rate="constant", learning_rate_init=1e-3, power_t=0.5, max_iter=200,
                 shuffle=True, random_state=None, tol=1e-4, verbose=False, warm_start=False,
                 momentum=0.9, nesterovs_momentum=True, early_stopping=False,
                 validation_fraction=0.1, beta_1=0.9, beta_2=0.999, epsilon=1e-8,
                 n_iter_no_change=10, max_fun=15000, dtype=None, class_weight=None):
        self.n_hidden = n_hidden
        self.hidden_activation = hidden_activation
        self.leaky_slope = leaky_slope
        self.output_activation = output_activation
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
        self.class_weight = class_weight

    def _check_task_params(self):
        output = self.output_activation
        if not isinstance(output, str) or output not in _OUTPUTS:
            raise check.InvalidParameterError(
                f"output_activation={output!r} is not valid for a classifier: use one of "
                f"{sorted(_OUTPUTS)} ('linear' is for ShallowNetRegressor)."
            )
        cw = self.class_weight
        if not (cw is None or isinstance(cw, dict) or (isinstance(cw, str) and cw == "balanced")):
            raise check.InvalidParameterError(
                f"class_weight={cw!r} is not valid: use None, 'balanced' or a dict "
                "{class_label: weight}."
            )
        return {"output": _OUTPUTS[output]}

    @stochastic_only
    def partial_fit(self, X: MatrixLike, y: ArrayLike,
                    sample_weight: ArrayLike | float | None = None,
                    classes: ArrayLike | None = None) -> Self:
        """Run one epoch of the stochastic solver on X and y.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
        y : array-like of shape (n_samples,) or (n_samples, n_labels)
            Class labels, or a 0/1 indicator matrix for multilabel targets.
        sample_weight : array-like of shape (n_samples,), default=None
            Weights of the samples; None gives every sample weight 1.
        classes : array-like of shape (n_classes,), default=None
            Every class that will ever appear; required on the first call.

        Returns
        -------
        self : object
            The estimator, one epoch further on.
        """
        if isinstance(self.class_weight, str) and self.class_weight == "balanced":
            # balanced weights from one batch's counts would change from call to
            # call; SGDClassifier refuses them in partial_fit for the same reason
            raise ValueError(
                "class_weight='balanced' is not supported in partial_fit: the class counts "
                "of one call are not those of the data. Pass a dict, e.g. "
                "dict(zip(classes, compute_class_weight('balanced', classes=classes, y=y))) "
                "computed on all of y, or use fit."
            )
        if not self.__sklearn_is_fitted__() and classes is None:
            raise ValueError("classes must be passed on the first call to partial_fit: every "
                             "label the data will ever contain.")
        return self._fit(X, y, sample_weight, incremental=True, classes=classes)

    def _encode_targets(self, y, sample_weight, config, continuing, incremental, classes, dtype):
        """The ``Labels`` of y (on the host), with ``sample_weight`` times the class weights.

        ``classes_`` will be in y's namespace (NumPy for strings).
        """
        on_host = host_dtype(dtype)
        previous = (FittedLabels(to_numpy(self.classes_), self._target_kind,
                                 self.out_activation_) if continuing else None)
        labels = encode_labels(to_numpy(y), config.output, previous, incremental,
                               None if classes is None else to_numpy(classes), on_host)
        labels.sw = class_weighted(sample_weight, labels, self.class_weight, on_host)
        if continuing:
            labels.classes = self.classes_
        elif holds_numbers(labels.classes):
            labels.classes = input_namespace(y).from_host(labels.classes)
        return labels


    # ------------------------------------------------------------------ predict
    def decision_function(self, X: MatrixLike) -> NDArray[np.floating]:
        """The logits ``Z2 = A1 W2 + b2``.

        [X, then Returns]
        scores : ndarray of shape (n_samples,) or (n_samples, n_outputs)
            One column per output; a 1-D array for binary targets, positive
            for the second class.
        """
        Z2 = self._logits(X, "decision_function")
        return Z2[:, 0] if Z2.shape[1] == 1 and self._target_kind != "multilabel-indicator" else Z2

    def predict(self, X: MatrixLike) -> np.ndarray:
        """Predict class labels (an indicator matrix for multilabel targets).

        [X, then Returns]
        y : ndarray of shape (n_samples,) or (n_samples, n_labels)
            The predicted labels, from ``classes_``.
        """
        self._check_fitted()
        if self._target_kind == "multilabel-indicator":
            return indices_from_logits(self._logits(X, "predict"), self._target_kind)
        # argmax of the probabilities themselves, so that predict always equals
        # classes_[argmax(predict_proba)], ties and rounding included
        proba = self._proba(X, "predict")
        xp, labels = namespace_of(proba), namespace_of(self.classes_)
        predicted = labels.take(self.classes_, move(xp.argmax(proba, axis=1), labels), axis=0)
        # numeric labels come back in X's namespace, strings stay NumPy
        return move(predicted, xp) if holds_numbers(predicted) else predicted

    def predict_proba(self, X: MatrixLike) -> NDArray[np.floating]:
        """Class probabilities; rows sum to 1 except for multilabel targets.

        [X, then Returns]
        proba : ndarray of shape (n_samples, n_classes)
            The probability of each class, columns in the order of ``classes_``.
        """
        return self._proba(X, "predict_proba")

    def _proba(self, X, method):
        Z2 = self._logits(X, method)
        xp = namespace_of(Z2)
        if self._target_kind == "multilabel-indicator":
            return self._loss.predict(Z2)
        if Z2.shape[1] == 1:
            # [sigmoid(-z), sigmoid(z)]: no 1 - p cancellation near p = 1
            return xp.stack([xp.expit(-Z2[:, 0]), xp.expit(Z2[:, 0])], axis=1)
        if self.out_activation_ == "softmax":
            return softmax(Z2, out=xp.reuse(Z2))
        # one-vs-rest sigmoids normalised: softmax of log sigmoid stays finite
        # even where every sigmoid underflows to 0
        return softmax(log_logistic(Z2))

    def predict_log_proba(self, X: MatrixLike) -> NDArray[np.floating]:
        """Log of ``predict_proba``, computed from the logits: finite for every finite input.

        [X, then Returns]
        log_proba : ndarray of shape (n_samples, n_classes)
            The log-probability of each class, columns in the order of ``classes_``.
        """
        Z2 = self._logits(X, "predict_log_proba")
        if self._target_kind == "multilabel-indicator":
            return log_logistic(Z2)
        if Z2.shape[1] == 1:
            xp = namespace_of(Z2)
            return xp.stack([log_logistic(-Z2[:, 0]), log_logistic(Z2[:, 0])], axis=1)
        if self.out_activation_ == "softmax":
            return log_softmax(Z2)
        return log_softmax(log_logistic(Z2))

    def score(self, X: MatrixLike, y: ArrayLike,
              sample_weight: ArrayLike | None = None) -> float:
        """Accuracy of ``predict(X)`` against y (subset accuracy for multilabel targets).

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            The samples, with the features seen in fit.
        y : array-like of shape (n_samples,) or (n_samples, n_labels)
            The true labels; NaN or infinity raises ValueError.
        sample_weight : array-like of shape (n_samples,), default=None
            Weights of the samples; None gives every sample weight 1.

        Returns
        -------
        score : float
            The (weighted) share of samples predicted right.
        """
        if isinstance(y, (np.ndarray, list, tuple)) or hasattr(y, "to_numpy"):  # pandas too
            labels = np.asarray(y)
            if labels.dtype.kind == "f":
                # scikit-learn's type_of_target casts float labels to int before it
                # checks them for NaN (numpy's "invalid value encountered in cast")
                assert_all_finite(labels, input_name="y")
        return super().score(X, y, sample_weight)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.classifier_tags.multi_label = True
        return tags
