"""The parameter descriptions both estimators share, written once.

A docstring names a block on a line of its own: ``[network parameters]`` or
``[training parameters]`` in a class's, ``[X, then Returns]`` in a prediction
method's, ``[fit warnings]`` in a class's Notes. ``fill`` puts the block there,
so that ``help()`` and the API reference show every parameter in full.
"""

from . import _fit_report as _rules  # the warnings' numbers

NETWORK_PARAMETERS = """\
n_hidden : int, default=100
    Units in the hidden layer.
hidden_activation : str or (callable, callable), default='relu'
    ``'identity'`` (alias ``'linear'``), ``'logistic'`` (``'sigmoid'``),
    ``'tanh'``, ``'relu'``, ``'leaky_relu'``, ``'elu'``, ``'swish'`` (alias
    ``'silu'``, ``z * sigmoid(z)``) or ``'prelu'`` (one learnt negative slope
    per unit, initially 0.25), or a pair ``(g, g_grad)`` with ``g(Z) -> A``
    and ``g_grad(Z, A) -> dA/dZ``, checked against central differences at
    fit. ``'step'`` is refused: its derivative is zero almost everywhere.
leaky_slope : float, default=0.01
    The slope of ``leaky_relu`` for ``z < 0``, in ``[0, 1)``."""

TRAINING_PARAMETERS = """\
solver : {'adam', 'sgd', 'lbfgs'}, default='adam'
    The optimiser. The course's plain batch gradient descent is
    ``solver='sgd', batch_size=n_samples, momentum=0``.
alpha : float, default=1e-4
    L2 penalty: the objective adds ``alpha / (2 sum(w)) ||W||^2``, with
    ``sum(w)`` the sum of the sample weights (``n_samples`` without them).
batch_size : int or 'auto', default='auto'
    Samples per gradient step of sgd and adam; ``'auto'`` is
    ``min(200, n_samples)``. Unused by lbfgs.
learning_rate : {'constant', 'invscaling', 'adaptive'}, default='constant'
    Step-size schedule of ``solver='sgd'``.
learning_rate_init : float, default=0.001
    The initial step size of sgd and adam. Unused by lbfgs.
power_t : float, default=0.5
    Exponent of the ``'invscaling'`` schedule.
max_iter : int, default=200
    Epochs (sgd, adam) or iterations (lbfgs).
shuffle : bool, default=True
    Whether sgd and adam shuffle the samples before every epoch.
random_state : int, RandomState instance or None, default=None
    Seeds the weights, the shuffling and the early-stopping split; the same
    seed gives scikit-learn's MLP the same initial weights.
tol : float, default=1e-4
    Training stops when the loss (the validation score with
    ``early_stopping``) has not improved by at least ``tol`` for
    ``n_iter_no_change`` epochs; lbfgs stops on a relative change of the loss
    or a gradient below ``tol``.
verbose : bool or int, default=False
    Print one line per epoch: epoch, loss, validation score, elapsed time.
warm_start : bool, default=False
    Continue from the previous fit's weights.
momentum : float, default=0.9
    Momentum of sgd's updates, in ``[0, 1]``.
nesterovs_momentum : bool, default=True
    Whether sgd's momentum is Nesterov's (a look-ahead step); used when
    ``momentum > 0``.
early_stopping : bool, default=False
    Hold out ``validation_fraction`` of the data and stop when its score
    (accuracy for a classifier, R^2 for a regressor) stalls; the best
    weights are kept. sgd and adam only.
validation_fraction : float, default=0.1
    The share of the training data held out for early stopping, in ``(0, 1)``.
beta_1 : float, default=0.9
    Adam's decay rate of the gradient's running mean, in ``[0, 1)``.
beta_2 : float, default=0.999
    Adam's decay rate of the squared gradient's running mean, in ``[0, 1)``.
epsilon : float, default=1e-8
    Adam's guard against dividing by zero.
n_iter_no_change : int or np.inf, default=10
    Epochs without an improvement larger than ``tol`` before training
    stops; ``np.inf`` disables this stop (as in scikit-learn's MLP).
max_fun : int, default=15000
    Loss evaluations allowed to lbfgs.
dtype : {None, 'float32', 'float64'}, default=None
    Compute dtype. None follows X: float32 stays float32, anything else
    computes in float64. ``'float32'`` computes, stores and predicts in
    float32 whatever X is."""

# The warnings' rules, once: both estimators' Notes (sk_shallow/_fit_report.py
# applies them, docs/guide.md repeats them)
FIT_WARNINGS = f"""\
A fit ends with at most one ``ConvergenceWarning`` on how it went (plus one
where over half the relu units are dead), pointed at the caller's line:

- *Diverged*: the loss or the weights became non-finite (the weights from
  before that epoch are kept), or an sgd/adam ``fit`` ended with its last
  epoch's loss more than {_rules.DIVERGENCE_FACTOR} times its first epoch's. The no-improvement stop
  (``tol``, ``n_iter_no_change``) is no divergence: as in MLP, a loss that
  merely stopped improving is not reported.
- *Ended poorly*: the solver stopped unconverged (``max_iter`` ran out;
  lbfgs: also ``max_fun`` or a failed line search), or a squared-error
  regressor ended with a training R^2 below 0 (worse than predicting y's
  mean). The warning then names the causes it can see. y far from unit
  scale (a column's ``|mean|`` or std above {_rules.Y_FAR_FROM_UNIT}, or, with R^2 below 0,
  beyond a factor of {_rules.Y_NEAR_UNIT} of unit scale): it gives y's mean and std and
  suggests ``TransformedTargetRegressor(transformer=StandardScaler())``. X's
  columns far apart in scale (the largest ``max |x|`` over {_rules.X_SCALE_RATIO} times the
  smallest) or far from unit scale (a ``max |x|`` above {_rules.X_FAR_FROM_UNIT}): it suggests a
  ``StandardScaler`` in a pipeline.

``partial_fit`` warns only of divergence and dead units. The training R^2 is
estimated from the last epoch's loss, and computed (one pass over X) only
where that estimate is below 0; X's scales are read only after a fit that
ended poorly."""

# The input of every method that maps samples to outputs, and the heading of
# what it returns
PREDICT_INPUT = """\
Parameters
----------
X : {array-like, sparse matrix} of shape (n_samples, n_features)
    The samples, with the features seen in fit.

Returns
-------"""

_BLOCKS = {"[network parameters]": NETWORK_PARAMETERS,
           "[training parameters]": TRAINING_PARAMETERS,
           "[X, then Returns]": PREDICT_INPUT,
           "[fit warnings]": FIT_WARNINGS}


def _filled(doc):
    lines = []
    for line in doc.splitlines():
        marker = line.strip()
        if marker in _BLOCKS:
            indent = line[: len(line) - len(line.lstrip())]
            lines.extend(indent + text if text else text
                         for text in _BLOCKS[marker].splitlines())
        else:
            lines.append(line)
    return "\n".join(lines)


def fill(cls):
    """Class decorator: put each block in place of its marker line.

    The class's docstring is filled, and those of the functions it defines.
    """
    if cls.__doc__:
        cls.__doc__ = _filled(cls.__doc__)
    for member in vars(cls).values():
        if callable(member) and member.__doc__:
            member.__doc__ = _filled(member.__doc__)
    return cls
