"""How many hidden units? The classic sweep on planar data: 1, 2, 3, 4, 5, 20, 50 tanh units.
==========================================================================================

The "flower" of the course's planar-data exercise: two classes wound into
petals, which no straight line (and so no logistic regression) separates.
One tanh hidden layer of each size is trained by batch gradient descent on a
training half and scored on the held-out half.

What to look for: one unit draws one line; each extra unit adds a bend; a
handful of units already follow the petals; beyond that the training
accuracy keeps creeping up while the test accuracy stops improving
(every size gets the same light L2 penalty, ``alpha=1e-3``).

Run ``python examples/plot_hidden_units.py [--out DIR]``; writes ``hidden_units.png``.
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
from sklearn.exceptions import ConvergenceWarning
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import train_test_split

from sk_shallow import ShallowNetClassifier

# sys.argv[0], not __file__: sphinx-gallery runs the script without __file__
DEFAULT_OUT = Path(sys.argv[0]).resolve().parents[1] / "docs" / "images"
HIDDEN_SIZES = [1, 2, 3, 4, 5, 20, 50]
CMAP = plt.get_cmap("RdBu")
POINTS = ListedColormap(["#b2182b", "#2166ac"])


# %%
def make_flower(n_samples=400, petals=4, random_state=0):
    """The planar "flower": two classes of points on ``r = petals * sin(4 t)`` with noise."""
    rng = np.random.RandomState(random_state)
    per_class = n_samples // 2
    X = np.empty((2 * per_class, 2))
    y = np.repeat([0, 1], per_class)
    for j in range(2):
        t = np.linspace(j * 3.12, (j + 1) * 3.12, per_class) + 0.2 * rng.randn(per_class)
        r = petals * np.sin(4 * t) + 0.2 * rng.randn(per_class)
        X[j * per_class:(j + 1) * per_class] = np.column_stack([r * np.sin(t), r * np.cos(t)])
    return X, y


def main(argv=None):
    # __doc__ is "" when sphinx-gallery runs this file: partition, not splitlines()[0]
    parser = argparse.ArgumentParser(description=__doc__.partition("\n")[0])
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT,
                        help=f"folder for the PNG (default: {DEFAULT_OUT})")
    parser.add_argument("--quick", action="store_true",
                        help="fewer samples, epochs and grid points (smoke test)")
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    n_samples, max_iter, resolution = (200, 300, 60) if args.quick else (800, 3000, 200)
    started = time.perf_counter()

    X, y = make_flower(n_samples)
    X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.5, random_state=0,
                                                        stratify=y)
    lo, hi = X.min(axis=0) - 0.5, X.max(axis=0) + 0.5
    xx, yy = np.meshgrid(np.linspace(lo[0], hi[0], resolution),
                         np.linspace(lo[1], hi[1], resolution))
    grid = np.column_stack([xx.ravel(), yy.ravel()])

    fig, axes = plt.subplots(2, 4, figsize=(17, 8.6))
    axes = axes.ravel()
    train_acc, test_acc = [], []
    print(f"{'n_hidden':>8}  {'train':>6}  {'test':>6}  epochs")
    for ax, n_hidden in zip(axes, HIDDEN_SIZES):
        # the course's batch gradient descent: every sample in each step, no momentum
        net = ShallowNetClassifier(
            n_hidden, hidden_activation="tanh", solver="sgd", batch_size=X_train.shape[0],
            momentum=0.0, learning_rate_init=1.2, alpha=1e-3, max_iter=max_iter, tol=1e-6,
            n_iter_no_change=50, random_state=1,
        )
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)
            net.fit(X_train, y_train)
        train_acc.append(net.score(X_train, y_train))
        test_acc.append(net.score(X_test, y_test))
        print(f"{n_hidden:>8}  {train_acc[-1]:6.3f}  {test_acc[-1]:6.3f}  {net.n_iter_}")
        proba = net.predict_proba(grid)[:, 1].reshape(xx.shape)
        ax.contourf(xx, yy, proba, levels=np.linspace(0, 1, 11), cmap=CMAP, alpha=0.55)
        ax.contour(xx, yy, proba, levels=[0.5], colors="k", linewidths=1.5)
        ax.scatter(X_train[:, 0], X_train[:, 1], c=y_train, cmap=POINTS, s=11,
                   edgecolors="k", linewidths=0.3)
        unit = "unit" if n_hidden == 1 else "units"
        ax.set_title(f"{n_hidden} hidden {unit}: test {test_acc[-1]:.0%}", fontsize=14,
                     fontweight="bold")
        ax.set_xticks([])
        ax.set_yticks([])

    # %%
    # the summary panel: accuracy against the number of hidden units
    ax = axes[-1]
    lr_test = LogisticRegression().fit(X_train, y_train).score(X_test, y_test)
    ax.plot(HIDDEN_SIZES, train_acc, "o-", color="#2166ac", lw=2.2, ms=7, label="train")
    ax.plot(HIDDEN_SIZES, test_acc, "s-", color="#e07a1f", lw=2.2, ms=7, label="test")
    ax.axhline(lr_test, color="0.4", ls="--", lw=1.5,
               label=f"LogisticRegression, test ({lr_test:.0%})")
    ax.set_xscale("log")
    ax.set_xticks(HIDDEN_SIZES)
    ax.set_xticklabels([str(n) for n in HIDDEN_SIZES])
    ax.minorticks_off()
    ax.set_xlabel("hidden units (log scale)", fontsize=12)
    ax.set_ylabel("accuracy", fontsize=12)
    ax.set_ylim(0.4, 1.0)
    ax.grid(alpha=0.3)
    ax.legend(loc="lower right", bbox_to_anchor=(1.0, 0.2), fontsize=11)
    ax.set_title("accuracy vs hidden units", fontsize=14, fontweight="bold")
    ax.tick_params(labelsize=11)

    fig.suptitle("Hidden-layer size on the planar \"flower\": one tanh layer, batch gradient "
                 "descent, training points shown, black line P = 0.5", fontsize=15,
                 x=0.01, ha="left")
    fig.tight_layout(rect=(0, 0, 1, 0.95))
    path = args.out / "hidden_units.png"
    fig.savefig(path, dpi=40 if args.quick else 80)
    print(f"wrote {path} in {time.perf_counter() - started:.1f} s")


if __name__ == "__main__":
    main()
