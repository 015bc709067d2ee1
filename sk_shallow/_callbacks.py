"""scikit-learn's callback API (``sklearn.callback``, scikit-learn >= 1.9) for both estimators.

A fit is one root task and each epoch one subtask of it (each iteration for
lbfgs), as ``LogisticRegression`` reports its L-BFGS iterations: so
``set_callbacks(ProgressBar())`` draws one bar that advances per epoch, and
``ScoringMonitor`` logs one row per epoch plus one for the whole fit.
Meta-estimators (``Pipeline``, ``GridSearchCV``) propagate their
auto-propagated callbacks through ``set_callbacks``, which the mixin provides.

On scikit-learn < 1.9 there is no ``sklearn.callback``: the mixin is an empty
class (no ``set_callbacks``), ``with_callbacks`` leaves the method as it is and
``FitTasks`` reports nothing, so the estimators work as before.
"""

try:
    from sklearn.callback import CallbackSupportMixin, with_callbacks
except ImportError:  # scikit-learn < 1.9
    HAS_CALLBACKS = False

    class CallbackSupportMixin:
        """Stand-in for ``sklearn.callback.CallbackSupportMixin``: no callback support."""

    def with_callbacks(method):
        """Stand-in for ``sklearn.callback.with_callbacks``: the method unchanged."""
        return method

else:
    HAS_CALLBACKS = True

__all__ = ["HAS_CALLBACKS", "CallbackSupportMixin", "FitTasks", "with_callbacks"]


class FitTasks:
    """Reports one ``fit`` or ``partial_fit`` call to the estimator's callbacks.

    Creating it opens the root task (``_init_callback_context`` and the
    ``on_fit_task_begin`` hooks); ``wrap`` turns the solver's
    ``on_epoch(history) -> bool`` hook into one that also ends the epoch's task
    and begins the next; ``close_epochs`` ends the task of an epoch that was
    begun but never ran (the solver stopped first) as an empty task, as
    scikit-learn's L-BFGS bridge does; ``end_fit`` ends the root task once the
    estimator is fitted.

    Parameters
    ----------
    estimator : BaseShallowNet
        Must be called from inside a method wrapped by ``with_callbacks``, which
        tears the callbacks down however the fit ends.
    X : ndarray or sparse matrix of shape (n_samples, n_features)
        The validated training data, passed to the hooks.
    y : ndarray of shape (n_samples,) or (n_samples, n_outputs)
        The validated targets (labels, not their encoding), passed to the hooks.
    sample_weight : ndarray of shape (n_samples,) or None
        The validated ``sample_weight`` as given to fit (before class weights);
        passed to the hooks as ``metadata={"sample_weight": ...}``.
    task_name : str
        ``'fit'`` or ``'partial_fit'``.
    epoch_name : str
        ``'epoch'``, or ``'lbfgs-iter'`` as ``LogisticRegression`` names its tasks.
    max_epochs : int
        The most epochs this call can run (``max_iter``, 1 for ``partial_fit``).
    snapshot : callable () -> dict
        Attributes that make a shallow copy of the estimator predict with the
        current weights (scikit-learn's ``reconstruction_attributes``); called
        only when a callback asks for ``fitted_estimator``.
    """

    def __init__(self, estimator, X, y, sample_weight, *, task_name, epoch_name, max_epochs,
                 snapshot):
        self._estimator = estimator
        metadata = None if sample_weight is None else {"sample_weight": sample_weight}
        self._data = {"X": X, "y": y, "metadata": metadata}
        self._epoch_name = epoch_name
        self._max_epochs = max_epochs
        self._snapshot = snapshot
        self._root = self._epoch = None
        self._n_epochs = 0
        if not HAS_CALLBACKS:
            return
        self._root = estimator._init_callback_context(task_name=task_name,
                                                      max_subtasks=max_epochs)
        self._root.call_on_fit_task_begin(estimator=estimator, **self._data)

    @property
    def _per_epoch(self):
        # The epoch tasks reach only the estimator's own callbacks (set directly
        # or propagated by a meta-estimator): without any, the solver runs unhooked.
        return self._root is not None and bool(getattr(self._estimator, "_skl_callbacks", None))

    def wrap(self, on_epoch):
        """Return the solver's ``on_epoch`` hook: ``on_epoch`` (may be None) and the epoch tasks.

        The combined hook returns True (stop) when either asks to stop.
        """
        if not self._per_epoch:
            return on_epoch
        self._begin_epoch()

        def report(history):
            stop = bool(on_epoch(history)) if on_epoch is not None else False
            return self._end_epoch() or stop

        return report

    def _begin_epoch(self):
        self._epoch = self._root.subcontext(task_name=self._epoch_name)
        self._epoch.call_on_fit_task_begin(estimator=self._estimator, **self._data,
                                           reconstruction_attributes=self._snapshot)

    def _end_epoch(self):
        self._n_epochs += 1
        stop = self._epoch.call_on_fit_task_end(estimator=self._estimator, **self._data,
                                                reconstruction_attributes=self._snapshot)
        self._epoch = None
        if not stop and self._n_epochs < self._max_epochs:
            self._begin_epoch()
        return stop

    def close_epochs(self):
        """End, as an empty task, the epoch begun after the last one the solver ran."""
        if self._epoch is not None:
            self._epoch.call_on_fit_task_end(estimator=self._estimator)
            self._epoch = None

    def end_fit(self):
        """End the root task; call once the estimator is fitted (the hooks may score it)."""
        self.close_epochs()
        if self._root is not None:
            self._root.call_on_fit_task_end(estimator=self._estimator, **self._data,
                                            reconstruction_attributes={})
