"""Targets as the network trains on them.

Classification labels become class indices (softmax) or a 0/1 matrix
(sigmoid outputs, one column per class or label); regression targets become a
float matrix of one column per output. Each encoding also scores the logits
for early stopping and records on the estimator what predict needs.

Targets are encoded on the host (NumPy), then moved with ``on(xp, dtype)`` to
the namespace and device the network trains on.
"""

import dataclasses
from dataclasses import dataclass
from typing import NamedTuple

import numpy as np
from sklearn.metrics import r2_score
from sklearn.utils.class_weight import compute_class_weight
from sklearn.utils.multiclass import check_classification_targets, type_of_target
from sklearn.utils.validation import column_or_1d

from ._arrays import float_dtypes, index_dtype, namespace_of
from ._losses import BinaryLogLoss, CrossEntropy, PoissonLoss, SquaredError

REGRESSION_LOSSES = {"squared_error": SquaredError, "poisson": PoissonLoss}


class FittedLabels(NamedTuple):
    """What a continued classification fit must keep: its classes, kind and output."""

    classes: np.ndarray
    kind: str
    output: str


@dataclass
class Labels:
    """The encoded targets of one classification fit."""

    target: np.ndarray  # class indices (softmax) or a 0/1 matrix (sigmoid)
    n_outputs: int
    loss: object
    classes: np.ndarray
    kind: str  # 'binary', 'multiclass' or 'multilabel-indicator'
    class_indices: np.ndarray | None  # (n_samples,) index into classes, None for multilabel
    sw: np.ndarray | None = None  # sample_weight times the class weights

    @property
    def stratify_labels(self):
        # MLP stratifies its early-stopping split for binary targets only (its
        # multiclass target has one column per class); splitting as it does keeps
        # the same random_state on the same validation set
        return self.class_indices if self.kind == "binary" else None

    def on(self, xp, dtype):
        """These targets with their arrays in ``xp`` on its device (``classes`` stays)."""
        indices = index_dtype(xp)
        target_dtype = indices if self.target.dtype.kind in "iu" else dtype
        return dataclasses.replace(
            self, target=xp.from_host(self.target, target_dtype),
            class_indices=None if self.class_indices is None
            else xp.from_host(self.class_indices, indices),
            sw=None if self.sw is None else xp.from_host(self.sw, dtype))

    def score(self, Z2, rows, sw):
        """Accuracy of the logits ``Z2`` on ``rows`` of the training targets (early stopping)."""
        xp = namespace_of(Z2)
        predicted = indices_from_logits(Z2, self.kind)
        if self.kind == "multilabel-indicator":
            # subset accuracy, as ClassifierMixin.score
            correct = xp.all(predicted == xp.take_rows(self.target, rows), axis=1)
        else:
            correct = predicted == xp.take_rows(self.class_indices, rows)
        correct = xp.astype(correct, float_dtypes(xp)[0])
        if sw is None:
            return float(xp.mean(correct))
        sw = xp.astype(sw, correct.dtype)
        return float(xp.sum(correct * sw) / xp.sum(sw))

    def commit(self, estimator):
        estimator.classes_ = self.classes
        estimator._target_kind = self.kind


def indices_from_logits(Z2, kind):
    """Class index (or 0/1 per label) from the logits: sigmoid > 1/2 is z > 0."""
    xp = namespace_of(Z2)
    if kind == "multilabel-indicator":
        return xp.astype(Z2 > 0, index_dtype(xp))
    if Z2.shape[1] == 1:
        return xp.astype(Z2[:, 0] > 0, index_dtype(xp))
    return xp.argmax(Z2, axis=1)


def encode_labels(y, output, previous, incremental, classes, dtype):
    """The ``Labels`` of y for an output of ``output`` ('auto', 'logistic' or 'softmax').

    ``previous`` is the ``FittedLabels`` of the fit being continued (warm start
    or a later ``partial_fit``), else None; ``classes`` is partial_fit's argument.
    """
    if y.ndim == 2 and y.shape[1] == 1:
        y = column_or_1d(y, warn=True)
    check_classification_targets(y)
    kind = type_of_target(y)
    if kind == "multiclass-multioutput":
        raise ValueError(
            f"y of shape {y.shape} is multiclass-multioutput (several columns of class "
            "labels), which is not supported; use a 1-D y of labels, or a 0/1 multilabel "
            "indicator matrix (e.g. from sklearn.preprocessing.MultiLabelBinarizer)."
        )
    if previous is not None and incremental and classes is not None:
        given = np.unique(np.asarray(classes))
        if not np.array_equal(given, previous.classes):
            raise ValueError(
                f"classes={given} is not the same as on the first call to partial_fit, "
                f"which gave {previous.classes}; pass the same classes, or none, on later "
                "calls."
            )
    if kind == "multilabel-indicator":
        n_labels = y.shape[1]
        new_classes = np.arange(n_labels)
    else:
        new_classes = np.unique(y)
        if classes is not None and previous is None:
            new_classes = np.unique(np.asarray(classes))
            unseen = np.setdiff1d(np.unique(y), new_classes)
            if unseen.size:
                raise ValueError(f"y contains labels {unseen} that are not in classes="
                                 f"{new_classes}.")
            kind = "binary" if new_classes.size <= 2 else "multiclass"

    if previous is not None:
        if kind != previous.kind and {kind, previous.kind} != {"binary", "multiclass"}:
            raise ValueError(f"y is {kind} but the network was fitted on {previous.kind} "
                             "targets; refit with warm_start=False.")
        kind = previous.kind
        if kind == "multilabel-indicator":
            if y.shape[1] != previous.classes.size:
                raise ValueError(f"y has {y.shape[1]} labels, the network was fitted on "
                                 f"{previous.classes.size}.")
        else:
            seen = np.unique(y)
            if incremental:
                unseen = np.setdiff1d(seen, previous.classes)
                if unseen.size:
                    raise ValueError(
                        f"y has classes not in self.classes_: {unseen}. self.classes_ "
                        f"has {previous.classes}; pass every class in classes= on the first "
                        "call to partial_fit."
                    )
            elif set(seen.tolist()) != set(previous.classes.tolist()):
                raise ValueError(
                    "warm_start can only be used where y has the same classes as in the "
                    f"previous call to fit. Previously got {previous.classes}, y has {seen}."
                )
        new_classes = previous.classes
    elif kind != "multilabel-indicator" and new_classes.size < 2:
        raise ValueError(
            "This solver needs samples of at least 2 classes in the data, but the data "
            f"contains only one class: {new_classes[0]!r}."
        )

    if kind == "multilabel-indicator":
        if output == "softmax":
            raise ValueError("output_activation='softmax' cannot fit multilabel targets "
                             "(each row may hold several labels); use 'auto' or 'sigmoid'.")
        return Labels(np.asarray(y, dtype=dtype), new_classes.size, BinaryLogLoss(),
                       new_classes, kind, None)

    indices = np.searchsorted(new_classes, y)
    n_classes = new_classes.size
    if output == "auto":
        output = "logistic" if n_classes == 2 else "softmax"
    if previous is not None:
        output = previous.output
    if output == "softmax":
        return Labels(indices, n_classes, CrossEntropy(), new_classes, kind, indices)
    if n_classes == 2:
        target = (indices == 1).astype(dtype).reshape(-1, 1)
        return Labels(target, 1, BinaryLogLoss(), new_classes, kind, indices)
    one_hot = np.zeros((indices.size, n_classes), dtype=dtype)
    one_hot[np.arange(indices.size), indices] = 1
    return Labels(one_hot, n_classes, BinaryLogLoss(), new_classes, kind, indices)


def class_weighted(sw, labels, class_weight, dtype):
    """``sample_weight`` times each row's class weight (``sw`` itself without ``class_weight``)."""
    if class_weight is None:
        return sw
    if labels.kind == "multilabel-indicator":
        raise ValueError("class_weight is not supported for multilabel targets; use "
                         "sample_weight.")
    n_classes = labels.classes.size
    if isinstance(class_weight, str):
        # n / (n_classes * count) with weighted counts, so that a weight of 2
        # still equals a repeated row
        counts = np.bincount(labels.class_indices, weights=sw, minlength=n_classes)
        total = counts.sum()
        per_class = np.divide(total, n_classes * counts, out=np.zeros(n_classes),
                              where=counts > 0)
    else:
        try:
            per_class = compute_class_weight(
                class_weight, classes=labels.classes,
                y=labels.classes[labels.class_indices],
            )
        except ValueError as exc:
            raise ValueError(f"class_weight={class_weight!r}: {exc}") from None
    weights = per_class[labels.class_indices].astype(dtype)
    return weights if sw is None else weights * sw


@dataclass
class Numbers:
    """The float targets of one regression fit."""

    target: np.ndarray  # (n_samples, n_outputs)
    n_outputs: int
    loss: object
    one_d: bool
    sw: np.ndarray | None = None  # sample_weight, as given
    stratify_labels = None

    def on(self, xp, dtype):
        """These targets with their arrays in ``xp`` on its device."""
        return dataclasses.replace(self, target=xp.from_host(self.target, dtype),
                                   sw=None if self.sw is None else xp.from_host(self.sw, dtype))

    def score(self, Z2, rows, sw):
        """R^2 of the logits ``Z2`` on ``rows`` of the training targets (early stopping)."""
        xp = namespace_of(Z2)
        prediction = self.loss.predict(Z2)
        if not bool(xp.all(xp.isfinite(prediction))):
            # diverging (r2_score would raise on inf): the worst score; the epoch
            # loop then reports the divergence and keeps finite weights
            return -np.inf
        return float(r2_score(xp.take_rows(self.target, rows), prediction, sample_weight=sw))

    def commit(self, estimator):
        estimator._y_one_d = self.one_d


def encode_numbers(y, sample_weight, loss_name, previous_n_outputs, dtype):
    """The ``Numbers`` of y: a float copy of shape (n_samples, n_outputs).

    ``previous_n_outputs`` is the fitted count when a fit is continued, else None.
    """
    one_d = y.ndim == 1
    try:
        Y = np.asarray(y, dtype=dtype).reshape(y.shape[0], -1)
    except (TypeError, ValueError) as exc:
        raise type(exc)(f"y must be numeric for a regressor (float, int or bool "
                        f"values): {exc}") from exc
    if previous_n_outputs is not None and Y.shape[1] != previous_n_outputs:
        raise ValueError(f"y has {Y.shape[1]} outputs, the network was fitted on "
                         f"{previous_n_outputs}.")
    if loss_name == "poisson" and (Y < 0).any():
        raise ValueError("Some value(s) of y are negative which is not allowed for "
                         "loss='poisson': Poisson regression needs y >= 0.")
    if Y is y:
        Y = Y.copy()
    return Numbers(Y, Y.shape[1], REGRESSION_LOSSES[loss_name](), one_d, sample_weight)
