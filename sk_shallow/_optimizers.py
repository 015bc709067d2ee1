"""Update rules for the stochastic solvers, in place on the flat parameter buffer.

Each step works on whole flat arrays in place: a few passes over ``n_params``
numbers, into a scratch buffer the caller lends, and no temporaries per batch.
The rules and their defaults are scikit-learn's MLP ones; a step equals MLP's
to rounding (the order of a scaled add's product and sum may differ).

The scaled adds ``y = a x + b y`` are the namespace's ``axpy``/``axpby``: on
NumPy one pass of NumPy's own BLAS (``_numpy_blas``), whose ``axpy`` spreads a
long vector over the pool's threads, where ufuncs take two or three passes and
one core; on torch one fused kernel. It must be NumPy's pool: scipy's BLAS is a
second OpenBLAS whose threads spun between calls and took the cores from
NumPy's on every batch (fits 8 to 37 times slower at default threads). The
buffer is the fit's workspace's, shared with the L2 term: an optimiser keeps
(and saves) only its state.
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
        # velocity = momentum * velocity - lr * grad
        xp.axpby(-lr, grad, mu, v, scratch=scratch)
        if not self.nesterov:
            theta += v
            return
        # theta += momentum * velocity - lr * grad
        xp.axpy(mu, v, theta, scratch=scratch)
        xp.axpy(-lr, grad, theta, scratch=xp.reuse(grad))

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
        squares = xp.multiply(grad, grad, out=scratch)
        xp.axpby(1 - b2, squares, b2, v, scratch=xp.reuse(squares))
        # m = b1 m + (1 - b1) g
        xp.axpby(1 - b1, grad, b1, m, scratch=xp.reuse(grad))
        # theta -= lr_t m / (sqrt(v) + eps)
        denominator = xp.sqrt(v, out=scratch)
        denominator += self.epsilon
        ratio = xp.divide(m, denominator, out=xp.reuse(denominator))
        xp.axpy(-self.learning_rate, ratio, theta, scratch=xp.reuse(ratio))

    def epoch_ends(self, samples_seen):
        pass

    def stalled(self):
        return True

