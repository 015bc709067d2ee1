"""Losses from logits equal the naive formulas where those are safe, and stay finite where not."""

import numpy as np
import pytest
from scipy.special import expit

from sk_shallow._losses import BinaryLogLoss, CrossEntropy, PoissonLoss, SquaredError


def naive_binary_log_loss(Y, Z, sw):
    P = 1 / (1 + np.exp(-Z))
    per_sample = -(Y * np.log(P) + (1 - Y) * np.log(1 - P)).sum(axis=1)
    return np.average(per_sample, weights=sw)


def naive_cross_entropy(y, Z, sw):
    P = np.exp(Z) / np.exp(Z).sum(axis=1, keepdims=True)
    return np.average(-np.log(P[np.arange(len(y)), y]), weights=sw)


def naive_half_squared_error(Y, Z, sw):
    return np.average(0.5 * ((Z - Y) ** 2).sum(axis=1), weights=sw)


def naive_half_poisson_deviance(Y, Z, sw):
    mu = np.exp(Z)
    with np.errstate(divide="ignore", invalid="ignore"):
        ylogy = np.where(Y > 0, Y * np.log(Y / mu), 0.0)
    return np.average((ylogy - Y + mu).sum(axis=1), weights=sw)


def make_case(name, rng, n=8, k=3):
    Z = rng.normal(size=(n, k))
    sw = rng.uniform(0.5, 2.0, n)
    if name == "log_loss":
        return BinaryLogLoss(), (rng.uniform(size=(n, k)) < 0.5).astype(float), Z, sw
    if name == "cross_entropy":
        return CrossEntropy(), rng.randint(0, k, n), Z, sw
    if name == "squared_error":
        return SquaredError(), rng.normal(size=(n, k)), Z, sw
    return PoissonLoss(), rng.poisson(2.0, (n, k)).astype(float), Z, sw


NAIVE = {
    "log_loss": naive_binary_log_loss,
    "cross_entropy": naive_cross_entropy,
    "squared_error": naive_half_squared_error,
    "poisson": naive_half_poisson_deviance,
}


@pytest.mark.parametrize("name", sorted(NAIVE))
def test_loss_from_logits_equals_naive_formula(name, rng):
    loss, target, Z, sw = make_case(name, rng)
    assert loss.loss(Z, target, sw, sw.sum()) == pytest.approx(NAIVE[name](target, Z, sw),
                                                               rel=1e-12)


@pytest.mark.parametrize("name", sorted(NAIVE))
def test_delta_is_weighted_gradient_of_the_loss(name, rng):
    """(A2 - Y) sw / sum(sw) is d loss / d Z2, by central differences."""
    loss, target, Z, sw = make_case(name, rng)
    sw_sum = sw.sum()
    Z_before = Z.copy()
    delta = np.empty_like(Z)
    value, returned = loss.loss_and_delta(Z, target, sw, sw_sum, delta)
    assert returned is delta  # written into the buffer given
    np.testing.assert_array_equal(Z, Z_before)  # the logits are left as they were
    assert value == pytest.approx(loss.loss(Z, target, sw, sw_sum), rel=1e-12)
    h = 1e-6
    numeric = np.zeros_like(Z)
    for index in np.ndindex(Z.shape):
        up, down = Z.copy(), Z.copy()
        up[index] += h
        down[index] -= h
        numeric[index] = (loss.loss(up, target, sw, sw_sum)
                          - loss.loss(down, target, sw, sw_sum)) / (2 * h)
    np.testing.assert_allclose(delta * (sw / sw_sum)[:, None], numeric, rtol=1e-6, atol=1e-9)


def test_delta_is_a2_minus_y_for_sigmoid(rng):
    loss, Y, Z, _ = make_case("log_loss", rng)
    dZ2 = np.empty_like(Z)
    loss.loss_and_delta(Z, Y, None, Z.shape[0], dZ2)
    np.testing.assert_allclose(dZ2, expit(Z) - Y)


def test_softmax_delta_without_one_hot_equals_one_hot_form(rng):
    loss, y, Z, _ = make_case("cross_entropy", rng)
    dZ2 = np.empty_like(Z)
    loss.loss_and_delta(Z, y, None, 1.0, dZ2)
    P = np.exp(Z) / np.exp(Z).sum(axis=1, keepdims=True)
    np.testing.assert_allclose(dZ2, P - np.eye(Z.shape[1])[y])


@pytest.mark.parametrize("name", sorted(NAIVE))
@pytest.mark.parametrize("magnitude", [1e4, -1e4])
def test_losses_are_finite_at_huge_logits(name, magnitude, rng):
    loss, target, Z, sw = make_case(name, rng)
    Z = np.sign(Z) * abs(magnitude) if name != "poisson" else np.full_like(Z, magnitude)
    with np.errstate(over="raise", divide="raise", invalid="raise", under="ignore"):
        value = loss.loss(Z, target, sw, sw.sum())
        dZ2 = np.empty_like(Z)
        loss.loss_and_delta(Z, target, sw, sw.sum(), dZ2)
        prediction = loss.predict(Z)
    assert np.isfinite(value)
    assert np.isfinite(dZ2).all()
    assert np.isfinite(prediction).all()


def test_confident_right_answers_cost_almost_nothing_and_wrong_ones_cost_the_logit():
    loss = BinaryLogLoss()
    Z = np.array([[1e4], [1e4]])
    Y = np.array([[1.0], [0.0]])
    # log(1 + e^z) - y z: 0 when right, z when wrong, never log(0)
    assert loss.loss(Z[:1], Y[:1], None, 1) == 0.0
    assert loss.loss(Z[1:], Y[1:], None, 1) == pytest.approx(1e4)


@pytest.mark.parametrize("name", sorted(NAIVE))
def test_float32_logits_keep_float32(name, rng):
    loss, target, Z, sw = make_case(name, rng)
    Z = Z.astype(np.float32)
    if target.dtype.kind == "f":
        target = target.astype(np.float32)
    dZ2 = np.empty_like(Z)
    loss.loss_and_delta(Z, target, sw.astype(np.float32), float(sw.sum()), dZ2)
    assert dZ2.dtype == np.float32
    assert loss.predict(Z).dtype == np.float32


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("name", ["log_loss", "cross_entropy"])
def test_capped_log_loss_is_mlps_loss_on_probabilities_clipped_at_eps(name, dtype, rng):
    # MLP clips p to [eps, 1 - eps] before the log: each -log p counts at most -log(eps)
    loss, target, Z, sw = make_case(name, rng)
    Z = (Z * 60).astype(dtype)  # logits of +-100 and more: several p below eps
    eps = np.finfo(dtype).eps
    if name == "log_loss":
        P = np.clip(expit(Z.astype(np.float64)), eps, 1 - eps)
        per_sample = -(target * np.log(P) + (1 - target) * np.log(1 - P)).sum(axis=1)
    else:
        shifted = Z.astype(np.float64) - Z.max(axis=1, keepdims=True)
        P = np.clip(np.exp(shifted) / np.exp(shifted).sum(axis=1, keepdims=True), eps, 1 - eps)
        per_sample = -np.log(P[np.arange(len(target)), target])
    clipped = np.average(per_sample, weights=sw)
    capped = loss.capped_loss()
    assert capped.loss(Z, target, sw, sw.sum()) == pytest.approx(clipped, rel=1e-5)
    assert loss.loss(Z, target, sw, sw.sum()) > clipped * 1.5  # the cap did bite

    exact_delta, capped_delta = np.empty_like(Z), np.empty_like(Z)
    value, _ = capped.loss_and_delta(Z, target, sw, sw.sum(), capped_delta)
    loss.loss_and_delta(Z, target, sw, sw.sum(), exact_delta)
    assert value == pytest.approx(clipped, rel=1e-5)
    np.testing.assert_array_equal(capped_delta, exact_delta)  # the gradient is not capped
