"""LogisticRegression against a shallow net with a linear and with a non-linear hidden layer.
==========================================================================================

The lecture: "a neural network with a linear activation function ... is just
logistic regression", and only a non-linear hidden layer buys anything more.
This measures it. On each dataset, with the same 5-fold stratified
cross-validation and standardised inputs:

* ``LogisticRegression``;
* ``ShallowNetClassifier(hidden_activation="identity")``: a linear hidden
  layer, so an affine decision function, the same model class;
* ``ShallowNetClassifier`` with a ``tanh`` and with a ``relu`` hidden layer.

Every net has 32 hidden units and the same settings (Adam, learning rate
0.01, ``alpha=1e-3``, seed 0).

The datasets: the four bundled with scikit-learn (iris, wine, breast cancer,
digits) and three planar ones built to defeat a straight line (moons,
circles, XOR). Expect the identity net to track logistic regression
everywhere, and the non-linear nets to pull ahead exactly where the classes
are not linearly separable.

Prints the table and writes ``compare_logistic_regression.png`` (a bar chart)
into ``--out DIR``.
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
from sklearn.datasets import (
    load_breast_cancer,
    load_digits,
    load_iris,
    load_wine,
    make_circles,
    make_moons,
)
from sklearn.exceptions import ConvergenceWarning
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import StratifiedKFold, cross_val_score
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from sk_shallow import ShallowNetClassifier

# sys.argv[0], not __file__: sphinx-gallery runs the script without __file__
DEFAULT_OUT = Path(sys.argv[0]).resolve().parents[1] / "docs" / "images"
MODELS = ["LogisticRegression", "net, identity", "net, tanh", "net, relu"]
COLORS = ["#7f8c8d", "#bdc3c7", "#e67e22", "#2980b9"]


# %%
def make_xor(n_samples, noise, random_state):
    """Points in the square; the class is the sign of x1 * x2."""
    rng = np.random.RandomState(random_state)
    X = rng.uniform(-1, 1, size=(n_samples, 2))
    y = (X[:, 0] * X[:, 1] > 0).astype(int)
    return X + noise * rng.randn(n_samples, 2), y


def datasets(quick):
    n = 150 if quick else 500
    data = {
        "iris": load_iris(return_X_y=True),
        "wine": load_wine(return_X_y=True),
        "breast cancer": load_breast_cancer(return_X_y=True),
        "digits": load_digits(return_X_y=True),
        "moons": make_moons(n, noise=0.25, random_state=0),
        "circles": make_circles(n, noise=0.1, factor=0.5, random_state=0),
        "XOR": make_xor(n, noise=0.1, random_state=0),
    }
    if quick:
        X, y = data["digits"]
        data["digits"] = (X[:300], y[:300])
    return data


def make_model(name, max_iter):
    if name == "LogisticRegression":
        step = LogisticRegression(max_iter=5000)
    else:
        step = ShallowNetClassifier(n_hidden=32, hidden_activation=name.split(", ")[1],
                                    solver="adam", learning_rate_init=0.01, alpha=1e-3,
                                    max_iter=max_iter, random_state=0)
    return make_pipeline(StandardScaler(), step)


def main(argv=None):
    # __doc__ is "" when sphinx-gallery runs this file: partition, not splitlines()[0]
    parser = argparse.ArgumentParser(description=__doc__.partition("\n")[0])
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT,
                        help=f"folder for the PNG (default: {DEFAULT_OUT})")
    parser.add_argument("--quick", action="store_true",
                        help="smaller datasets, 3 folds, fewer iterations (smoke test)")
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    n_splits, max_iter = (2, 50) if args.quick else (5, 500)
    cv = StratifiedKFold(n_splits, shuffle=True, random_state=0)
    started = time.perf_counter()

    data = datasets(args.quick)
    means = np.empty((len(data), len(MODELS)))
    stds = np.empty_like(means)
    width = max(len(m) for m in MODELS)
    print(f"{n_splits}-fold stratified CV accuracy, mean +/- std\n")
    print(f"{'dataset':<14} {'n':>5} {'d':>3}  " + "  ".join(f"{m:>{width}}" for m in MODELS))
    for i, (dataset, (X, y)) in enumerate(data.items()):
        for j, name in enumerate(MODELS):
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", ConvergenceWarning)
                scores = cross_val_score(make_model(name, max_iter), X, y, cv=cv)
            means[i, j], stds[i, j] = scores.mean(), scores.std()
        cells = "  ".join(f"{f'{m:.3f} +/- {s:.3f}':>{width}}" for m, s in zip(means[i], stds[i]))
        print(f"{dataset:<14} {X.shape[0]:>5} {X.shape[1]:>3}  {cells}")

    # %%
    fig, ax = plt.subplots(figsize=(15, 6.2))
    x = np.arange(len(data))
    bar = 0.2
    for j, (name, color) in enumerate(zip(MODELS, COLORS)):
        offset = (j - (len(MODELS) - 1) / 2) * bar
        ax.bar(x + offset, means[:, j], bar, yerr=stds[:, j], color=color, edgecolor="k",
               linewidth=0.6, capsize=2.5, label=name if j else "LogisticRegression",
               hatch="//" if name == "net, identity" else None)
        for xi, m in zip(x + offset, means[:, j]):
            ax.text(xi, 0.405, f"{m:.2f}", ha="center", va="bottom", rotation=90, fontsize=9.5,
                    color="white" if j in (0, 3) else "black")
    ax.axvspan(3.5, len(data) - 0.5, color="#f9e79f", alpha=0.35, lw=0, zorder=0)
    ax.axhline(0.5, color="0.35", ls=":", lw=1.4, zorder=0,
               label="chance for 2 balanced classes")
    ax.text(3.55, 1.045, "built to defeat a straight line", fontsize=11.5, va="bottom")
    ax.text(-0.45, 1.045, "bundled with scikit-learn", fontsize=11.5, va="bottom")
    ax.set_xticks(x)
    ax.set_xticklabels(list(data), fontsize=13)
    ax.set_ylim(0.4, 1.1)
    ax.set_yticks(np.arange(0.4, 1.01, 0.1))
    ax.set_ylabel(f"{n_splits}-fold CV accuracy", fontsize=13)
    ax.tick_params(labelsize=11)
    ax.grid(axis="y", alpha=0.3)
    ax.set_axisbelow(True)
    ax.legend(fontsize=12, ncol=5, loc="upper center", bbox_to_anchor=(0.5, -0.08),
              frameon=False)
    ax.set_title("A linear hidden layer matches logistic regression; a tanh or relu layer wins "
                 "where the classes are not linearly separable", fontsize=14.5,
                 fontweight="bold", loc="left")
    fig.tight_layout()
    path = args.out / "compare_logistic_regression.png"
    fig.savefig(path, dpi=40 if args.quick else 80)
    print(f"\nwrote {path} in {time.perf_counter() - started:.1f} s")


if __name__ == "__main__":
    main()
