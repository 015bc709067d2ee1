"""Sphinx configuration: numpydoc API reference, a sphinx-gallery of examples/, the guide via myst.

Build from the project folder (CI runs this with -W, so any warning fails it):

    pip install -e ".[docs]" && python -m sphinx -W -b html docs docs/_build/html
"""

import re
import sys
from pathlib import Path

import sk_shallow

sys.path.insert(0, str(Path(__file__).resolve().parent))  # gallery_helpers

project = "sk-shallow"
author = "sk-shallow developers"
copyright = "2026, sk-shallow developers"
release = version = sk_shallow.__version__

extensions = [
    "sphinx.ext.autodoc",
    "sphinx.ext.autosummary",
    "numpydoc",
    "myst_parser",
    "sphinx_gallery.gen_gallery",
]
source_suffix = {".rst": "restructuredtext", ".md": "markdown"}
templates_path = ["_templates"]
exclude_patterns = ["_build", "_templates", "auto_examples/*.ipynb", "auto_examples/*.py"]

# -- API reference ---------------------------------------------------------------------------
autosummary_generate = True
autodoc_typehints = "none"  # numpydoc's Parameters sections already give every type
# _templates/autosummary/ replaces autosummary's own templates: pages are titled by the
# short name (the signature gives the module), and a class page documents its methods
# itself rather than through numpydoc's member tables.
numpydoc_show_class_members = False
numpydoc_xref_param_type = False


# -- User guide (Markdown) -------------------------------------------------------------------
# guide.md is also a doctest file and a page read on its own: its headings jump from
# the title (#) to ### sections, which myst would report as a warning.
suppress_warnings = ["myst.header"]

# -- Gallery ---------------------------------------------------------------------------------
sphinx_gallery_conf = {
    "examples_dirs": "../examples",
    "gallery_dirs": "auto_examples",
    # every script is run: the plot_*.py, the quickstart (its table) and the comparison
    "filename_pattern": r"/(plot_\w+|quickstart|compare_logistic_regression)\.py$",
    "within_subsection_order": "gallery_helpers.ExampleOrder",
    "reset_argv": "gallery_helpers.argv",  # --quick: small data, the build stays fast
    "image_scrapers": ("matplotlib",),
    "download_all_examples": False,
    "show_signature": False,
}

# -- HTML ------------------------------------------------------------------------------------
html_theme = "pydata_sphinx_theme"
html_title = f"sk-shallow {release}"
html_theme_options = {
    "navigation_with_keys": False,
    "show_toc_level": 2,
}
html_show_sourcelink = False
html_sidebars = {"guide": []}  # one page: the left navigation would be empty


# -- Docstrings ------------------------------------------------------------------------------
def _shapes_as_literals(app, what, name, obj, options, lines):
    """Write ``(n_features_in_,)`` in a docstring as a literal.

    Bare, RST reads ``n_features_in_`` (a trailing underscore) as a link to a target
    ``n_features_in`` that does not exist: an error. Done here rather than in the
    docstrings, which ``help()`` shows as they are.
    """
    lines[:] = [re.sub(r"(?<![`\w])(\w+_)(?=,\))", r"``\1``", line) for line in lines]


def _skip_scikit_learn_members(app, what, name, obj, skip, options):
    """Leave the methods the estimators inherit from scikit-learn to its documentation.

    ``get_params``, ``score``, ``set_fit_request``, ...: their docstrings link to labels
    of scikit-learn's site (``metadata_routing``, ``accuracy_score``) that this one has
    not; the class template names them instead.
    """
    if what == "class" and (getattr(obj, "__module__", None) or "").startswith("sklearn."):
        return True
    return None


def setup(app):
    app.connect("autodoc-process-docstring", _shapes_as_literals)
    app.connect("autodoc-skip-member", _skip_scikit_learn_members)
