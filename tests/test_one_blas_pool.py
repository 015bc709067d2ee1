"""Training and prediction use one BLAS thread pool: NumPy's.

scipy's BLAS is a second OpenBLAS with a thread pool of its own, sized to
every core. Called on every batch (it once fused the optimisers' updates), its
threads spun between calls and took the cores from NumPy's pool: fits ran 8 to
37 times slower at default threads, and one-thread benchmarks never showed it.

The check runs in a fresh interpreter that wraps every routine of scipy's
BLAS and LAPACK wrappers (the objects ``get_blas_funcs`` and
``scipy.linalg.blas`` hand out) with a recorder *before* sk_shallow is
imported, so that a reference cached at import time is a recorder too; then
it fits and predicts with every solver and records the routines called.
scipy's L-BFGS calls BLAS from compiled code, not through these wrappers: MLP
pays that alike.
"""

import json
import os
import subprocess
import sys
import textwrap

import pytest
from sklearn.exceptions import ConvergenceWarning

HARNESS = textwrap.dedent('''
    import json, sys
    import scipy.linalg
    from scipy.linalg import _fblas, _flapack, blas, lapack

    calls, recording = [], [False]

    def recorder(name, routine):
        def record(*args, **kwargs):
            if recording[0]:
                calls.append(name)
            return routine(*args, **kwargs)
        return record

    modules = [scipy.linalg, blas, lapack, _fblas, _flapack]
    for optional in ("_cblas", "_clapack", "_fblas_64", "_flapack_64"):
        module = getattr(scipy.linalg, optional, None)
        if module is not None:
            modules.append(module)
    wrapped = 0
    for module in modules:
        for name, routine in list(vars(module).items()):
            if type(routine).__name__ == "fortran":
                setattr(module, name, recorder(f"{module.__name__}.{name}", routine))
                wrapped += 1

    exec(sys.argv[1])  # set-up outside the window (an import-time cache, say)

    import warnings
    import numpy as np
    import scipy.sparse as sp
    from sk_shallow import ShallowNetClassifier, ShallowNetRegressor

    rng = np.random.RandomState(0)
    # above OpenBLAS's threading threshold for level-1 routines (10000 numbers)
    X = rng.normal(size=(300, 120))
    y_class = rng.randint(0, 3, 300)
    y_value = X[:, :2].sum(axis=1)
    recording[0] = True
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for solver in ("adam", "sgd", "lbfgs"):
            for data in (X, sp.csr_matrix(X), X.astype(np.float32)):
                common = dict(n_hidden=100, solver=solver, max_iter=3, random_state=0)
                clf = ShallowNetClassifier(early_stopping=solver != "lbfgs", **common)
                clf.fit(data, y_class).predict_proba(data)
                ShallowNetRegressor(**common).fit(data, y_value).predict(data)
        ShallowNetClassifier(n_hidden=100, random_state=0).partial_fit(X, y_class, classes=[0, 1, 2])
        exec(sys.argv[2])  # inside the window
    recording[0] = False
    print(json.dumps({"wrapped": wrapped, "calls": sorted(set(calls))}))
''')


def blas_calls(setup="", inside=""):
    """``(number of routines wrapped, scipy BLAS/LAPACK routines the fits called)``."""
    result = subprocess.run([sys.executable, "-c", HARNESS, setup, inside],
                            capture_output=True, text=True, check=False, timeout=300)
    assert result.returncode == 0, result.stderr[-3000:]
    report = json.loads(result.stdout.strip().splitlines()[-1])
    return report["wrapped"], report["calls"]


@pytest.fixture(scope="module")
def fit_calls():
    return blas_calls()


def test_the_recorder_wraps_scipys_blas_and_lapack(fit_calls):
    wrapped, _ = fit_calls
    assert wrapped > 500  # ~150 BLAS and ~600 LAPACK routines


def test_fitting_and_predicting_never_call_scipys_blas(fit_calls):
    _, calls = fit_calls
    assert calls == [], f"sk_shallow called scipy's BLAS/LAPACK (a second thread pool): {calls}"


def test_the_check_catches_an_axpy_cached_at_import_time():
    # the old optimisers' pattern: get_blas_funcs at import, called on every batch
    setup = ("from scipy.linalg.blas import get_blas_funcs\n"
             "AXPY = get_blas_funcs('axpy', dtype='float64')")
    inside = "AXPY(np.ones(20000), np.ones(20000), a=0.5)"
    _, calls = blas_calls(setup, inside)
    assert calls == ["scipy.linalg._fblas.daxpy"]


def test_lbfgs_holds_scipys_own_pool_at_one_thread_and_leaves_numpys_alone():
    # scipy's L-BFGS-B calls its own BLAS between the objective's products: with
    # both pools at every core their threads spin against each other
    import numpy as np
    from threadpoolctl import ThreadpoolController

    from sk_shallow import ShallowNetClassifier
    from sk_shallow._threads import scipy_own_blas

    def pools():
        return {lib.filepath: lib.num_threads for lib in ThreadpoolController().lib_controllers
                if lib.user_api == "blas"}

    seen = []

    def tanh(Z):
        # called by the L-BFGS objective, and by the checks after the solver
        frame = sys._getframe(1)
        while frame is not None and frame.f_code.co_name != "run_lbfgs":
            frame = frame.f_back
        if frame is not None:
            seen.append(pools())
        return np.tanh(Z)

    before = pools()
    X, y = np.random.RandomState(0).normal(size=(40, 3)), np.arange(40) % 2
    # three iterations are enough to watch the pools, and too few to converge: expected
    with pytest.warns(ConvergenceWarning, match="lbfgs failed to converge after 3 iteration"):
        ShallowNetClassifier(n_hidden=4, hidden_activation=(tanh, lambda Z, A: 1 - A**2),
                             solver="lbfgs", max_iter=3, random_state=0).fit(X, y)
    own = scipy_own_blas()
    assert seen
    for during in seen:
        assert during == {path: 1 if path in own else n for path, n in before.items()}
    assert pools() == before  # restored after the fit


BINDING = textwrap.dedent('''
    import json, os
    import numpy as np
    from threadpoolctl import threadpool_info

    def loaded():
        return sorted(os.path.realpath(lib["filepath"]) for lib in threadpool_info())

    from sk_shallow import ShallowNetClassifier, _numpy_blas
    before = loaded()
    X = np.random.RandomState(0).normal(size=(300, 120))
    ShallowNetClassifier(n_hidden=100, max_iter=2, random_state=0).fit(X, np.arange(300) % 3)
    library = _numpy_blas.LIBRARY
    print(json.dumps({"before": before, "after": loaded(),
                      "library": library and os.path.realpath(library),
                      "numpy": os.path.realpath(os.path.dirname(os.path.dirname(np.__file__)))}))
''')


def test_the_optimisers_scaled_adds_bind_numpys_own_blas_and_load_none():
    # axpy/axpby of _numpy_blas: the one pool that NumPy's products already use
    result = subprocess.run([sys.executable, "-c", BINDING], capture_output=True, text=True,
                            check=False, timeout=300)
    assert result.returncode == 0, result.stderr[-3000:]
    report = json.loads(result.stdout.strip().splitlines()[-1])
    assert report["after"] == report["before"]  # fitting loaded no library
    if report["library"] is None:
        pytest.skip("this NumPy does not ship its own OpenBLAS: the scaled adds use ufuncs")
    assert report["library"] in report["before"]  # a library NumPy had already loaded...
    assert report["library"].startswith(os.path.join(report["numpy"], "numpy"))  # ...NumPy's
    assert "scipy.libs" not in report["library"]


@pytest.mark.skipif(not hasattr(os, "RTLD_NOLOAD"), reason="RTLD_NOLOAD is POSIX")
def test_binding_never_loads_a_library_numpy_has_not_loaded(tmp_path):
    import shutil

    from sk_shallow import _numpy_blas

    if _numpy_blas.LIBRARY is None:
        pytest.skip("this NumPy does not ship its own OpenBLAS")
    copy = tmp_path / os.path.basename(_numpy_blas.LIBRARY)
    shutil.copy(_numpy_blas.LIBRARY, copy)  # the same library, not loaded from this path
    assert _numpy_blas._bind(str(copy)) is None
    assert _numpy_blas._bind(_numpy_blas.LIBRARY) is not None  # the loaded one binds


def test_the_thread_count_is_numpys_pool_under_threadpoolctls_limits():
    from threadpoolctl import threadpool_info, threadpool_limits

    from sk_shallow import _numpy_blas

    if _numpy_blas.LIBRARY is None:
        pytest.skip("this NumPy does not ship its own OpenBLAS")
    pool = [info for info in threadpool_info()
            if os.path.realpath(info["filepath"]) == os.path.realpath(_numpy_blas.LIBRARY)]
    assert len(pool) == 1
    assert _numpy_blas.threads() == pool[0]["num_threads"]
    with threadpool_limits(1, user_api="blas"):
        assert _numpy_blas.threads() == 1
    assert _numpy_blas.threads() == pool[0]["num_threads"]


def test_the_environment_can_turn_the_binding_off():
    # SK_SHALLOW_NUMPY_BLAS=0: the scaled adds in ufuncs, as on a NumPy without
    # OpenBLAS, and a thread count of 1 (predict's blocks as on one core)
    code = ("from sk_shallow import _numpy_blas; "
            "print(_numpy_blas.LIBRARY, _numpy_blas._ROUTINES, _numpy_blas.threads())")
    env = dict(os.environ, SK_SHALLOW_NUMPY_BLAS="0")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            env=env, check=True, timeout=120)
    assert result.stdout.split() == ["None", "{}", "1"]
