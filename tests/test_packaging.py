"""Packaging and a newcomer's first hour (issue 11): license, metadata, .gitignore, messages.

These read the project's files (shipped in the sdist too, see MANIFEST.in) and run the
scripts in subprocesses with an optional dependency made unimportable. Building the
sdist is left to the release check: it takes longer than the rest of this file.
"""

import configparser
import os
import re
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text())
PROJECT = PYPROJECT["project"]
# Runs a script (argv[2]) with the module named in argv[1] unimportable, as if not installed.
WITHOUT = """
import runpy, sys
sys.modules[sys.argv[1]] = None
path = sys.argv[2]
sys.argv = sys.argv[2:]
runpy.run_path(path, run_name="__main__")
"""
PLOT_SCRIPTS = sorted(p.name for p in (ROOT / "examples").glob("plot_*.py")) + [
    "compare_logistic_regression.py"]


def _run(args, cwd=ROOT):
    env = dict(os.environ, MPLBACKEND="Agg", OMP_NUM_THREADS="1", OPENBLAS_NUM_THREADS="1")
    return subprocess.run([sys.executable, *args], check=False, cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=120)


def test_license_is_bsd_3_clause_and_the_metadata_names_it():
    text = (ROOT / "LICENSE").read_text()
    assert text.startswith("BSD 3-Clause License")
    assert "Copyright (c) 2026, sk-shallow developers" in text
    assert "Neither the name of the copyright holder" in text  # the third clause
    assert PROJECT["license"] == "BSD-3-Clause"
    assert PROJECT["license-files"] == ["LICENSE"]
    # PEP 639 license expressions need setuptools >= 77.
    (requirement,) = PYPROJECT["build-system"]["requires"]
    assert int(re.fullmatch(r"setuptools>=(\d+)", requirement).group(1)) >= 77


def test_pyproject_has_authors_classifiers_keywords_and_no_urls():
    assert PROJECT["authors"] == [{"name": "sk-shallow developers"}]
    assert PROJECT["keywords"]
    classifiers = set(PROJECT["classifiers"])
    assert {"Development Status :: 3 - Alpha", "Operating System :: OS Independent",
            "Programming Language :: Python :: 3.11",
            "Topic :: Scientific/Engineering :: Artificial Intelligence"} <= classifiers
    # The SPDX expression replaces "License ::" classifiers (setuptools refuses both).
    assert not any(c.startswith("License ::") for c in classifiers)
    # The project is hosted nowhere public: no URLs, in particular no registry page.
    assert "urls" not in PROJECT
    assert "pypi.org" not in (ROOT / "pyproject.toml").read_text()


def test_setuptools_builds_outside_build():
    # `pip install .` must not leave ./build, which shadows the build package on sys.path[0];
    # setup.cfg, not pyproject's experimental [tool.distutils] (a warning on every install)
    setup_cfg = configparser.ConfigParser()
    setup_cfg.read(ROOT / "setup.cfg")
    assert setup_cfg["build"]["build_base"] == ".build"
    assert "distutils" not in PYPROJECT["tool"]


def test_gitignore_lists_the_generated_folders():
    entries = set((ROOT / ".gitignore").read_text().split())
    assert {".venv/", ".ci-venv/", "build/", ".build/", "dist/", "*.egg-info/", "docs/_build/",
            "docs/auto_examples/"} <= entries


def test_extras_named_in_messages_exist():
    assert {"examples", "onnx", "progress", "distributed", "test"} <= set(
        PROJECT["optional-dependencies"])
    assert "matplotlib" in PROJECT["optional-dependencies"]["examples"]


@pytest.mark.parametrize("script", PLOT_SCRIPTS)
def test_plot_example_without_matplotlib_says_what_to_install(script, tmp_path):
    proc = _run(["-c", WITHOUT, "matplotlib", str(ROOT / "examples" / script), "--quick",
                 "--out", str(tmp_path)])
    assert proc.returncode == 1, proc.stderr
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and 'pip install ".[examples]"' in lines[0], proc.stderr
    assert "Traceback" not in proc.stderr and not list(tmp_path.iterdir())


@pytest.mark.parametrize("missing", ["skl2onnx", "onnx"])
def test_onnx_without_the_extra_says_what_to_install(missing, tmp_path):
    script = tmp_path / "use_onnx.py"
    script.write_text("import sk_shallow.onnx\n")
    proc = _run(["-c", WITHOUT, missing, str(script)])
    assert proc.returncode == 1
    assert "ImportError" in proc.stderr and 'pip install ".[onnx]"' in proc.stderr, proc.stderr
    assert "sk-shallow[onnx]" not in proc.stderr


def test_docs_install_extras_from_the_project_folder():
    docs = (ROOT / "README.md").read_text() + (ROOT / "docs" / "guide.md").read_text()
    assert not re.search(r"pip install \S*sk-shallow\[", docs)
    for extra in ("examples", "onnx", "progress", "distributed"):
        assert f'pip install ".[{extra}]"' in docs
