"""Smoke test of benchmarks/bench_mlp.py: ``--quick`` runs and prints a table that parses.

No timing assertions: the numbers belong to the benchmark's output, not to the
test suite. The quick run trains every variant for two epochs on 1500 rows of 100 features.
"""

import os
import re
import shutil
import subprocess
import sys

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SCRIPT = os.path.join(ROOT, "benchmarks", "bench_mlp.py")
FIT_COLUMNS = ["variant", "compute", "iters", "s/epoch (cpu)", "s/epoch (wall)", "vs", "ratio",
               "GEMM frac", "acc / R2", "+MB traced", "+MB RSS"]


def _tables(text):
    """Markdown tables in ``text``: lists of rows, each a list of stripped cells."""
    tables, current = [], []
    for line in text.splitlines():
        if line.startswith("|"):
            current.append([cell.strip() for cell in line.strip().strip("|").split("|")])
        elif current:
            tables.append(current)
            current = []
    if current:
        tables.append(current)
    return tables


def _number(cell):
    return None if cell == "n/a" else float(cell)


@pytest.fixture(scope="module")
def quick_output():
    proc = subprocess.run([sys.executable, SCRIPT, "--quick"], capture_output=True, text=True,
                          timeout=300, cwd=ROOT, check=False)
    assert proc.returncode == 0, proc.stderr[-3000:]
    return proc.stdout


def test_quick_run_prints_the_fit_table(quick_output):
    fit = next(t for t in _tables(quick_output) if t[0][0] == "variant")
    assert fit[0] == FIT_COLUMNS
    assert set(fit[1]) == {"---"}
    rows = {row[0]: dict(zip(FIT_COLUMNS, row)) for row in fit[2:]}
    expected = {"mlp-adam-f64", "sk-adam-f64", "mlp-adam-f32", "sk-adam-f32", "sk-adam-f64X-f32",
                "mlp-sgd-f64", "sk-sgd-f64", "mlp-lbfgs-f64", "sk-lbfgs-f64",
                "sk-lbfgs-f64X-f32", "mlpreg-adam-f64", "skreg-adam-f64", "skreg-adam-f64X-f32"}
    assert expected <= set(rows)
    for name, row in rows.items():
        assert _number(row["s/epoch (cpu)"]) > 0, name
        assert 0 <= _number(row["GEMM frac"]) < 10, name
        if name.startswith("sk"):  # every sk_shallow row is compared with its reference
            assert row["vs"] in rows and _number(row["ratio"]) > 0, name
        score = _number(row["acc / R2"])
        assert -1 <= score <= 1, name
    assert rows["sk-adam-f64X-f32"]["compute"] == "float32"
    assert rows["sk-adam-f64"]["compute"] == "float64"
    assert rows["sk-lbfgs-f64"]["iters"].endswith("evals)")


def test_quick_run_prints_latency_and_every_target(quick_output):
    latency = next(t for t in _tables(quick_output) if t[0][0] == "predict_proba rows")
    assert [int(row[0]) for row in latency[2:]] == [1, 100, 2000]
    for row in latency[2:]:
        assert all(_number(cell) > 0 for cell in row[1:])
    lines = quick_output.splitlines()
    verdict = re.compile(r": (-?[\d.]+ \(bar [\d.]+\) (met|NOT met)|\+[\d.]+ MB traced .*: (met|NOT met)$)")
    for target in ("P1", "P2", "P3", "P4", "P5", "P6", "P7", "P8"):
        hits = [line for line in lines if line.startswith(f"- {target} ")]
        assert hits, target
        for line in hits:
            # only the PyTorch comparison may be missing (torch is optional)
            assert verdict.search(line) or ("PyTorch: not measured" in line), line
    assert any(line.startswith("blas: ") for line in lines)
    assert any(line.startswith("command: ") for line in lines)


def test_baseline_run_compares_each_sk_variant_with_the_code_it_is_given(tmp_path):
    # a copy of this package stands in for an older revision: the run must import
    # it (the parent stops when a child imports another copy) and pair its rows
    shutil.copytree(os.path.join(ROOT, "sk_shallow"), tmp_path / "sk_shallow",
                    ignore=shutil.ignore_patterns("__pycache__"))
    proc = subprocess.run([sys.executable, SCRIPT, "--quick", "--baseline", str(tmp_path),
                           "--only", "mlp-proba,sk-proba,skreg-adam-f64"],
                          capture_output=True, text=True, timeout=300, cwd=ROOT, check=False)
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert f"before/after: baseline {tmp_path} against this tree" in proc.stdout
    imported = dict(line.split(": ", 1) for line in proc.stdout.splitlines()
                    if line.startswith(("sk_shallow: ", "baseline sk_shallow: ")))

    def where(text):
        return os.path.realpath(text.split(" from ", 1)[1])

    assert where(imported["sk_shallow"]) == os.path.realpath(os.path.join(ROOT, "sk_shallow"))
    assert where(imported["baseline sk_shallow"]) == os.path.realpath(tmp_path / "sk_shallow")
    table = next(t for t in _tables(proc.stdout) if t[0][0] == "variant" and "3 % bar" in t[0])
    rows = {row[0]: row for row in table[2:]}
    assert set(rows) == {"skreg-adam-f64 (s/epoch)", "sk-proba 1 rows (us)",
                         "sk-proba 100 rows (us)", "sk-proba 2000 rows (us)"}
    for label, (_, base, this, ratio, per_round, *_, verdict) in rows.items():
        assert _number(base) > 0 and _number(this) > 0, label
        assert _number(ratio) == float(per_round) > 0, label  # one round: its own median
        assert verdict == ("met" if _number(ratio) >= 0.97 else "NOT met"), label
    # the same code on both sides fits the same model
    score_base, score_this = rows["skreg-adam-f64 (s/epoch)"][5:7]
    assert score_base == score_this


def test_baseline_must_name_a_revision_or_a_package_directory(tmp_path):
    proc = subprocess.run([sys.executable, SCRIPT, "--quick", "--baseline", str(tmp_path)],
                          capture_output=True, text=True, timeout=60, cwd=ROOT, check=False)
    assert proc.returncode != 0
    assert "holds no sk_shallow/__init__.py" in proc.stderr
