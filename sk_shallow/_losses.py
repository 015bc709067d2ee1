"""Losses computed from the logits ``Z2``, and the output delta ``dZ2``.

Each loss is matched with its output activation so that the derivative of one
sample's loss with respect to its logits is ``dZ2 = A2 - Y`` (the lecture's
``dZ^[2] = A^[2] - Y``); the network weights the rows and divides by
``sum(sw)`` (the lecture's ``1/m``):

========================  ==================  ====================================
output ``A2 = out(Z2)``   loss per sample     computed as
========================  ==================  ====================================
sigmoid                   binary log loss     ``log(1 + e^z) - y z`` (``logaddexp``)
softmax                   cross-entropy       ``logsumexp(z) - z_y``
identity                  squared error       ``(z - y)^2 / 2``
exp                       Poisson deviance/2  ``e^z - y z + y log y - y``
========================  ==================  ====================================

None of them forms a probability and takes its log, so none needs clipping:
they stay finite for logits of any magnitude. Targets are an integer class
index vector for softmax (no one-hot matrix) and a float matrix otherwise.

``capped_loss()`` gives a log loss whose *value* counts each sample's ``-log p`` as at
most ``-log(eps)`` (36 in float64), which is the loss scikit-learn's MLP reports,
since it clips probabilities to ``[eps, 1 - eps]``. Its delta stays the exact
gradient. The mini-batch solvers judge the stop on that value, so that a few
saturated, confidently wrong samples (unscaled inputs) do not make the loss jump
and end training epochs before MLP would.
"""

import numpy as np
from scipy.special import expit, logsumexp, xlogy

from .activations import softmax


def _weighted_mean(per_sample, sw, sw_sum):
    total = per_sample.sum() if sw is None else per_sample @ sw
    return float(total) / sw_sum


# -log(eps) per dtype: MLP's largest -log p, its probabilities clipped at eps
_LARGEST_MINUS_LOG_P = {np.dtype(dt): -float(np.log(np.finfo(dt).eps))
                        for dt in (np.float32, np.float64)}


class _Loss:
    capped = False  # the log losses' reported value only; the regression losses ignore it

    def capped_loss(self):
        """This loss, reporting each sample's ``-log p`` as at most ``-log(eps)``."""
        loss = type(self)()
        loss.capped = True
        return loss

    def _cap(self, per_sample, dtype):
        # dtype is the logits': float32 logits give float32 probabilities in MLP
        if self.capped:
            np.minimum(per_sample, _LARGEST_MINUS_LOG_P[np.dtype(dtype)], out=per_sample)
        return per_sample


def _exp_ceiling(dtype):
    # e^z is capped a factor e^30 below the largest finite float instead of
    # overflowing, which leaves room to sum ~1e13 such terms into a loss
    return np.log(np.finfo(dtype).max) - 30.0


class BinaryLogLoss(_Loss):
    """Sigmoid outputs with log loss, one column per label (binary or multilabel)."""

    output = "logistic"

    def predict(self, Z2):
        return expit(Z2)

    def loss(self, Z2, Y, sw, sw_sum):
        per_sample = self._cap(np.logaddexp(0, Z2) - Y * Z2, Z2.dtype).sum(axis=1)
        return _weighted_mean(per_sample, sw, sw_sum)

    def loss_and_delta(self, Z2, Y, sw, sw_sum, dZ2):
        """Return the weighted mean loss; write ``dZ2 = sigmoid(Z2) - Y`` (unweighted)."""
        value = self.loss(Z2, Y, sw, sw_sum)
        expit(Z2, out=dZ2)
        dZ2 -= Y
        return value


class CrossEntropy(_Loss):
    """Softmax outputs with multinomial cross-entropy; targets are class indices."""

    output = "softmax"

    def predict(self, Z2):
        return softmax(Z2)

    def loss(self, Z2, y, sw, sw_sum):
        rows = np.arange(Z2.shape[0])
        per_sample = self._cap(logsumexp(Z2, axis=1) - Z2[rows, y], Z2.dtype)
        return _weighted_mean(per_sample, sw, sw_sum)

    def loss_and_delta(self, Z2, y, sw, sw_sum, dZ2):
        """Return the weighted mean loss; write ``dZ2 = softmax(Z2) - onehot(y)``.

        One exponential serves both: ``e^(z - max z)`` in ``dZ2`` gives the
        log-sum-exp of the loss and, normalised, the softmax; no one-hot matrix.
        """
        if not (Z2.flags.c_contiguous and dZ2.flags.c_contiguous):
            delta = np.empty(Z2.shape, dtype=dZ2.dtype)
            value = self.loss_and_delta(np.ascontiguousarray(Z2), y, sw, sw_sum, delta)
            dZ2[...] = delta
            return value
        n_samples, n_classes = Z2.shape
        # Positions in the flat arrays: on a 200 x 10 batch one take of each
        # row's max and true logit costs half of a row-wise max and [rows, y].
        row_start = np.arange(0, n_samples * n_classes, n_classes)
        true_at = row_start + y
        logits = Z2.reshape(-1)
        shift = logits.take(Z2.argmax(axis=1) + row_start)
        true_logit = logits.take(true_at)
        np.subtract(Z2, shift[:, None], out=dZ2)
        np.exp(dZ2, out=dZ2)
        normaliser = dZ2 @ np.ones(n_classes, dtype=dZ2.dtype)
        per_sample = np.log(normaliser) + shift - true_logit  # logsumexp(z) - z_y
        self._cap(per_sample, Z2.dtype)
        dZ2 /= normaliser[:, None]
        dZ2.reshape(-1)[true_at] -= 1
        return _weighted_mean(per_sample, sw, sw_sum)


class SquaredError(_Loss):
    """Identity outputs with half the squared error summed over the outputs."""

    output = "identity"

    def predict(self, Z2):
        return Z2

    def loss(self, Z2, Y, sw, sw_sum):
        residual = Z2 - Y
        per_sample = 0.5 * np.einsum("ij,ij->i", residual, residual)
        return _weighted_mean(per_sample, sw, sw_sum)

    def loss_and_delta(self, Z2, Y, sw, sw_sum, dZ2):
        """Return the weighted mean loss; write ``dZ2 = Z2 - Y``."""
        residual = np.subtract(Z2, Y, out=dZ2)
        per_sample = 0.5 * np.einsum("ij,ij->i", residual, residual)
        return _weighted_mean(per_sample, sw, sw_sum)


class PoissonLoss(_Loss):
    """Exponential outputs (log link) with half the Poisson deviance."""

    output = "exp"

    def predict(self, Z2):
        return np.exp(np.minimum(Z2, _exp_ceiling(Z2.dtype)))

    def loss(self, Z2, Y, sw, sw_sum):
        mean = self.predict(Z2)
        # y log y - y makes the loss zero at a perfect fit; xlogy(0, 0) = 0
        per_sample = (mean - Y * Z2 + xlogy(Y, Y) - Y).sum(axis=1)
        return _weighted_mean(per_sample, sw, sw_sum)

    def loss_and_delta(self, Z2, Y, sw, sw_sum, dZ2):
        """Return the weighted mean loss; write ``dZ2 = exp(Z2) - Y``."""
        value = self.loss(Z2, Y, sw, sw_sum)
        np.minimum(Z2, _exp_ceiling(Z2.dtype), out=dZ2)
        np.exp(dZ2, out=dZ2)
        dZ2 -= Y
        return value
