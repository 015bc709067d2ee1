"""sk_shallow on a GPU (torch tensors through scikit-learn's array API dispatch).

Run from the repository root on a machine with a CUDA GPU (``--device cpu``
runs the same protocol on torch's CPU, for a smoke test)::

    SCIPY_ARRAY_API=1 python benchmarks/bench_gpu.py --device cuda
    SCIPY_ARRAY_API=1 python benchmarks/bench_gpu.py --device cpu --quick

Protocol
--------
Classification: ``make_classification(70000, 784, n_informative=50,
n_classes=10, random_state=0)`` in float32, the first 60000 rows train and the
last 10000 score; 784-100-10 relu, adam, learning rate 1e-3, alpha 1e-4, every
epoch run (``tol=0``). Each configuration is timed against:

- ``torch loop``: the same network as ``nn.Linear`` layers, autograd and
  ``torch.optim.Adam`` (weight decay ``alpha / batch`` on the weights, which
  is scikit-learn's L2 term), batches drawn by ``randperm``: what a torch user
  writes by hand;
- ``MLP (CPU)``: scikit-learn's MLPClassifier on the host CPU, float64, at
  default threads.

Rows: batch 200 and batch 2000; regression on ``make_regression(1000000, 100)``
(100-100-1) at batch 4096; L-BFGS on the full 60000 rows (seconds per
iteration, against MLP's L-BFGS on the CPU). Times are wall seconds per epoch
after a warm-up fit (CUDA's start-up, cuBLAS handles), with the device
synchronised before each clock read; medians of ``--runs`` runs (3), each with
its holdout score.
"""

import argparse
import json
import os
import platform
import statistics
import sys
import time
import warnings

import numpy as np

HIDDEN, LR, ALPHA = 100, 1e-3, 1e-4


def _sync(device):
    import torch

    if device.startswith("cuda"):
        torch.cuda.synchronize()


def _timed(device, fit):
    """Wall seconds of ``fit()`` with the device idle before and after."""
    _sync(device)
    start = time.perf_counter()
    result = fit()
    _sync(device)
    return time.perf_counter() - start, result


def sk_fit(task, X, y, X_test, y_test, device, *, batch, epochs, solver="adam"):
    import sklearn
    import torch

    from sk_shallow import ShallowNetClassifier, ShallowNetRegressor

    Estimator = ShallowNetClassifier if task == "clf" else ShallowNetRegressor
    est = Estimator(n_hidden=HIDDEN, solver=solver, batch_size=batch, learning_rate_init=LR,
                    alpha=ALPHA, max_iter=epochs, tol=0.0, n_iter_no_change=epochs,
                    random_state=0)
    Xd, yd = torch.asarray(X, device=device), torch.asarray(y, device=device)
    Xt, yt = torch.asarray(X_test, device=device), torch.asarray(y_test, device=device)
    with sklearn.config_context(array_api_dispatch=True), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        seconds, _ = _timed(device, lambda: est.fit(Xd, yd))
        score = est.score(Xt, yt)
    return seconds / est.n_iter_, float(score), est.n_iter_


def torch_fit(task, X, y, X_test, y_test, device, *, batch, epochs):
    import torch

    torch.manual_seed(0)
    Xd = torch.asarray(X, device=device)
    yd = torch.asarray(y, device=device, dtype=torch.int64 if task == "clf" else torch.float32)
    n_samples, n_features = Xd.shape
    n_outputs = int(y.max()) + 1 if task == "clf" else 1
    model = torch.nn.Sequential(torch.nn.Linear(n_features, HIDDEN), torch.nn.ReLU(),
                                torch.nn.Linear(HIDDEN, n_outputs)).to(device)
    weights = [model[0].weight, model[2].weight]
    biases = [model[0].bias, model[2].bias]
    opt = torch.optim.Adam([{"params": weights, "weight_decay": ALPHA / batch},
                            {"params": biases, "weight_decay": 0.0}], lr=LR)
    loss_fn = torch.nn.CrossEntropyLoss() if task == "clf" else torch.nn.MSELoss()

    def fit():
        for _ in range(epochs):
            order = torch.randperm(n_samples, device=device)
            for start in range(0, n_samples, batch):
                idx = order[start:start + batch]
                opt.zero_grad()
                out = model(Xd[idx])
                loss = loss_fn(out, yd[idx]) if task == "clf" else loss_fn(out[:, 0], yd[idx])
                loss.backward()
                opt.step()

    seconds, _ = _timed(device, fit)
    with torch.no_grad():
        out = model(torch.asarray(X_test, device=device)).cpu().numpy()
    if task == "clf":
        score = float((out.argmax(axis=1) == y_test).mean())
    else:
        score = float(1 - ((out[:, 0] - y_test) ** 2).sum() / ((y_test - y_test.mean()) ** 2).sum())
    return seconds / epochs, score, epochs


def mlp_fit(task, X, y, X_test, y_test, *, batch, epochs, solver="adam"):
    from sklearn.neural_network import MLPClassifier, MLPRegressor

    Estimator = MLPClassifier if task == "clf" else MLPRegressor
    est = Estimator(hidden_layer_sizes=(HIDDEN,), solver=solver, batch_size=batch,
                    learning_rate_init=LR, alpha=ALPHA, max_iter=epochs, tol=0.0,
                    n_iter_no_change=epochs, random_state=0)
    X, X_test = X.astype(np.float64), X_test.astype(np.float64)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        start = time.perf_counter()
        est.fit(X, y)
        seconds = time.perf_counter() - start
    return seconds / est.n_iter_, float(est.score(X_test, y_test)), est.n_iter_


def data(size, quick):
    from sklearn.datasets import make_classification, make_regression

    if size == "clf":
        n, n_test = (3000, 500) if quick else (70000, 10000)
        X, y = make_classification(n, 784 if not quick else 100, n_informative=50 if not quick
                                   else 20, n_classes=10, random_state=0)
    else:
        n, n_test = (20000, 2000) if quick else (1000000, 20000)
        X, y = make_regression(n, 100, random_state=0)
        y = y / y.std()
    X = X.astype(np.float32)
    y = y.astype(np.float32) if size == "reg" else y
    return X[:-n_test], y[:-n_test], X[-n_test:], y[-n_test:]


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--device", default="cuda")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--epochs", type=int, default=5)
    parser.add_argument("--quick", action="store_true", help="small data, one run")
    parser.add_argument("--skip-mlp", action="store_true", help="leave out the CPU MLP rows")
    parser.add_argument("--json", default=None, help="also write the raw results here")
    args = parser.parse_args(argv)
    if os.environ.get("SCIPY_ARRAY_API") != "1":
        parser.error("set SCIPY_ARRAY_API=1 before Python starts (scikit-learn's dispatch)")
    import sklearn
    import torch

    runs = 1 if args.quick else args.runs
    epochs = 1 if args.quick else args.epochs
    device = args.device
    rows = []
    clf, reg = data("clf", args.quick), data("reg", args.quick)

    # warm-up: CUDA's context, cuBLAS handles, the first kernels of every shape
    sk_fit("clf", *clf, device, batch=200, epochs=1)
    torch_fit("clf", *clf, device, batch=200, epochs=1)

    configs = [
        ("classifier adam, batch 200", "clf", clf, {"batch": 200, "epochs": epochs}),
        ("classifier adam, batch 2000", "clf", clf, {"batch": 2000, "epochs": epochs}),
        ("regressor adam, batch 4096", "reg", reg, {"batch": 4096, "epochs": max(1, epochs // 2)}),
    ]
    for label, task, arrays, settings in configs:
        got = {"sk_shallow": [], "torch loop": []}
        for _ in range(runs):  # alternate, so that drift hits both alike
            got["sk_shallow"].append(sk_fit(task, *arrays, device, **settings))
            got["torch loop"].append(torch_fit(task, *arrays, device, **settings))
        if not args.skip_mlp and task == "clf" and settings["batch"] == 200:
            got["MLP (CPU, float64)"] = [mlp_fit(task, *arrays, batch=200,
                                                 epochs=min(2, epochs))]
        for impl, results in got.items():
            rows.append({"config": label, "impl": impl,
                         "s_per_epoch": statistics.median(r[0] for r in results),
                         "score": statistics.median(r[1] for r in results),
                         "epochs": results[0][2], "runs": len(results)})
        print(json.dumps(rows[-len(got):]), file=sys.stderr, flush=True)

    lbfgs_iter = 5 if args.quick else 20
    lbfgs = {"sk_shallow": [sk_fit("clf", *clf, device, batch=200, epochs=lbfgs_iter,
                                   solver="lbfgs") for _ in range(runs)]}
    if not args.skip_mlp:
        lbfgs["MLP (CPU, float64)"] = [mlp_fit("clf", *clf, batch=200, epochs=lbfgs_iter,
                                               solver="lbfgs")]
    for impl, results in lbfgs.items():
        rows.append({"config": f"classifier L-BFGS, full batch ({lbfgs_iter} iterations)",
                     "impl": impl, "s_per_epoch": statistics.median(r[0] for r in results),
                     "score": statistics.median(r[1] for r in results),
                     "epochs": results[0][2], "runs": len(results)})

    name = torch.cuda.get_device_name() if device.startswith("cuda") else platform.processor()
    print(f"# sk_shallow on {device} ({name}); torch {torch.__version__}, scikit-learn "
          f"{sklearn.__version__}, numpy {np.__version__}, {os.cpu_count()} CPU cores")
    print(f"# {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}; medians of {runs} run(s); "
          "s/epoch is seconds per epoch (per iteration for L-BFGS), wall, device synchronised")
    print()
    print("| configuration | implementation | s/epoch | vs sk_shallow | holdout score | epochs |")
    print("|---|---|---|---|---|---|")
    for row in rows:
        base = next(r for r in rows if r["config"] == row["config"] and r["impl"] == "sk_shallow")
        print(f"| {row['config']} | {row['impl']} | {row['s_per_epoch']:.4g} "
              f"| {row['s_per_epoch'] / base['s_per_epoch']:.2f}x | {row['score']:.4f} "
              f"| {row['epochs']} |")
    if args.json:
        with open(args.json, "w") as f:
            json.dump(rows, f, indent=1)
    return 0


if __name__ == "__main__":
    sys.exit(main())
