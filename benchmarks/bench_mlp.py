"""sk_shallow against scikit-learn's MLP (and a plain PyTorch loop), at the threads a user gets.

Run from the repository root::

    python benchmarks/bench_mlp.py                      # full protocol, default threads, 5 rounds
    python benchmarks/bench_mlp.py --threads default,1  # both settings, and threads' speed-ups
    python benchmarks/bench_mlp.py --quick              # smoke run on small data (~15 s)
    python benchmarks/bench_mlp.py --runs 7 --only sk-adam-f64,mlp-adam-f64
    python benchmarks/bench_mlp.py --baseline main --only sk-adam-f64,sk-proba

Protocol
--------
Classification: ``make_classification(70000, 784, n_informative=50,
n_classes=10, random_state=0)``, the first 60000 rows train, the last 10000
are the holdout; a 784-100-10 relu network, adam, batch 200, learning rate
1e-3, alpha 1e-4, 10 epochs all run (``tol=0, n_iter_no_change=max_iter``).
Regression: ``make_regression(70000, 100, random_state=0)``, 100-100-1, the
same settings. L-BFGS: 50 iterations (``tol=0``) on the classification data.
Latency: ``predict_proba`` on 1, 100 and 100000 rows of a fitted model.

Threads (``--threads``, a comma-separated list of settings, each measured in
every round): ``default`` is what a user gets, nothing pinned (the children's
environment loses ``OMP_NUM_THREADS``, ``OPENBLAS_NUM_THREADS`` and
``MKL_NUM_THREADS``, and no thread limit is set), and times are wall seconds:
once threads run, CPU time is not the user's time. ``N`` pins every BLAS and
OpenMP pool to N threads (threadpoolctl and those variables); with ``N = 1``
times are CPU seconds, which on a busy shared machine are the closest estimate
of the unloaded wall time, with ``N > 1`` wall seconds. With both ``default``
and ``1``, a last table gives each estimator's speed-up from one thread to
default threads (wall time at both), sk_shallow's beside MLP's.

Every measurement runs in its own child process (``--child``). The variants of
one round run one after the other, A B A B, and the order is reversed every
other round; ``--runs`` rounds (at least 5 for the full protocol) give, per
variant, medians and, per comparison, the median of the ratios *within* each
round (paired), which cancels most of the drift of a shared machine.
``--quick`` runs one round on small data, all variants of a setting in one
child, for the test suite.

Columns
-------
``s/epoch``
    median seconds of ``fit`` per epoch (per iteration for lbfgs), CPU
    (``time.process_time``) and wall (``time.perf_counter``) in the child.
    ``fit`` includes input validation and any dtype conversion.
``ratio``
    paired median of ``reference time / this time`` on the setting's clock
    (wall, or CPU at one thread): above 1 is faster than the reference named in ``vs``.
``GEMM frac``
    the epoch's matrix products alone (the five GEMM shapes of forward and
    backward, every batch of an epoch, in the variant's dtype and memory layout,
    timed with NumPy in the same child right after the fit, best of 3, on the
    setting's clock) divided by the epoch's time: 1.0 is the BLAS limit. For
    lbfgs the count of function evaluations is measured and each costs one
    full-batch forward and backward.
``acc / R2``
    holdout accuracy (classifier) or R^2 (regressor).
``+MB traced``
    peak of what ``fit`` allocates, from tracemalloc (which sees NumPy's
    buffers) around a second, untimed fit of one epoch (two lbfgs iterations)
    in the same child: the data it is given are not counted, a copy of them is.
``+MB RSS``
    peak resident memory the timed ``fit`` adds (Linux ``VmHWM`` reset through
    ``/proc/self/clear_refs``, minus ``VmRSS`` before); the only memory number
    for PyTorch, and an underestimate where the allocator reuses freed pages.

Before and after a change
-------------------------
``--baseline REV`` (a git revision, or a directory holding an ``sk_shallow``
package) also runs every sk_shallow variant from that code: the parent exports
``REV:sk_shallow`` with ``git archive`` and each child imports sk_shallow from
the tree it is given through ``PYTHONPATH`` (the child reports which it
imported, and the parent stops if it is not the one meant). A variant's two
runs are neighbours in every round, baseline first in odd rounds and last in
even ones, and the report adds, per variant and thread setting, the median
over rounds of ``baseline time / this time``: below 0.97 is a slowdown past the
project's 3 % bar for a change to the core.

OPENBLAS_CORETYPE and OPENBLAS_L2_SIZE, set on some machines to work around old
OpenBLAS builds, slow a current NumPy down: they are removed from the children's
environment only (``--keep-blas-env`` keeps them); the header reports the kernel
threadpoolctl then shows.
"""

import argparse
import datetime
import io
import json
import os
import platform
import statistics
import subprocess
import sys
import tarfile
import tempfile
import time
import warnings

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
THIS_TREE = os.path.dirname(HERE)
# key suffix of a variant run from the --baseline code
BASELINE = "@baseline"

FULL = {"n_clf": 70000, "n_features": 784, "n_informative": 50, "n_classes": 10, "n_reg": 70000,
            "n_reg_features": 100, "n_test": 10000, "epochs": 10, "lbfgs_iter": 50,
            "latency_rows": (1, 100, 100000), "latency_budget_rows": 2000, "repeats": 3}
QUICK = {"n_clf": 2000, "n_features": 100, "n_informative": 20, "n_classes": 10, "n_reg": 2000,
         "n_reg_features": 50, "n_test": 500, "epochs": 2, "lbfgs_iter": 5,
         "latency_rows": (1, 100, 2000), "latency_budget_rows": 100, "repeats": 1}
HIDDEN, BATCH, LR, ALPHA = 100, 200, 1e-3, 1e-4

# name -> what the child runs; "vs" is the reference of the ratio column
VARIANTS = {
    "mlp-adam-f64": {"impl": "mlp", "task": "clf", "solver": "adam", "x": "float64"},
    "sk-adam-f64": {"impl": "sk", "task": "clf", "solver": "adam", "x": "float64", "vs": "mlp-adam-f64"},
    "mlp-adam-f32": {"impl": "mlp", "task": "clf", "solver": "adam", "x": "float32"},
    "sk-adam-f32": {"impl": "sk", "task": "clf", "solver": "adam", "x": "float32", "vs": "mlp-adam-f32"},
    "torch-adam-f32": {"impl": "torch", "task": "clf", "solver": "adam", "x": "float32",
                           "vs": "mlp-adam-f32"},
    "sk-adam-f64X-f32": {"impl": "sk", "task": "clf", "solver": "adam", "x": "float64",
                             "dtype": "float32", "vs": "mlp-adam-f64"},
    "mlp-sgd-f64": {"impl": "mlp", "task": "clf", "solver": "sgd", "x": "float64"},
    "sk-sgd-f64": {"impl": "sk", "task": "clf", "solver": "sgd", "x": "float64", "vs": "mlp-sgd-f64"},
    "mlp-lbfgs-f64": {"impl": "mlp", "task": "clf", "solver": "lbfgs", "x": "float64"},
    "sk-lbfgs-f64": {"impl": "sk", "task": "clf", "solver": "lbfgs", "x": "float64",
                         "vs": "mlp-lbfgs-f64"},
    "sk-lbfgs-f64X-f32": {"impl": "sk", "task": "clf", "solver": "lbfgs", "x": "float64",
                              "dtype": "float32", "vs": "mlp-lbfgs-f64"},
    "mlpreg-adam-f64": {"impl": "mlp", "task": "reg", "solver": "adam", "x": "float64"},
    "skreg-adam-f64": {"impl": "sk", "task": "reg", "solver": "adam", "x": "float64",
                           "vs": "mlpreg-adam-f64"},
    "skreg-adam-f64X-f32": {"impl": "sk", "task": "reg", "solver": "adam", "x": "float64",
                                "dtype": "float32", "vs": "mlpreg-adam-f64"},
    "mlp-proba": {"impl": "mlp", "task": "latency", "solver": "adam", "x": "float64"},
    "sk-proba": {"impl": "sk", "task": "latency", "solver": "adam", "x": "float64", "vs": "mlp-proba"},
}


# ---------------------------------------------------------------------- child
def _status_kb(key):
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith(key):
                return int(line.split()[1])
    raise KeyError(key)


class PeakMemory:
    """Peak resident memory added inside the block, in MB (Linux); None elsewhere."""

    def __enter__(self):
        try:
            with open("/proc/self/clear_refs", "w") as f:
                f.write("5")  # resets VmHWM to the current VmRSS
            self.before = _status_kb("VmRSS:")
        except OSError:
            self.before = None
        return self

    def __exit__(self, *exc):
        self.added_mb = None
        if self.before is not None:
            self.added_mb = (_status_kb("VmHWM:") - self.before) / 1024
        return False


def _clock():
    return time.process_time(), time.perf_counter()


def headline_clock(threads):
    """The clock a thread setting's times and ratios come from (see the docstring)."""
    return time.process_time if threads == "1" else time.perf_counter


def _gemm_epoch_seconds(dtype, n_samples, n_features, n_outputs, batch, clock, repeats=3):
    """Time of one epoch's GEMMs alone, on ``clock``: each batch's five matrix products."""
    rng = np.random.default_rng(0)
    X = rng.standard_normal((batch, n_features)).astype(dtype)
    W1 = rng.standard_normal((n_features, HIDDEN)).astype(dtype) * 0.01
    W2 = rng.standard_normal((HIDDEN, n_outputs)).astype(dtype) * 0.01
    A1 = np.empty((batch, HIDDEN), dtype)
    dZ1 = np.empty((batch, HIDDEN), dtype)
    Z2 = np.empty((batch, n_outputs), dtype)
    dW1, dW2 = np.empty_like(W1), np.empty_like(W2)
    sizes = [batch] * (n_samples // batch) + ([n_samples % batch] if n_samples % batch else [])
    best = np.inf
    for _ in range(repeats):
        start = clock()
        for b in sizes:
            Xb, A1b, dZ1b, Z2b = X[:b], A1[:b], dZ1[:b], Z2[:b]
            np.matmul(Xb, W1, out=A1b)          # Z1 = X W1
            np.matmul(A1b, W2, out=Z2b)         # Z2 = A1 W2
            np.matmul(A1b.T, Z2b, out=dW2)      # dW2 = A1^T dZ2
            np.matmul(Z2b, W2.T, out=dZ1b)      # dA1 = dZ2 W2^T
            np.matmul(Xb.T, dZ1b, out=dW1)      # dW1 = X^T dZ1
        best = min(best, clock() - start)
    return best


def _load(task, data_dir, x_dtype):
    prefix = "clf" if task in ("clf", "latency") else "reg"
    X = np.load(os.path.join(data_dir, f"{prefix}_X.npy"))
    y = np.load(os.path.join(data_dir, f"{prefix}_y.npy"))
    with open(os.path.join(data_dir, "sizes.json")) as f:
        n_test = json.load(f)["n_test"]
    n_train = X.shape[0] - n_test
    X = X.astype(x_dtype, copy=False)
    return (np.ascontiguousarray(X[:n_train]), y[:n_train],
            np.ascontiguousarray(X[n_train:]), y[n_train:])


def _make_estimator(spec, size, epochs):
    common = {"alpha": ALPHA, "batch_size": BATCH, "learning_rate_init": LR, "max_iter": epochs,
                  "tol": 0.0, "n_iter_no_change": epochs, "random_state": 0, "solver": spec["solver"]}
    if spec["solver"] == "lbfgs":
        common.update(max_iter=size["lbfgs_iter"], max_fun=15000)
    if spec["impl"] == "mlp":
        from sklearn.neural_network import MLPClassifier, MLPRegressor

        cls = MLPRegressor if spec["task"] == "reg" else MLPClassifier
        return cls(hidden_layer_sizes=(HIDDEN,), activation="relu", **common)
    from sk_shallow import ShallowNetClassifier, ShallowNetRegressor

    cls = ShallowNetRegressor if spec["task"] == "reg" else ShallowNetClassifier
    return cls(n_hidden=HIDDEN, hidden_activation="relu", dtype=spec.get("dtype"), **common)


class _CountCalls:
    """Wrap a function and count its calls (L-BFGS function evaluations)."""

    def __init__(self, fn):
        self.fn, self.count = fn, 0

    def __call__(self, *args, **kwargs):
        self.count += 1
        return self.fn(*args, **kwargs)


def _count_evaluations(spec):
    if spec["impl"] == "sk":
        from sk_shallow import _solvers

        # the full-batch objective: loss_and_grad_blocks since it was blocked
        name = "loss_and_grad_blocks" if hasattr(_solvers, "loss_and_grad_blocks") else "loss_and_grad"
        counter = _CountCalls(getattr(_solvers, name))
        setattr(_solvers, name, counter)
        return counter
    from sklearn.neural_network import MLPClassifier

    counter = _CountCalls(MLPClassifier._loss_grad_lbfgs)

    def method(self, *args, **kwargs):
        return counter(self, *args, **kwargs)

    MLPClassifier._loss_grad_lbfgs = method
    return counter


def _traced_fit_mb(spec, size, X, y):
    """Peak of what a second, short fit allocates (tracemalloc sees NumPy's buffers), MB.

    One epoch (two lbfgs iterations) reaches the peak: every buffer of the fit
    is allocated in its first epoch. Not timed: tracemalloc slows allocation.
    """
    import tracemalloc

    est = _make_estimator(spec, dict(size, lbfgs_iter=2), 1)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        tracemalloc.start()
        try:
            base = tracemalloc.get_traced_memory()[0]
            est.fit(X, y)
            peak = tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()
    return (peak - base) / 2**20


def _fit_task(spec, size, data_dir, clock):
    X, y, X_test, y_test = _load(spec["task"], data_dir, spec["x"])
    epochs = size["epochs"]
    est = _make_estimator(spec, size, epochs)
    counter = _count_evaluations(spec) if spec["solver"] == "lbfgs" else None
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # ConvergenceWarning: every epoch is meant to run
        with PeakMemory() as mem:
            cpu0, wall0 = _clock()
            est.fit(X, y)
            cpu1, wall1 = _clock()
    n_iter = est.n_iter_
    compute = np.dtype(spec.get("dtype") or spec["x"])
    n_outputs = 1 if spec["task"] == "reg" else int(np.unique(y).size)
    if spec["solver"] == "lbfgs":
        per_eval = _gemm_epoch_seconds(compute, X.shape[0], X.shape[1], n_outputs,
                                       X.shape[0], clock, repeats=min(2, size["repeats"]))
        gemm = per_eval * counter.count / n_iter
    else:
        gemm = _gemm_epoch_seconds(compute, X.shape[0], X.shape[1], n_outputs, BATCH, clock,
                                   repeats=size["repeats"])
    cpu, wall = (cpu1 - cpu0) / n_iter, (wall1 - wall0) / n_iter
    headline = cpu if clock is time.process_time else wall
    score = float(est.score(X_test, y_test))
    fitted_dtype = str(est.coefs_[0].dtype)
    del est
    return {"cpu": cpu, "wall": wall, "time": headline, "gemm": gemm,
            "gemm_frac": gemm / headline,
                "score": score, "mem": mem.added_mb, "traced": _traced_fit_mb(spec, size, X, y),
                "n_iter": n_iter,
                "n_evals": None if counter is None else counter.count,
                "dtype": fitted_dtype}


def _torch_task(spec, size, data_dir, clock, threads):
    import torch

    if threads != "default":
        torch.set_num_threads(int(threads))
    X, y, X_test, y_test = _load(spec["task"], data_dir, "float32")
    n_samples, n_features = X.shape
    n_classes = int(np.unique(y).size)
    epochs = size["epochs"]
    torch.manual_seed(0)
    # one throwaway step first: torch sets up its kernels lazily on the first call
    warm = torch.nn.Linear(n_features, 2)
    warm(torch.from_numpy(X[:BATCH])).sum().backward()
    with PeakMemory() as mem:
        cpu0, wall0 = _clock()
        Xt, yt = torch.from_numpy(X), torch.from_numpy(y.astype(np.int64))
        model = torch.nn.Sequential(torch.nn.Linear(n_features, HIDDEN), torch.nn.ReLU(),
                                    torch.nn.Linear(HIDDEN, n_classes))
        weights = [model[0].weight, model[2].weight]
        biases = [model[0].bias, model[2].bias]
        # scikit-learn's L2 alpha / (2 batch) ||W||^2 is Adam's weight decay alpha / batch
        opt = torch.optim.Adam([{"params": weights, "weight_decay": ALPHA / BATCH},
                                {"params": biases, "weight_decay": 0.0}], lr=LR)
        loss_fn = torch.nn.CrossEntropyLoss()
        for _ in range(epochs):
            order = torch.randperm(n_samples)
            for start in range(0, n_samples, BATCH):
                idx = order[start:start + BATCH]
                opt.zero_grad()
                loss = loss_fn(model(Xt[idx]), yt[idx])
                loss.backward()
                opt.step()
        cpu1, wall1 = _clock()
    with torch.no_grad():
        predicted = model(torch.from_numpy(X_test)).argmax(dim=1).numpy()
    gemm = _gemm_epoch_seconds(np.float32, n_samples, n_features, n_classes, BATCH, clock,
                               repeats=size["repeats"])
    cpu, wall = (cpu1 - cpu0) / epochs, (wall1 - wall0) / epochs
    headline = cpu if clock is time.process_time else wall
    return {"cpu": cpu, "wall": wall, "time": headline, "gemm": gemm,
            "gemm_frac": gemm / headline,
                "score": float((predicted == y_test).mean()), "mem": mem.added_mb, "traced": None,
                "n_iter": epochs,
                "n_evals": None, "dtype": "float32"}


def _latency_task(spec, size, data_dir, clock):
    X, y, X_test, _ = _load("clf", data_dir, spec["x"])
    est = _make_estimator(spec, size, 1)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        est.fit(X, y)
    result = {}
    for rows in size["latency_rows"]:
        Xq = np.ascontiguousarray(np.resize(X_test, (rows, X_test.shape[1])))
        calls = max(1, size["latency_budget_rows"] // rows)
        est.predict_proba(Xq)  # warm
        blocks, wall_blocks = [], []
        for _ in range(2 * size["repeats"] + 1):
            start, wall_start = clock(), time.perf_counter()
            for _ in range(calls):
                est.predict_proba(Xq)
            blocks.append((clock() - start) / calls)
            wall_blocks.append((time.perf_counter() - wall_start) / calls)
        # us_: on the setting's clock; wall_us_: wall time (the threads' speed-up table)
        result[f"us_{rows}"] = statistics.median(blocks) * 1e6
        result[f"wall_us_{rows}"] = statistics.median(wall_blocks) * 1e6
    return result


def _blas_info():
    from threadpoolctl import threadpool_info

    return [f"{i.get('internal_api')} {i.get('version')} {i.get('architecture')} "
            f"({os.path.basename(i.get('filepath', ''))}, threads={i.get('num_threads')})"
            for i in threadpool_info()]


def run_child(tasks, size, data_dir, threads):
    """Run ``tasks`` (variant names) in this process at ``threads``; print JSON lines."""
    import contextlib

    from threadpoolctl import threadpool_limits

    clock = headline_clock(threads)
    for name in tasks:
        spec = VARIANTS[name]
        limit = (contextlib.nullcontext() if threads == "default"
                 else threadpool_limits(limits=int(threads)))
        with limit:
            if spec["task"] == "latency":
                out = _latency_task(spec, size, data_dir, clock)
            elif spec["impl"] == "torch":
                out = _torch_task(spec, size, data_dir, clock, threads)
            else:
                out = _fit_task(spec, size, data_dir, clock)
            out["blas"] = _blas_info()
        import sk_shallow

        out["sk_shallow"] = f"{sk_shallow.__version__} from {os.path.dirname(sk_shallow.__file__)}"
        out["name"] = name
        print("RESULT " + json.dumps(out), flush=True)


# ---------------------------------------------------------------------- parent
def _torch_available():
    try:
        import importlib.util

        return importlib.util.find_spec("torch") is not None
    except (ImportError, ValueError):
        return False


def prepare_data(size, data_dir):
    """Write the protocol's data sets as .npy files (reused when already there)."""
    from sklearn.datasets import make_classification, make_regression

    marker = os.path.join(data_dir, "sizes.json")
    if os.path.exists(marker):
        with open(marker) as f:
            if json.load(f) == json.loads(json.dumps(size)):
                return
    os.makedirs(data_dir, exist_ok=True)
    X, y = make_classification(size["n_clf"], size["n_features"],
                               n_informative=size["n_informative"],
                               n_classes=size["n_classes"], random_state=0)
    np.save(os.path.join(data_dir, "clf_X.npy"), X)
    np.save(os.path.join(data_dir, "clf_y.npy"), y)
    X, y = make_regression(size["n_reg"], size["n_reg_features"], random_state=0)
    np.save(os.path.join(data_dir, "reg_X.npy"), X)
    np.save(os.path.join(data_dir, "reg_y.npy"), y)
    with open(marker, "w") as f:
        json.dump(size, f)


THREAD_VARIABLES = ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS")


def child_env(keep_blas_env, threads):
    """The children's environment: nothing pinned for ``default``, else every pool at N."""
    env = dict(os.environ)
    if not keep_blas_env:
        env.pop("OPENBLAS_CORETYPE", None)
        env.pop("OPENBLAS_L2_SIZE", None)
    for var in THREAD_VARIABLES:
        if threads == "default":
            env.pop(var, None)
        else:
            env[var] = threads
    return env


def parse_threads(text):
    """``--threads``: a comma-separated list of ``default`` and positive integers."""
    settings = [t.strip() for t in text.split(",") if t.strip()]
    for t in settings:
        if t != "default" and not (t.isdigit() and int(t) > 0):
            raise ValueError(f"--threads {text!r}: each setting is 'default' or a positive "
                             f"integer, not {t!r}")
    if not settings or len(set(settings)) != len(settings):
        raise ValueError(f"--threads {text!r}: give each setting once")
    return settings


def launch(tasks, quick, data_dir, env, threads, tree=None, overrides=None):
    """Run ``tasks`` in one child at ``threads``; with ``tree``, sk_shallow is imported from there."""
    if tree is not None:
        env = dict(env, PYTHONPATH=os.pathsep.join(
            p for p in (tree, env.get("PYTHONPATH")) if p))
    cmd = [sys.executable, os.path.abspath(__file__), "--child", ",".join(tasks),
           "--data-dir", data_dir, "--threads", threads] + (["--quick"] if quick else [])
    cmd += [f"--{key}={value}" for key, value in (overrides or {}).items()]
    proc = subprocess.run(cmd, env=env, capture_output=True, text=True, check=False)
    if proc.returncode != 0:
        raise RuntimeError(f"child {tasks} failed:\n{proc.stderr[-3000:]}")
    results = [json.loads(line[len("RESULT "):]) for line in proc.stdout.splitlines()
               if line.startswith("RESULT ")]
    if tree is None:
        return results
    expected = os.path.realpath(os.path.join(tree, "sk_shallow"))
    for out in results:
        imported = os.path.realpath(out["sk_shallow"].split(" from ", 1)[1])
        if VARIANTS[out["name"]]["impl"] == "sk" and imported != expected:
            raise RuntimeError(f"child {out['name']} imported sk_shallow from {imported}, "
                               f"not {expected}: is an installed copy shadowing PYTHONPATH?")
    return results


def export_baseline(rev, dest):
    """``(tree, label)``: the directory to import the baseline from, and its name.

    ``rev`` is a directory holding ``sk_shallow/`` (used as it is) or a git
    revision of this checkout, whose ``sk_shallow/`` is exported into ``dest``.
    """
    if os.path.isdir(rev):
        if not os.path.isfile(os.path.join(rev, "sk_shallow", "__init__.py")):
            raise SystemExit(f"--baseline {rev}: the directory holds no sk_shallow/__init__.py")
        return os.path.abspath(rev), os.path.abspath(rev)
    try:
        commit = subprocess.run(["git", "-C", THIS_TREE, "rev-parse", "--short", f"{rev}^{{commit}}"],
                                capture_output=True, text=True, check=True).stdout.strip()
        archive = subprocess.run(["git", "-C", THIS_TREE, "archive", "--format=tar", commit,
                                  "sk_shallow"], capture_output=True, check=True).stdout
    except (OSError, subprocess.CalledProcessError) as exc:
        detail = getattr(exc, "stderr", None) or exc
        raise SystemExit(f"--baseline {rev}: neither a directory nor a git revision of "
                         f"{THIS_TREE} ({str(detail).strip()})") from None
    with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
        # the "data" filter (Python 3.11.4+) refuses links and paths out of dest
        tar.extractall(dest, **({"filter": "data"} if hasattr(tarfile, "data_filter") else {}))
    return dest, commit


def _describe_this_tree():
    try:
        return subprocess.run(["git", "-C", THIS_TREE, "describe", "--always", "--dirty"],
                              capture_output=True, text=True, check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return THIS_TREE


def round_jobs(names, baseline, r, settings):
    """Round ``r``'s ``(variant, from_baseline, threads)`` runs, in order.

    A variant's runs (baseline and this code, each thread setting) are
    neighbours; the whole order is reversed every other round, so neither code
    nor setting always runs first or after the same variant.
    """
    jobs = []
    for name in names:
        for threads in settings:
            if baseline and VARIANTS[name]["impl"] == "sk":
                jobs.append((name, True, threads))
            jobs.append((name, False, threads))
    return jobs if r % 2 == 0 else jobs[::-1]


def _median(values):
    values = [v for v in values if v is not None]
    return statistics.median(values) if values else None


def _fmt(value, spec="{:.3f}"):
    return "n/a" if value is None else spec.format(value)


def paired_ratio(rounds, name, ref, key="time"):
    """Median over rounds of ``ref / name`` measured in the same round."""
    ratios = [r[ref][key] / r[name][key] for r in rounds
              if name in r and ref in r and r[name].get(key)]
    return _median(ratios)


def summarise(rounds, names):
    rows = []
    for name in names:
        spec = VARIANTS[name]
        if spec["task"] == "latency":
            continue
        got = [r[name] for r in rounds if name in r]
        if not got:
            continue
        ref = spec.get("vs")
        rows.append({
            "name": name, "vs": ref or "-",
            "cpu": _median([g["cpu"] for g in got]), "wall": _median([g["wall"] for g in got]),
            "ratio": paired_ratio(rounds, name, ref) if ref else None,
            "gemm_frac": _median([g["gemm_frac"] for g in got]),
            "score": _median([g["score"] for g in got]), "mem": _median([g["mem"] for g in got]),
            "traced": _median([g["traced"] for g in got]),
            "dtype": got[0]["dtype"],
            "iters": got[0]["n_iter"] if got[0]["n_evals"] is None
            else f"{got[0]['n_iter']} ({got[0]['n_evals']} evals)",
        })
    return rows


def fit_table(rows):
    lines = [("| variant | compute | iters | s/epoch (cpu) | s/epoch (wall) | vs | ratio "
             "| GEMM frac | acc / R2 | +MB traced | +MB RSS |"),
             "|---|---|---|---|---|---|---|---|---|---|---|"]
    for r in rows:
        lines.append(
            f"| {r['name']} | {r['dtype']} | {r['iters']} | {_fmt(r['cpu'])} "
            f"| {_fmt(r['wall'])} | {r['vs']} | {_fmt(r['ratio'], '{:.2f}')} "
            f"| {_fmt(r['gemm_frac'], '{:.2f}')} | {_fmt(r['score'], '{:.4f}')} "
            f"| {_fmt(r['traced'], '{:.1f}')} | {_fmt(r['mem'], '{:.1f}')} |")
    return lines


def latency_table(rounds, size):
    got = {n: [r[n] for r in rounds if n in r] for n in ("mlp-proba", "sk-proba")}
    if not all(got.values()):
        return []
    lines = ["| predict_proba rows | MLPClassifier us | sk_shallow us | ratio |",
             "|---|---|---|---|"]
    for rows in size["latency_rows"]:
        key = f"us_{rows}"
        ratio = _median([r["mlp-proba"][key] / r["sk-proba"][key] for r in rounds
                         if "mlp-proba" in r and "sk-proba" in r])
        lines.append(f"| {rows} | {_fmt(_median([g[key] for g in got['mlp-proba']]), '{:.1f}')} "
                     f"| {_fmt(_median([g[key] for g in got['sk-proba']]), '{:.1f}')} "
                     f"| {_fmt(ratio, '{:.2f}')} |")
    return lines


SLOWDOWN_BAR = 0.97


def _measures(name, size):
    """``(label, key)`` of each number a variant's before/after and scaling tables compare."""
    if VARIANTS[name]["task"] == "latency":
        return [(f"{name} {n} rows (us)", f"us_{n}") for n in size["latency_rows"]]
    return [(f"{name} (s/epoch)", "time")]


def baseline_table(rounds, names, size):
    """Per sk_shallow variant (and latency row count): baseline against this code."""
    lines = [("| variant | baseline | this | ratio | ratio per round | score baseline "
              "| score this | 3 % bar |"),
             "|---|---|---|---|---|---|---|---|"]
    for name in names:
        if VARIANTS[name]["impl"] != "sk":
            continue
        base = name + BASELINE
        pairs = [r for r in rounds if name in r and base in r]
        for label, key in _measures(name, size):
            per_round = [r[base][key] / r[name][key] for r in pairs]
            ratio = _median(per_round)
            scores = [_median([r[n].get("score") for r in pairs]) for n in (base, name)]
            verdict = "n/a" if ratio is None else ("met" if ratio >= SLOWDOWN_BAR else "NOT met")
            lines.append(
                f"| {label} | {_fmt(_median([r[base][key] for r in pairs]), '{:.4g}')} "
                f"| {_fmt(_median([r[name][key] for r in pairs]), '{:.4g}')} "
                f"| {_fmt(ratio)} | {' '.join(f'{x:.3f}' for x in per_round)} "
                f"| {_fmt(scores[0], '{:.4f}')} | {_fmt(scores[1], '{:.4f}')} | {verdict} |")
    return lines


def scaling_table(one, default, names, size):
    """Speed-up from one thread to default threads (wall time at both), per variant.

    ``one`` and ``default`` are the two settings' rounds, paired by round.
    """
    lines = ["| variant | 1 thread (wall) | default (wall) | speed-up | threads |",
             "|---|---|---|---|---|"]
    for name in names:
        for label, key in _measures(name, size):
            wall_key = "wall" if key == "time" else f"wall_{key}"
            pairs = [(a[name], b[name]) for a, b in zip(one, default) if name in a and name in b]
            if not pairs:
                continue
            speedup = _median([a[wall_key] / b[wall_key] for a, b in pairs])
            verdict = ("help" if speedup >= 1 / SLOWDOWN_BAR else
                       "no change" if speedup >= SLOWDOWN_BAR else "HURT")
            lines.append(f"| {label} "
                         f"| {_fmt(_median([a[wall_key] for a, _ in pairs]), '{:.4g}')} "
                         f"| {_fmt(_median([b[wall_key] for _, b in pairs]), '{:.4g}')} "
                         f"| {_fmt(speedup, '{:.2f}')} | {verdict} |")
    return lines


# (label, variant, reference, bar): every variant at least as fast as MLP, some by more
BARS = [
    ("adam f64, x MLP", "sk-adam-f64", "mlp-adam-f64", 1.3),
    ("adam f32, x MLP", "sk-adam-f32", "mlp-adam-f32", 1.4),
    ("adam dtype='float32' on float64 X, x MLP f64", "sk-adam-f64X-f32", "mlp-adam-f64", 1.0),
    ("sgd f64, x MLP", "sk-sgd-f64", "mlp-sgd-f64", 1.0),
    ("lbfgs f64, x MLP", "sk-lbfgs-f64", "mlp-lbfgs-f64", 1.0),
    ("lbfgs dtype='float32' on float64 X, x MLP f64", "sk-lbfgs-f64X-f32", "mlp-lbfgs-f64", 1.0),
    ("regressor f64, x MLPRegressor", "skreg-adam-f64", "mlpreg-adam-f64", 1.5),
    ("regressor dtype='float32' on float64 X, x MLPRegressor f64", "skreg-adam-f64X-f32",
     "mlpreg-adam-f64", 1.0),
]
LATENCY_BARS = {1: 3.0}  # other row counts: 1.0


def targets(rounds, rows, size):
    """One line per bar: the measured paired ratio and whether the bar is met."""
    by = {r["name"]: r for r in rows}

    def check(label, value, bar):
        if value is None:
            return f"- {label}: not measured"
        return f"- {label}: {value:.2f} (bar {bar:g}) {'met' if value >= bar else 'NOT met'}"

    def score_gap(a, b):
        # the bars hold "at the same accuracy": within 0.5 pp (R^2 within 0.002)
        if a not in by or b not in by:
            return "score n/a"
        diff = by[a]["score"] - by[b]["score"]
        if VARIANTS[a]["task"] == "reg":
            within = f"{'within' if abs(diff) <= 0.002 else 'NOT within'} 0.002"
            return f"R2 {by[a]['score']:.4f} vs {by[b]['score']:.4f} ({diff:+.4f}, {within})"
        within = f"{'within' if abs(diff) <= 0.005 else 'NOT within'} 0.5 pp"
        return (f"accuracy {by[a]['score']:.4f} vs {by[b]['score']:.4f} "
                f"({100 * diff:+.2f} pp, {within})")

    out = [check(label, paired_ratio(rounds, sk, ref), bar) + f"; {score_gap(sk, ref)}"
           for label, sk, ref, bar in BARS]
    torch_ratio = paired_ratio(rounds, "sk-adam-f32", "torch-adam-f32")
    out.append("- adam f32, x PyTorch CPU loop: "
               + ("not measured" if torch_ratio is None else f"{torch_ratio:.2f} (no bar)"))
    for rows_n in size["latency_rows"]:
        key = f"us_{rows_n}"
        value = _median([r["mlp-proba"][key] / r["sk-proba"][key] for r in rounds
                         if "mlp-proba" in r and "sk-proba" in r])
        out.append(check(f"predict_proba {rows_n} rows, x MLP", value,
                         LATENCY_BARS.get(rows_n, 1.0)))
    for sk, mlp in (("sk-adam-f64", "mlp-adam-f64"), ("sk-adam-f32", "mlp-adam-f32"),
                    ("sk-lbfgs-f64", "mlp-lbfgs-f64"), ("sk-adam-f64X-f32", "mlp-adam-f64")):
        if sk in by and mlp in by and by[sk]["traced"] is not None:
            met = by[sk]["traced"] <= by[mlp]["traced"]
            note = ""
            if VARIANTS[sk].get("dtype") and VARIANTS[sk]["dtype"] != VARIANTS[sk]["x"]:
                note = " (includes the float32 copy of X that dtype='float32' needs)"
            out.append(f"- memory {sk}: +{by[sk]['traced']:.1f} MB traced vs {mlp} "
                       f"+{by[mlp]['traced']:.1f} MB{note}: {'met' if met else 'NOT met'}")
    return out


def _describe_setting(threads, blas):
    clock = "CPU" if threads == "1" else "wall"
    pinned = ("nothing pinned" if threads == "default"
              else f"every pool pinned to {threads} thread(s)")
    pools = "; ".join(blas) or "no pool reported"
    return f"threads: {threads} ({pinned}; times and ratios are {clock} seconds); pools: {pools}"


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small data, one round")
    parser.add_argument("--runs", type=int, default=5, help="paired rounds (default 5)")
    parser.add_argument("--only", default="", help="comma-separated variant names")
    parser.add_argument("--threads", default="default",
                        help="comma-separated thread settings, each 'default' (nothing "
                             "pinned, the headline) or a number (default: default)")
    parser.add_argument("--epochs", type=int, default=None,
                        help="epochs per fit instead of the protocol's 10 (a short run on "
                             "another machine)")
    parser.add_argument("--lbfgs-iter", type=int, default=None,
                        help="L-BFGS iterations instead of the protocol's 50")
    parser.add_argument("--data-dir", default=None, help="where the .npy data sets go")
    parser.add_argument("--keep-blas-env", action="store_true",
                        help="keep OPENBLAS_CORETYPE / OPENBLAS_L2_SIZE in the children")
    parser.add_argument("--json", default=None, help="also write every raw result here")
    parser.add_argument("--baseline", default=None, metavar="REV",
                        help="also run the sk_shallow variants from this git revision (or "
                             "directory) and report before/after ratios")
    parser.add_argument("--child", default=None, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    size = dict(QUICK if args.quick else FULL)
    size.update({key: value for key, value in (("epochs", args.epochs),
                                               ("lbfgs_iter", args.lbfgs_iter)) if value})
    try:
        settings = parse_threads(args.threads)
    except ValueError as exc:
        parser.error(str(exc))

    if args.child is not None:
        run_child(args.child.split(","), size, args.data_dir, settings[0])
        return 0

    names = [n for n in (args.only.split(",") if args.only else VARIANTS) if n]
    unknown = [n for n in names if n not in VARIANTS]
    if unknown:
        parser.error(f"unknown variants {unknown}; known: {', '.join(VARIANTS)}")
    has_torch = _torch_available()
    if not has_torch:
        names = [n for n in names if VARIANTS[n]["impl"] != "torch"]
    runs = 1 if args.quick else args.runs
    started = time.time()
    tmp = None
    data_dir = args.data_dir
    if data_dir is None:
        if args.quick:
            tmp = tempfile.TemporaryDirectory()
            data_dir = tmp.name
        else:
            data_dir = os.path.join(tempfile.gettempdir(), "sk_shallow_bench_data")
    baseline_dir = tempfile.TemporaryDirectory() if args.baseline else None
    baseline_tree, baseline_label = (export_baseline(args.baseline, baseline_dir.name)
                                     if args.baseline else (None, None))
    overrides = {key: value for key, value in (("epochs", args.epochs),
                                               ("lbfgs-iter", args.lbfgs_iter)) if value}
    prepare_data(size, data_dir)
    envs = {threads: child_env(args.keep_blas_env, threads) for threads in settings}

    # with a baseline, this checkout's code too is imported from its source tree
    this_tree = THIS_TREE if args.baseline else None

    def tree(from_baseline):
        return baseline_tree if from_baseline else this_tree

    def key(name, from_baseline):
        return name + BASELINE if from_baseline else name

    # rounds[threads][r]: that setting's results of round r, by variant (+ @baseline)
    rounds = {threads: [] for threads in settings}
    for r in range(runs):
        jobs = round_jobs(names, bool(args.baseline), r, settings)
        results = {threads: {} for threads in settings}
        if args.quick:  # one child per code and setting keeps the smoke run short
            for from_baseline, threads in sorted({(b, t) for _, b, t in jobs}):
                tasks = [name for name, b, t in jobs if (b, t) == (from_baseline, threads)]
                for out in launch(tasks, True, data_dir, envs[threads], threads,
                                  tree(from_baseline), overrides):
                    results[threads][key(out["name"], from_baseline)] = out
        else:
            for name, from_baseline, threads in jobs:
                for out in launch([name], False, data_dir, envs[threads], threads,
                                  tree(from_baseline), overrides):
                    results[threads][key(out["name"], from_baseline)] = out
                shown = {k: v for k, v in out.items() if k not in ("blas", "sk_shallow")}
                print(f"# round {r + 1}/{runs} threads={threads} "
                      f"{key(name, from_baseline)}: {json.dumps(shown)}",
                      file=sys.stderr, flush=True)
        for threads in settings:
            rounds[threads].append(results[threads])
    if tmp is not None:
        tmp.cleanup()
    if baseline_dir is not None:
        baseline_dir.cleanup()
    if args.json:
        with open(args.json, "w") as f:
            json.dump(rounds, f, indent=1)

    import sklearn

    changed = "".join(f", {key} {value}" for key, value in overrides.items())
    print(f"# sk_shallow benchmark ({'quick' if args.quick else 'full'} protocol{changed})")
    print(f"date: {datetime.datetime.now(datetime.UTC):%Y-%m-%d %H:%M} UTC; "
          f"{runs} paired round(s); {time.time() - started:.0f} s")
    print(f"machine: {platform.processor() or platform.machine()}, {_cpu_model()}, "
          f"{os.cpu_count()} cores")
    print(f"python {platform.python_version()}, numpy {np.__version__}, "
          f"scikit-learn {sklearn.__version__}, torch {_torch_version() if has_torch else 'absent'}")
    first = rounds[settings[0]][0]
    for line in next((v["blas"] for v in first.values() if "blas" in v), []):
        print(f"blas: {line}")
    for label, from_baseline in (("sk_shallow", False), ("baseline sk_shallow", True)):
        imported = [v["sk_shallow"] for k, v in first.items()
                    if k.endswith(BASELINE) == from_baseline]
        if imported:
            print(f"{label}: {imported[0]}")
    removed = [v for v in ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE") if v in os.environ]
    print(f"children's environment: removed {removed or 'nothing (neither was set)'}"
          if not args.keep_blas_env else "children's environment: unchanged")
    print(f"command: python benchmarks/bench_mlp.py {' '.join(argv or sys.argv[1:])}".rstrip())
    for threads in settings:
        setting_rounds = rounds[threads]
        blas = next((v["blas"] for v in setting_rounds[0].values() if "blas" in v), [])
        print()
        print(f"## {_describe_setting(threads, blas)}")
        print()
        rows = summarise(setting_rounds, names)
        for line in fit_table(rows):
            print(line)
        print()
        for line in latency_table(setting_rounds, size):
            print(line)
        print()
        print(f"targets at threads={threads} (paired median ratios; at or above the bar is met):")
        for line in targets(setting_rounds, rows, size):
            print(line)
        if args.baseline:
            print()
            print(f"before/after at threads={threads}: baseline {baseline_label} against this "
                  f"tree ({_describe_this_tree()}); ratio = paired median of baseline time / "
                  f"this time, below {SLOWDOWN_BAR:g} is a slowdown past the 3 % bar:")
            for line in baseline_table(setting_rounds, names, size):
                print(line)
    if "1" in settings and "default" in settings:
        print()
        print("threads: speed-up from 1 thread to default threads (paired median of wall "
              f"times; below {SLOWDOWN_BAR:g} more threads HURT, within 3 % no change):")
        for line in scaling_table(rounds["1"], rounds["default"], names, size):
            print(line)
    return 0


def _cpu_model():
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return "unknown CPU"


def _torch_version():
    import torch

    return torch.__version__


if __name__ == "__main__":
    sys.exit(main())
