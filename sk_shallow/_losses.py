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

import math

from ._arrays import namespace_of
from .activations import softmax


def _weighted_mean(xp, per_sample, sw, sw_sum):
    # an array scalar, in float64 where the device has it: a device's loss stays
    # on the device until the epoch ends
    total = xp.sum(per_sample) if sw is None else per_sample @ sw
    return xp.widest(total) / sw_sum


class _Loss:
    capped = False  # the log losses' reported value only; the regression losses ignore it

    def capped_loss(self):
        """This loss, reporting each sample's ``-log p`` as at most ``-log(eps)``."""
        loss = type(self)()
        loss.capped = True
        return loss

    def _cap(self, xp, per_sample, dtype):
        # dtype is the logits': float32 logits give float32 probabilities in MLP
        if self.capped:
            # -log(eps): MLP's largest -log p, its probabilities clipped at eps
            per_sample = xp.minimum(per_sample, -math.log(xp.eps(dtype)), out=per_sample)
        return per_sample


def _exp_ceiling(xp, dtype):
    # e^z is capped a factor e^30 below the largest finite float instead of
    # overflowing, which leaves room to sum ~1e13 such terms into a loss
    return math.log(xp.largest(dtype)) - 30.0


class BinaryLogLoss(_Loss):
    """Sigmoid outputs with log loss, one column per label (binary or multilabel)."""

    output = "logistic"

    def predict(self, Z2):
        return namespace_of(Z2).expit(Z2)

    def loss(self, Z2, Y, sw, sw_sum):
        xp = namespace_of(Z2)
        per_entry = self._cap(xp, xp.logaddexp(0.0, Z2) - Y * Z2, Z2.dtype)
        return _weighted_mean(xp, xp.sum(per_entry, axis=1), sw, sw_sum)

    def loss_and_delta(self, Z2, Y, sw, sw_sum, dZ2=None):
        """``(weighted mean loss, dZ2 = sigmoid(Z2) - Y)``, the delta unweighted, into ``dZ2``."""
        value = self.loss(Z2, Y, sw, sw_sum)
        dZ2 = namespace_of(Z2).expit(Z2, out=dZ2)
        dZ2 -= Y
        return value, dZ2


class CrossEntropy(_Loss):
    """Softmax outputs with multinomial cross-entropy; targets are class indices."""

    output = "softmax"

    def predict(self, Z2):
        return softmax(Z2)

    def loss(self, Z2, y, sw, sw_sum):
        xp = namespace_of(Z2)
        per_sample = self._cap(xp, xp.logsumexp(Z2, axis=1) - xp.at_index(Z2, y), Z2.dtype)
        return _weighted_mean(xp, per_sample, sw, sw_sum)

    def loss_and_delta(self, Z2, y, sw, sw_sum, dZ2=None):
        """``(weighted mean loss, dZ2 = softmax(Z2) - onehot(y))``, into ``dZ2``.

        One exponential serves both: ``e^(z - max z)`` in ``dZ2`` gives the
        log-sum-exp of the loss and, normalised, the softmax; no one-hot matrix.
        """
        xp = namespace_of(Z2)
        shift = xp.row_max(Z2)
        true_logit = xp.at_index(Z2, y)
        dZ2 = xp.subtract(Z2, shift[:, None], out=dZ2)
        dZ2 = xp.exp(dZ2, out=dZ2)
        normaliser = xp.row_sum(dZ2)
        per_sample = xp.log(normaliser) + shift - true_logit  # logsumexp(z) - z_y
        per_sample = self._cap(xp, per_sample, Z2.dtype)
        dZ2 /= normaliser[:, None]
        dZ2 = xp.subtract_one_at(dZ2, y)
        return _weighted_mean(xp, per_sample, sw, sw_sum), dZ2


def _half_squares(xp, residual):
    # half the squared error summed over the outputs, shape (n_samples,)
    return 0.5 * xp.sum(residual * residual, axis=1)


class SquaredError(_Loss):
    """Identity outputs with half the squared error summed over the outputs."""

    output = "identity"

    def predict(self, Z2):
        return Z2

    def loss(self, Z2, Y, sw, sw_sum):
        xp = namespace_of(Z2)
        return _weighted_mean(xp, _half_squares(xp, Z2 - Y), sw, sw_sum)

    def loss_and_delta(self, Z2, Y, sw, sw_sum, dZ2=None):
        """``(weighted mean loss, dZ2 = Z2 - Y)``, into ``dZ2``."""
        xp = namespace_of(Z2)
        residual = xp.subtract(Z2, Y, out=dZ2)
        return _weighted_mean(xp, _half_squares(xp, residual), sw, sw_sum), residual


class PoissonLoss(_Loss):
    """Exponential outputs (log link) with half the Poisson deviance."""

    output = "exp"

    def predict(self, Z2):
        xp = namespace_of(Z2)
        return xp.exp(xp.minimum(Z2, _exp_ceiling(xp, Z2.dtype)))

    def loss(self, Z2, Y, sw, sw_sum):
        xp = namespace_of(Z2)
        mean = self.predict(Z2)
        # y log y - y makes the loss zero at a perfect fit; xlogy(0, 0) = 0
        per_sample = xp.sum(mean - Y * Z2 + xp.xlogy(Y, Y) - Y, axis=1)
        return _weighted_mean(xp, per_sample, sw, sw_sum)

    def loss_and_delta(self, Z2, Y, sw, sw_sum, dZ2=None):
        """``(weighted mean loss, dZ2 = exp(Z2) - Y)``, into ``dZ2``."""
        xp = namespace_of(Z2)
        value = self.loss(Z2, Y, sw, sw_sum)
        dZ2 = xp.minimum(Z2, _exp_ceiling(xp, Z2.dtype), out=dZ2)
        dZ2 = xp.exp(dZ2, out=dZ2)
        dZ2 -= Y
        return value, dZ2
