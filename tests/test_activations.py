"""Each activation and its derivative: the lecture's values, finite differences, extremes."""

import numpy as np
import pytest

from sk_shallow import activations as act

EXTREMES = np.array([-1e4, -745.0, -50.0, -1e-300, 0.0, 1e-300, 50.0, 745.0, 1e4])


@pytest.mark.parametrize(
    "z, expected", [(10.0, 0.0), (-10.0, 0.0), (0.0, 0.25)], ids=["z=10", "z=-10", "z=0"]
)
def test_sigmoid_derivative_lecture_values(z, expected):
    Z = np.array([z])
    grad = act.logistic_grad(Z, act.logistic(Z))
    assert grad[0] == pytest.approx(expected, abs=5e-5)


@pytest.mark.parametrize(
    "z, expected", [(10.0, 0.0), (-10.0, 0.0), (0.0, 1.0)], ids=["z=10", "z=-10", "z=0"]
)
def test_tanh_derivative_lecture_values(z, expected):
    Z = np.array([z])
    assert act.tanh_grad(Z, act.tanh(Z))[0] == pytest.approx(expected, abs=1e-8)


def test_relu_derivative_is_one_at_zero_by_convention():
    Z = np.array([-1.0, 0.0, 1.0])
    np.testing.assert_array_equal(act.relu_grad(Z, act.relu(Z)), [0.0, 1.0, 1.0])


def test_leaky_relu_is_max_of_001z_and_z():
    Z = np.array([-2.0, -1.0, 0.0, 3.0])
    np.testing.assert_allclose(act.leaky_relu(Z), np.maximum(0.01 * Z, Z))
    np.testing.assert_array_equal(act.leaky_relu_grad(Z, None), [0.01, 0.01, 1.0, 1.0])


def test_softmax_lecture_example():
    np.testing.assert_allclose(act.softmax(np.array([[1.2, 0.9, 0.75]])).round(2),
                               [[0.42, 0.31, 0.27]])


def test_step_is_known_but_refused_for_training():
    np.testing.assert_array_equal(act.step(np.array([-1.0, 0.0, 2.0])), [0.0, 1.0, 1.0])
    with pytest.raises(ValueError, match="derivative is zero almost everywhere"):
        act.resolve("step")


@pytest.mark.parametrize("alias, canonical", sorted(act.ALIASES.items()))
def test_aliases_resolve(alias, canonical):
    assert act.resolve(alias) == canonical


def test_unknown_name_lists_accepted():
    with pytest.raises(ValueError, match=r"hidden_activation='softplus'.*one of"):
        act.resolve("softplus")


@pytest.mark.parametrize("typo, meant", [("tahn", "tanh"), ("Relu", "relu"),
                                         ("leakyrelu", "leaky_relu"), ("sigmiod", "sigmoid")])
def test_a_misspelt_name_gets_a_did_you_mean(typo, meant):
    with pytest.raises(ValueError, match=rf"not a known activation \(did you mean '{meant}'\?\)"):
        act.resolve(typo)


def test_no_suggestion_for_a_name_like_none():
    with pytest.raises(ValueError) as info:
        act.resolve("softplus")
    assert "did you mean" not in str(info.value)


def _forward(name, Z):
    g, _ = act.ACTIVATIONS[name]
    return g(Z)


def _derivative(name, Z):
    g, g_grad = act.ACTIVATIONS[name]
    return g_grad(Z, g(Z))


@pytest.mark.parametrize("name", sorted(act.ACTIVATIONS))
def test_derivative_matches_central_differences(name, rng):
    # keep points away from the kinks at 0, where relu-like g has no derivative
    Z = rng.uniform(-3, 3, (7, 5))
    Z[np.abs(Z) < 1e-3] = 0.5
    h = 1e-6
    numeric = (_forward(name, Z + h) - _forward(name, Z - h)) / (2 * h)
    np.testing.assert_allclose(_derivative(name, Z), numeric, rtol=1e-6, atol=1e-8)


def test_prelu_slope_and_its_gradient(rng):
    Z = rng.normal(size=(6, 3))
    slope = np.array([0.1, 0.25, 2.0])
    A = act.prelu(Z, slope)
    np.testing.assert_allclose(A, np.where(Z >= 0, Z, slope * Z))
    np.testing.assert_allclose(act.prelu_grad(Z, A, slope), np.where(Z >= 0, 1.0, slope))
    dA = rng.normal(size=Z.shape)
    h = 1e-6
    numeric = [
        ((dA * act.prelu(Z, slope + h * e)).sum() - (dA * act.prelu(Z, slope - h * e)).sum())
        / (2 * h)
        for e in np.eye(3)
    ]
    np.testing.assert_allclose(act.prelu_slope_grad(Z, dA), numeric, rtol=1e-6)


@pytest.mark.parametrize("name", sorted(act.ACTIVATIONS))
def test_extreme_inputs_stay_finite_without_warnings(name):
    Z = EXTREMES.reshape(1, -1)
    with np.errstate(over="raise", divide="raise", invalid="raise", under="ignore"):
        A = _forward(name, Z)
        G = _derivative(name, Z)
    assert np.isfinite(A).all() and np.isfinite(G).all()


def test_softmax_and_log_softmax_of_huge_logits_are_finite():
    Z = np.array([[1e4, -1e4, 0.0], [-1e4, -1e4, -1e4]])
    with np.errstate(over="raise", divide="raise", invalid="raise", under="ignore"):
        P = act.softmax(Z)
        logP = act.log_softmax(Z)
    np.testing.assert_allclose(P.sum(axis=1), 1.0)
    np.testing.assert_allclose(P[1], 1 / 3)
    assert np.isfinite(logP).all()


@pytest.mark.parametrize("name", sorted(act.ACTIVATIONS))
def test_float32_in_float32_out(name, rng):
    Z = rng.normal(size=(4, 3)).astype(np.float32)
    assert _forward(name, Z).dtype == np.float32
    assert _derivative(name, Z).dtype == np.float32


@pytest.mark.parametrize("name", sorted(act.ACTIVATIONS))
def test_activation_may_overwrite_its_input(name, rng):
    # predict reuses one buffer for Z1 and A1
    Z = rng.normal(size=(5, 4))
    expected = _forward(name, Z.copy())
    g, _ = act.ACTIVATIONS[name]
    buffer = Z.copy()
    out = g(buffer, out=buffer)
    assert out is buffer
    np.testing.assert_allclose(buffer, expected)


@pytest.mark.parametrize("name", sorted(act.ACTIVATIONS))
def test_functions_do_not_modify_their_input(name, rng):
    Z = rng.normal(size=(5, 4))
    Z_before = Z.copy()
    A = _forward(name, Z)
    A_before = A.copy()
    _derivative(name, Z)
    act.ACTIVATIONS[name][1](Z, A)
    np.testing.assert_array_equal(Z, Z_before)
    np.testing.assert_array_equal(A, A_before)
