"""Every public object's docstring passes numpydoc's validation, and help() stays readable."""

import inspect

import numpydoc.validate as numpydoc_validate
import pytest

import sk_shallow
from sk_shallow import activations

# Not required of every object: an extended summary, a See Also section and an
# Example in each small function, and (RT02) scikit-learn's named single returns,
# ``self : object``.
NOT_CHECKED = {"ES01", "SA01", "EX01", "RT02"}

ESTIMATORS = ["ShallowNetClassifier", "ShallowNetRegressor"]
METHODS = ["fit", "partial_fit", "predict", "predict_proba", "predict_log_proba",
           "decision_function", "score", "hidden_activations"]


def public_objects():
    names = [f"sk_shallow.{name}" for name in sk_shallow.__all__ if name != "__version__"]
    for cls in ESTIMATORS:
        names += [f"sk_shallow.{cls}.{m}" for m in METHODS
                  if hasattr(getattr(sk_shallow, cls), m)]
    names += [f"sk_shallow.activations.{name}" for name in activations.__all__
              if callable(getattr(activations, name))]
    return names


@pytest.mark.parametrize("name", public_objects())
def test_docstring_passes_numpydoc_validation(name):
    errors = [f"{code}: {message}" for code, message in numpydoc_validate.validate(name)["errors"]
              if code not in NOT_CHECKED]
    assert not errors, "\n".join(errors)


def _documented_badly(a, b):
    """Add two numbers.

    Parameters
    ----------
    a : int
        The first.
    b : int

    Returns
    -------
    int
        The sum.
    """
    return a + b


def test_the_validation_catches_an_undocumented_parameter():
    # the check above can fail: b has no description (PR07)
    report = numpydoc_validate.validate(numpydoc_validate.get_doc_object(_documented_badly))
    assert "PR07" in {code for code, _ in report["errors"]}


@pytest.mark.parametrize("name", ESTIMATORS)
def test_every_constructor_parameter_is_described_in_help(name):
    cls = getattr(sk_shallow, name)
    doc = cls.__doc__
    for parameter in inspect.signature(cls).parameters:
        assert f"\n    {parameter} : " in doc, parameter
    assert "[training parameters]" not in doc and "[network parameters]" not in doc
    assert "'silu'" in doc  # an accepted alias is documented


@pytest.mark.parametrize("name", ESTIMATORS)
def test_method_signatures_stay_short(name):
    # annotations are names (MatrixLike), not the 500- to 1,400-character unions
    # they expand to: a signature fits on about a line
    cls = getattr(sk_shallow, name)
    for method in METHODS:
        if hasattr(cls, method):
            signature = str(inspect.signature(getattr(cls, method)))
            assert len(signature) < 150, f"{method}{signature}"
