"""(b) Start-up: process start to the first 200 from the health URL, and `import mockpost.app` time.

Baselines: the bare Starlette app under uvicorn (same loop and parser) for start-up, and an empty
`python -c pass` for the import, so the figures show what mockpost itself adds.
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import time
from typing import Any

from benchmarks.procs import ROOT, bare_cmd, clean_env, free_port, mockpost_cmd, serve


def time_to_ready(kind: str) -> float:
    port = free_port()
    cmd = mockpost_cmd(port) if kind == "mockpost" else bare_cmd(port)
    with serve(cmd, port, "/_mockpost/health") as server:
        return server.seconds_to_ready


def time_command(code: str) -> float:
    t0 = time.perf_counter()
    subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env=clean_env(),
        check=True,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
    )
    return time.perf_counter() - t0


def summary(samples: list[float]) -> dict[str, Any]:
    return {
        "median_ms": statistics.median(samples) * 1000.0,
        "runs_ms": [round(s * 1000.0, 1) for s in samples],
    }


def measure(runs: int) -> dict[str, Any]:
    ready: dict[str, list[float]] = {"mockpost": [], "bare": []}
    imports: dict[str, list[float]] = {"mockpost": [], "bare": []}
    time_command("import mockpost.app")  # compile and cache bytecode outside the timed runs
    for _ in range(runs):  # interleaved, so drift on the machine hits both sides alike
        for kind in ready:
            ready[kind].append(time_to_ready(kind))
        imports["mockpost"].append(time_command("import mockpost.app"))
        imports["bare"].append(time_command("pass"))
    serve_m, serve_b = summary(ready["mockpost"]), summary(ready["bare"])
    import_m, import_b = summary(imports["mockpost"]), summary(imports["bare"])
    return {
        "runs": runs,
        "serve_to_health": {
            "mockpost": serve_m,
            "bare": serve_b,
            "ratio": serve_m["median_ms"] / serve_b["median_ms"],
        },
        "import": {
            "mockpost": import_m,
            "bare": import_b,
            "added_ms": import_m["median_ms"] - import_b["median_ms"],
        },
    }
