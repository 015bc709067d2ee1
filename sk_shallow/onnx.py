"""Export fitted networks to ONNX with skl2onnx.

Importing this module registers a converter (parser, shape calculator and
converter) for :class:`~sk_shallow.ShallowNetClassifier` and
:class:`~sk_shallow.ShallowNetRegressor` with skl2onnx's
``update_registered_converter``; after that ``skl2onnx.to_onnx(est, X[:1])``
converts a fitted network on its own or inside a ``Pipeline``. It needs the
``onnx`` extra (``pip install ".[onnx]"`` from the project folder); ``import sk_shallow``
never imports skl2onnx.

The graph is the forward pass of ``predict``::

    Z1 = X W1 + b1      A1 = g(Z1)      Z2 = A1 W2 + b2      out(Z2)

Every built-in hidden activation is exported: identity (no node), logistic
(``Sigmoid``), tanh (``Tanh``), relu (``Relu``), leaky_relu (``LeakyRelu``
with the estimator's ``leaky_slope``), prelu (``PRelu`` with the learnt
``prelu_slopes_``), elu (``Elu``) and swish (``Z1 * Sigmoid(Z1)``). A custom
``(g, g_grad)`` pair is Python code and cannot be exported: conversion raises
``ValueError``.

Outputs
-------
Classifier: ``label`` (``classes_[argmax(probabilities)]``, shape ``(N,)``;
a 0/1 int64 matrix ``(N, n_labels)`` for multilabel targets) and
``probabilities`` ``(N, n_classes)``, always as plain tensors (no ZipMap; the
option ``zipmap=False`` is accepted, ``True`` is not). Labels keep the type of
``classes_``: int64 for integer or boolean classes, string for strings, float
for float classes. Regressor: ``variable`` of shape ``(N, n_outputs)``, also
``(N, 1)`` for a 1-D target (skl2onnx's convention for regressors).

Dtype: the graph computes in the estimator's fitted dtype (``coefs_[0].dtype``),
as ``predict`` does: a float32 network gives a float32 graph, a float64 network
a double graph, so the ONNX outputs match ``predict`` / ``predict_proba`` to
rounding. An input of another type is cast first, as ``predict`` casts X.
onnxruntime runs LeakyRelu, PRelu, Elu and Softplus in float32 only, so a
double graph writes them with ``Where``, ``Exp``, ``Log``, ``Min`` instead (the
same functions, exactly).

Examples
--------
>>> import numpy as np
>>> import onnxruntime as ort
>>> from skl2onnx import to_onnx
>>> from sklearn.datasets import make_moons
>>> from sk_shallow import ShallowNetClassifier
>>> import sk_shallow.onnx  # registers the converters
>>> X, y = make_moons(100, noise=0.2, random_state=0)
>>> X = X.astype(np.float32)
>>> clf = ShallowNetClassifier(n_hidden=8, hidden_activation="swish", solver="lbfgs",
...                            random_state=0).fit(X, y)
>>> onx = to_onnx(clf, X[:1])
>>> session = ort.InferenceSession(onx.SerializeToString(),
...                                providers=["CPUExecutionProvider"])
>>> label, proba = session.run(None, {"X": X})
>>> bool((label == clf.predict(X)).all()), bool(np.abs(proba - clf.predict_proba(X)).max() < 1e-5)
(True, True)
"""

import copy

import numpy as np
from sklearn.utils.validation import check_is_fitted

try:
    from onnx import TensorProto
    from skl2onnx import update_registered_converter
    from skl2onnx.common.data_types import (
        BooleanTensorType,
        DoubleTensorType,
        FloatTensorType,
        Int64TensorType,
        StringTensorType,
    )
    from skl2onnx.common.utils import check_input_and_output_numbers
except ImportError as exc:  # pragma: no cover - exercised only without the extra
    raise ImportError(
        "sk_shallow.onnx needs skl2onnx and onnx; install them with "
        'pip install ".[onnx]" from the sk-shallow project folder (onnxruntime runs the '
        "exported model)."
    ) from exc

from ._arrays import NUMPY
from ._classifier import ShallowNetClassifier
from ._losses import _exp_ceiling
from ._regressor import ShallowNetRegressor
from .activations import ACTIVATIONS

__all__ = ["CLASSIFIER_ALIAS", "REGRESSOR_ALIAS", "register"]

# the names of the estimators' operators in skl2onnx's registry
CLASSIFIER_ALIAS = "SkShallowNetClassifier"
REGRESSOR_ALIAS = "SkShallowNetRegressor"

_INPUT_TYPES = (FloatTensorType, DoubleTensorType, Int64TensorType)


def _check_exportable(model):
    check_is_fitted(model)
    if model._hidden_resolved not in ACTIVATIONS:  # a custom (g, g_grad) tuple
        raise ValueError(
            f"hidden_activation={model.hidden_activation!r} is a custom (g, g_grad) pair "
            "of Python callables, which cannot be exported to ONNX; the converter supports "
            f"the built-in activations {sorted(ACTIVATIONS)}. Refit with one of them to "
            "export."
        )


def _float_types(model):
    """``(tensor type class, TensorProto code, numpy dtype)`` of the fitted network."""
    if model._flat.dtype == np.float32:
        return FloatTensorType, TensorProto.FLOAT, np.float32
    return DoubleTensorType, TensorProto.DOUBLE, np.float64


def _label_encoding(model):
    """``(tensor type class, TensorProto code, values)`` for the classes of a classifier."""
    classes = model.classes_
    if classes.dtype == np.bool_:
        return BooleanTensorType, TensorProto.BOOL, classes
    if np.issubdtype(classes.dtype, np.integer):
        return Int64TensorType, TensorProto.INT64, classes.astype(np.int64)
    if classes.dtype == np.float32:
        return FloatTensorType, TensorProto.FLOAT, classes
    if np.issubdtype(classes.dtype, np.floating):
        return DoubleTensorType, TensorProto.DOUBLE, classes.astype(np.float64)
    if all(isinstance(c, str) for c in classes):
        return StringTensorType, TensorProto.STRING, [c.encode("utf-8") for c in classes]
    raise ValueError(
        f"classes_ of dtype {classes.dtype} cannot be ONNX labels: use integer, boolean, "
        "float or string class labels."
    )


def _parse_classifier(scope, model, inputs, custom_parsers=None):
    """skl2onnx parser: one operator with outputs ``label`` and ``probabilities``.

    skl2onnx's default classifier parser appends a ZipMap (a list of
    ``{class: probability}`` dicts), which onnxruntime only runs on float32;
    these networks export plain tensors in float32 and float64 alike.
    """
    _check_exportable(model)
    alias = CLASSIFIER_ALIAS
    operator = scope.declare_local_operator(alias, model)
    operator.inputs = inputs
    host = _on_host(model)
    label_type, _, _ = _label_encoding(host)
    proba_type, _, _ = _float_types(host)
    operator.outputs.append(scope.declare_local_variable("label", label_type()))
    operator.outputs.append(scope.declare_local_variable("probabilities", proba_type()))
    return operator.outputs


def _on_host(model):
    """The model with NumPy arrays: a copy where it was fitted on a device (a GPU, say)."""
    if model.__sklearn_is_fitted__() and not isinstance(model._flat, np.ndarray):
        return copy.copy(model).move_to(np.empty(0))
    return model


def _output_shapes(operator):
    """skl2onnx shape calculator for both estimators.

    Checks the input (one float, double or int64 tensor with ``n_features_in_``
    columns) and sets the output types: labels ``(N,)`` or ``(N, n_labels)`` and
    probabilities ``(N, n_classes)``, or the regressor's ``(N, n_outputs)``.
    """
    model = _on_host(operator.raw_operator)
    _check_exportable(model)
    n_outputs = 2 if isinstance(model, ShallowNetClassifier) else 1
    check_input_and_output_numbers(operator, input_count_range=1, output_count_range=n_outputs)
    input_type = operator.inputs[0].type
    if not isinstance(input_type, _INPUT_TYPES):
        raise TypeError(
            f"{type(model).__name__} converts a float, double or int64 tensor input, "
            f"not {type(input_type).__name__}."
        )
    shape = input_type.shape
    if len(shape) == 2 and isinstance(shape[1], int) and shape[1] != model.n_features_in_:
        raise ValueError(
            f"The ONNX input has {shape[1]} columns but {type(model).__name__} was fitted "
            f"on {model.n_features_in_} features."
        )
    N = operator.inputs[0].get_first_dimension()
    tensor_type, _, _ = _float_types(model)
    if isinstance(model, ShallowNetClassifier):
        label_type, _, _ = _label_encoding(model)
        if model._target_kind == "multilabel-indicator":
            operator.outputs[0].type = label_type([N, model.classes_.size])
        else:
            operator.outputs[0].type = label_type([N])
        operator.outputs[1].type = tensor_type([N, model.classes_.size])
    else:
        operator.outputs[0].type = tensor_type([N, model.n_outputs_])


class _Graph:
    """Adds nodes and initializers for one operator, with names unique in its scope."""

    def __init__(self, scope, container, proto_dtype, np_dtype):
        self.scope = scope
        self.container = container
        self.proto_dtype = proto_dtype
        self.np_dtype = np_dtype
        # onnxruntime implements LeakyRelu, PRelu, Elu and Softplus for float32
        # only (at skl2onnx's default opset); a double graph composes them from
        # element-wise ops it runs in double
        self.native = np_dtype == np.float32

    def constant(self, name, values, proto_dtype=None, dtype=None):
        if proto_dtype is None:
            proto_dtype, dtype = self.proto_dtype, self.np_dtype
        values = values if dtype is None else np.asarray(values, dtype=dtype)
        unique = self.scope.get_unique_variable_name(name)
        shape = list(np.shape(values))
        flat = values if isinstance(values, list) else np.ravel(values)
        self.container.add_initializer(unique, proto_dtype, shape, flat)
        return unique

    def node(self, op_type, inputs, name, output=None, op_domain="", **attrs):
        output = output or self.scope.get_unique_variable_name(name)
        self.container.add_node(
            op_type, inputs, output, op_domain=op_domain,
            name=self.scope.get_unique_operator_name(op_type), **attrs,
        )
        return output

    def less_than_zero(self, Z):
        return self.node("Less", [Z, self.constant("zero", 0.0)], "negative")

    def log_sigmoid(self, Z):
        """``log sigmoid(z) = -softplus(-z) = min(z, 0) - log(1 + e^-|z|)``: finite for all z."""
        if self.native:
            softplus = self.node("Softplus", [self.node("Neg", [Z], "minus_Z")], "softplus")
            return self.node("Neg", [softplus], "log_sigmoid")
        decay = self.node("Exp", [self.node("Neg", [self.node("Abs", [Z], "abs_Z")], "minus_abs")],
                          "exp_minus_abs")
        log1p = self.node("Log", [self.node("Add", [decay, self.constant("one", 1.0)], "one_plus")],
                          "log1p")
        negative = self.node("Min", [Z, self.constant("zero", 0.0)], "min_Z_0")
        return self.node("Sub", [negative, log1p], "log_sigmoid")


def _hidden_layer(graph, model, X):
    """``A1 = g(X W1 + b1)``; returns the name of A1."""
    W1, _ = model.coefs_
    b1, _ = model.intercepts_
    Z1 = graph.node("MatMul", [X, graph.constant("W1", W1)], "XW1")
    Z1 = graph.node("Add", [Z1, graph.constant("b1", b1)], "Z1")
    name = model._hidden_resolved
    if name == "identity":
        return Z1
    if name in ("logistic", "tanh", "relu"):
        op = {"logistic": "Sigmoid", "tanh": "Tanh", "relu": "Relu"}[name]
        return graph.node(op, [Z1], "A1")
    if name == "swish":
        return graph.node("Mul", [Z1, graph.node("Sigmoid", [Z1], "sigmoid_Z1")], "A1")
    if name == "leaky_relu" or name == "prelu":
        slope = [model._leaky_slope] if name == "leaky_relu" else model.prelu_slopes_
        if graph.native:
            if name == "leaky_relu":
                # alpha is a float attribute: exactly the float32 slope predict uses
                return graph.node("LeakyRelu", [Z1], "A1", alpha=float(slope[0]))
            return graph.node("PRelu", [Z1, graph.constant("prelu_slopes", slope)], "A1")
        # z for z >= 0, slope * z below (per unit for prelu)
        scaled = graph.node("Mul", [Z1, graph.constant("slope", slope)], "scaled_Z1")
        return graph.node("Where", [graph.less_than_zero(Z1), scaled, Z1], "A1")
    if name == "elu":
        if graph.native:
            # z for z > 0, e^z - 1 below: ONNX Elu with alpha = 1 (equal at z = 0)
            return graph.node("Elu", [Z1], "A1", alpha=1.0)
        # exp of min(z, 0) only, so no exp of a large z overflows
        negative = graph.node("Min", [Z1, graph.constant("zero", 0.0)], "min_Z1_0")
        expm1 = graph.node(
            "Sub", [graph.node("Exp", [negative], "exp_min"), graph.constant("one", 1.0)], "expm1"
        )
        return graph.node("Where", [graph.less_than_zero(Z1), expm1, Z1], "A1")
    raise ValueError(f"no ONNX export for hidden activation {name!r}")  # pragma: no cover


def _logits(graph, model, X):
    """``Z2 = A1 W2 + b2``; returns the name of Z2."""
    _, W2 = model.coefs_
    _, b2 = model.intercepts_
    A1 = _hidden_layer(graph, model, X)
    Z2 = graph.node("MatMul", [A1, graph.constant("W2", W2)], "A1W2")
    return graph.node("Add", [Z2, graph.constant("b2", b2)], "Z2")


def _classifier_outputs(graph, model, Z2, label_out, proba_out):
    if model._target_kind == "multilabel-indicator":
        graph.node("Sigmoid", [Z2], "proba", output=proba_out)
        positive = graph.node("Greater", [Z2, graph.constant("zero", 0.0)], "positive")
        graph.node("Cast", [positive], "label", output=label_out, to=TensorProto.INT64)
        return
    if model.coefs_[1].shape[1] == 1:
        # [sigmoid(-z), sigmoid(z)], as predict_proba: no 1 - p cancellation
        negative = graph.node("Sigmoid", [graph.node("Neg", [Z2], "minus_Z2")], "proba_0")
        positive = graph.node("Sigmoid", [Z2], "proba_1")
        graph.node("Concat", [negative, positive], "proba", output=proba_out, axis=1)
    elif model.out_activation_ == "softmax":
        graph.node("Softmax", [Z2], "proba", output=proba_out, axis=1)
    else:
        # one-vs-rest sigmoids normalised: softmax(log sigmoid(z)), finite even
        # where every sigmoid underflows, as predict_proba
        graph.node("Softmax", [graph.log_sigmoid(Z2)], "proba", output=proba_out, axis=1)
    # classes_[argmax(proba)], the same rule as predict (first index on ties)
    index = graph.node("ArgMax", [proba_out], "argmax", axis=1, keepdims=0)
    _, label_proto, values = _label_encoding(model)
    classes = graph.constant("classes", values, proto_dtype=label_proto)
    graph.node("Gather", [classes, index], "label", output=label_out, axis=0)


def _regressor_outputs(graph, model, Z2, out):
    if model.out_activation_ == "exp":
        # exp(min(z, ceiling)): the same cap as predict
        ceiling = graph.constant("exp_ceiling", _exp_ceiling(NUMPY, graph.np_dtype))
        capped = graph.node("Min", [Z2, ceiling], "capped_Z2")
        graph.node("Exp", [capped], "prediction", output=out)
    else:
        graph.node("Identity", [Z2], "prediction", output=out)


def _convert(scope, operator, container):
    """skl2onnx converter for both estimators: the forward pass, then the outputs."""
    model = _on_host(operator.raw_operator)
    _check_exportable(model)
    _, proto_dtype, np_dtype = _float_types(model)
    graph = _Graph(scope, container, proto_dtype, np_dtype)
    X = operator.inputs[0].full_name
    input_is_float = isinstance(operator.inputs[0].type, FloatTensorType)
    if input_is_float != (np_dtype == np.float32):
        # predict casts X to the fitted dtype; so does the graph
        X = graph.node("Cast", [X], "X_cast", to=proto_dtype)
    Z2 = _logits(graph, model, X)
    if isinstance(model, ShallowNetClassifier):
        _classifier_outputs(
            graph, model, Z2, operator.outputs[0].full_name, operator.outputs[1].full_name
        )
    else:
        _regressor_outputs(graph, model, Z2, operator.outputs[0].full_name)


def register():
    """Register (again) the converters of both estimators with skl2onnx.

    Importing ``sk_shallow.onnx`` calls it once; call it again only if
    something else has overwritten the registration.

    Returns
    -------
    None

    See Also
    --------
    skl2onnx.update_registered_converter : what it calls, once per estimator.

    Examples
    --------
    >>> from skl2onnx import supported_converters
    >>> from sk_shallow.onnx import register
    >>> register()
    >>> [name for name in supported_converters() if name.startswith("SkShallowNet")]
    ['SkShallowNetClassifier', 'SkShallowNetRegressor']
    """
    update_registered_converter(
        ShallowNetClassifier, CLASSIFIER_ALIAS, _output_shapes,
        _convert, parser=_parse_classifier,
        options={"zipmap": [False]},
    )
    update_registered_converter(
        ShallowNetRegressor, REGRESSOR_ALIAS, _output_shapes, _convert,
    )


register()
