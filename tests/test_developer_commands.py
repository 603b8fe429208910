"""The commands a developer types from the README work as written (and CI types the same ones)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_plain_pytest_imports_the_repository_packages() -> None:
    # `-P`: like the `pytest` script, and unlike `python -m pytest`, the working directory is not put
    # on sys.path, so the tests must find `benchmarks` (a package of the repository) on their own.
    result = subprocess.run(
        [sys.executable, "-P", "-m", "pytest", "--collect-only", "-q", "tests/test_benchmarks_smoke.py"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-2000:]


def test_ci_runs_the_readme_setup_and_test_commands_verbatim() -> None:
    script = (ROOT / ".ci" / "run").read_text(encoding="utf-8").splitlines()
    assert "pip install -e '.[test]'" in script
    assert "mypy" in script
    assert any(line.startswith("pytest ") or line == "pytest" for line in script)
    assert not any("python -m pytest" in line for line in script if not line.lstrip().startswith("#"))
