"""Losses computed from the logits ``Z2``, and the output delta ``dZ2``.

Each loss is matched with its output activation so that the derivative of the
loss with respect to the logits is ``dZ2 = A2 - Y`` (the lecture's
``dZ^[2] = A^[2] - Y``), weighted by the sample weights:

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
"""

import numpy as np
from scipy.special import expit, logsumexp, xlogy

from .activations import softmax


def _weighted_mean(per_sample, sw, sw_sum):
    total = per_sample.sum() if sw is None else per_sample @ sw
    return float(total) / sw_sum


def _scale_rows(dZ2, sw, sw_sum):
    # Folding the weighted mean's 1/sum(sw) into dZ2 (B x k) is cheaper than
    # scaling every gradient array (n_params) afterwards.
    if sw is None:
        dZ2 *= 1.0 / sw_sum
    else:
        dZ2 *= (sw / sw_sum)[:, None]


def _exp_ceiling(dtype):
    # e^z is capped a factor e^30 below the largest finite float instead of
    # overflowing, which leaves room to sum ~1e13 such terms into a loss
    return np.log(np.finfo(dtype).max) - 30.0


class BinaryLogLoss:
    """Sigmoid outputs with log loss, one column per label (binary or multilabel)."""

    output = "logistic"

    def predict(self, Z2):
        return expit(Z2)

    def loss(self, Z2, Y, sw, sw_sum):
        per_sample = (np.logaddexp(0, Z2) - Y * Z2).sum(axis=1)
        return _weighted_mean(per_sample, sw, sw_sum)

    def loss_and_delta(self, Z2, Y, sw, sw_sum):
        """Return the weighted mean loss; overwrite ``Z2`` with ``dZ2`` (scaled by ``sw / sw_sum``)."""
        value = self.loss(Z2, Y, sw, sw_sum)
        expit(Z2, out=Z2)
        Z2 -= Y
        _scale_rows(Z2, sw, sw_sum)
        return value


class CrossEntropy:
    """Softmax outputs with multinomial cross-entropy; targets are class indices."""

    output = "softmax"

    def predict(self, Z2):
        return softmax(Z2)

    def loss(self, Z2, y, sw, sw_sum):
        rows = np.arange(Z2.shape[0])
        per_sample = logsumexp(Z2, axis=1) - Z2[rows, y]
        return _weighted_mean(per_sample, sw, sw_sum)

    def loss_and_delta(self, Z2, y, sw, sw_sum):
        """Softmax in place: ``Z2`` becomes ``P - onehot(y)``, scaled, without a one-hot matrix."""
        if not Z2.flags.c_contiguous:  # the flat view below needs one buffer
            buffer = np.ascontiguousarray(Z2)
            value = self.loss_and_delta(buffer, y, sw, sw_sum)
            Z2[...] = buffer
            return value
        n_samples, n_outputs = Z2.shape
        # flat indices of each row's start in the C-contiguous Z2: on a batch of
        # 200 x 10, one take beats a row-wise max and fancy indexing [rows, y]
        row_start = np.arange(0, n_samples * n_outputs, n_outputs)
        flat = Z2.reshape(-1)
        true_index = row_start + y
        Z2 -= flat.take(Z2.argmax(axis=1) + row_start)[:, None]
        true_logit = flat.take(true_index)
        np.exp(Z2, out=Z2)
        normaliser = Z2 @ np.ones(n_outputs, dtype=Z2.dtype)
        # loss on B entries: logsumexp of the shifted row minus the true logit
        per_sample = np.log(normaliser)
        per_sample -= true_logit
        if sw is None:
            # 1 / sum(sw) folded into the normalisation: P / sum(sw) - onehot / sum(sw)
            Z2 /= (normaliser * sw_sum)[:, None]
            flat[true_index] -= 1.0 / sw_sum
        else:
            Z2 /= normaliser[:, None]
            flat[true_index] -= 1
            _scale_rows(Z2, sw, sw_sum)
        return _weighted_mean(per_sample, sw, sw_sum)


class SquaredError:
    """Identity outputs with half the squared error summed over the outputs."""

    output = "identity"

    def predict(self, Z2):
        return Z2

    def loss(self, Z2, Y, sw, sw_sum):
        residual = Z2 - Y
        per_sample = 0.5 * np.einsum("ij,ij->i", residual, residual)
        return _weighted_mean(per_sample, sw, sw_sum)

    def loss_and_delta(self, Z2, Y, sw, sw_sum):
        Z2 -= Y
        per_sample = 0.5 * np.einsum("ij,ij->i", Z2, Z2)
        _scale_rows(Z2, sw, sw_sum)
        return _weighted_mean(per_sample, sw, sw_sum)


class PoissonLoss:
    """Exponential outputs (log link) with half the Poisson deviance."""

    output = "exp"

    def predict(self, Z2):
        return np.exp(np.minimum(Z2, _exp_ceiling(Z2.dtype)))

    def loss(self, Z2, Y, sw, sw_sum):
        mean = self.predict(Z2)
        # y log y - y makes the loss zero at a perfect fit; xlogy(0, 0) = 0
        per_sample = (mean - Y * Z2 + xlogy(Y, Y) - Y).sum(axis=1)
        return _weighted_mean(per_sample, sw, sw_sum)

    def loss_and_delta(self, Z2, Y, sw, sw_sum):
        value = self.loss(Z2, Y, sw, sw_sum)
        np.minimum(Z2, _exp_ceiling(Z2.dtype), out=Z2)
        np.exp(Z2, out=Z2)
        Z2 -= Y
        _scale_rows(Z2, sw, sw_sum)
        return value


LOSSES = {
    "log_loss": BinaryLogLoss,
    "cross_entropy": CrossEntropy,
    "squared_error": SquaredError,
    "poisson": PoissonLoss,
}
