"""The two callables docs/conf.py hands sphinx-gallery, by name.

They live in a module, not in conf.py, because sphinx-gallery takes them as
importable names ("gallery_helpers.argv"): Sphinx caches its configuration with
pickle, and a function defined in conf.py cannot be pickled (a warning, an
error under ``-W``).
"""

import os
from pathlib import Path

FIRST = ["quickstart.py", "compare_logistic_regression.py"]  # then the plot_*.py by name


def argv(gallery_conf, script_vars):
    """Command-line arguments for each example: ``--quick``, and ``--out`` into docs/_build.

    The plot scripts write their own PNG as well as leaving the figure open for
    sphinx-gallery's scraper; ``--out`` keeps that copy out of docs/images, whose
    pictures are the full runs the README shows.
    """
    args = ["--quick"]
    script = Path(script_vars["src_file"])
    if script.name != "quickstart.py":  # the only one without --out
        # relative to the script's folder, where sphinx-gallery runs it: the "wrote PATH"
        # line on the page then names no folder of the machine that built it
        out = Path(gallery_conf["src_dir"]) / "_build" / "example-png"
        args += ["--out", os.path.relpath(out, script.parent)]
    return args


class ExampleOrder:
    """Sort key: the quickstart, then the comparison with LogisticRegression, then the plots."""

    def __init__(self, src_dir):
        self.src_dir = src_dir

    def __call__(self, filename):
        return (FIRST.index(filename) if filename in FIRST else len(FIRST), filename)
