"""`mockpost serve` in a subprocess on a free port, for tests of what a separate server does."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def served(*args: str) -> Iterator[str]:
    """The base URL of a `mockpost serve --port 0 ARGS...` that runs until the block ends. The
    socket listens before the banner's first line, so the URL answers as soon as it is read."""
    process = subprocess.Popen(
        [sys.executable, "-m", "mockpost", "serve", "--port", "0", "--log-level", "warning", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert process.stdout is not None and process.stderr is not None
    try:
        first = process.stdout.readline()
        if not first.startswith("mockpost listening on "):
            raise RuntimeError(f"mockpost serve did not start: {first}{process.stderr.read()}")
        yield first.split()[-1]
    finally:
        process.terminate()
        process.wait(timeout=30)
