"""Check the built gallery: every picture it shows exists, and every plot example shows one.

Run after the Sphinx build (CI does, see .ci/run)::

    python docs/check_build.py [docs/_build/html]

It reads the HTML of ``auto_examples/`` (the gallery index and one page per
script in examples/) and fails, exit status 1 and one line per problem, when

* a script in examples/ has no page,
* an ``<img>`` (``src`` or ``srcset``) points to a file that does not exist, is
  empty or is not a PNG,
* a ``plot_*`` page shows no figure of its own (sphinx-gallery's
  ``sphx-glr-single-img`` / ``sphx-glr-multi-img``): the script ran but its figure
  was not captured.

Standard library only.
"""

import sys
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
FIGURE_CLASSES = {"sphx-glr-single-img", "sphx-glr-multi-img"}
DOCS = Path(__file__).resolve().parent
EXAMPLES = DOCS.parent / "examples"


class Images(HTMLParser):
    """Collect ``(sources, classes)`` for every ``<img>`` of a page."""

    def __init__(self):
        super().__init__()
        self.images = []

    def handle_starttag(self, tag, attrs):
        if tag != "img":
            return
        attrs = dict(attrs)
        sources = [attrs["src"]] if attrs.get("src") else []
        # srcset: "a.png, b.png 2x": comma-separated, each a URL and an optional size
        sources += [part.split()[0] for part in (attrs.get("srcset") or "").split(",")
                    if part.strip()]
        sources = list(dict.fromkeys(sources))  # src is usually in srcset too
        self.images.append((sources, set((attrs.get("class") or "").split())))


def _image_problem(page, source):
    url = urlsplit(source)
    if url.scheme or url.netloc:
        return None  # not a file of the build (none of the gallery's are)
    path = (page.parent / unquote(url.path)).resolve()
    if not path.is_file():
        return f"{source}: no such file ({path})"
    data = path.read_bytes()
    if not data:
        return f"{source}: empty file"
    if path.suffix.lower() == ".png" and not data.startswith(PNG_MAGIC):
        return f"{source}: not a PNG"
    return None


def check(html_dir, examples=EXAMPLES):
    """Return the problems found in ``html_dir/auto_examples``, one string each."""
    gallery = Path(html_dir) / "auto_examples"
    if not (gallery / "index.html").is_file():
        return [f"{gallery / 'index.html'}: missing; was the site built?"]
    problems = []
    scripts = sorted(p.stem for p in Path(examples).glob("*.py"))
    for stem in scripts:
        if not (gallery / f"{stem}.html").is_file():
            problems.append(f"{gallery / stem}.html: missing, but examples/{stem}.py exists")
    for page in sorted(gallery.glob("*.html")):
        parser = Images()
        parser.feed(page.read_text(encoding="utf-8"))
        for sources, _ in parser.images:
            for source in sources:
                problem = _image_problem(page, source)
                if problem:
                    problems.append(f"{page}: {problem}")
        figures = [sources for sources, classes in parser.images if classes & FIGURE_CLASSES]
        if page.stem.startswith("plot_") and not figures:
            problems.append(f"{page}: shows no figure (sphinx-gallery captured none)")
    return problems


def main(argv=None):
    argv = sys.argv[1:] if argv is None else argv
    html_dir = Path(argv[0]) if argv else DOCS / "_build" / "html"
    problems = check(html_dir)
    for problem in problems:
        print(f"check_build: {problem}", file=sys.stderr)
    if problems:
        print(f"check_build: {len(problems)} problem(s) in {html_dir}", file=sys.stderr)
        return 1
    pages = len(list((html_dir / "auto_examples").glob("*.html")))
    print(f"check_build: {html_dir / 'auto_examples'}: {pages} pages, every image present")
    return 0


if __name__ == "__main__":
    sys.exit(main())
