"""What a fit tells its user: the per-epoch line of ``verbose``, and the warnings at its end.

The solvers return an ``Outcome`` and a ``History``; this module turns them
into words that name the estimator's parameters, and points each warning at
the user's line, not at ours. The rules are written out once for users, in
``_docstrings.FIT_WARNINGS`` (both estimators' Notes), and docs/guide.md
says the same; the constants below are their numbers.

A fit that ended well costs nothing here beyond a pass over y (the
regressor's mean and variance): X is read again only for a fit that already
ended poorly.
"""

import os
import sys
import time
import warnings
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp
import sklearn
from sklearn.exceptions import ConvergenceWarning
from sklearn.metrics import r2_score

from ._arrays import namespace_of, to_numpy

# ours, and scikit-learn's (its callback wrapper and meta-estimators sit between
# the user's line and fit)
_LIBRARY_DIRS = (os.path.dirname(os.path.abspath(__file__)) + os.sep,
                 os.path.dirname(os.path.abspath(sklearn.__file__)) + os.sep)

# sgd/adam diverged: the last epoch's loss above this many times the first
# epoch's of the same fit. A real divergence grows the loss by orders of
# magnitude within a few epochs; noise and a plateau stay well below 10x.
DIVERGENCE_FACTOR = 10
# y is far from unit scale when a column's |mean| or std is above Y_FAR_FROM_UNIT,
# and near it when every column's |mean| and std are at most Y_NEAR_UNIT (and
# the std at least 1 / Y_NEAR_UNIT)
Y_FAR_FROM_UNIT = 100
Y_NEAR_UNIT = 10
# X is far from unit scale when a column's max |x| is above this, and its
# columns far apart in scale when the largest max |x| is more than
# X_SCALE_RATIO times the smallest (all-zero columns left out)
X_FAR_FROM_UNIT = 100
X_SCALE_RATIO = 100


def warn(message, category=ConvergenceWarning):
    """A warning pointing at the user's line: the first frame outside the libraries."""
    # stacklevel=2 is warn's caller; climb while the frames are ours
    frame, level = sys._getframe(1), 2
    while frame is not None and frame.f_code.co_filename.startswith(_LIBRARY_DIRS):
        frame, level = frame.f_back, level + 1
    warnings.warn(message, category, stacklevel=level)


_DIVERGED_ADVICE = "Lower learning_rate_init or scale the inputs."


def diverged_in_epoch(epoch):
    return (f"training diverged in epoch {epoch} (the loss or the weights became "
            f"non-finite); the weights from before that epoch were kept. {_DIVERGED_ADVICE}")


def diverged_on_training_data(n_iter):
    return (f"training diverged by iteration {n_iter} (the logits on the training data "
            "overflow); the weights from before this call were kept. " + _DIVERGED_ADVICE)


class NotedStop:
    """The solver's ``on_epoch`` hook (or None), noting whether it asked to stop.

    Only a callback asks: a fit it stopped is no failure, so it gets no hints.
    """

    def __init__(self, hook):
        self.hook = hook
        self.stopped = False

    def for_solver(self):
        return None if self.hook is None else self  # no hook: no call per epoch

    def __call__(self, history):
        self.stopped = bool(self.hook(history))
        return self.stopped


@dataclass
class Training:
    """What the hints may look at once a fit has ended.

    ``X (n_samples, n_features)`` and ``task`` (the encoded targets: ``target
    (n_samples, n_outputs)``, ``sw (n_samples,)`` or None, ``loss``) as fit saw
    them; ``logits()`` gives the fitted ``Z2 (n_samples, n_outputs)`` on X, a
    forward pass, so it is called only for a fit that already looks poor.
    """

    X: object
    task: object
    logits: Callable[[], np.ndarray]
    stop_requested: bool = False  # a callback stopped the fit


def warn_about(outcome, config, history, incremental, dead_fraction, training=None):
    """At most one ConvergenceWarning on how the run ended, then one on dead units."""
    if outcome.diverged:
        # the solvers' divergence comes without words; the overflow check's with them
        warn(outcome.detail or diverged_in_epoch(history.n_iter + 1))
        return
    rose = _loss_rose(config, history, incremental)
    if rose:
        warn(rose)
        return
    sentences = []
    if not outcome.converged:
        if not config.stochastic:
            sentences.append(f"lbfgs failed to converge after {history.n_iter} iteration(s) "
                             f"{outcome.detail}. Increase max_iter or max_fun, or scale "
                             "the data.")
        elif not incremental:
            sentences.append(f"Stochastic Optimizer: Maximum iterations ({config.max_iter}) "
                             "reached and the optimization hasn't converged yet.")
    if training is not None and not incremental and not training.stop_requested:
        sentences += _hints(training, history, ended_poorly=bool(sentences))
    if sentences:
        warn(" ".join(sentences))
    if dead_fraction > 0.5:
        remedies = ("Scale the inputs, lower learning_rate_init, or use" if config.stochastic
                    else "Scale the inputs or use")  # lbfgs has no learning rate to lower
        warn(f"{dead_fraction:.0%} of the hidden units are dead (zero on every "
             f"training sample, so they no longer learn). {remedies} "
             "hidden_activation='leaky_relu'.")


def _loss_rose(config, history, incremental):
    """The divergence message when this fit's sgd/adam loss rose ``DIVERGENCE_FACTOR``-fold."""
    if not config.stochastic or incremental or history.n_iter < 2:
        return None  # lbfgs's line search never accepts a rise; one epoch shows no trend
    # this call's epochs: a warm start continues loss_curve_ but counts n_iter_ anew
    first, last = history.loss_curve[-history.n_iter], history.loss_curve[-1]
    if not last > DIVERGENCE_FACTOR * first > 0:
        return None
    return (f"training diverged: the loss rose from {first:.4g} in the first epoch to "
            f"{last:.4g} in epoch {history.n_iter}, more than {DIVERGENCE_FACTOR} times "
            f"where it started. {_DIVERGED_ADVICE}")


def _hints(training, history, ended_poorly):
    """Sentences on a fit that ended poorly for a reason in the data (none on a good fit)."""
    sentences, hints = [], []
    y_stats = _y_stats(training.task) if training.task.loss.output == "identity" else None
    if y_stats is not None:
        mean, std = y_stats
        r2 = _training_r2(training, history, std)
        if r2 is not None and r2 < 0:
            ended_poorly = True
            sentences.append(f"The training R^2 is {r2:.3g}: the network predicts its "
                             "training data worse than y's mean does.")
        y_far = (np.abs(mean) > Y_FAR_FROM_UNIT).any() or (std > Y_FAR_FROM_UNIT).any()
        y_near = ((np.abs(mean) <= Y_NEAR_UNIT).all() and (std <= Y_NEAR_UNIT).all()
                  and (std >= 1 / Y_NEAR_UNIT).all())
        if (y_far and ended_poorly) or (sentences and not y_near):
            hints.append(_y_hint(mean, std))
    if ended_poorly:
        hints.append(_x_hint(training.X))
    hints = [hint for hint in hints if hint]
    if sentences and not hints:
        # worse than the mean with y and X in scale: the optimiser's steps are to blame
        hints.append(_step_hint(history))
    return sentences + hints


def _step_hint(history):
    curve = history.loss_curve[-history.n_iter:] if history.n_iter else []
    if len(curve) > 1 and curve[-1] > curve[0]:
        return (f"Its loss ended above its first epoch's ({curve[0]:.4g}, now "
                f"{curve[-1]:.4g}): lower learning_rate_init.")
    return "Increase max_iter or learning_rate_init, or lower alpha."


def _y_stats(task):
    """y's (sw-weighted) mean and std per output, NumPy arrays of shape (n_outputs,).

    A pass over y where it lives; only the 2 * n_outputs results come to the host.
    """
    Y, sw = task.target, task.sw
    if Y.shape[0] == 0:
        return None
    xp = namespace_of(Y, sw)
    w = (1.0 / Y.shape[0]) if sw is None else xp.reshape(sw / xp.sum(sw), (-1, 1))
    mean = xp.sum(Y * w, axis=0)
    var = xp.sum((Y - mean) ** 2 * w, axis=0)
    return to_numpy(mean).astype(np.float64), np.sqrt(to_numpy(var).astype(np.float64))


def _training_r2(training, history, std):
    """Training R^2 (variance-weighted over outputs), or None where it is taken as >= 0.

    The last epoch's loss is ``0.5 * mean squared residual`` plus the L2 term,
    so ``1 - loss / (0.5 * sum(var(y)))`` estimates R^2 without a pass over X:
    the penalty only lowers it, and so does the epoch's mean over weights that
    were still improving. Where this estimate is >= 0 nothing more is computed;
    below 0, a forward pass gives the exact R^2 of the fitted weights.
    """
    null_loss = 0.5 * float(np.sum(std ** 2))
    if not history.loss_curve or not null_loss > 0:
        return None  # constant y: R^2 is undefined
    if 1.0 - history.loss_curve[-1] / null_loss >= 0:
        return None
    task = training.task
    with np.errstate(over="ignore", invalid="ignore"):
        Z2 = to_numpy(training.logits())  # on the host: n_samples x n_outputs
    if not np.isfinite(Z2).all():
        return None
    return float(r2_score(to_numpy(task.target), Z2, sample_weight=to_numpy(task.sw),
                          multioutput="variance_weighted"))


def _y_hint(mean, std):
    if mean.size <= 3:
        stats = "; ".join(f"mean {m:.4g} and std {s:.4g}" for m, s in zip(mean, std))
    else:
        stats = (f"{mean.size} columns with |mean| up to {np.abs(mean).max():.4g} and std "
                 f"up to {std.max():.4g}")
    return (f"y has {stats}, while the untrained network predicts values near 0 (its "
            "weights are drawn around 0), so training spends its steps moving the output "
            "towards y. Scale y: "
            "TransformedTargetRegressor(regressor=ShallowNetRegressor(...), "
            "transformer=StandardScaler()) fits on standardised y and predicts in y's units.")


def _x_hint(X):
    """The StandardScaler hint where X's column scales (max |x|) are far apart or far from 1."""
    if X.shape[0] == 0:
        return None
    if sp.issparse(X):
        scale = abs(X).max(axis=0).toarray().ravel()
    else:
        # max |x| without abs(X), a temporary the size of X; computed where X lives
        xp = namespace_of(X)
        scale = np.maximum(to_numpy(xp.max(X, axis=0)), -to_numpy(xp.min(X, axis=0)))
    used = np.flatnonzero(scale > 0)  # an all-zero column has no scale
    if used.size == 0:
        return None
    smallest, largest = used[np.argmin(scale[used])], used[np.argmax(scale[used])]
    if scale[largest] > X_SCALE_RATIO * scale[smallest]:
        where = (f"X's columns differ in scale by orders of magnitude (max |x| is "
                 f"{scale[smallest]:.3g} in column {smallest} and {scale[largest]:.3g} in "
                 f"column {largest})")
    elif scale[largest] > X_FAR_FROM_UNIT:
        where = (f"X is far from unit scale (max |x| is {scale[largest]:.3g} in column "
                 f"{largest})")
    else:
        return None
    return (f"{where}: scale it, e.g. make_pipeline(StandardScaler(), <this estimator>); "
            "the initial weights are drawn for inputs of about unit scale.")


def epoch_reporter(verbose):
    """``on_epoch`` for ``verbose``: one line per epoch, or None when quiet."""
    if not verbose:
        return None
    started = time.perf_counter()

    def report(history):
        line = f"Iteration {history.n_iter}, loss = {history.loss_curve[-1]:.8f}"
        if history.validation_scores:
            line += f", validation score = {history.validation_scores[-1]:.6f}"
        line += f", elapsed = {time.perf_counter() - started:.2f}s"
        print(line)
        return False

    return report
