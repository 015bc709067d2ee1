"""FittedNetwork: the fitted state of a shallow net, its views, and how it is pickled.

A fitted estimator holds one flat parameter vector ``_flat`` and the layout
``_shape = (n_features, n_hidden, n_outputs, learns_slope)`` that slices it;
``coefs_``, ``intercepts_`` and ``prelu_slopes_`` are views built on demand,
so they survive pickling as views of the one buffer.
"""

import warnings

from sklearn.exceptions import InconsistentVersionWarning, NotFittedError

from ._network import Layout, make_hidden


class FittedNetwork:
    """Mixin of ``BaseShallowNet``: fitted-state access and versioned pickling."""

    def __sklearn_is_fitted__(self):
        return "_flat" in self.__dict__

    def _layout(self):
        return Layout(*self._shape)

    def _params(self):
        return self._layout().views(self._flat)

    def _hidden(self):
        return make_hidden(self._hidden_resolved, self._leaky_slope)

    def _check_fitted(self):
        if not self.__sklearn_is_fitted__():
            raise NotFittedError(
                f"This {type(self).__name__} instance is not fitted yet. Call 'fit' with "
                "appropriate arguments before using this estimator."
            )

    @property
    def coefs_(self):
        """``[W1 (n_features, n_hidden), W2 (n_hidden, n_outputs)]``, views of the weights."""
        if not self.__sklearn_is_fitted__():
            raise AttributeError("coefs_")
        p = self._params()
        return [p.W1, p.W2]

    @coefs_.setter
    def coefs_(self, value):
        p = self._params()
        p.W1[...] = value[0]
        p.W2[...] = value[1]

    @property
    def intercepts_(self):
        """``[b1 (n_hidden,), b2 (n_outputs,)]``, views of the biases."""
        if not self.__sklearn_is_fitted__():
            raise AttributeError("intercepts_")
        p = self._params()
        return [p.b1, p.b2]

    @intercepts_.setter
    def intercepts_(self, value):
        p = self._params()
        p.b1[...] = value[0]
        p.b2[...] = value[1]

    @property
    def prelu_slopes_(self):
        """The learnt negative-side slope of each hidden unit, shape ``(n_hidden,)`` (prelu only)."""
        if not self.__sklearn_is_fitted__() or not self._shape[3]:
            raise AttributeError("prelu_slopes_ exists only after a fit with hidden_activation='prelu'")
        return self._params().slope

    # ------------------------------------------------------------------ pickling
    def __getstate__(self):
        # pickle, joblib, copy and skops.io all go through here
        from . import __version__

        return dict(super().__getstate__(), _sk_shallow_version=__version__)

    def __setstate__(self, state):
        """Refuse a state saved by another major version of sk_shallow; warn on a minor one.

        The fitted state's layout (``_flat``, ``_shape``, the loss and optimizer
        records) may change between major versions, where loading it could
        predict garbage without failing; refit instead. A state without a
        recorded version (development builds before the check) loads with a
        warning.
        """
        from . import __version__

        state = dict(state)
        # no version recorded: saved by a development build before the check existed
        saved = state.pop("_sk_shallow_version", "0.1.0.dev (unrecorded)")
        if str(saved).split(".")[0] != __version__.split(".")[0]:
            raise ValueError(
                f"This {type(self).__name__} was saved with sk_shallow {saved}; this is "
                f"sk_shallow {__version__}, and a fitted state is only loaded by the major "
                f"version that saved it. Install sk_shallow {saved} to load it, or refit "
                "the estimator with this version."
            )
        if saved != __version__:
            warnings.warn(InconsistentVersionWarning(
                estimator_name=type(self).__name__, current_sklearn_version=__version__,
                original_sklearn_version=saved,
            ))
        super().__setstate__(state)
