"""Makes this folder's support modules importable, and prints each provider's conformance score at
the end of the run."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

HERE = str(Path(__file__).resolve().parent)
if HERE not in sys.path:
    sys.path.insert(0, HERE)

from conformance import SCORES  # noqa: E402


def pytest_terminal_summary(terminalreporter: Any) -> None:
    if SCORES:
        terminalreporter.section("conformance with the documented examples")
        for tally in SCORES.values():
            terminalreporter.write_line(tally.line())
