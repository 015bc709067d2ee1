"""sk-shallow quickstart: a one-hidden-layer network against LogisticRegression and MLP.
=====================================================================================

With no arguments this fits on the digits data that ships with scikit-learn
(no download) and prints one table:

* ``LogisticRegression``: the lecture's starting point, a network with no hidden layer;
* ``ShallowNetClassifier``: ``Pipeline(StandardScaler(), ShallowNetClassifier())``;
* ``MLPClassifier``: scikit-learn's network, one hidden layer, the same settings;
* ``ShallowNetClassifier + GridSearchCV``: the pipeline tuned over every
  hidden activation and a few hidden-layer sizes.

Every row is scored on the same cross-validation folds. The grid-search row
reports the best candidate's score on those folds, so it is the best of many
(slightly optimistic); the other rows are single, fixed models.

Only numpy, scipy and scikit-learn are needed (no matplotlib, no pandas).

Run ``python examples/quickstart.py --help`` for the options: your own CSV
(``--csv PATH --target COLUMN``), regression (``--regression``: the regressor
against ``Ridge`` and ``MLPRegressor`` on the bundled diabetes data), and
``--quick`` (fewer folds and a smaller grid, for smoke tests).
"""

# %%
import argparse
import csv
import textwrap
import time
import warnings

import numpy as np
from sklearn.base import clone
from sklearn.compose import TransformedTargetRegressor
from sklearn.datasets import load_diabetes, load_digits
from sklearn.exceptions import ConvergenceWarning
from sklearn.linear_model import LogisticRegression, Ridge
from sklearn.model_selection import GridSearchCV, KFold, StratifiedKFold, cross_validate
from sklearn.neural_network import MLPClassifier, MLPRegressor
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.utils.multiclass import type_of_target

from sk_shallow import ShallowNetClassifier, ShallowNetRegressor

ACTIVATIONS = ["identity", "logistic", "tanh", "relu", "leaky_relu", "elu", "swish", "prelu"]
# The settings the net and the MLP share (the MLP's parameters have the same names).
SHARED = {"solver": "adam", "learning_rate_init": 0.01, "alpha": 1e-4, "max_iter": 200,
          "random_state": 0}
N_HIDDEN = 64


# %%
# Reading the user's CSV with the standard library: no pandas needed.
def read_csv(path, target, regression, parser):
    """Return ``X (n_samples, n_features)``, ``y (n_samples,)`` and the feature names.

    Every feature must be numeric; the target may hold text labels for
    classification. Problems are reported through ``parser.error`` (exit code 2).
    """
    try:
        with open(path, newline="", encoding="utf-8-sig") as f:
            sample = f.read(64 * 1024)
            f.seek(0)
            try:
                dialect = csv.Sniffer().sniff(sample, delimiters=",;\t")
            except csv.Error:
                dialect = csv.excel
            rows = [row for row in csv.reader(f, dialect) if any(cell.strip() for cell in row)]
    except OSError as exc:
        parser.error(f"--csv {path}: cannot read the file ({exc.strerror}).")
    except UnicodeDecodeError:
        parser.error(f"--csv {path}: the file is not UTF-8 text.")
    if len(rows) < 2:
        parser.error(f"--csv {path}: need a header row and at least one data row.")
    header = [name.strip() for name in rows[0]]
    if target not in header:
        parser.error(f"--target {target!r} is not a column of {path}; its columns are: "
                     + ", ".join(repr(name) for name in header))
    if len(header) < 2:
        parser.error(f"--csv {path}: need at least one feature column besides the target.")
    body = rows[1:]
    for line, row in enumerate(body, start=2):
        if len(row) != len(header):
            parser.error(f"--csv {path}, line {line}: {len(row)} fields, but the header has "
                         f"{len(header)}.")
    j_target = header.index(target)
    features = [name for j, name in enumerate(header) if j != j_target]
    X = np.empty((len(body), len(features)))
    k = 0
    for j, name in enumerate(header):
        if j == j_target:
            continue
        for i, row in enumerate(body):
            X[i, k] = _number(row[j], name, i + 2, path, parser)
        k += 1
    raw = [row[j_target].strip() for row in body]
    if regression:
        y = np.array([_number(v, target, i + 2, path, parser) for i, v in enumerate(raw)])
    else:
        try:
            y = np.array([float(v) for v in raw])
        except ValueError:
            y = np.array(raw)  # text labels are fine for a classifier
            if (y == "").any():
                line = int(np.flatnonzero(y == "")[0]) + 2
                parser.error(f"--csv {path}, line {line}: the target {target!r} is empty.")
        kind = type_of_target(y)
        if kind == "continuous":
            parser.error(f"--target {target!r} holds continuous numbers, not class labels; "
                         "add --regression to fit a regressor.")
        if np.unique(y).size < 2:
            parser.error(f"--target {target!r} has a single class; a classifier needs two or "
                         "more.")
    return X, y, features


def _number(text, column, line, path, parser):
    try:
        value = float(text)
    except ValueError:
        what = "is empty" if not text.strip() else f"is {text.strip()!r}, not a number"
        parser.error(f"--csv {path}, line {line}: column {column!r} {what}. Every feature "
                     "column (and a --regression target) must be numeric, with no missing "
                     "values: encode or drop it first.")
    if not np.isfinite(value):
        parser.error(f"--csv {path}, line {line}: column {column!r} is {text.strip()!r}; "
                     "values must be finite.")
    return value


# %%
# The models: each one a scaled pipeline, all scored on the same folds.
def models(regression, n_hidden, activations_grid, hidden_grid, cv):
    """Return ``[(name, estimator, params_to_print)]`` and the grid search."""
    if regression:
        def wrap(step):
            # scale the target too: a squared-error net is sensitive to the scale of y
            return TransformedTargetRegressor(
                Pipeline([("scale", StandardScaler()), ("model", step)]),
                transformer=StandardScaler(),
            )
        prefix = "regressor__model__"
        linear = ("Ridge", wrap(Ridge(alpha=1.0)), {"alpha": 1.0})
        net = ShallowNetRegressor(n_hidden, hidden_activation="relu", **SHARED)
        mlp = MLPRegressor(hidden_layer_sizes=(n_hidden,), activation="relu", **SHARED)
        net_name, mlp_name = "ShallowNetRegressor", "MLPRegressor (1 hidden layer)"
        scoring = "r2"
    else:
        def wrap(step):
            return Pipeline([("scale", StandardScaler()), ("model", step)])
        prefix = "model__"
        linear = ("LogisticRegression", wrap(LogisticRegression(max_iter=2000)), {"C": 1.0})
        net = ShallowNetClassifier(n_hidden, hidden_activation="relu", **SHARED)
        mlp = MLPClassifier(hidden_layer_sizes=(n_hidden,), activation="relu", **SHARED)
        net_name, mlp_name = "ShallowNetClassifier", "MLPClassifier (1 hidden layer)"
        scoring = "accuracy"
    shown = {"n_hidden": n_hidden, "hidden_activation": "relu", "solver": SHARED["solver"],
             "learning_rate_init": SHARED["learning_rate_init"]}
    mlp_shown = {"hidden_layer_sizes": f"({n_hidden},)", "activation": "relu",
                 "solver": SHARED["solver"], "learning_rate_init": SHARED["learning_rate_init"]}
    rows = [linear, (net_name, wrap(net), shown), (mlp_name, wrap(mlp), mlp_shown)]
    grid = GridSearchCV(
        wrap(clone(net)),
        {prefix + "hidden_activation": activations_grid, prefix + "n_hidden": hidden_grid},
        cv=cv, scoring=scoring,
    )
    return rows, grid, net_name, scoring


def run(X, y, regression, quick, n_jobs, dataset):
    n_splits = 3 if quick else 5
    if regression:
        cv = KFold(n_splits, shuffle=True, random_state=0)
    else:
        cv = StratifiedKFold(n_splits, shuffle=True, random_state=0)
    activations_grid = ["identity", "tanh", "relu"] if quick else ACTIVATIONS
    hidden_grid = [N_HIDDEN] if quick else [16, N_HIDDEN]
    n_hidden = N_HIDDEN
    rows, grid, net_name, scoring = models(regression, n_hidden, activations_grid,
                                           hidden_grid, cv)
    n_candidates = len(activations_grid) * len(hidden_grid)
    task = "regression" if regression else f"{np.unique(y).size} classes"
    print(f"sk-shallow quickstart: {dataset}, {X.shape[0]} samples, {X.shape[1]} features, "
          f"{task}")
    print(f"{n_splits}-fold {'' if regression else 'stratified '}cross-validation, the same "
          f"folds for every row; GridSearchCV: {n_candidates} candidates "
          f"(hidden_activation x n_hidden)\n")

    results = []
    started = time.perf_counter()
    for name, estimator, shown in rows:
        cv_result = cross_validate(estimator, X, y, cv=cv, scoring=scoring, n_jobs=n_jobs)
        scores = cv_result["test_score"]
        results.append((name, scores.mean(), scores.std(), cv_result["fit_time"].mean(),
                        _format_params(shown)))
    grid.fit(X, y)
    best = grid.best_index_
    cvr = grid.cv_results_
    best_params = {key.rsplit("__", 1)[1]: value for key, value in grid.best_params_.items()}
    results.append((f"{net_name} + GridSearchCV", cvr["mean_test_score"][best],
                    cvr["std_test_score"][best], cvr["mean_fit_time"][best],
                    _format_params(best_params)))
    elapsed = time.perf_counter() - started

    metric = "CV R^2" if regression else "CV accuracy"
    header = ("model", f"{metric} (mean +/- std)", "fit time", "parameters (grid: the best)")
    lines = [(name, f"{mean:.4f} +/- {std:.4f}", f"{fit_time:.2f} s", params)
             for name, mean, std, fit_time, params in results]
    widths = [max(len(r[i]) for r in [header, *lines]) for i in range(3)]
    for row in [header, tuple("-" * len(cell) for cell in header), *lines]:
        print("  ".join(cell.ljust(w) for cell, w in zip(row[:3], widths)) + "  " + row[3])
    print(f"\nfit time: mean seconds per fold (scaling included). "
          f"Total {elapsed:.1f} s.")
    print("The GridSearchCV row is its best candidate's score on the same folds: the best of "
          f"{n_candidates}, so slightly optimistic.")
    order = grid.cv_results_["rank_test_score"].argsort()
    print("\nGrid, best first:")
    for i in order:
        params = cvr["params"][i]
        act = next(v for k, v in params.items() if k.endswith("hidden_activation"))
        units = next(v for k, v in params.items() if k.endswith("n_hidden"))
        print(f"  {act:<11} n_hidden={units:<4} {cvr['mean_test_score'][i]:.4f} "
              f"+/- {cvr['std_test_score'][i]:.4f}")
    return results


def _format_params(params):
    return ", ".join(f"{key}={value}" if isinstance(value, str) and value.startswith("(")
                     else f"{key}={value!r}" if isinstance(value, str) else f"{key}={value:g}"
                     for key, value in params.items())


# %%
def main(argv=None):
    parser = argparse.ArgumentParser(
        prog="python examples/quickstart.py",
        description=textwrap.fill(
            "Compare sk-shallow's one-hidden-layer network with a linear model and with "
            "scikit-learn's MLP (one hidden layer, same settings) under the same "
            "cross-validation, and tune it with GridSearchCV over every hidden activation "
            "(identity, logistic, tanh, relu, leaky_relu, elu, swish, prelu) and n_hidden. "
            "Prints a table: model, CV score (mean and std), fit time, best parameters. "
            "Default data: scikit-learn's bundled digits (classification) or diabetes "
            "(--regression); no download.", 79
        ),
        epilog=(
            "examples:\n"
            "  python examples/quickstart.py\n"
            "  python examples/quickstart.py --regression\n"
            "  python examples/quickstart.py --csv data.csv --target label\n"
            "  python examples/quickstart.py --csv houses.csv --target price --regression\n\n"
            "The CSV needs a header row. Every column except the target must be\n"
            "numeric, with no missing values; a classification target may hold text labels.\n"
            "Errors in the arguments or the data exit with status 2."
        ),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--csv", metavar="PATH", help="your own data: a CSV file with a header "
                        "row (comma, semicolon or tab separated)")
    parser.add_argument("--target", metavar="COLUMN", help="the CSV column to predict "
                        "(required with --csv)")
    parser.add_argument("--regression", action="store_true",
                        help="fit ShallowNetRegressor against Ridge and MLPRegressor (R^2) "
                        "instead of the classifiers (accuracy)")
    parser.add_argument("--quick", action="store_true",
                        help="3 folds and a 3-candidate grid: a smoke test in a few seconds")
    parser.add_argument("--n-jobs", type=int, default=1, metavar="N",
                        help="parallel jobs for cross-validation and the grid (default 1; "
                        "-1 uses every core)")
    args = parser.parse_args(argv)
    if args.target is not None and args.csv is None:
        parser.error("--target needs --csv PATH.")
    if args.csv is not None:
        if args.target is None:
            parser.error("--csv needs --target COLUMN: the name of the column to predict.")
        X, y, _ = read_csv(args.csv, args.target, args.regression, parser)
        dataset = f"{args.csv} (target {args.target!r})"
        n_splits = 3 if args.quick else 5
        if X.shape[0] < 2 * n_splits:
            parser.error(f"--csv {args.csv}: {X.shape[0]} data rows are too few for "
                         f"{n_splits}-fold cross-validation.")
    elif args.regression:
        X, y = load_diabetes(return_X_y=True)
        dataset = "diabetes (scikit-learn's bundled copy)"
    else:
        X, y = load_digits(return_X_y=True)
        dataset = "digits (scikit-learn's bundled copy)"
    with warnings.catch_warnings():
        # a few small grid candidates stop at max_iter; the table shows how well they did
        warnings.simplefilter("ignore", ConvergenceWarning)
        run(X, y, args.regression, args.quick, args.n_jobs, dataset)
    return 0


if __name__ == "__main__":
    # not sys.exit(main()): main() returns 0 or exits 2 itself, and a SystemExit(0) would
    # also end the sphinx-gallery build that runs this file for the docs
    main()
