"""Update rules for the stochastic solvers, in place on the flat parameter buffer.

Each step works on whole flat arrays in place: a few passes over ``n_params``
numbers, into a scratch buffer the caller lends, and no temporaries per batch.
The rules and their defaults are scikit-learn's MLP ones, and each product and
sum is rounded in MLP's order, so the two follow the same path bit for bit.

Every pass is an element-wise function of the parameters' namespace; on NumPy
it writes into the scratch buffer, elsewhere the device allocates. The buffer is
the fit's workspace's, shared with the L2 term: an optimiser keeps (and saves)
only its state. A BLAS level-1 kernel would fuse a scaled add into one pass,
but scipy's BLAS is a second OpenBLAS with its own thread pool, whose threads
spin between calls and take the cores from NumPy's pool on every batch: 8 to
37 times slower fits at default threads. Adam's 12 memory-bound passes are
about 12 % of a 784-100-10 float64 batch at one thread (the products 69 %).
"""

import math

from ._arrays import NUMPY, namespace_of


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
                 momentum=0.9, nesterov=True, power_t=0.5, xp=NUMPY):
        self.learning_rate_init = learning_rate_init
        self.learning_rate = float(learning_rate_init)
        self.schedule = schedule
        self.momentum = momentum
        self.nesterov = nesterov
        self.power_t = power_t
        self.velocity = xp.zeros(n_params, dtype)

    def step(self, theta, grad, scratch=None):
        """Update ``theta (n_params,)`` in place; ``grad`` and ``scratch (n_params,)`` are
        overwritten (``scratch`` None: a temporary)."""
        xp, lr, mu, v = namespace_of(theta), self.learning_rate, self.momentum, self.velocity
        lr_grad = grad
        lr_grad *= lr  # in grad's buffer
        # velocity = momentum * velocity - lr * grad
        v *= mu
        v -= lr_grad
        if not self.nesterov:
            theta += v
            return
        # theta += momentum * velocity - lr * grad
        update = xp.multiply(v, mu, out=scratch)
        update -= lr_grad
        theta += update

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
                 epsilon=1e-8, xp=NUMPY):
        self.learning_rate_init = learning_rate_init
        self.learning_rate = float(learning_rate_init)
        self.beta_1 = beta_1
        self.beta_2 = beta_2
        self.epsilon = epsilon
        self.t = 0
        self.m = xp.zeros(n_params, dtype)
        self.v = xp.zeros(n_params, dtype)

    def step(self, theta, grad, scratch=None):
        """Update ``theta (n_params,)`` in place; ``grad`` and ``scratch (n_params,)`` are
        overwritten (``scratch`` None: a temporary)."""
        self.t += 1
        xp, b1, b2, m, v = namespace_of(theta), self.beta_1, self.beta_2, self.m, self.v
        self.learning_rate = (
            self.learning_rate_init * math.sqrt(1 - b2**self.t) / (1 - b1**self.t)
        )
        # v = b2 v + (1 - b2) g^2
        scaled = xp.multiply(grad, grad, out=scratch)
        scaled *= 1 - b2
        v *= b2
        v += scaled
        # m = b1 m + (1 - b1) g
        grad *= 1 - b1
        m *= b1
        m += grad
        # theta += -lr_t m / (sqrt(v) + eps)
        denominator = xp.sqrt(v, out=scratch)
        denominator += self.epsilon
        update = xp.multiply(m, -self.learning_rate, out=xp.reuse(grad))
        update /= denominator
        theta += update

    def epoch_ends(self, samples_seen):
        pass

    def stalled(self):
        return True

