"""Update rules for the stochastic solvers, in place on the flat parameter buffer.

Each step works on whole flat arrays in place: a few passes over ``n_params``
numbers (BLAS ``axpy`` fuses a scaled add into one) and no temporaries per batch. The rules and
their defaults are scikit-learn's MLP ones, so the two follow the same path.
"""

import numpy as np
from scipy.linalg.blas import get_blas_funcs

_AXPY = {np.dtype(dt): get_blas_funcs("axpy", dtype=dt) for dt in (np.float32, np.float64)}
_ROT = {np.dtype(dt): get_blas_funcs("rot", dtype=dt) for dt in (np.float32, np.float64)}


def axpy(a, x, y):
    """``y += a * x`` in place, in one pass and without a temporary; returns ``y``.

    BLAS ``axpy`` reads ``x`` and ``y`` once and writes ``y`` once, where NumPy
    needs ``a * x`` in a scratch array and a second pass to add it. Anything
    but two contiguous 1-D arrays of one float dtype takes the NumPy route.
    """
    blas = _AXPY.get(y.dtype)
    if (blas is not None and x.dtype == y.dtype and y.ndim == x.ndim == 1
            and y.flags.c_contiguous and x.flags.c_contiguous):
        blas(x, y, a=a)  # y is intent(in,out): updated in place
    else:
        y += a * x
    return y


def blend(c, x, s, y):
    """``x = c x + s y`` in place, in one pass; ``y`` is left holding garbage.

    BLAS ``rot`` (a plane rotation) computes ``c x + s y`` and ``c y - s x``
    together, reading each array once: the moving averages of Adam in one call
    each, where ``x *= c`` and ``x += s y`` take two passes.
    """
    blas = _ROT.get(x.dtype)
    if (blas is not None and y.dtype == x.dtype and x.ndim == y.ndim == 1
            and x.flags.c_contiguous and y.flags.c_contiguous):
        blas(x, y, c, s, overwrite_x=1, overwrite_y=1)
    else:
        x *= c
        axpy(s, y, x)
    return x


class SGD:
    """Stochastic gradient descent with momentum and Nesterov's look-ahead.

    ``velocity = momentum * velocity - lr * grad``, then ``theta += velocity``,
    or with Nesterov ``theta += momentum * velocity - lr * grad``. With
    ``momentum=0`` and a batch of all samples this is the course's plain
    batch gradient descent ``theta -= lr * grad``.

    ``schedule``: ``"constant"``; ``"invscaling"``, ``lr = lr0 / (t + 1)^power_t``
    with ``t`` the samples seen so far; ``"adaptive"``, divide ``lr`` by 5 each
    time the loss stalls, until it falls below 1e-6.
    """

    def __init__(self, n_params, dtype, learning_rate_init=0.1, schedule="constant",
                 momentum=0.9, nesterov=True, power_t=0.5):
        self.learning_rate_init = learning_rate_init
        self.learning_rate = float(learning_rate_init)
        self.schedule = schedule
        self.momentum = momentum
        self.nesterov = nesterov
        self.power_t = power_t
        self.velocity = np.zeros(n_params, dtype=dtype)

    def step(self, theta, grad):
        """Update ``theta (n_params,)`` in place from ``grad (n_params,)``."""
        lr, mu = self.learning_rate, self.momentum
        if mu == 0:
            axpy(-lr, grad, theta)
            return
        v = self.velocity
        v *= mu
        axpy(-lr, grad, v)
        if self.nesterov:
            # theta += momentum * velocity - lr * grad
            axpy(mu, v, theta)
            axpy(-lr, grad, theta)
        else:
            theta += v

    def epoch_ends(self, samples_seen):
        if self.schedule == "invscaling":
            self.learning_rate = float(self.learning_rate_init) / (samples_seen + 1) ** self.power_t

    def stalled(self):
        """The loss stopped improving: return True to stop, False to go on with a smaller step."""
        if self.schedule != "adaptive" or self.learning_rate <= 1e-6:
            return True
        self.learning_rate /= 5.0
        return False


class Adam:
    """Adam (Kingma & Ba), with scikit-learn's bias correction folded into the step size.

    ``m = b1 m + (1 - b1) g``, ``v = b2 v + (1 - b2) g^2``,
    ``theta -= lr_t m / (sqrt(v) + eps)``, ``lr_t = lr sqrt(1 - b2^t) / (1 - b1^t)``.
    """

    def __init__(self, n_params, dtype, learning_rate_init=0.001, beta_1=0.9, beta_2=0.999,
                 epsilon=1e-8):
        self.learning_rate_init = learning_rate_init
        self.learning_rate = float(learning_rate_init)
        self.beta_1 = beta_1
        self.beta_2 = beta_2
        self.epsilon = epsilon
        self.t = 0
        self.m = np.zeros(n_params, dtype=dtype)
        self.v = np.zeros(n_params, dtype=dtype)

    def step(self, theta, grad):
        """Update ``theta (n_params,)`` in place; ``grad`` is used as scratch space."""
        self.t += 1
        b1, b2, m, v = self.beta_1, self.beta_2, self.m, self.v
        # six passes over n_params and two of sqrt and divide, no scratch array
        # of its own: grad's buffer holds g^2, then sqrt(v) + eps, then the step
        m *= b1
        axpy(1 - b1, grad, m)
        np.multiply(grad, grad, out=grad)
        blend(b2, v, 1 - b2, grad)
        self.learning_rate = (
            self.learning_rate_init * np.sqrt(1 - b2**self.t) / (1 - b1**self.t)
        )
        step = np.sqrt(v, out=grad)
        step += self.epsilon
        np.divide(m, step, out=step)
        axpy(-self.learning_rate, step, theta)

    def __setstate__(self, state):
        state.pop("_scratch", None)  # pickles of an earlier version kept a scratch array
        self.__dict__.update(state)

    def epoch_ends(self, samples_seen):
        pass

    def stalled(self):
        return True


OPTIMIZERS = {"sgd": SGD, "adam": Adam}
