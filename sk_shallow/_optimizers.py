"""Update rules for the stochastic solvers, in place on the flat parameter buffer.

Each step works on whole flat arrays in place: a few passes over ``n_params``
numbers (``_blas`` fuses a scaled add into one) and no temporaries per batch.
The rules and their defaults are scikit-learn's MLP ones, so the two follow
the same path.
"""

import numpy as np

from ._blas import axpy, moving_average


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
        b1, b2 = self.beta_1, self.beta_2
        # m = b1 m + (1 - b1) g
        self.m *= b1
        axpy(1 - b1, grad, self.m)
        # v = b2 v + (1 - b2) g^2, with g^2 in grad's buffer
        g_squared = np.multiply(grad, grad, out=grad)
        moving_average(self.v, b2, g_squared, 1 - b2)
        # theta -= lr_t m / (sqrt(v) + eps), the denominator in grad's buffer again
        self.learning_rate = (
            self.learning_rate_init * np.sqrt(1 - b2**self.t) / (1 - b1**self.t)
        )
        denominator = np.sqrt(self.v, out=grad)
        denominator += self.epsilon
        step = np.divide(self.m, denominator, out=denominator)
        axpy(-self.learning_rate, step, theta)

    def epoch_ends(self, samples_seen):
        pass

    def stalled(self):
        return True

