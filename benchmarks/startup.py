"""(b) Start-up: process start to the first 200 from the health URL, then to an answer from every
provider (each loaded on first use, or by the background warm-up); `import mockpost` and
`import mockpost.app` times.

Baselines: the bare Starlette app under uvicorn (same loop and parser) for start-up, and an empty
`python -c pass` for the imports, so the figures show what mockpost itself adds.
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import time
from typing import Any

from benchmarks.procs import ROOT, bare_cmd, clean_env, free_port, mockpost_cmd, serve, status_of
from mockpost.providers import PROVIDERS


def time_to_ready(kind: str) -> tuple[float, float]:
    """(seconds to the first health 200, seconds to an answer from every provider's mount)."""
    port = free_port()
    cmd = mockpost_cmd(port) if kind == "mockpost" else bare_cmd(port)
    with serve(cmd, port, "/_mockpost/health") as server:
        if kind == "mockpost":
            for entry in PROVIDERS:  # any answer will do (401 without credentials): it is the provider's
                status_of(port, f"{entry.mount}/", timeout=30.0)
        return server.seconds_to_ready, time.perf_counter() - server.started_at


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
    all_answering: list[float] = []
    imports: dict[str, list[float]] = {"mockpost": [], "mockpost.app": [], "bare": []}
    time_command("import mockpost.app")  # compile and cache bytecode outside the timed runs
    for _ in range(runs):  # interleaved, so drift on the machine hits both sides alike
        for kind in ready:
            health, every_provider = time_to_ready(kind)
            ready[kind].append(health)
            if kind == "mockpost":
                all_answering.append(every_provider)
        for module in ("mockpost", "mockpost.app"):
            imports[module].append(time_command(f"import {module}"))
        imports["bare"].append(time_command("pass"))
    serve_m, serve_b = summary(ready["mockpost"]), summary(ready["bare"])
    bare_import = summary(imports["bare"])
    return {
        "runs": runs,
        "serve_to_health": {
            "mockpost": serve_m,
            "bare": serve_b,
            "ratio": serve_m["median_ms"] / serve_b["median_ms"],
        },
        "serve_to_every_provider": summary(all_answering),
        "import": {
            module: {
                **summary(imports[module]),
                "added_ms": summary(imports[module])["median_ms"] - bare_import["median_ms"],
            }
            for module in ("mockpost", "mockpost.app")
        }
        | {"bare": bare_import},
    }
