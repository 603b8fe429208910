"""python-sendparcel-inpost (PyPI; Python 3.12 or newer) runs unchanged against its default
sandbox URL inside `mock.intercept()`: no base URL given, no client injected. It needs Python 3.12,
so it runs in a virtual environment of a Python 3.12 or newer: this interpreter if it is one, else
`python3.12`/`python3.13` on PATH, else one that pyenv has installed (MOCKPOST_PYTHON312 names
another). The environment is made once per set of requirements in the system's temporary folder
and reused after."""

from __future__ import annotations

import glob
import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
import tomllib
from pathlib import Path

import pytest
from inpost_support import START

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = Path(__file__).parent / "data" / "sendparcel_intercepted.py"
LIBRARY = "python-sendparcel-inpost==0.3.2"


def python_312() -> str | None:
    """A Python 3.12 or newer that runs (a pyenv shim of a version not selected does not)."""
    candidates = [os.environ.get("MOCKPOST_PYTHON312"), *map(shutil.which, ("python3.12", "python3.13"))]
    if shutil.which("pyenv"):
        root = subprocess.run(["pyenv", "root"], capture_output=True, text=True).stdout.strip()
        candidates += sorted(glob.glob(os.path.join(root, "versions", "3.1[2-9]*", "bin", "python3")))
    for candidate in filter(None, candidates):
        check = "import sys; sys.exit(sys.version_info < (3, 12))"
        if subprocess.run([candidate, "-c", check], capture_output=True).returncode == 0:
            return candidate
    return None


PYTHON_312 = sys.executable if sys.version_info >= (3, 12) else python_312()

pytestmark = pytest.mark.skipif(
    PYTHON_312 is None, reason="python-sendparcel-inpost needs Python 3.12; none found (PATH, pyenv)"
)


def environment(python: str) -> Path:
    """A virtual environment with mockpost's dependencies and the library; mockpost itself is
    imported from this checkout (PYTHONPATH), so the environment survives changes to it."""
    requirements = [*tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["dependencies"], LIBRARY]
    version = subprocess.run([python, "--version"], capture_output=True, text=True, check=True).stdout
    key = hashlib.sha256("\n".join([version, *requirements]).encode()).hexdigest()[:12]
    folder = Path(tempfile.gettempdir()) / f"mockpost-sendparcel-{key}"
    ready = folder / "ready"
    if not ready.exists():
        shutil.rmtree(folder, ignore_errors=True)
        subprocess.run([python, "-m", "venv", str(folder)], check=True)
        install = subprocess.run(
            [str(folder / "bin" / "python"), "-m", "pip", "install", "-q", "--disable-pip-version-check",
             *requirements],
            capture_output=True,
            text=True,
        )
        assert install.returncode == 0, f"pip install {' '.join(requirements)}:\n{install.stderr}"
        ready.write_text("\n".join(requirements))
    return folder / "bin" / "python"


def test_sendparcel_inpost_runs_unchanged_against_its_default_sandbox_url() -> None:
    assert PYTHON_312 is not None
    python = environment(PYTHON_312)
    run = subprocess.run(
        [str(python), str(SCRIPT), START],
        capture_output=True,
        text=True,
        env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"},
        timeout=300,
    )
    assert run.returncode == 0, run.stderr
    result = json.loads(run.stdout.splitlines()[-1])
    assert result["base_url"] == "https://sandbox-api-shipx-pl.easypack24.net"
    assert result["href"].startswith("https://sandbox-api-shipx-pl.easypack24.net/v1/shipments/")
    statuses = [result["created"], result["confirmed"], result["delivered"]]
    assert statuses == ["created", "confirmed", "delivered"]
    assert result["label"] == "%PDF" and result["tracking"] == "delivered" and result["statuses"]
    assert result["journal"][0] == "/inpost/v1/organizations"
    assert result["journal"][1].startswith("/inpost/v1/organizations/")
