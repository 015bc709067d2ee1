"""sk-shallow: one-hidden-layer neural networks for scikit-learn, on a vectorised NumPy core."""

from . import activations
from ._check_params import InvalidParameterError
from ._classifier import ShallowNetClassifier
from ._gradcheck import check_gradients
from ._regressor import ShallowNetRegressor
from ._version import __version__

__all__ = [
    "InvalidParameterError",
    "ShallowNetClassifier",
    "ShallowNetRegressor",
    "__version__",
    "activations",
    "check_gradients",
]
