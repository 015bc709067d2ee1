"""The README's two set-up commands are the ones CI and newcomers run."""

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

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


@pytest.mark.torch
def test_the_gpu_example_runs_on_whatever_torch_device_there_is():
    pytest.importorskip("torch")
    text = (ROOT / "README.md").read_text()
    section = text.split("## On the GPU", 1)[1]
    example = re.search(r"```python\n(.*?)\n```", section, flags=re.DOTALL).group(1)
    env = dict(os.environ, SCIPY_ARRAY_API="1")
    result = subprocess.run([sys.executable, "-c", example], capture_output=True, text=True,
                            env=env, timeout=300, check=False)
    assert result.returncode == 0, result.stderr[-3000:]
    device, dtype, score = result.stdout.split()
    assert device.startswith(("cpu", "cuda")) and dtype == "torch.float32"
    assert 0.5 < float(score) <= 1.0
