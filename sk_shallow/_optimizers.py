"""Update rules for the stochastic solvers, in place on the flat parameter buffer.

Each step works on whole flat arrays with preallocated scratch space: a few
passes over ``n_params`` numbers and no temporaries per batch. The rules and
their defaults are scikit-learn's MLP ones, so the two follow the same path.
"""

import numpy as np


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
        self._scratch = np.empty(n_params, dtype=dtype)

    def step(self, theta, grad):
        """Update ``theta (n_params,)`` in place from ``grad (n_params,)``."""
        lr, mu, scratch = self.learning_rate, self.momentum, self._scratch
        if mu == 0:
            np.multiply(grad, lr, out=scratch)
            theta -= scratch
            return
        v = self.velocity
        np.multiply(grad, lr, out=scratch)
        v *= mu
        v -= scratch
        if self.nesterov:
            # momentum * velocity - lr * grad
            np.multiply(v, mu, out=grad)
            grad -= scratch
            theta += grad
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
        self._scratch = np.empty(n_params, dtype=dtype)

    def step(self, theta, grad):
        """Update ``theta (n_params,)`` in place; ``grad`` is used as scratch space."""
        self.t += 1
        b1, b2, m, v, s = self.beta_1, self.beta_2, self.m, self.v, self._scratch
        m *= b1
        np.multiply(grad, 1 - b1, out=s)
        m += s
        v *= b2
        np.multiply(grad, grad, out=s)
        s *= 1 - b2
        v += s
        self.learning_rate = (
            self.learning_rate_init * np.sqrt(1 - b2**self.t) / (1 - b1**self.t)
        )
        np.sqrt(v, out=s)
        s += self.epsilon
        np.divide(m, s, out=s)
        s *= self.learning_rate
        theta -= s

    def epoch_ends(self, samples_seen):
        pass

    def stalled(self):
        return True


OPTIMIZERS = {"sgd": SGD, "adam": Adam}
