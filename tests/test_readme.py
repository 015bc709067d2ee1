"""The README's two set-up commands are the ones CI and newcomers run."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def bash_blocks(text):
    return re.findall(r"```bash\n(.*?)\n```", text, flags=re.DOTALL)


def test_readme_has_the_demo_and_the_test_command_and_ci_runs_the_latter():
    blocks = bash_blocks((ROOT / "README.md").read_text())
    demo, tests = blocks[0].strip(), blocks[1].strip()
    assert "examples/quickstart.py" in demo
    assert "pytest" in tests
    ci_lines = [line.strip() for line in (ROOT / ".ci" / "run").read_text().splitlines()]
    assert tests in ci_lines, "CI must run the README's test command exactly as printed"
    assert (ROOT / "examples" / "quickstart.py").exists()
