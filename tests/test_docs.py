"""The documentation site's sources (issue 11), checked without building it.

Sphinx is not a test dependency: .ci/run builds the site with ``-W`` after the
tests and then runs docs/check_build.py on it. These check what that build
relies on: the API page names every public object, every example is in the
gallery with an RST title and runs with ``--quick`` there, and check_build.py
fails on a gallery whose pictures are missing.
"""

import ast
import importlib.util
import re
from pathlib import Path

import pytest

import sk_shallow
from sk_shallow import activations

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs"
EXAMPLES = sorted((ROOT / "examples").glob("*.py"))


def _module(path):
    spec = importlib.util.spec_from_file_location(path.stem, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _gallery_conf():
    """``sphinx_gallery_conf`` from docs/conf.py, read as a literal (conf.py is not run)."""
    tree = ast.parse((DOCS / "conf.py").read_text())
    for node in tree.body:
        if isinstance(node, ast.Assign) and node.targets[0].id == "sphinx_gallery_conf":
            return ast.literal_eval(node.value)
    raise AssertionError("docs/conf.py sets no sphinx_gallery_conf")


def test_api_page_names_every_public_object():
    text = (DOCS / "api.rst").read_text()
    entries = set(re.findall(r"^   (\w+)$", text, flags=re.MULTILINE))  # autosummary rows
    data = set(re.findall(r"^\.\. py:data:: (\w+)$", text, flags=re.MULTILINE))
    for name in sk_shallow.__all__:
        if name == "activations":
            assert ".. automodule:: sk_shallow.activations" in text
        else:
            assert name in entries | data, f"docs/api.rst does not list sk_shallow.{name}"
    for name in activations.__all__:
        kind = entries if callable(getattr(activations, name)) else data
        assert name in kind, f"docs/api.rst does not list sk_shallow.activations.{name}"


@pytest.mark.parametrize("script", EXAMPLES, ids=lambda p: p.name)
def test_every_example_runs_in_the_gallery_under_an_rst_title(script):
    conf = _gallery_conf()
    assert conf["examples_dirs"] == "../examples"
    assert re.search(conf["filename_pattern"], str(script)), f"{script.name} would not run"
    title, underline, *_ = ast.get_docstring(ast.parse(script.read_text())).splitlines()
    assert re.fullmatch("=+", underline) and len(underline) >= len(title), script.name
    helpers = _module(DOCS / "gallery_helpers.py")
    argv = helpers.argv({"src_dir": str(DOCS)}, {"src_file": str(script)})
    assert argv[0] == "--quick"
    if script.name != "quickstart.py":  # its PNG goes to docs/_build, not docs/images
        assert argv[1] == "--out"
        assert (script.parent / argv[2]).resolve() == DOCS / "_build" / "example-png"


PNG = b"\x89PNG\r\n\x1a\n" + bytes(32)


def _site(root, picture=True, figure_class="sphx-glr-single-img"):
    gallery = root / "auto_examples"
    (root / "_images").mkdir(parents=True)
    gallery.mkdir()
    (gallery / "index.html").write_text('<img src="../_images/sphx_glr_plot_a_thumb.png">')
    (root / "_images" / "sphx_glr_plot_a_thumb.png").write_bytes(PNG)
    (gallery / "plot_a.html").write_text(
        f'<p><img src="../_images/sphx_glr_plot_a_001.png" class="{figure_class}"/></p>')
    if picture:
        (root / "_images" / "sphx_glr_plot_a_001.png").write_bytes(PNG)
    examples = root / "examples"
    examples.mkdir()
    (examples / "plot_a.py").write_text("")
    return examples


def test_check_build_passes_a_gallery_whose_pictures_exist(tmp_path):
    check_build = _module(DOCS / "check_build.py")
    examples = _site(tmp_path)
    assert check_build.check(tmp_path, examples) == []


@pytest.mark.parametrize("case", ["missing picture", "empty picture", "no figure", "no page"])
def test_check_build_fails_on_a_broken_gallery(tmp_path, case):
    check_build = _module(DOCS / "check_build.py")
    examples = _site(tmp_path, picture=case != "missing picture",
                     figure_class="" if case == "no figure" else "sphx-glr-single-img")
    if case == "empty picture":
        (tmp_path / "_images" / "sphx_glr_plot_a_001.png").write_bytes(b"")
    if case == "no page":
        (examples / "plot_b.py").write_text("")
    problems = check_build.check(tmp_path, examples)
    expected = {"missing picture": "no such file", "empty picture": "empty file",
                "no figure": "shows no figure", "no page": "plot_b.html: missing"}[case]
    assert len(problems) == 1 and expected in problems[0], problems


def test_check_build_exits_1_when_nothing_was_built(tmp_path, capsys):
    check_build = _module(DOCS / "check_build.py")
    assert check_build.main([str(tmp_path)]) == 1
    assert "was the site built?" in capsys.readouterr().err
