"""Run one in-process measurement in a fresh interpreter, so that its peak RSS is its own and the
memory it fills (a million stored objects) is given back when it ends.

    python -m benchmarks.child MODULE '{"keyword": "arguments"}'

calls `benchmarks.MODULE.run(**arguments)` and prints its result, plus the child's peak RSS, as one
JSON line (the last line of stdout).
"""

from __future__ import annotations

import importlib
import json
import resource
import subprocess
import sys
from typing import Any

from benchmarks.procs import ROOT, clean_env


def peak_rss_mb() -> float:
    """This process's peak resident set size (Linux reports KiB, macOS bytes)."""
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / (1024 * 1024) if sys.platform == "darwin" else peak / 1024


def current_rss_mb() -> float | None:
    """This process's resident set size now (Linux /proc only; None elsewhere)."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        return None
    return None


def run_in_child(module: str, arguments: dict[str, Any], timeout: float) -> dict[str, Any]:
    done = subprocess.run(
        [sys.executable, "-m", "benchmarks.child", module, json.dumps(arguments)],
        cwd=ROOT,
        env=clean_env(),
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    if done.returncode != 0:
        raise RuntimeError(f"benchmarks.{module} exited with {done.returncode}:\n{done.stderr[-3000:]}")
    lines = done.stdout.strip().splitlines()
    if not lines:
        raise RuntimeError(f"benchmarks.{module} printed no result:\n{done.stderr[-3000:]}")
    result: dict[str, Any] = json.loads(lines[-1])
    return result


def main(argv: list[str]) -> int:
    module = importlib.import_module(f"benchmarks.{argv[0]}")
    result = module.run(**json.loads(argv[1]))
    result["child_peak_rss_mb"] = round(peak_rss_mb(), 1)
    print(json.dumps(result), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
