"""FittedNetwork: the fitted state of a shallow net, how fit writes it, how it is read and pickled.

A fitted estimator holds one flat parameter vector ``_flat`` and the layout
``_shape = (n_features, n_hidden, n_outputs, learns_slope)`` that slices it;
``coefs_``, ``intercepts_`` and ``prelu_slopes_`` are views built on demand,
so they survive pickling as views of the one buffer.
"""

import copy
import types
import warnings

from sklearn.exceptions import InconsistentVersionWarning, NotFittedError

from . import _version
from ._arrays import namespace_of
from ._dispatch import host_copy, moved_state
from ._network import Layout, make_hidden


def _layer_pair(name, first, second, doc):
    """A property ``[first, second]`` of views into the parameters, and its setter."""

    def get(self):
        if not self.__sklearn_is_fitted__():
            raise AttributeError(name)
        params = self._params()
        return [getattr(params, first), getattr(params, second)]

    def put(self, value):
        params = self._params()
        getattr(params, first)[...] = value[0]
        getattr(params, second)[...] = value[1]

    return property(get, put, doc=doc)


class FittedNetwork:
    """Mixin of ``BaseShallowNet``: fitted-state access and versioned pickling."""

    def __sklearn_is_fitted__(self):
        return "_flat" in self.__dict__

    # ------------------------------------------------------------------ writing
    @staticmethod
    def _predict_state(flat, layout, config, task):
        """The attributes predict reads: fit commits them; callbacks' snapshots copy them."""
        state = types.SimpleNamespace()
        task.commit(state)
        return {
            "_flat": flat, "_shape": tuple(layout), "_hidden_resolved": config.hidden,
            "_leaky_slope": config.leaky_slope, "_loss": task.loss, **vars(state),
            "n_layers_": 3, "n_outputs_": task.n_outputs, "out_activation_": task.loss.output,
        }

    def _commit(self, params, layout, config, task, history, optimizer):
        """Write everything a fit learnt, in one place, once the fit has succeeded."""
        for name, value in self._predict_state(params.flat, layout, config, task).items():
            setattr(self, name, value)
        self._bind_views()
        self._history = history
        self._optimizer = optimizer
        self.n_iter_ = history.n_iter
        self.t_ = history.t
        self.loss_curve_ = list(history.loss_curve)
        # None when training diverged in its first epoch (the initial weights are kept)
        self.loss_ = history.loss_curve[-1] if history.loss_curve else None
        self.best_loss_ = history.best_loss
        self.validation_scores_ = _copy(history.validation_scores)
        self.validation_loss_curve_ = _copy(history.validation_loss_curve)
        self.best_validation_score_ = history.best_validation_score

    # ------------------------------------------------------------------ reading

    def _layout(self):
        return Layout(*self._shape)

    def _bind_views(self):
        """Make the ``(Params, Hidden)`` of ``_flat`` once, where ``_flat`` is set.

        Views of one buffer: a prediction reads them instead of slicing ``_flat``
        anew, which was a fifth of a one-row prediction's time. Never saved nor
        copied (they are rebuilt), and made where ``_flat`` is, so that predicting
        leaves ``__dict__`` as it was.
        """
        self.__dict__["_views"] = self._make_views()

    def _make_views(self):
        params = self._layout().views(self._flat)
        return params, self._hidden(params)

    def _network(self):
        views = self.__dict__.get("_views")
        if views is None or views[0].flat is not self._flat:  # _flat set by hand
            return self._make_views()
        return views

    def _params(self):
        return self._network()[0]

    def _hidden(self, params=None):
        """The hidden activation, bound to ``params``' prelu slopes (the fitted ones by default)."""
        if params is None:
            return self._network()[1]
        return make_hidden(self._hidden_resolved, self._leaky_slope, params.slope)

    def _check_fitted(self):
        if not self.__sklearn_is_fitted__():
            raise NotFittedError(
                f"This {type(self).__name__} instance is not fitted yet. Call 'fit' with "
                "appropriate arguments before using this estimator."
            )

    coefs_ = _layer_pair("coefs_", "W1", "W2",
                         "``[W1 (n_features, n_hidden), W2 (n_hidden, n_outputs)]``, "
                         "views of the weights.")
    intercepts_ = _layer_pair("intercepts_", "b1", "b2",
                              "``[b1 (n_hidden,), b2 (n_outputs,)]``, views of the biases.")

    @property
    def prelu_slopes_(self):
        """The learnt negative-side slope of each hidden unit, shape ``(n_hidden,)`` (prelu only)."""
        if not self.__sklearn_is_fitted__() or not self._shape[3]:
            raise AttributeError("prelu_slopes_ exists only after a fit with hidden_activation='prelu'")
        return self._params().slope

    # ------------------------------------------------------------------ devices
    def move_to(self, like):
        """Move the fitted network to the array namespace and device of ``like``.

        A network fitted with ``array_api_dispatch`` on computes where its data
        were (a torch tensor on a GPU, say) and predicts there only. A saved
        network is always loaded as a NumPy one: this puts it back on a device,
        or takes one off it (``like`` a NumPy array). Class labels that are not
        numbers stay NumPy arrays.

        Parameters
        ----------
        like : array
            Any array of the namespace and device to move to, e.g. the data to predict.

        Returns
        -------
        self : object
            The estimator, its fitted arrays moved.
        """
        self._check_fitted()
        xp = namespace_of(like)
        for name, value in list(vars(self).items()):
            if name != "_views":
                setattr(self, name, moved_state(value, xp))
        self._bind_views()
        return self

    # ------------------------------------------------------------------ pickling
    def __getstate__(self):
        # pickle, joblib and skops.io go through here: arrays on a device are saved
        # as NumPy arrays, so that a network fitted on a GPU loads where there is none
        state = {name: value for name, value in super().__getstate__().items()
                 if name != "_views"}
        return dict(host_copy(state), _sk_shallow_version=_version.__version__)

    def __copy__(self):
        # copies stay on the device (pickling's __getstate__ would bring them to the host)
        new = object.__new__(type(self))
        new.__dict__.update(self.__dict__)
        return new

    def __deepcopy__(self, memo):
        new = object.__new__(type(self))
        memo[id(self)] = new
        new.__dict__.update(copy.deepcopy(
            {name: value for name, value in self.__dict__.items() if name != "_views"}, memo))
        if "_flat" in new.__dict__:
            new._bind_views()
        return new

    def __setstate__(self, state):
        """Refuse a state saved by another major version of sk_shallow; warn on a minor one.

        The fitted state's layout (``_flat``, ``_shape``, the loss and optimizer
        records) may change between major versions, where loading it could
        predict garbage without failing; refit instead.
        """
        state = dict(state)
        saved = state.pop("_sk_shallow_version", "(unrecorded)")
        if str(saved).split(".")[0] != _version.__version__.split(".")[0]:
            raise ValueError(
                f"This {type(self).__name__} was saved with sk_shallow {saved}; this is "
                f"sk_shallow {_version.__version__}, and a fitted state is only loaded by the major "
                f"version that saved it. Install sk_shallow {saved} to load it, or refit "
                "the estimator with this version."
            )
        if saved != _version.__version__:
            warnings.warn(InconsistentVersionWarning(
                estimator_name=type(self).__name__, current_sklearn_version=_version.__version__,
                original_sklearn_version=saved,
            ))
        super().__setstate__(state)
        if "_flat" in self.__dict__:
            self._bind_views()


def _copy(curve):
    return None if curve is None else list(curve)
