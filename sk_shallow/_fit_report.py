"""What a fit tells its user: the per-epoch line of ``verbose``, and the warnings at its end.

The solvers return an ``Outcome`` and a ``History``; this module turns them
into words that name the estimator's parameters, and points each warning at
the user's line, not at ours.
"""

import os
import sys
import time
import warnings

import sklearn
from sklearn.exceptions import ConvergenceWarning

# ours, and scikit-learn's (its callback wrapper and meta-estimators sit between
# the user's line and fit)
_LIBRARY_DIRS = (os.path.dirname(os.path.abspath(__file__)) + os.sep,
                 os.path.dirname(os.path.abspath(sklearn.__file__)) + os.sep)


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


def warn_about(outcome, config, history, incremental, dead_fraction):
    """A ConvergenceWarning for a diverged, unfinished, worsening or dead run."""
    if outcome.diverged:
        # the solvers' divergence comes without words; the overflow check's with them
        warn(outcome.detail or diverged_in_epoch(history.n_iter + 1))
        return
    if not outcome.converged:
        if not config.stochastic:
            warn(f"lbfgs failed to converge after {history.n_iter} iteration(s) "
                 f"{outcome.detail}. Increase max_iter or max_fun, or scale the data.")
        elif not incremental:
            warn(f"Stochastic Optimizer: Maximum iterations ({config.max_iter}) reached "
                 "and the optimization hasn't converged yet.")
    elif config.stochastic and not incremental and not config.early_stopping:
        curve = history.loss_curve
        window = config.n_iter_no_change + 1  # the epochs the no-improvement stop saw
        if len(curve) > window and min(curve[-window:]) > min(curve[:-window]):
            # the no-improvement rule also stops a run whose loss only grew
            warn(f"Training stopped after its loss stayed above its best "
                 f"({min(curve[:-window]):.4g}) for the last {window} epochs (now "
                 f"{curve[-1]:.4g}): the optimizer is diverging. {_DIVERGED_ADVICE}")
    if dead_fraction > 0.5:
        warn(f"{dead_fraction:.0%} of the hidden units are dead (zero on every "
             "training sample, so they no longer learn). Scale the inputs, lower "
             "learning_rate_init, or use hidden_activation='leaky_relu'.")


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
