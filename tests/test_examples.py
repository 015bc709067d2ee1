"""Smoke test of examples/: every script runs with --quick into a temporary folder.

The scripts run in subprocesses, two at a time, each with one BLAS thread (two
processes on two cores; more threads would only fight over them). Each plot
must be a valid, non-blank PNG; the quickstart's table is parsed and the
network's accuracy on digits must clear a floor. The quickstart runs with
matplotlib and pandas made unimportable: it must work on a bare
``pip install .``.
"""

import concurrent.futures
import csv
import importlib.util
import os
import re
import subprocess
import sys
from pathlib import Path

import matplotlib.image
import numpy as np
import pytest
from sklearn.datasets import load_iris

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"
PLOTS = {
    "plot_activations.py": ["activations.png"],
    "plot_decision_boundaries.py": ["decision_boundaries.png"],
    "plot_hidden_units.py": ["hidden_units.png"],
    "plot_learning_curves.py": ["learning_curves.png"],
    "plot_dead_units.py": ["dead_units.png"],
    "compare_logistic_regression.py": ["compare_logistic_regression.png"],
}
# Runs the quickstart with matplotlib and pandas unimportable: a finder first on
# sys.meta_path refuses them (scikit-learn only uses pandas if it was imported).
BARE = """
import runpy, sys

class Refuse:
    def find_spec(self, name, path=None, target=None):
        if name.partition(".")[0] in ("matplotlib", "pandas"):
            raise ImportError(f"{name} is refused: the quickstart must run without it")

sys.meta_path.insert(0, Refuse())
path = sys.argv[1]
sys.argv = sys.argv[1:]
runpy.run_path(path, run_name="__main__")
"""
DIGITS_FLOOR = 0.93


def _run(args, cwd):
    env = dict(os.environ, MPLBACKEND="Agg", OMP_NUM_THREADS="1", OPENBLAS_NUM_THREADS="1",
               MKL_NUM_THREADS="1")
    return subprocess.run([sys.executable, *args], check=False, cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=300)


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    """Run every example once; ``{key: (CompletedProcess, out_dir)}``."""
    root = tmp_path_factory.mktemp("examples")
    iris = load_iris()
    csv_path = root / "iris.csv"
    with open(csv_path, "w", newline="") as f:
        writer = csv.writer(f)
        writer.writerow([*iris.feature_names, "species"])
        for x, t in zip(iris.data, iris.target):
            writer.writerow([*x, iris.target_names[t]])
    quickstart = str(EXAMPLES / "quickstart.py")
    jobs = {
        "quickstart": ["-c", BARE, quickstart, "--quick"],
        "quickstart --regression": ["-c", BARE, quickstart, "--quick", "--regression"],
        "quickstart --csv": [quickstart, "--quick", "--csv", str(csv_path), "--target",
                             "species"],
    }
    for script in PLOTS:
        out = root / script.removesuffix(".py")
        jobs[script] = [str(EXAMPLES / script), "--quick", "--out", str(out)]
    with concurrent.futures.ThreadPoolExecutor(max_workers=2) as pool:
        futures = {key: pool.submit(_run, args, root) for key, args in jobs.items()}
        results = {key: future.result() for key, future in futures.items()}
    return {key: (results[key], root / key.removesuffix(".py")) for key in results}


def _succeeded(result):
    assert result.returncode == 0, f"exit {result.returncode}\n{result.stdout}\n{result.stderr}"


@pytest.mark.parametrize("script", sorted(PLOTS))
def test_plot_example_writes_valid_non_blank_pngs(runs, script):
    result, out = runs[script]
    _succeeded(result)
    for name in PLOTS[script]:
        path = out / name
        assert path.is_file(), f"{script} did not write {name}; it wrote {list(out.iterdir())}"
        assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n", f"{name} is not a PNG"
        pixels = matplotlib.image.imread(path)[..., :3]
        assert pixels.shape[0] >= 200 and pixels.shape[1] >= 200, pixels.shape
        # not blank: a real share of the picture is not background, and it varies
        not_white = (pixels < 0.9).any(axis=-1).mean()
        assert not_white > 0.05, f"{name}: only {not_white:.1%} of the pixels are drawn"
        assert pixels.std() > 0.05


def _table(stdout):
    """Parse the quickstart's table into ``{model: (mean, std, fit_seconds, params)}``."""
    rows = {}
    pattern = re.compile(r"^(\S.*?)\s{2,}(-?\d+\.\d+) \+/- (\d+\.\d+)\s+(\d+\.\d+) s\s+(.*)$")
    for line in stdout.splitlines():
        match = pattern.match(line)
        if match:
            model, mean, std, fit, params = match.groups()
            rows[model] = (float(mean), float(std), float(fit), params)
    return rows


def test_quickstart_prints_the_comparison_without_matplotlib_or_pandas(runs):
    result, _ = runs["quickstart"]
    _succeeded(result)
    assert "digits" in result.stdout
    rows = _table(result.stdout)
    assert list(rows) == ["LogisticRegression", "ShallowNetClassifier",
                          "MLPClassifier (1 hidden layer)",
                          "ShallowNetClassifier + GridSearchCV"], result.stdout
    for model, (mean, std, fit, params) in rows.items():
        assert 0 <= mean <= 1 and 0 <= std < 0.2 and fit >= 0, (model, result.stdout)
        assert params, model
    assert rows["ShallowNetClassifier"][0] > DIGITS_FLOOR, result.stdout
    assert rows["ShallowNetClassifier + GridSearchCV"][0] > DIGITS_FLOOR, result.stdout
    best = rows["ShallowNetClassifier + GridSearchCV"][3]
    assert re.search(r"hidden_activation='\w+', n_hidden=\d+", best), best


def test_quickstart_regression_compares_with_ridge_and_mlp(runs):
    result, _ = runs["quickstart --regression"]
    _succeeded(result)
    rows = _table(result.stdout)
    assert list(rows) == ["Ridge", "ShallowNetRegressor", "MLPRegressor (1 hidden layer)",
                          "ShallowNetRegressor + GridSearchCV"], result.stdout
    assert "CV R^2" in result.stdout
    # diabetes: a linear model explains about half the variance; so does the tuned net
    assert rows["ShallowNetRegressor + GridSearchCV"][0] > 0.3, result.stdout


def test_quickstart_runs_on_a_csv_with_text_labels(runs):
    result, _ = runs["quickstart --csv"]
    _succeeded(result)
    assert "150 samples, 4 features, 3 classes" in result.stdout
    rows = _table(result.stdout)
    assert rows["ShallowNetClassifier + GridSearchCV"][0] > 0.85, result.stdout


# %%
# Bad CSVs fail before any fitting, so these call main() in-process.
@pytest.fixture(scope="module")
def quickstart():
    spec = importlib.util.spec_from_file_location("quickstart", EXAMPLES / "quickstart.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _write(path, rows):
    with open(path, "w", newline="") as f:
        csv.writer(f).writerows(rows)
    return str(path)


@pytest.mark.parametrize("case, rows, target, extra, message", [
    ("missing column", [["a", "b", "y"], [1, 2, 0], [3, 4, 1]], "label", [],
     r"--target 'label' is not a column .*'a', 'b', 'y'"),
    ("text feature", [["a", "b", "y"], [1, 2, 0], [3, "red", 1]], "y", [],
     r"line 3: column 'b' is 'red', not a number"),
    ("empty feature", [["a", "b", "y"], [1, "", 0], [3, 4, 1]], "y", [],
     r"line 2: column 'b' is empty"),
    ("text regression target", [["a", "y"], [1, "x"], [2, "z"]], "y", ["--regression"],
     r"column 'y' is 'x', not a number"),
    ("continuous target", [["a", "y"], *[[i, i + 0.5] for i in range(12)]], "y", [],
     r"continuous numbers.*--regression"),
    ("single class", [["a", "y"], *[[i, 1] for i in range(12)]], "y", [],
     r"single class"),
])
def test_quickstart_csv_errors_exit_2_with_a_clear_message(quickstart, tmp_path, capsys, case,
                                                           rows, target, extra, message):
    path = _write(tmp_path / "data.csv", rows)
    with pytest.raises(SystemExit) as exit_info:
        quickstart.main(["--csv", path, "--target", target, *extra])
    assert exit_info.value.code == 2
    err = capsys.readouterr().err
    assert re.search(message, err), err


@pytest.mark.parametrize("argv, message", [
    (["--csv", "data.csv"], r"--csv needs --target"),
    (["--target", "y"], r"--target needs --csv"),
    (["--csv", "no/such/file.csv", "--target", "y"], r"cannot read the file"),
])
def test_quickstart_argument_errors_exit_2(quickstart, capsys, argv, message):
    with pytest.raises(SystemExit) as exit_info:
        quickstart.main(argv)
    assert exit_info.value.code == 2
    assert re.search(message, capsys.readouterr().err)


def test_quickstart_help_names_every_option(quickstart, capsys):
    with pytest.raises(SystemExit) as exit_info:
        quickstart.main(["--help"])
    assert exit_info.value.code == 0
    text = capsys.readouterr().out
    for option in ["--csv PATH", "--target COLUMN", "--regression", "--quick", "linear model",
                   "MLP", "GridSearchCV", "digits", "diabetes"]:
        assert option in text, option


def test_quickstart_reads_numbers_and_text_labels(quickstart, tmp_path):
    import argparse

    path = _write(tmp_path / "data.csv", [["x1", "label", "x2"], [1.5, "cat", -2],
                                          [2, "dog", 3e-1], [0, "cat", 4]])
    X, y, features = quickstart.read_csv(path, "label", False, argparse.ArgumentParser())
    np.testing.assert_array_equal(X, [[1.5, -2.0], [2.0, 0.3], [0.0, 4.0]])
    assert list(y) == ["cat", "dog", "cat"] and features == ["x1", "x2"]


def test_readme_shows_every_committed_picture():
    readme = (EXAMPLES.parent / "README.md").read_text()
    start, end = readme.index("<!-- BEGIN examples -->"), readme.index("<!-- END examples -->")
    section = readme[start:end]
    shown = set(re.findall(r"!\[[^\]]*\]\((docs/images/[\w.]+\.png)\)", section))
    expected = {f"docs/images/{name}" for names in PLOTS.values() for name in names}
    assert shown == expected
    for path in shown:
        assert (EXAMPLES.parent / path).is_file(), f"{path} is shown but not committed"
    for script in [*PLOTS, "quickstart.py"]:
        assert f"examples/{script}" in section, f"the README does not say how to run {script}"
