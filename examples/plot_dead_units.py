"""Dying ReLU: how many hidden units never activate, relu against leaky relu, as the step grows.
=============================================================================================

A network of 32 relu (or leaky relu) units learns the two-circles problem
with Adam at learning rates from 0.001 to 3, five seeds each. After training
we look at the hidden layer on the training data (``hidden_activations``):

* a unit *never activates* when ``z < 0`` on every training sample;
* a relu unit there outputs 0 and has ``g'(z) = 0`` on every sample: no
  gradient ever reaches its weights again, so it is dead for good;
* a leaky relu unit there still outputs ``0.01 z`` and has ``g'(z) = 0.01``:
  it keeps a gradient, the lecture's reason to prefer it "if we encounter a
  case of dead neurons".

What to look for: large steps throw units off the data whatever the
activation (left, solid lines); only relu turns them into units with no
gradient at all (left, dashed). The right panel shows where the dead units
of one relu network went: each hidden unit is a line ``w . x + b = 0``, and a
dead unit's line has every training point on its inactive side.

Run ``python examples/plot_dead_units.py [--out DIR]``; writes ``dead_units.png``.
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
from sklearn.datasets import make_circles
from sklearn.exceptions import ConvergenceWarning
from sklearn.preprocessing import StandardScaler

from sk_shallow import ShallowNetClassifier
from sk_shallow import activations as act

# sys.argv[0], not __file__: sphinx-gallery runs the script without __file__
DEFAULT_OUT = Path(sys.argv[0]).resolve().parents[1] / "docs" / "images"
COLORS = {"relu": "#c0392b", "leaky_relu": "#2471a3"}
N_HIDDEN = 32


# %%
def unit_census(net, X, name):
    """Fractions of hidden units that never activate, and that get no gradient, on X."""
    A1 = net.hidden_activations(X)
    Z1 = X @ net.coefs_[0] + net.intercepts_[0]
    never_active = ~(Z1 > 0).any(axis=0)
    no_gradient = ~(act.ACTIVATIONS[name][1](Z1, A1) != 0).any(axis=0)
    return never_active.mean(), no_gradient.mean(), never_active


def fit(name, lr, seed, X, y, epochs):
    net = ShallowNetClassifier(N_HIDDEN, hidden_activation=name, solver="adam",
                               learning_rate_init=lr, max_iter=epochs, random_state=seed)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        return net.fit(X, y)


def main(argv=None):
    # __doc__ is "" when sphinx-gallery runs this file: partition, not splitlines()[0]
    parser = argparse.ArgumentParser(description=__doc__.partition("\n")[0])
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT,
                        help=f"folder for the PNG (default: {DEFAULT_OUT})")
    parser.add_argument("--quick", action="store_true",
                        help="fewer samples, rates and seeds (smoke test)")
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    if args.quick:
        n_samples, rates, seeds, epochs = 300, [1e-3, 0.1, 1.0], range(2), 10
    else:
        n_samples, rates, seeds, epochs = 1000, np.logspace(-3, np.log10(3), 11), range(5), 30
    started = time.perf_counter()

    X, y = make_circles(n_samples, noise=0.1, factor=0.5, random_state=0)
    X = StandardScaler().fit_transform(X)

    fig, (ax_dead, ax_acc, ax_geo) = plt.subplots(1, 3, figsize=(19, 6.2),
                                                  gridspec_kw={"width_ratios": [1.15, 1, 1]})
    print(f"{'lr':>7}  {'activation':<10}  never active  no gradient  train accuracy")
    for name in ["relu", "leaky_relu"]:
        never, none, acc = [], [], []
        for lr in rates:
            runs = [fit(name, lr, seed, X, y, epochs) for seed in seeds]
            census = [unit_census(net, X, name) for net in runs]
            never.append([c[0] for c in census])
            none.append([c[1] for c in census])
            acc.append([net.score(X, y) for net in runs])
            print(f"{lr:7.3f}  {name:<10}  {np.mean(never[-1]):12.2f}  {np.mean(none[-1]):11.2f}"
                  f"  {np.mean(acc[-1]):14.3f}")
        never, none, acc = (np.array(v) for v in (never, none, acc))
        ax_dead.errorbar(rates, never.mean(axis=1), yerr=never.std(axis=1), color=COLORS[name],
                         lw=2.4, marker="o", ms=6, capsize=3,
                         label=f"{name}: never active (z < 0 on every sample)")
        # relu: the same units as the solid line, so drawn as crosses on it
        ax_dead.plot(rates, none.mean(axis=1), color="k" if name == "relu" else COLORS[name],
                     lw=0 if name == "relu" else 2.0, ls="--", marker="X", ms=10, mew=0.5,
                     mfc=COLORS[name], zorder=5,
                     label=f"{name}: no gradient (g'(z) = 0 on every sample)"
                     + (": the same units" if name == "relu" else ": none"))
        ax_acc.errorbar(rates, acc.mean(axis=1), yerr=acc.std(axis=1), color=COLORS[name],
                        lw=2.4, marker="o", ms=6, capsize=3, label=name)

    ax_dead.set_xscale("log")
    ax_dead.set_ylim(-0.03, 1.0)
    ax_dead.set_xlabel("Adam learning_rate_init (log scale)", fontsize=12)
    ax_dead.set_ylabel(f"fraction of the {N_HIDDEN} hidden units", fontsize=12)
    ax_dead.set_title("units thrown off the data, and units left with no gradient",
                      fontsize=13.5, fontweight="bold")
    handles, labels = ax_dead.get_legend_handles_labels()
    order = sorted(range(len(labels)), key=lambda i: ("gradient" in labels[i], labels[i]))
    ax_dead.legend([handles[i] for i in order], [labels[i] for i in order], fontsize=10.5,
                   loc="upper left")
    ax_dead.grid(alpha=0.3)

    ax_acc.set_xscale("log")
    ax_acc.set_ylim(0.4, 1.02)
    ax_acc.set_xlabel("Adam learning_rate_init (log scale)", fontsize=12)
    ax_acc.set_ylabel("training accuracy", fontsize=12)
    ax_acc.set_title(f"accuracy after {epochs} epochs (mean, std over {len(seeds)} seeds)",
                     fontsize=13.5, fontweight="bold")
    ax_acc.legend(fontsize=11, loc="lower left")
    ax_acc.grid(alpha=0.3)

    # %%
    # where the dead units are: one relu network trained with a large step
    lr = 1.0
    net = fit("relu", lr, 0, X, y, epochs)
    _, _, dead = unit_census(net, X, "relu")
    W1, b1 = net.coefs_[0], net.intercepts_[0]
    lim = 2.6
    ax_geo.scatter(X[:, 0], X[:, 1], c=np.where(y == 1, "#5d6d7e", "#d5dbdb"), s=8,
                   edgecolors="none")
    t = np.linspace(-lim, lim, 2)
    for j in range(N_HIDDEN):
        w, b = W1[:, j], b1[j]
        style = {"color": COLORS["relu"], "lw": 2.2, "ls": "--"} if dead[j] else {
            "color": "#1e8449", "lw": 1.1, "alpha": 0.8}
        if abs(w[1]) > abs(w[0]):
            ax_geo.plot(t, -(w[0] * t + b) / w[1], **style)
        elif abs(w[0]) > 0:
            ax_geo.plot(-(w[1] * t + b) / w[0], t, **style)
    ax_geo.plot([], [], color="#1e8449", lw=1.5, label=f"alive ({(~dead).sum()})")
    ax_geo.plot([], [], color=COLORS["relu"], lw=2.2, ls="--", label=f"dead ({dead.sum()})")
    ax_geo.set_xlim(-lim, lim)
    ax_geo.set_ylim(-lim, lim)
    ax_geo.set_aspect("equal")
    ax_geo.set_xticks([])
    ax_geo.set_yticks([])
    ax_geo.legend(fontsize=11, loc="upper right", framealpha=0.95)
    ax_geo.set_title(f"relu, lr = {lr:g}: each unit's line w . x + b = 0", fontsize=13.5,
                     fontweight="bold")

    fig.suptitle("Dying ReLU on the two-circles data: large steps leave relu units that never "
                 "activate and never learn again", fontsize=16, x=0.01, ha="left")
    fig.tight_layout(rect=(0, 0, 1, 0.94))
    path = args.out / "dead_units.png"
    fig.savefig(path, dpi=40 if args.quick else 80)
    print(f"wrote {path} in {time.perf_counter() - started:.1f} s")


if __name__ == "__main__":
    main()
