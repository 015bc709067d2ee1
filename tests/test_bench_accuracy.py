"""Smoke test of benchmarks/bench_accuracy.py: ``--quick`` runs and prints a table with scores.

No accuracy or timing assertions: the verdicts belong to the benchmark's output, not to the
test suite. The quick run is 2 seeds x 3 folds on iris-raw and moons-scaled, plus the hard cases.
"""

import os
import re
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SCRIPT = os.path.join(ROOT, "benchmarks", "bench_accuracy.py")


def test_quick_run_prints_table_with_scores():
    proc = subprocess.run([sys.executable, SCRIPT, "--quick"], capture_output=True, text=True,
                          check=False, cwd=ROOT, timeout=120)  # returncode asserted below
    assert proc.returncode == 0, proc.stderr
    out = proc.stdout
    assert re.search(r"^dataset\s+n x d\s+shallow\s+MLP\s+linear", out, re.MULTILINE), out
    for name in ("iris-raw", "moons-scaled"):
        row = next(line for line in out.splitlines() if line.startswith(name))
        # the first three numbers after the shape are the mean scores of the three estimators
        scores = [float(cell) for cell in row.split()[2:5]]
        assert all(0.0 <= score <= 1.0 for score in scores), row
    assert "Hard cases" in out
    assert re.search(r"Overall verdict: (PASS|FAIL)", out)
