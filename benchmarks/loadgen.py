"""HTTP load for a fixed time against one loopback URL: wrk when on PATH, else a pure-Python one.

Generators (all return requests, requests/second, p50/p99 latency in ms, errors, non-2xx):
  wrk      the C load generator (apt-get install wrk); the most accurate.
  asyncio  pure Python: keep-alive HTTP/1.1 over asyncio streams (uvloop when installed), one
           pre-encoded request per connection. The fallback when wrk is missing (as in CI).
  httpx    pure Python through httpx.AsyncClient. Kept for comparison only: on this 2-core machine
           it managed ~70 req/s at 50 connections against a server wrk drives at ~6,800, so its
           figures describe httpx, not the server.
A Python generator shares the machine's cores with the server: compare ratios, not absolute figures.
"""

from __future__ import annotations

import asyncio
import importlib.util
import json
import re
import shutil
import subprocess
import tempfile
import time
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from benchmarks.procs import HOST, cpu_pinning


def check_loopback(url: str) -> None:
    if urlsplit(url).hostname != HOST:
        raise ValueError(f"benchmarks only target {HOST}, not {url}")


def percentile(sorted_values: list[float], fraction: float) -> float:
    """Nearest-rank percentile of an already sorted list."""
    if not sorted_values:
        return float("nan")
    rank = max(0, min(len(sorted_values) - 1, round(fraction * len(sorted_values) + 0.5) - 1))
    return sorted_values[rank]


def available(choice: str) -> str:
    """'auto' -> 'wrk' if wrk is on PATH, else 'asyncio'."""
    if choice == "auto":
        return "wrk" if shutil.which("wrk") else "asyncio"
    if choice == "wrk" and not shutil.which("wrk"):
        raise SystemExit("--loadgen wrk: wrk is not on PATH (apt-get install wrk)")
    return choice


def run(
    tool: str,
    url: str,
    headers: dict[str, str],
    duration: float,
    concurrency: int,
    threads: int = 1,
    method: str = "GET",
    body: bytes | None = None,
    pace_ms: float = 0.0,
) -> dict[str, Any]:
    """Load `url` with the same request (`method`, `headers`, `body`) on every connection. With
    `pace_ms`, each connection waits that long before each request (an offered rate below
    saturation, where latency shows the server's own cost rather than the queue in front of it)."""
    check_loopback(url)
    if tool == "wrk":
        return run_wrk(url, headers, duration, concurrency, threads, method, body, pace_ms)
    loop_factory = None
    if importlib.util.find_spec("uvloop"):
        import uvloop

        loop_factory = uvloop.new_event_loop
    generate = run_asyncio if tool == "asyncio" else run_httpx
    with asyncio.Runner(loop_factory=loop_factory) as runner:
        return runner.run(generate(url, headers, duration, concurrency, method, body, pace_ms))


def summarize(
    tool: str, concurrency: int, elapsed: float, latencies: list[float], counts: dict[str, int]
) -> dict[str, Any]:
    latencies.sort()
    return {
        "tool": tool,
        "concurrency": concurrency,
        "duration_s": round(elapsed, 3),
        "requests": len(latencies),
        "rps": len(latencies) / elapsed if elapsed else 0.0,
        "p50_ms": percentile(latencies, 0.50),
        "p99_ms": percentile(latencies, 0.99),
        **counts,
    }


# -- wrk ---------------------------------------------------------------------------------------
UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0}


def to_ms(text: str) -> float:
    match = re.fullmatch(r"([\d.]+)(us|ms|s|m)", text.strip())
    if not match:
        raise ValueError(f"unexpected wrk latency {text!r}")
    return float(match.group(1)) * UNITS[match.group(2)]


def parse_wrk(out: str) -> dict[str, Any]:
    def find(pattern: str, default: str | None = None) -> str:
        match = re.search(pattern, out, re.MULTILINE)
        if match:
            return match.group(1)
        if default is None:
            raise ValueError(f"wrk output has no {pattern!r}:\n{out}")
        return default

    errors = sum(
        int(n)
        for n in re.findall(r"(?:connect|read|write|timeout) (\d+)", find(r"^\s*Socket errors:(.*)$", ""))
    )
    return {
        "requests": int(find(r"^\s*(\d+) requests in")),
        "rps": float(find(r"^Requests/sec:\s*([\d.]+)")),
        "p50_ms": to_ms(find(r"^\s*50%\s+(\S+)")),
        "p99_ms": to_ms(find(r"^\s*99%\s+(\S+)")),
        "errors": errors,
        "non_2xx": int(find(r"^\s*Non-2xx or 3xx responses:\s*(\d+)", "0")),
    }


def wrk_script(method: str, body: bytes | None, pace_ms: float = 0.0) -> str:
    """A wrk Lua script setting the method and body (a long-bracket string: no escaping needed) and,
    with `pace_ms`, wrk's per-request `delay()` hook."""
    text = (body or b"").decode("utf-8")
    level = 1
    while f"]{'=' * level}]" in text:
        level += 1
    eq = "=" * level
    script = f"wrk.method = {json.dumps(method)}\nwrk.body = [{eq}[{text}]{eq}]\n"
    if pace_ms > 0:
        script += f"function delay()\n  return {pace_ms:.3f}\nend\n"
    return script


def run_wrk(
    url: str,
    headers: dict[str, str],
    duration: float,
    concurrency: int,
    threads: int,
    method: str = "GET",
    body: bytes | None = None,
    pace_ms: float = 0.0,
) -> dict[str, Any]:
    seconds = max(1, round(duration))
    cmd = [*cpu_pinning()[1], "wrk", f"-t{threads}", f"-c{concurrency}", f"-d{seconds}s", "--latency"]
    cmd += ["--timeout", "5s"]
    for name, value in headers.items():
        cmd += ["-H", f"{name}: {value}"]
    with tempfile.TemporaryDirectory() as tmp:
        if method != "GET" or body is not None or pace_ms > 0:
            script = Path(tmp, "request.lua")
            script.write_text(wrk_script(method, body, pace_ms), encoding="utf-8")
            cmd += ["-s", str(script)]
        cmd.append(url)
        done = subprocess.run(cmd, capture_output=True, text=True, timeout=seconds + 30, check=True)
    return {
        "tool": "wrk",
        "threads": threads,
        "concurrency": concurrency,
        "duration_s": seconds,
        **parse_wrk(done.stdout),
    }


# -- asyncio + httpx ---------------------------------------------------------------------------
async def run_httpx(
    url: str,
    headers: dict[str, str],
    duration: float,
    concurrency: int,
    method: str = "GET",
    body: bytes | None = None,
    pace_ms: float = 0.0,
) -> dict[str, Any]:
    import httpx

    latencies: list[float] = []
    counts = {"errors": 0, "non_2xx": 0}
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    async with httpx.AsyncClient(headers=headers, limits=limits, timeout=5.0, trust_env=False) as client:

        async def worker(deadline: float) -> None:
            while time.perf_counter() < deadline:
                if pace_ms > 0:
                    await asyncio.sleep(pace_ms / 1000.0)
                start = time.perf_counter()
                try:
                    response = await client.request(method, url, content=body)
                except httpx.HTTPError:
                    counts["errors"] += 1
                    continue
                latencies.append((time.perf_counter() - start) * 1000.0)
                if not 200 <= response.status_code < 400:
                    counts["non_2xx"] += 1

        started = time.perf_counter()
        await asyncio.gather(*(worker(started + duration) for _ in range(concurrency)))
        elapsed = time.perf_counter() - started
    return summarize("httpx", concurrency, elapsed, latencies, counts)


# -- asyncio streams ---------------------------------------------------------------------------
async def read_response(reader: asyncio.StreamReader) -> tuple[int, bool]:
    """Read one HTTP/1.x response (Content-Length, chunked, or until close); return its status and
    whether the connection stays open (HTTP/1.0 servers such as werkzeug's close it after each)."""
    head = await reader.readuntil(b"\r\n\r\n")
    status = int(head[9:12])
    lower = head.lower()
    if head.startswith(b"HTTP/1.0"):
        keep = b"\r\nconnection: keep-alive" in lower
    else:
        keep = b"\r\nconnection: close" not in lower
    at = lower.find(b"\r\ncontent-length:")
    if at >= 0:
        end = lower.index(b"\r\n", at + 2)
        await reader.readexactly(int(lower[at + 17 : end]))
    elif b"\r\ntransfer-encoding: chunked" in lower:
        while size := int((await reader.readuntil(b"\r\n")).split(b";")[0], 16):
            await reader.readexactly(size + 2)
        await reader.readuntil(b"\r\n")  # the empty trailer line
    elif not keep:
        await reader.read()  # the body runs to the end of the connection
    return status, keep


async def run_asyncio(
    url: str,
    headers: dict[str, str],
    duration: float,
    concurrency: int,
    method: str = "GET",
    body: bytes | None = None,
    pace_ms: float = 0.0,
) -> dict[str, Any]:
    parts = urlsplit(url)
    host, port = parts.hostname or HOST, parts.port or 80
    target = parts.path + (f"?{parts.query}" if parts.query else "")
    lines = [f"{method} {target} HTTP/1.1", f"Host: {host}:{port}"]
    lines += [f"{k}: {v}" for k, v in headers.items()]
    if body is not None:
        lines.append(f"Content-Length: {len(body)}")
    request = ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + (body or b"")
    latencies: list[float] = []
    counts = {"errors": 0, "non_2xx": 0}

    async def worker(deadline: float) -> None:
        writer = None
        while time.perf_counter() < deadline:
            if pace_ms > 0:
                await asyncio.sleep(pace_ms / 1000.0)
            try:
                if writer is None:
                    reader, writer = await asyncio.open_connection(host, port)
                start = time.perf_counter()
                writer.write(request)
                status, keep = await asyncio.wait_for(read_response(reader), timeout=5.0)
            except (
                OSError,
                asyncio.IncompleteReadError,
                asyncio.LimitOverrunError,
                TimeoutError,
                ValueError,
            ):
                counts["errors"] += 1
                if writer is not None:
                    writer.close()
                writer = None
                continue
            latencies.append((time.perf_counter() - start) * 1000.0)
            if not 200 <= status < 400:
                counts["non_2xx"] += 1
            if not keep:
                writer.close()
                writer = None
        if writer is not None:
            writer.close()

    started = time.perf_counter()
    await asyncio.gather(*(worker(started + duration) for _ in range(concurrency)))
    elapsed = time.perf_counter() - started
    return summarize("asyncio", concurrency, elapsed, latencies, counts)
