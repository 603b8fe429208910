"""Start a server as a subprocess on a free loopback port, wait for its first 200, stop it."""

from __future__ import annotations

import contextlib
import http.client
import importlib.util
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

HOST = "127.0.0.1"  # every benchmark targets loopback only
ROOT = Path(__file__).resolve().parent.parent
HEALTH = "/_mockpost/health"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return int(sock.getsockname()[1])


def fastest_loop() -> tuple[str, str]:
    """The same choice mockpost's server makes: uvloop/httptools when installed."""
    loop = "uvloop" if importlib.util.find_spec("uvloop") else "asyncio"
    http = "httptools" if importlib.util.find_spec("httptools") else "h11"
    return loop, http


def cpu_pinning() -> tuple[list[str], list[str]]:
    """(prefix for server commands, prefix for the load generator): with taskset and two CPUs or
    more, servers run on the last CPU and wrk on the first, so neither preempts the other and the
    latency tail shows the server rather than the two fighting over a core. Empty without them
    (or with BENCH_NO_PIN=1)."""
    cpus = sorted(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else []
    if len(cpus) < 2 or not shutil.which("taskset") or os.environ.get("BENCH_NO_PIN"):
        return [], []
    return ["taskset", "-c", str(cpus[-1])], ["taskset", "-c", str(cpus[0])]


def clean_env(**extra: str) -> dict[str, str]:
    """The caller's environment without MOCKPOST_* settings (flags decide), plus `extra`.
    Bytecode caching stays on even where the caller turned it off: an installed package (and the
    image) runs from compiled bytecode, and that is what start-up figures describe."""
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith("MOCKPOST_") and key != "PYTHONDONTWRITEBYTECODE"
    }
    env.setdefault("PYTHONPATH", str(ROOT))
    env.update(extra)
    return env


def mockpost_cmd(port: int) -> list[str]:
    return [
        sys.executable,
        "-m",
        "mockpost",
        "serve",
        "--host",
        HOST,
        "--port",
        str(port),
        "--log-level",
        "warning",
    ]


def bare_cmd(port: int) -> list[str]:
    loop, http = fastest_loop()
    return [
        sys.executable,
        "-m",
        "uvicorn",
        "benchmarks.bare_app:app",
        "--host",
        HOST,
        "--port",
        str(port),
        "--loop",
        loop,
        "--http",
        http,
        "--no-access-log",
        "--log-level",
        "warning",
    ]


def status_of(port: int, path: str, timeout: float = 1.0) -> int:
    """The status of a GET (any status: the caller asks whether something answers at all)."""
    conn = http.client.HTTPConnection(HOST, port, timeout=timeout)
    try:
        conn.request("GET", path)
        response = conn.getresponse()
        response.read()
        return response.status
    finally:
        conn.close()


@dataclass
class Started:
    process: subprocess.Popen[bytes]
    port: int
    seconds_to_ready: float
    started_at: float  # perf_counter() when the process was launched

    @property
    def base_url(self) -> str:
        return f"http://{HOST}:{self.port}"


def wait_ready(process: subprocess.Popen[bytes], port: int, path: str, t0: float, timeout: float) -> float:
    """Seconds from t0 to the first 200 on `path`; raises if the process dies or `timeout` passes."""
    deadline = t0 + timeout
    while True:
        if process.poll() is not None:
            out = process.stdout.read().decode(errors="replace") if process.stdout else ""
            raise RuntimeError(f"server exited with {process.returncode} before answering:\n{out[-2000:]}")
        with contextlib.suppress(OSError, http.client.HTTPException):
            if status_of(port, path, timeout=0.5) == 200:
                return time.perf_counter() - t0
        if time.perf_counter() > deadline:
            raise RuntimeError(f"no 200 from {HOST}:{port}{path} within {timeout:.0f}s")
        time.sleep(0.005)


def stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        process.send_signal(signal.SIGINT)
        try:
            process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=5)
    if process.stdout:
        process.stdout.close()


@contextlib.contextmanager
def serve(
    cmd: Sequence[str], port: int, ready_path: str, env: dict[str, str] | None = None, timeout: float = 30.0
) -> Iterator[Started]:
    """Run `cmd` (which listens on `port`) until the block ends; yields once `ready_path` answers 200."""
    t0 = time.perf_counter()
    process = subprocess.Popen(
        [*cpu_pinning()[0], *cmd],
        cwd=ROOT,
        env=env or clean_env(),
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    try:
        ready = wait_ready(process, port, ready_path, t0, timeout)
        yield Started(process, port, ready, t0)
    finally:
        stop(process)
