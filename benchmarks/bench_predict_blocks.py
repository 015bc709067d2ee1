"""predict_proba on many rows: predict's row blocks against MLP, in one process.

Large dense NumPy inputs go through ``sk_shallow._network.logits`` in blocks of
rows (``FORWARD_BLOCK_ROWS`` per BLAS thread, at most ``MAX_BLOCK_ROWS``). This
script times ``predict_proba`` on 100000 x 784 rows with the shipped rule, with
fixed block sizes given on the command line, and MLPClassifier's, alternating
them in each round so that drift hits all alike; it reports medians and the
paired median of MLP's time over each one's. Run it at the threads to study::

    python benchmarks/bench_predict_blocks.py                       # default threads
    OPENBLAS_NUM_THREADS=2 python benchmarks/bench_predict_blocks.py --blocks 1024,4096

(benchmarks/README.md, "On 16 cores", has its figures from a 16-core machine.)
"""

import argparse
import statistics
import time
import warnings

import numpy as np
from sklearn.datasets import make_classification
from sklearn.neural_network import MLPClassifier

from sk_shallow import ShallowNetClassifier, _network, _numpy_blas


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100000)
    parser.add_argument("--rounds", type=int, default=9)
    parser.add_argument("--blocks", default="1024",
                        help="comma-separated fixed block sizes (rows) to time beside the rule")
    args = parser.parse_args(argv)

    X, y = make_classification(12000, 784, n_informative=50, n_classes=10, random_state=0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # two epochs: not converged, on purpose
        ours = ShallowNetClassifier(n_hidden=100, max_iter=2, random_state=0).fit(X, y)
        mlp = MLPClassifier(hidden_layer_sizes=(100,), max_iter=2, random_state=0).fit(X, y)
    Xq = np.ascontiguousarray(np.resize(X, (args.rows, X.shape[1])))
    threads = _numpy_blas.threads()
    rule = min(_network.FORWARD_BLOCK_ROWS * threads, _network.MAX_BLOCK_ROWS)
    fixed = [int(b) for b in args.blocks.split(",") if b]

    def with_blocks(rows):
        """``predict_proba`` in fixed blocks of ``rows``: the rule at one thread, no cap."""
        def run():
            saved = _network.FORWARD_BLOCK_ROWS, _network.MAX_BLOCK_ROWS, _numpy_blas.threads
            _network.FORWARD_BLOCK_ROWS = _network.MAX_BLOCK_ROWS = rows
            _numpy_blas.threads = lambda: 1  # the module _network reads it from
            try:
                return ours.predict_proba(Xq)
            finally:
                _network.FORWARD_BLOCK_ROWS, _network.MAX_BLOCK_ROWS, _numpy_blas.threads = saved
        return run

    calls = {f"rule ({rule} rows)": lambda: ours.predict_proba(Xq)}
    calls.update({f"{rows} rows": with_blocks(rows) for rows in fixed})
    calls["MLP"] = lambda: mlp.predict_proba(Xq)
    times = {name: [] for name in calls}
    for r in range(args.rounds):
        for name in (list(calls) if r % 2 == 0 else list(calls)[::-1]):
            start = time.perf_counter()
            calls[name]()
            times[name].append(time.perf_counter() - start)

    print(f"predict_proba on {args.rows} x {X.shape[1]} float64, {threads} BLAS thread(s), "
          f"{args.rounds} rounds")
    print("| blocks | median ms | MLP / this, paired median | rounds (ms) |")
    print("|---|---|---|---|")
    for name, values in times.items():
        paired = statistics.median(m / v for m, v in zip(times["MLP"], values))
        print(f"| {name} | {statistics.median(values) * 1e3:.1f} | {paired:.2f} | "
              f"{' '.join(f'{v * 1e3:.0f}' for v in values)} |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
