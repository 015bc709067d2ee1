"""The numeric core imports NumPy, SciPy and array-api-compat only, and no module imports from a layer above it."""

import ast
from pathlib import Path

import pytest

import sk_shallow

PACKAGE = Path(sk_shallow.__file__).parent

# Each module's layer; a module may import from its own layer and the ones below.
LAYERS = {
    # 0, the numeric core: array code (NumPy, or any namespace), knows nothing of scikit-learn
    "_version": 0, "_arrays": 0, "activations": 0, "_losses": 0, "_network": 0,
    "_optimizers": 0, "_solvers": 0, "_numpy_blas": 0,
    # 1, what the estimators share: parameter checks, targets, reports, fitted state
    "_check_params": 1, "_targets": 1, "_fit_report": 1, "_fitted": 1, "_callbacks": 1,
    "_docstrings": 1, "_threads": 1, "_dispatch": 1,
    # 2, the estimator base; 3, the estimators; 4, tools built on them
    "_base": 2,
    "_classifier": 3, "_regressor": 3,
    "_gradcheck": 4, "onnx": 4,
}
CORE = [name for name, layer in LAYERS.items() if layer == 0]
ALLOWED_ROOTS = {"numpy", "scipy", "array_api_compat", "typing", "dataclasses", "functools",
                 "math", "numbers", "difflib", "inspect", "sys",
                 "ctypes", "glob", "os"}  # ctypes, glob, os: _numpy_blas binds NumPy's BLAS


def imports(path):
    """``(level, module, names)`` of every import statement in the file, nested ones too."""
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield 0, alias.name, []
        elif isinstance(node, ast.ImportFrom):
            yield node.level, node.module or "", [alias.name for alias in node.names]


def package_modules_imported(path):
    """The sibling modules a module imports (``from . import x`` or ``from .x import y``)."""
    for level, module, names in imports(path):
        if level == 1 and module:
            yield module.split(".")[0]
        elif level == 1:
            yield from names
        elif module.split(".")[0] == "sk_shallow":
            yield "sk_shallow"


@pytest.mark.parametrize("name", CORE)
def test_core_module_imports_only_numpy_and_scipy(name):
    roots = {module.split(".")[0] for level, module, _ in imports(PACKAGE / f"{name}.py")
             if level == 0}
    assert "sklearn" not in roots
    assert roots <= ALLOWED_ROOTS, roots - ALLOWED_ROOTS


def test_every_module_has_a_layer():
    modules = {path.stem for path in PACKAGE.glob("*.py")} - {"__init__"}
    assert modules == set(LAYERS)


@pytest.mark.parametrize("name", sorted(LAYERS))
def test_no_module_imports_from_a_layer_above_it(name):
    for imported in package_modules_imported(PACKAGE / f"{name}.py"):
        assert imported != "sk_shallow", f"{name} imports the package root"
        assert imported in LAYERS, f"{name} imports {imported}, which is not a module"
        assert LAYERS[imported] <= LAYERS[name], (
            f"{name} (layer {LAYERS[name]}) imports {imported} (layer {LAYERS[imported]})")


def test_the_layer_check_sees_an_upward_import(tmp_path):
    # the check above can fail: a core module importing the base is caught
    bad = tmp_path / "bad.py"
    bad.write_text("from ._base import BaseShallowNet\nfrom . import __version__\n")
    assert list(package_modules_imported(bad)) == ["_base", "__version__"]


@pytest.mark.parametrize("name", sorted(LAYERS))
def test_no_module_imports_scipys_blas_or_lapack(name):
    # scipy's BLAS is a second OpenBLAS thread pool beside NumPy's: see test_one_blas_pool.py
    for _, module, names in imports(PACKAGE / f"{name}.py"):
        assert not module.startswith("scipy.linalg"), f"{name} imports {module}"
        assert not (module == "scipy" and "linalg" in names), f"{name} imports scipy.linalg"
