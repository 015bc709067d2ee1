"""The lecture's activation table, drawn: each g(z) beside its derivative g'(z).
=============================================================================

Every curve comes from ``sk_shallow.activations``, the functions the network
trains with; nothing is re-typed here. What to look for:

* step: ``g' = 0`` wherever it exists, so gradient descent gets no signal
  (sk-shallow refuses ``hidden_activation="step"``);
* identity: ``g' = 1`` everywhere; a layer of these keeps the network linear;
* logistic and tanh: the derivative peaks at ``1/4`` and ``1`` at ``z = 0`` and
  vanishes for large ``|z|`` (shaded: ``g' < 0.05``), the vanishing gradient;
* relu: ``g' = 0`` for every ``z < 0`` (a unit stuck there is dead), with the
  course's convention ``g'(0) = 1``; leaky relu and prelu keep a small slope;
* softmax: the outputs of a 3-class slice ``z = (z1, 0.9, 0.75)`` always sum to
  1; at ``z1 = 1.2`` they are the lecture's ``[0.42, 0.31, 0.27]``.

Run ``python examples/plot_activations.py [--out DIR]``; writes ``activations.png``.
"""

# %%
import argparse
import sys
from pathlib import Path

try:
    import matplotlib
except ImportError:
    sys.exit('This example needs matplotlib: pip install ".[examples]" (from the project folder)')

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np

from sk_shallow import activations as act

# sys.argv[0], not __file__: sphinx-gallery runs the script without __file__
DEFAULT_OUT = Path(sys.argv[0]).resolve().parents[1] / "docs" / "images"
VANISHING = 0.05  # shade where g'(z) falls below this
G_COLOR, GRAD_COLOR = "#1f5fa8", "#d1495b"
BOX = {"boxstyle": "round,pad=0.3", "fc": "white", "ec": "0.8", "alpha": 0.9}  # note boxes


# %%
def panel(ax, z, name, A, G, title, note=None, vanishing=False):
    ax.axhline(0, color="0.6", lw=0.8)
    ax.axvline(0, color="0.6", lw=0.8)
    if vanishing:
        ax.fill_between(z, -2, 5, where=G < VANISHING, color="#f2c14e", alpha=0.25, lw=0,
                        label=f"g' < {VANISHING}")
    ax.plot(z, A, color=G_COLOR, lw=2.4, label="g(z)")
    ax.plot(z, G, color=GRAD_COLOR, lw=2.0, ls="--", label="g'(z)")
    ax.set_title(title, fontsize=13, fontweight="bold")
    if note:
        ax.text(0.03, 0.97, note, transform=ax.transAxes, va="top", fontsize=10.5,
                bbox=BOX)
    ax.set_xlim(z[0], z[-1])
    ax.grid(alpha=0.25)


def kink(ax, at_one=1.0, below=0.0):
    """Mark the course's convention g'(0) = 1: filled at 1, open at the left limit."""
    ax.plot([0], [at_one], "o", color=GRAD_COLOR, ms=6, zorder=5)
    ax.plot([0], [below], "o", mfc="white", mec=GRAD_COLOR, ms=6, zorder=5)


def main(argv=None):
    # __doc__ is "" when sphinx-gallery runs this file: partition, not splitlines()[0]
    parser = argparse.ArgumentParser(description=__doc__.partition("\n")[0])
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT,
                        help=f"folder for the PNG (default: {DEFAULT_OUT})")
    parser.add_argument("--quick", action="store_true",
                        help="fewer points (a smoke test; the picture is the same)")
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)

    z = np.linspace(-4, 4, 201 if args.quick else 801)
    Z = z[:, None]  # the activations work on (n_samples, n_hidden) arrays

    fig, axes = plt.subplots(2, 5, figsize=(20, 8.4), sharex=True)
    axes = axes.ravel()

    # %%
    # step: the jump at 0 is drawn as a step, not a steep line
    A = act.step(Z)[:, 0]
    ax = axes[0]
    panel(ax, z, "step", A, act.step_grad(Z, act.step(Z))[:, 0], "step (never trained)",
          "g' = 0 everywhere it exists:\nno gradient to learn from")
    ax.set_ylim(-0.6, 1.6)

    for ax, name, title, note, ylim, vanish in [
        (axes[1], "identity", "identity (linear)", "g' = 1: the network stays linear",
         (-4.2, 4.2), False),
        (axes[2], "logistic", "logistic (sigmoid)", "g'(0) = 1/4, the largest it gets",
         (-0.3, 1.3), True),
        (axes[3], "tanh", "tanh", "g'(0) = 1, zero-centred output", (-1.3, 1.6), True),
        (axes[4], "relu", "relu", "g' = 0 for z < 0: units can die\ng'(0) = 1 (course convention)",
         (-0.6, 4.2), False),
    ]:
        g, g_grad = act.ACTIVATIONS[name]
        A = g(Z)
        G = g_grad(Z, A)
        panel(ax, z, name, A[:, 0], G[:, 0], title, note, vanishing=vanish)
        ax.set_ylim(*ylim)
    kink(axes[4])
    axes[2].plot([0], [0.25], "o", color=GRAD_COLOR, ms=6, zorder=5)
    axes[3].plot([0], [1.0], "o", color=GRAD_COLOR, ms=6, zorder=5)

    # %%
    # leaky relu and prelu: the negative side keeps a slope. 0.01 (the default)
    # is invisible at this scale, so leaky relu is drawn with 0.1.
    slope = 0.1
    A = act.leaky_relu(Z, slope)
    panel(axes[5], z, "leaky_relu", A[:, 0], act.leaky_relu_grad(Z, A, slope)[:, 0],
          f"leaky_relu (slope {slope} drawn)",
          f"g = max({slope} z, z): g' = {slope} for z < 0\n(default leaky_slope = 0.01)")
    axes[5].set_ylim(-0.9, 4.2)
    kink(axes[5], 1.0, slope)

    slope = 0.25
    A = act.prelu(Z, slope)
    panel(axes[6], z, "prelu", A[:, 0], act.prelu_grad(Z, A, slope)[:, 0],
          "prelu (learnt slope, 0.25 at start)",
          "one slope per unit, learnt\nwith the weights")
    axes[6].set_ylim(-1.3, 4.2)
    kink(axes[6], 1.0, slope)

    for ax, name, title, note, ylim in [
        (axes[7], "elu", "elu", "e^z - 1 for z < 0: smooth,\nsaturates at -1", (-1.3, 4.2)),
        (axes[8], "swish", "swish  z sigmoid(z)", "smooth; dips to {min:.2f} at z = {argmin:.1f}",
         (-0.6, 4.2)),
    ]:
        g, g_grad = act.ACTIVATIONS[name]
        A = g(Z)
        note = note.format(min=A.min(), argmin=z[A[:, 0].argmin()])
        panel(ax, z, name, A[:, 0], g_grad(Z, A)[:, 0], title, note)
        ax.set_ylim(*ylim)

    # %%
    # softmax over a 3-class slice: z = (z1, 0.9, 0.75), z1 varies
    ax = axes[9]
    Z3 = np.column_stack([z, np.full_like(z, 0.9), np.full_like(z, 0.75)])
    P = act.softmax(Z3)
    J = act.softmax_grad(Z3, P)  # (n, 3, 3): J[:, k, j] = d a_k / d z_j
    ax.axhline(0, color="0.6", lw=0.8)
    ax.axvline(0, color="0.6", lw=0.8)
    colors = [G_COLOR, "#2a9d8f", "#8d6cab"]
    for k in range(3):
        ax.plot(z, P[:, k], color=colors[k], lw=2.4 if k == 0 else 1.8,
                label=f"a{k + 1}" + (" (z1 varies)" if k == 0 else f" (z{k + 1} = "
                                     f"{Z3[0, k]:g})"))
    ax.plot(z, J[:, 0, 0], color=GRAD_COLOR, lw=2.0, ls="--", label="d a1 / d z1")
    ax.plot(z, J[:, 1, 0], color=GRAD_COLOR, lw=1.4, ls=":", label="d a2 / d z1")
    i = np.argmin(np.abs(z - 1.2))
    at = act.softmax(np.array([[1.2, 0.9, 0.75]]))[0]
    ax.plot([1.2] * 3, at, "ko", ms=5, zorder=5)
    ax.annotate("z = [1.2, 0.9, 0.75]\na = [" + ", ".join(f"{a:.2f}" for a in at) + "]",
                xy=(z[i], at[0]), xytext=(-3.8, 0.78), fontsize=10,
                bbox=BOX,
                arrowprops={"arrowstyle": "->", "color": "0.3"})
    ax.set_title("softmax (3 classes)", fontsize=13, fontweight="bold")
    ax.text(0.97, 0.04, "a1 + a2 + a3 = 1 for every z", transform=ax.transAxes, ha="right",
            fontsize=10, bbox=BOX)
    ax.set_ylim(-0.3, 1.6)
    ax.set_xlim(z[0], z[-1])
    ax.grid(alpha=0.25)
    ax.legend(loc="upper center", ncol=2, fontsize=9, framealpha=0.9, columnspacing=0.8,
              handlelength=1.6)

    for ax in axes[5:]:
        ax.set_xlabel("z", fontsize=12)
    for ax in axes:
        ax.tick_params(labelsize=10)
    handles, labels = axes[2].get_legend_handles_labels()
    fig.legend(handles, labels, loc="upper right", ncol=3, fontsize=12, frameon=False,
               bbox_to_anchor=(0.99, 1.0))
    fig.suptitle("Activation functions g(z) and their derivatives g'(z), "
                 "from sk_shallow.activations", fontsize=16, x=0.01, ha="left", y=0.985)
    fig.tight_layout(rect=(0, 0, 1, 0.95))
    path = args.out / "activations.png"
    fig.savefig(path, dpi=40 if args.quick else 90)
    print(f"wrote {path}")


if __name__ == "__main__":
    main()
