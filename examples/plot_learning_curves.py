"""Learning curves: sigmoid, tanh, relu and leaky relu hidden layers, then adam, sgd and lbfgs.
============================================================================================

Four networks with 32 hidden units learn the digits data (8x8 images, 10
classes) with the same data, the same seed and plain mini-batch gradient
descent (no momentum, so the activation's derivative is all that differs).
``early_stopping=True`` holds out 20% and records ``validation_scores_`` each
epoch; ``n_iter_no_change`` is set to the epoch budget so every run draws its
whole curve.

What to look for: the sigmoid network's loss falls far more slowly. The
bottom-left panel shows why: backpropagation multiplies every hidden unit's
gradient by ``g'(z)``, and a sigmoid's ``g'`` is at most 1/4 (the lecture's
``a(1 - a)``), against up to 1 for tanh and relu: the vanishing gradient.
The last panel fixes the activation (relu) and compares the solvers by their
``loss_curve_``, which sk-shallow records for lbfgs too (one entry per
iteration).

Run ``python examples/plot_learning_curves.py [--out DIR]``; writes ``learning_curves.png``.
"""

# %%
import argparse
import sys
import time
import warnings
from pathlib import Path

try:
    import matplotlib
except ImportError:
    sys.exit('This example needs matplotlib: pip install ".[examples]" (from the project folder)')

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np
from sklearn.datasets import load_digits
from sklearn.exceptions import ConvergenceWarning
from sklearn.preprocessing import StandardScaler

from sk_shallow import ShallowNetClassifier
from sk_shallow import activations as act

# sys.argv[0], not __file__: sphinx-gallery runs the script without __file__
DEFAULT_OUT = Path(sys.argv[0]).resolve().parents[1] / "docs" / "images"
COLORS = {"logistic": "#d1495b", "tanh": "#edae49", "relu": "#00798c",
          "leaky_relu": "#30638e", "adam": "#6a4c93", "sgd": "#1982c4", "lbfgs": "#8ac926"}
N_HIDDEN = 32


# %%
def mean_derivative(net, X, name):
    """Average ``g'(Z1)`` over the samples and hidden units, ``Z1 = X W1 + b1``."""
    W1, b1 = net.coefs_[0], net.intercepts_[0]
    Z1 = X @ W1 + b1
    A1 = net.hidden_activations(X)
    g_grad = act.ACTIVATIONS[name][1]
    return float(g_grad(Z1, A1).mean())


def main(argv=None):
    # __doc__ is "" when sphinx-gallery runs this file: partition, not splitlines()[0]
    parser = argparse.ArgumentParser(description=__doc__.partition("\n")[0])
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT,
                        help=f"folder for the PNG (default: {DEFAULT_OUT})")
    parser.add_argument("--quick", action="store_true",
                        help="fewer samples and epochs (smoke test)")
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    epochs = 15 if args.quick else 150
    started = time.perf_counter()

    X, y = load_digits(return_X_y=True)
    if args.quick:
        X, y = X[:400], y[:400]
    X = StandardScaler().fit_transform(X)

    fig, ((ax_loss, ax_val), (ax_grad, ax_solver)) = plt.subplots(2, 2, figsize=(15, 10.5))

    # %%
    # the four activations, plain gradient descent, same seed
    print(f"{'activation':<11} {'final loss':>10} {'best val':>8}  mean g'(Z1): epoch 1 -> end")
    derivs = {}
    for name in ["logistic", "tanh", "relu", "leaky_relu"]:
        common = {"n_hidden": N_HIDDEN, "hidden_activation": name, "solver": "sgd",
                  "momentum": 0.0, "learning_rate_init": 0.02, "batch_size": 64,
                  "early_stopping": True, "validation_fraction": 0.2,
                  "n_iter_no_change": epochs, "random_state": 0}
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)
            first = ShallowNetClassifier(max_iter=1, **common).fit(X, y)
            net = ShallowNetClassifier(max_iter=epochs, **common).fit(X, y)
        epoch = np.arange(1, len(net.loss_curve_) + 1)
        label = "logistic (sigmoid)" if name == "logistic" else name
        ax_loss.plot(epoch, net.loss_curve_, color=COLORS[name], lw=2.3, label=label)
        ax_val.plot(epoch, net.validation_scores_, color=COLORS[name], lw=2.3, label=label)
        derivs[label] = (mean_derivative(first, X, name), mean_derivative(net, X, name))
        print(f"{name:<11} {net.loss_curve_[-1]:10.4f} {net.best_validation_score_:8.3f}  "
              f"{derivs[label][0]:.3f} -> {derivs[label][1]:.3f}")

    ax_loss.set_yscale("log")
    ax_loss.set_title("training loss per epoch (loss_curve_)", fontsize=14, fontweight="bold")
    ax_loss.set_ylabel("cross-entropy (log scale)", fontsize=12)
    ax_val.set_title("validation accuracy per epoch (validation_scores_)", fontsize=14,
                     fontweight="bold")
    ax_val.set_ylabel("accuracy on the 20% held out", fontsize=12)
    ax_val.set_ylim(0, 1.0)
    for ax in (ax_loss, ax_val):
        ax.set_xlabel("epoch", fontsize=12)
        ax.legend(fontsize=12, title="hidden activation", title_fontsize=11)
        ax.grid(alpha=0.3)

    # %%
    # why: the average derivative each hidden unit passes back
    labels = list(derivs)
    x = np.arange(len(labels))
    start = [derivs[k][0] for k in labels]
    end = [derivs[k][1] for k in labels]
    ax_grad.bar(x - 0.2, start, 0.4, color=[COLORS[k.split()[0]] for k in labels], alpha=0.55,
                label="after epoch 1", edgecolor="k")
    ax_grad.bar(x + 0.2, end, 0.4, color=[COLORS[k.split()[0]] for k in labels],
                label=f"after epoch {epochs}", edgecolor="k", hatch="//")
    for xi, s, e in zip(x, start, end):
        ax_grad.text(xi - 0.2, s + 0.015, f"{s:.2f}", ha="center", fontsize=11)
        ax_grad.text(xi + 0.2, e + 0.015, f"{e:.2f}", ha="center", fontsize=11)
    ax_grad.axhline(0.25, color=COLORS["logistic"], ls=":", lw=1.8,
                    label="the sigmoid's largest g', g'(0) = 1/4")
    ax_grad.set_xticks(x)
    ax_grad.set_xticklabels(labels, fontsize=12)
    ax_grad.set_ylim(0, 1.1)
    ax_grad.set_ylabel("mean g'(Z1) over samples and units", fontsize=12)
    ax_grad.set_title("what backpropagation multiplies by: dZ1 = (dZ2 W2^T) * g'(Z1)",
                      fontsize=14, fontweight="bold")
    ax_grad.legend(fontsize=11, loc="upper left")
    ax_grad.grid(alpha=0.3, axis="y")

    # %%
    # the solvers, relu fixed: adam and sgd per epoch, lbfgs per iteration
    solvers = {
        "adam": {"solver": "adam", "learning_rate_init": 1e-3},
        "sgd": {"solver": "sgd", "learning_rate_init": 0.02, "momentum": 0.9},
        "lbfgs": {"solver": "lbfgs"},
    }
    print(f"\n{'solver':<6} {'iterations':>10} {'final loss':>10} {'fit s':>6}")
    for name, settings in solvers.items():
        net = ShallowNetClassifier(N_HIDDEN, hidden_activation="relu", max_iter=epochs,
                                   random_state=0, **settings)
        t0 = time.perf_counter()
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)
            net.fit(X, y)
        seconds = time.perf_counter() - t0
        step = "iteration" if name == "lbfgs" else "epoch"
        detail = {"adam": "adam, lr 0.001", "sgd": "sgd, momentum 0.9, lr 0.02",
                  "lbfgs": "lbfgs (full batch)"}[name]
        ax_solver.plot(np.arange(1, net.n_iter_ + 1), net.loss_curve_, color=COLORS[name],
                       lw=2.3, label=f"{detail}: {net.n_iter_} {step}s, {seconds:.1f} s")
        print(f"{name:<6} {net.n_iter_:>10} {net.loss_curve_[-1]:10.4f} {seconds:6.2f}")
    ax_solver.set_yscale("log")
    ax_solver.set_xlabel("epoch (adam, sgd) or iteration (lbfgs)", fontsize=12)
    ax_solver.set_ylabel("training loss (log scale)", fontsize=12)
    ax_solver.set_title("solvers, relu hidden layer (loss_curve_)", fontsize=14,
                        fontweight="bold")
    ax_solver.legend(fontsize=11)
    ax_solver.grid(alpha=0.3)

    for ax in (ax_loss, ax_val, ax_grad, ax_solver):
        ax.tick_params(labelsize=11)
    fig.suptitle(f"Digits, one hidden layer of {N_HIDDEN} units: the vanishing gradient of "
                 "the sigmoid, and three solvers", fontsize=16, x=0.01, ha="left")
    fig.tight_layout(rect=(0, 0, 1, 0.96))
    path = args.out / "learning_curves.png"
    fig.savefig(path, dpi=40 if args.quick else 80)
    print(f"wrote {path} in {time.perf_counter() - started:.1f} s")


if __name__ == "__main__":
    main()
