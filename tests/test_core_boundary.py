"""The numeric core imports NumPy and SciPy only: scikit-learn stays at the door."""

import ast
from pathlib import Path

import pytest

import sk_shallow

CORE = ["activations.py", "_losses.py", "_network.py", "_optimizers.py", "_solvers.py"]
ALLOWED_ROOTS = {"numpy", "scipy", "typing", "dataclasses", "functools", "math", "numbers"}


def imported_roots(path):
    tree = ast.parse(path.read_text())
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield alias.name.split(".")[0]
        elif isinstance(node, ast.ImportFrom) and node.level == 0:
            yield node.module.split(".")[0]


@pytest.mark.parametrize("filename", CORE)
def test_core_file_imports_only_numpy_and_scipy(filename):
    path = Path(sk_shallow.__file__).parent / filename
    roots = set(imported_roots(path))
    assert roots, f"{filename} should import numpy at least"
    assert "sklearn" not in roots
    assert roots <= ALLOWED_ROOTS, roots - ALLOWED_ROOTS
