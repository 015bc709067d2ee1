"""ONNX export: onnxruntime's outputs equal predict / predict_proba.

Float32 networks export float32 graphs and must match to 1e-5; float64
networks export double graphs and must match to 1e-12 (the same arithmetic in
another order).
"""

import subprocess
import sys

import numpy as np
import onnx
import onnxruntime as ort
import pytest
from skl2onnx import to_onnx
from skl2onnx.common.data_types import DoubleTensorType, FloatTensorType
from sklearn.datasets import make_classification, make_regression
from sklearn.exceptions import NotFittedError
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

import sk_shallow.onnx  # noqa: F401 - registers the converters
from sk_shallow import ShallowNetClassifier, ShallowNetRegressor
from sk_shallow.activations import ACTIVATIONS, tanh, tanh_grad

pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")

TOLERANCE = {np.float32: 1e-5, np.float64: 1e-12}


def run_onnx(model, X, X_sample=None):
    """Convert ``model`` from a sample of X, check the graph, run it on X; return the outputs."""
    onx = to_onnx(model, X[:1] if X_sample is None else X_sample)
    onnx.checker.check_model(onx)
    session = ort.InferenceSession(onx.SerializeToString(), providers=["CPUExecutionProvider"])
    return session.run(None, {session.get_inputs()[0].name: X})


def assert_labels_equal(onnx_labels, expected, proba, multilabel=False):
    # a float32 near-tie (between the two most probable classes, or of a
    # multilabel probability and 1/2) could flip under another summation
    # order: only those entries may differ
    if multilabel:
        decided = np.abs(proba - 0.5) > 1e-5
    else:
        top2 = np.sort(proba, axis=1)[:, -2:]
        decided = (top2[:, 1] - top2[:, 0]) > 1e-5
    assert decided.mean() > 0.9
    np.testing.assert_array_equal(onnx_labels[decided], expected[decided])


def check_classifier(clf, X):
    label, proba = run_onnx(clf, X)
    expected = clf.predict_proba(X)
    assert proba.dtype == clf.coefs_[0].dtype
    assert proba.shape == expected.shape
    assert np.abs(proba - expected).max() <= TOLERANCE[clf.coefs_[0].dtype.type]
    multilabel = clf._target_kind == "multilabel-indicator"
    assert_labels_equal(label, clf.predict(X), expected, multilabel)
    return label, proba


@pytest.fixture(scope="module")
def three_classes():
    X, y = make_classification(n_samples=150, n_features=5, n_informative=4, n_redundant=0,
                               n_classes=3, n_clusters_per_class=1, random_state=0)
    return X, y


@pytest.fixture(scope="module")
def two_outputs():
    X, Y = make_regression(n_samples=150, n_features=5, n_targets=2, noise=0.1, random_state=0)
    return X, Y / Y.std(axis=0)


def fit_classifier(X, y, dtype, **params):
    params = {"n_hidden": 8, "solver": "lbfgs", "max_iter": 20, "random_state": 0, **params}
    return ShallowNetClassifier(**params).fit(X.astype(dtype), y)


@pytest.mark.parametrize("dtype", [np.float32, np.float64], ids=["float32", "float64"])
@pytest.mark.parametrize("hidden", sorted(ACTIVATIONS))
def test_classifier_every_hidden_activation(hidden, dtype, three_classes):
    X, y = three_classes
    # a leaky_slope far from the default, so an export that ignored it would differ
    clf = fit_classifier(X, y, dtype, hidden_activation=hidden, leaky_slope=0.3)
    if hidden == "prelu":  # the learnt slopes, not the initial 0.25, must be exported
        assert np.abs(clf.prelu_slopes_ - 0.25).max() > 1e-3
    check_classifier(clf, X.astype(dtype))


@pytest.mark.parametrize("dtype", [np.float32, np.float64], ids=["float32", "float64"])
@pytest.mark.parametrize(
    "target, output_activation",
    [
        ("binary", "auto"),  # one sigmoid: [sigmoid(-z), sigmoid(z)]
        ("binary", "softmax"),  # two softmax outputs
        ("multiclass", "auto"),  # softmax
        ("multiclass", "sigmoid"),  # one-vs-rest sigmoids, normalised
        ("multilabel", "auto"),  # independent sigmoids, 0/1 labels
    ],
)
def test_classifier_outputs(target, output_activation, dtype, three_classes):
    X, y = three_classes
    if target == "binary":
        y = np.where(y == 1, "yes", "no")  # string labels
    elif target == "multilabel":
        y = np.column_stack([y == 0, y == 1, y != 1]).astype(int)
    clf = fit_classifier(X, y, dtype, hidden_activation="swish",
                         output_activation=output_activation)
    label, _ = check_classifier(clf, X.astype(dtype))
    if target == "multilabel":
        assert label.dtype == np.int64 and label.shape == y.shape


@pytest.mark.parametrize("classes", [[3, 7, 11], [False, True], [1.0, 2.0, 4.0]],
                         ids=["int", "bool", "float"])
def test_labels_keep_the_type_of_classes(classes, three_classes):
    X, y = three_classes
    if len(classes) == 2:
        y = y == 1
    y = np.asarray(classes)[y.astype(int)]
    clf = fit_classifier(X, y, np.float64, hidden_activation="tanh")
    label, _ = check_classifier(clf, X)
    np.testing.assert_array_equal(label, clf.predict(X))
    assert label.dtype.kind == clf.classes_.dtype.kind


@pytest.mark.parametrize("dtype", [np.float32, np.float64], ids=["float32", "float64"])
@pytest.mark.parametrize("hidden", ["leaky_relu", "elu"])
@pytest.mark.parametrize("multi_output", [False, True], ids=["1d", "2d"])
@pytest.mark.parametrize("loss", ["squared_error", "poisson"])
def test_regressor(loss, multi_output, hidden, dtype, two_outputs):
    X, Y = two_outputs
    y = Y if multi_output else Y[:, 0]
    if loss == "poisson":
        y = np.exp(y / 2)  # positive, mean about 1
    reg = ShallowNetRegressor(n_hidden=8, hidden_activation=hidden, leaky_slope=0.2, loss=loss,
                              solver="lbfgs", max_iter=20, random_state=0)
    reg.fit(X.astype(dtype), y)
    X = X.astype(dtype)
    (prediction,) = run_onnx(reg, X)
    expected = reg.predict(X)
    # skl2onnx's regressor convention: (N, n_outputs), also (N, 1) for a 1-D target
    assert prediction.shape == (X.shape[0], 2 if multi_output else 1)
    assert prediction.dtype == dtype
    assert np.abs(prediction.reshape(expected.shape) - expected).max() <= TOLERANCE[dtype]


@pytest.mark.parametrize("model_dtype, input_type", [(np.float32, DoubleTensorType),
                                                     (np.float64, FloatTensorType)])
def test_input_of_another_dtype_is_cast_as_predict_casts(model_dtype, input_type, three_classes):
    X, y = three_classes
    clf = fit_classifier(X, y, model_dtype, hidden_activation="prelu")
    X_in = X.astype(np.float64 if input_type is DoubleTensorType else np.float32)
    onx = to_onnx(clf, initial_types=[("X", input_type([None, X.shape[1]]))])
    session = ort.InferenceSession(onx.SerializeToString(), providers=["CPUExecutionProvider"])
    label, proba = session.run(None, {"X": X_in})
    assert proba.dtype == model_dtype
    expected = clf.predict_proba(X_in)
    assert np.abs(proba - expected).max() <= TOLERANCE[model_dtype]
    assert_labels_equal(label, clf.predict(X_in), expected)


def test_pipeline_with_scaler(three_classes):
    X, y = three_classes
    X = X.astype(np.float32) * 100
    pipe = make_pipeline(StandardScaler(), ShallowNetClassifier(
        n_hidden=8, solver="lbfgs", max_iter=20, random_state=0)).fit(X, y)
    label, proba = run_onnx(pipe, X)
    assert np.abs(proba - pipe.predict_proba(X)).max() <= 1e-5
    assert_labels_equal(label, pipe.predict(X), pipe.predict_proba(X))


@pytest.mark.parametrize("dtype", [np.float32, np.float64], ids=["float32", "float64"])
@pytest.mark.parametrize("output_activation", ["softmax", "sigmoid"])
def test_extreme_inputs_give_finite_probabilities(output_activation, dtype, three_classes):
    X, y = three_classes
    clf = fit_classifier(X, y, dtype, hidden_activation="elu",
                         output_activation=output_activation)
    X_far = (X[:20] * 1e4).astype(dtype)  # logits far beyond where sigmoid underflows
    label, proba = run_onnx(clf, X_far)
    assert np.isfinite(proba).all()
    expected = clf.predict_proba(X_far)
    assert np.abs(proba - expected).max() <= 1e-5
    assert_labels_equal(label, clf.predict(X_far), expected)


@pytest.mark.parametrize("dtype", [np.float32, np.float64], ids=["float32", "float64"])
def test_older_target_opset(dtype, three_classes):
    # every op the converter writes exists, with the same semantics on 2-D
    # tensors, since opset 9
    X, y = three_classes
    X = X.astype(dtype)
    clf = fit_classifier(X, y, dtype, hidden_activation="elu", output_activation="sigmoid")
    onx = to_onnx(clf, X[:1], target_opset=13)
    assert max(opset.version for opset in onx.opset_import if opset.domain == "") <= 13
    session = ort.InferenceSession(onx.SerializeToString(), providers=["CPUExecutionProvider"])
    _, proba = session.run(None, {"X": X})
    assert np.abs(proba - clf.predict_proba(X)).max() <= TOLERANCE[dtype]


def test_zipmap_false_is_accepted(three_classes):
    X, y = three_classes
    clf = fit_classifier(X, y, np.float64, hidden_activation="relu")
    onx = to_onnx(clf, X[:1], options={id(clf): {"zipmap": False}})
    assert [output.name for output in onx.graph.output] == ["label", "probabilities"]


def test_custom_activation_cannot_be_exported(three_classes):
    X, y = three_classes
    clf = fit_classifier(X, y, np.float64, hidden_activation=(tanh, tanh_grad))
    with pytest.raises(ValueError, match="custom .* cannot be exported to ONNX"):
        to_onnx(clf, X[:1])


def test_unfitted_estimator_is_refused(three_classes):
    X, _ = three_classes
    with pytest.raises(NotFittedError):
        to_onnx(ShallowNetRegressor(), X[:1])


def test_wrong_number_of_input_columns(three_classes):
    X, y = three_classes
    clf = fit_classifier(X, y, np.float64, hidden_activation="relu")
    with pytest.raises(ValueError, match="3 columns but .* fitted on 5 features"):
        to_onnx(clf, initial_types=[("X", DoubleTensorType([None, 3]))])


def test_sk_shallow_never_imports_skl2onnx():
    code = (
        "import sys\n"
        "import sk_shallow\n"
        "assert 'skl2onnx' not in sys.modules and 'onnx' not in sys.modules\n"
        "sys.modules['skl2onnx'] = None  # as if it were not installed\n"
        "try:\n"
        "    import sk_shallow.onnx\n"
        "except ImportError as exc:\n"
        "    assert 'pip install \".[onnx]\"' in str(exc), exc\n"
        "else:\n"
        "    raise AssertionError('sk_shallow.onnx imported without skl2onnx')\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True, timeout=60)


@pytest.mark.torch
def test_a_network_fitted_on_torch_exports_as_its_numpy_twin(three_classes):
    torch = pytest.importorskip("torch")
    import sklearn

    X, y = three_classes
    clf = ShallowNetClassifier(n_hidden=8, solver="lbfgs", max_iter=20, random_state=0)
    with sklearn.config_context(array_api_dispatch=True):
        clf.fit(torch.asarray(X), torch.asarray(y))
        expected = clf.predict_proba(torch.asarray(X)).numpy()
    _, proba = run_onnx(clf, X)
    assert np.abs(proba - expected).max() <= TOLERANCE[np.float64]
    assert isinstance(clf._flat, torch.Tensor)  # the export left the fitted network on torch
