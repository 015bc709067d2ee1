"""sk-shallow: one-hidden-layer neural networks for scikit-learn, on a vectorised NumPy core."""

from . import activations
from ._classifier import ShallowNetClassifier
from ._gradcheck import check_gradients
from ._regressor import ShallowNetRegressor
from ._validation import InvalidParameterError

__version__ = "0.1.0"

__all__ = [
    "InvalidParameterError",
    "ShallowNetClassifier",
    "ShallowNetRegressor",
    "__version__",
    "activations",
    "check_gradients",
]
