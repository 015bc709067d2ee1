"""Decision boundaries: LogisticRegression against a shallow net with each hidden activation.
==========================================================================================

Three planar problems no straight line separates (two moons, two circles,
XOR), each split into a training and a test half. The first column is
``LogisticRegression``; the others are ``ShallowNetClassifier`` with the same
20 hidden units and a different hidden activation.

The lecture's point, shown: with ``hidden_activation="identity"`` the network
is ``W2 (W1 x + b1) + b2``, an affine function of ``x``, so its boundary is a
straight line, the same one logistic regression draws. Any non-linear
activation bends it.

Run ``python examples/plot_decision_boundaries.py [--out DIR]``; writes
``decision_boundaries.png``.
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
from matplotlib.colors import ListedColormap
from sklearn.datasets import make_circles, make_moons
from sklearn.exceptions import ConvergenceWarning
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import train_test_split
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from sk_shallow import ShallowNetClassifier

# sys.argv[0], not __file__: sphinx-gallery runs the script without __file__
DEFAULT_OUT = Path(sys.argv[0]).resolve().parents[1] / "docs" / "images"
ACTIVATIONS = ["identity", "logistic", "tanh", "relu", "leaky_relu", "elu", "swish", "prelu"]
CMAP = plt.get_cmap("RdBu")
POINTS = ListedColormap(["#b2182b", "#2166ac"])


# %%
def make_xor(n_samples, noise, random_state):
    """Four blobs at the corners of a square; opposite corners share a class."""
    rng = np.random.RandomState(random_state)
    X = rng.uniform(-1, 1, size=(n_samples, 2))
    y = (X[:, 0] * X[:, 1] > 0).astype(int)
    return X + noise * rng.randn(n_samples, 2), y


def datasets(n_samples):
    return {
        "moons": make_moons(n_samples, noise=0.25, random_state=0),
        "circles": make_circles(n_samples, noise=0.1, factor=0.5, random_state=0),
        "XOR": make_xor(n_samples, noise=0.1, random_state=0),
    }


def model(name, max_iter):
    if name == "LogisticRegression":
        return make_pipeline(StandardScaler(), LogisticRegression())
    return make_pipeline(StandardScaler(), ShallowNetClassifier(
        n_hidden=20, hidden_activation=name, solver="lbfgs", alpha=0.1, max_iter=max_iter,
        random_state=0))


def main(argv=None):
    # __doc__ is "" when sphinx-gallery runs this file: partition, not splitlines()[0]
    parser = argparse.ArgumentParser(description=__doc__.partition("\n")[0])
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT,
                        help=f"folder for the PNG (default: {DEFAULT_OUT})")
    parser.add_argument("--quick", action="store_true",
                        help="fewer samples, a coarser grid and fewer iterations (smoke test)")
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    n_samples, resolution, max_iter = (120, 40, 100) if args.quick else (400, 200, 500)
    started = time.perf_counter()

    names = ["LogisticRegression", *ACTIVATIONS]
    data = datasets(n_samples)
    fig, axes = plt.subplots(len(data), len(names), figsize=(2.35 * len(names), 2.55 * len(data)))
    print(f"{'':10}" + "".join(f"{n[:10]:>11}" for n in names) + "   (test accuracy)")
    for row, (dataset, (X, y)) in enumerate(data.items()):
        X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.5,
                                                            random_state=0, stratify=y)
        lo, hi = X.min(axis=0) - 0.4, X.max(axis=0) + 0.4
        xx, yy = np.meshgrid(np.linspace(lo[0], hi[0], resolution),
                             np.linspace(lo[1], hi[1], resolution))
        grid = np.column_stack([xx.ravel(), yy.ravel()])
        scores = []
        for col, name in enumerate(names):
            ax = axes[row, col]
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", ConvergenceWarning)
                est = model(name, max_iter).fit(X_train, y_train)
            proba = est.predict_proba(grid)[:, 1].reshape(xx.shape)
            score = est.score(X_test, y_test)
            scores.append(score)
            ax.contourf(xx, yy, proba, levels=np.linspace(0, 1, 11), cmap=CMAP, alpha=0.55)
            ax.contour(xx, yy, proba, levels=[0.5], colors="k", linewidths=1.6)
            ax.scatter(X_train[:, 0], X_train[:, 1], c=y_train, cmap=POINTS, s=13,
                       edgecolors="k", linewidths=0.35)
            ax.text(0.97, 0.03, f"{score:.2f}", transform=ax.transAxes, ha="right",
                    va="bottom", fontsize=12, fontweight="bold",
                    bbox={"boxstyle": "round,pad=0.2", "fc": "white", "ec": "none", "alpha": 0.85})
            ax.set_xticks([])
            ax.set_yticks([])
            ax.set_xlim(lo[0], hi[0])
            ax.set_ylim(lo[1], hi[1])
            if row == 0:
                title = "Logistic\nRegression" if col == 0 else f"net, {name}\n"
                if name == "identity":
                    title = "net, identity\n(linear hidden layer)"
                ax.set_title(title, fontsize=12.5, fontweight="bold" if col <= 1 else None)
            if col == 0:
                ax.set_ylabel(dataset, fontsize=14, fontweight="bold")
            if col <= 1:  # the two linear models: frame them alike
                for spine in ax.spines.values():
                    spine.set_edgecolor("#444444")
                    spine.set_linewidth(2.2)
        print(f"{dataset:10}" + "".join(f"{s:>11.2f}" for s in scores))

    fig.suptitle("A linear hidden layer is just logistic regression: straight boundaries in the "
                 "first two columns, curved ones after. Black line: P(class 1) = 0.5; number: "
                 "test accuracy", fontsize=13.5, x=0.01, ha="left")
    fig.tight_layout(rect=(0, 0, 1, 0.95), w_pad=0.4, h_pad=0.4)
    path = args.out / "decision_boundaries.png"
    fig.savefig(path, dpi=40 if args.quick else 80)
    print(f"wrote {path} in {time.perf_counter() - started:.1f} s")


if __name__ == "__main__":
    main()
