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
    proc = subprocess.run([sys.executable, SCRIPT, "--quick", "--threads", "default,1"],
                          capture_output=True, text=True, timeout=300, cwd=ROOT, check=False)
    assert proc.returncode == 0, proc.stderr[-3000:]
    return proc.stdout


def _setting(output, threads):
    """The part of the report under the ``## threads: <threads>`` heading."""
    parts = re.split(r"^## threads: (\S+) ", output, flags=re.MULTILINE)
    sections = dict(zip(parts[1::2], parts[2::2]))
    return sections[threads]


@pytest.mark.parametrize("threads", ["default", "1"])
def test_quick_run_prints_the_fit_table_per_thread_setting(quick_output, threads):
    section = _setting(quick_output, threads)
    clock = "wall" if threads == "default" else "CPU"
    assert section.startswith("(") and f"times and ratios are {clock} seconds" in section
    fit = next(t for t in _tables(section) if t[0][0] == "variant")
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


@pytest.mark.parametrize("threads", ["default", "1"])
def test_quick_run_prints_latency_and_every_bar(quick_output, threads):
    section = _setting(quick_output, threads)
    latency = next(t for t in _tables(section) if t[0][0] == "predict_proba rows")
    assert [int(row[0]) for row in latency[2:]] == [1, 100, 2000]
    for row in latency[2:]:
        assert all(_number(cell) > 0 for cell in row[1:])
    lines = section.splitlines()
    verdict = re.compile(r": -?[\d.]+ \(bar ([\d.]+)\) (met|NOT met)")
    bars = {"adam f64, x MLP": 1.3, "adam f32, x MLP": 1.4, "sgd f64, x MLP": 1.0,
            "lbfgs f64, x MLP": 1.0, "regressor f64, x MLPRegressor": 1.5,
            "adam dtype='float32' on float64 X, x MLP f64": 1.0,
            "predict_proba 1 rows, x MLP": 3.0, "predict_proba 100 rows, x MLP": 1.0,
            "predict_proba 2000 rows, x MLP": 1.0}
    for label, bar in bars.items():
        line = next(line for line in lines if line.startswith(f"- {label}: "))
        found = verdict.search(line)
        assert found and float(found.group(1)) == bar, line
    memory = [line for line in lines if line.startswith("- memory ")]
    assert len(memory) == 4 and all(line.endswith(("met", "NOT met")) for line in memory)
    assert any(line.startswith("blas: ") for line in quick_output.splitlines())
    assert any(line.startswith("command: ") for line in quick_output.splitlines())


def test_quick_run_with_both_settings_reports_threads_speed_up(quick_output):
    table = next(t for t in _tables(quick_output) if t[0][0] == "variant" and "speed-up" in t[0])
    rows = {row[0]: row for row in table[2:]}
    assert {"sk-adam-f64 (s/epoch)", "mlp-adam-f64 (s/epoch)", "sk-proba 1 rows (us)",
            "mlp-proba 1 rows (us)"} <= set(rows)
    for label, (_, one, default, speedup, verdict) in rows.items():
        assert _number(one) > 0 and _number(default) > 0, label
        # one round: the median of its one ratio, printed to two decimals
        assert _number(speedup) == pytest.approx(_number(one) / _number(default), abs=0.006)
        assert verdict in ("help", "no change", "HURT"), label


def test_default_threads_unpin_and_a_number_pins_every_pool(monkeypatch):
    sys.path.insert(0, os.path.join(ROOT, "benchmarks"))
    try:
        import bench_mlp
    finally:
        sys.path.pop(0)
    for var in bench_mlp.THREAD_VARIABLES:
        monkeypatch.setenv(var, "3")  # pinned in the parent's environment
    default = bench_mlp.child_env(False, "default")
    assert not set(bench_mlp.THREAD_VARIABLES) & set(default)
    assert all(bench_mlp.child_env(False, "2")[var] == "2" for var in bench_mlp.THREAD_VARIABLES)
    assert bench_mlp.parse_threads("default,1") == ["default", "1"]
    for bad in ("0", "two", "1,1", ""):
        with pytest.raises(ValueError, match="--threads"):
            bench_mlp.parse_threads(bad)


def test_baseline_run_compares_each_sk_variant_with_the_code_it_is_given(tmp_path):
    # a copy of this package stands in for an older revision: the run must import
    # it (the parent stops when a child imports another copy) and pair its rows
    shutil.copytree(os.path.join(ROOT, "sk_shallow"), tmp_path / "sk_shallow",
                    ignore=shutil.ignore_patterns("__pycache__"))
    proc = subprocess.run([sys.executable, SCRIPT, "--quick", "--baseline", str(tmp_path),
                           "--only", "mlp-proba,sk-proba,skreg-adam-f64"],
                          capture_output=True, text=True, timeout=300, cwd=ROOT, check=False)
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert f"before/after at threads=default: baseline {tmp_path} against this tree" in proc.stdout
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


def test_the_predict_blocks_script_times_the_rule_fixed_blocks_and_mlp():
    script = os.path.join(ROOT, "benchmarks", "bench_predict_blocks.py")
    result = subprocess.run([sys.executable, script, "--rows", "3000", "--rounds", "1",
                             "--blocks", "512"], capture_output=True, text=True, check=False,
                            timeout=300, env=dict(os.environ, OPENBLAS_NUM_THREADS="2"))
    assert result.returncode == 0, result.stderr[-3000:]
    (table,) = _tables(result.stdout)
    assert table[0] == ["blocks", "median ms", "MLP / this, paired median", "rounds (ms)"]
    rows = {row[0]: row for row in table[2:]}
    # two BLAS threads: the rule's blocks are two of FORWARD_BLOCK_ROWS (one
    # where NumPy's BLAS is not the bundled OpenBLAS, whose threads we read)
    from sk_shallow import _numpy_blas

    rule = 2048 if _numpy_blas.LIBRARY is not None else 1024
    assert list(rows) == [f"rule ({rule} rows)", "512 rows", "MLP"]
    assert all(float(row[1]) > 0 and float(row[2]) > 0 for row in rows.values())
    assert rows["MLP"][2] == "1.00"
