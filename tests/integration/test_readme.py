"""The README's command examples, run: every ```sh test block in a temporary folder holding the
example hall and the `./sunbeon` wrapper, its output compared with the ```text output block after it.

Mark a block `sh test` (or `sh test exit=N` when the command should fail with N); `…` in the output
block stands for any text within a line.
"""

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
FENCE = re.compile(r"^```([^\n]*)\n(.*?)^```[ \t]*$", re.M | re.S)


def readme_examples(text: str) -> list[tuple[str, int, str | None]]:
    """(commands, expected exit status, expected output or None) of each block marked for testing."""
    blocks = [(info.split(), body) for info, body in FENCE.findall(text)]
    examples = []
    for i, (info, body) in enumerate(blocks):
        if info[:2] != ["sh", "test"]:
            continue
        status = next((int(w.split("=", 1)[1]) for w in info[2:] if w.startswith("exit=")), 0)
        after = blocks[i + 1] if i + 1 < len(blocks) else None
        expected = after[1] if after and after[0][:2] == ["text", "output"] else None
        examples.append((body, status, expected))
    return examples


def _matches(expected: str, actual: str) -> bool:
    want, got = expected.strip().splitlines(), actual.strip().splitlines()
    patterns = [re.compile(".*".join(re.escape(part) for part in line.split("…")) + r"\Z") for line in want]
    return len(want) == len(got) and all(p.match(line) for p, line in zip(patterns, got, strict=True))


@pytest.fixture
def checkout(tmp_path):
    """A folder like a fresh checkout after `make deps`: the examples, ./sunbeon, and a .venv whose
    `sunbeon` is this interpreter's."""
    shutil.copytree(ROOT / "examples", tmp_path / "examples")
    shutil.copy2(ROOT / "sunbeon", tmp_path / "sunbeon")
    venv_bin = tmp_path / ".venv" / "bin"
    venv_bin.mkdir(parents=True)
    (venv_bin / "sunbeon").write_text(f'#!/bin/sh\nexec "{sys.executable}" -m tools.cli "$@"\n')
    (venv_bin / "sunbeon").chmod(0o755)
    return tmp_path


EXAMPLES = readme_examples((ROOT / "README.md").read_text(encoding="utf-8"))


def test_the_readme_has_examples_marked_for_testing():
    assert len(EXAMPLES) >= 3 and all(expected for _, _, expected in EXAMPLES)


@pytest.mark.parametrize("commands, status, expected", EXAMPLES, ids=[f"block{i}" for i in range(len(EXAMPLES))])
def test_readme_example_runs_as_shown(checkout, commands, status, expected):
    env = {**os.environ, "PYTHONPATH": str(ROOT), "SUNBEON_CONFIG": str(checkout / "nowhere.toml")}
    done = subprocess.run(["bash", "-c", commands], cwd=checkout, env=env, capture_output=True, text=True, timeout=120)
    output = done.stdout + done.stderr
    assert done.returncode == status, output
    if expected is not None:
        assert _matches(expected, output), f"README says:\n{expected}\nthe command printed:\n{output}"


def test_the_matcher_is_not_lenient():
    assert _matches("a … b", "a xyz b") and not _matches("a … b", "a xyz c") and not _matches("a", "a\nb")
