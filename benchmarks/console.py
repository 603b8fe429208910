"""(h) What open consoles cost: the stateful read (GET /ekopost/campaigns/{id}) on a real `mockpost
serve`, saturated, with 0, 1 and 10 browsers' event streams (`/_mockpost/events`) open and read.

Each request is published to every open stream, so this is the console's whole cost on the request
path: the event, its encoding, the per-browser queue and the batched writes. The readers run in a
process of their own (a browser is not in the server's process either) and read everything they
are sent, as a live page does. The three settings are loaded in turn, 3 x `rounds` times (short
rounds, so that a busy neighbour on the machine hits each setting alike), and the median of each is
kept; the cost is 1 - (req/s with N consoles) / (req/s with none).
"""

from __future__ import annotations

import asyncio
import contextlib
import statistics
import subprocess
import sys
from collections.abc import Iterator
from typing import Any

from benchmarks import loadgen
from benchmarks.procs import ROOT, clean_env, free_port, mockpost_cmd, serve
from benchmarks.throughput import AUTH, create_campaign

CONSOLES = (0, 1, 10)
ROUND_FACTOR = 3
STREAM = "/_mockpost/events"


@contextlib.contextmanager
def readers(port: int, count: int) -> Iterator[None]:
    """`count` event-stream readers in a child process, connected before the block starts."""
    if count == 0:
        yield
        return
    process = subprocess.Popen(
        [sys.executable, "-m", "benchmarks.console", str(port), str(count)],
        cwd=ROOT,
        env=clean_env(),
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    try:
        assert process.stdout is not None
        ready = process.stdout.readline().decode().strip()  # the child says so once all are connected
        if ready != f"connected {count}":
            raise RuntimeError(f"event-stream readers did not connect: {ready!r}")
        yield
    finally:
        process.terminate()
        with contextlib.suppress(subprocess.TimeoutExpired):
            process.wait(timeout=5)
        if process.poll() is None:
            process.kill()
            process.wait()


def measure(
    duration: float, concurrency: int, loadgen_choice: str, threads: int, rounds: int
) -> dict[str, Any]:
    tool = loadgen.available(loadgen_choice)
    rounds *= ROUND_FACTOR  # short, interleaved rounds: a busy neighbour hits every setting alike
    per_round = max(1.0, duration / rounds) if tool == "wrk" else duration / rounds
    port = free_port()
    with serve(mockpost_cmd(port), port, "/_mockpost/health") as server:
        campaign_id, _ = create_campaign(server.base_url)
        url = f"{server.base_url}/ekopost/campaigns/{campaign_id}"
        loadgen.run(tool, url, AUTH, min(1.0, per_round), concurrency, threads)  # warm-up, discarded
        samples: dict[int, list[float]] = {n: [] for n in CONSOLES}
        for _ in range(rounds):
            for n in CONSOLES:
                with readers(port, n):
                    result = loadgen.run(tool, url, AUTH, per_round, concurrency, threads)
                if result["requests"] == 0 or result["non_2xx"] or result["errors"]:
                    raise RuntimeError(f"load with {n} consoles open had failures: {result}")
                samples[n].append(result["rps"])
    rps = {n: statistics.median(values) for n, values in samples.items()}
    return {
        "endpoint": "GET /ekopost/campaigns/{id}",
        "loadgen": tool,
        "concurrency": concurrency,
        "rounds": rounds,
        "rps": {str(n): rps[n] for n in CONSOLES},
        "cost": {str(n): 1.0 - rps[n] / rps[0] if rps[0] else None for n in CONSOLES if n},
        "samples": {str(n): values for n, values in samples.items()},
    }


async def _read_streams(port: int, count: int) -> None:
    async def one() -> asyncio.StreamReader:
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        writer.write(
            f"GET {STREAM} HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: text/event-stream\r\n\r\n".encode()
        )
        await writer.drain()
        await reader.readuntil(b"event: hello")  # the stream is open and subscribed
        return reader

    streams = [await one() for _ in range(count)]
    print(f"connected {count}", flush=True)

    async def drain(reader: asyncio.StreamReader) -> None:
        while await reader.read(65536):
            pass

    await asyncio.gather(*(drain(reader) for reader in streams))


if __name__ == "__main__":  # the readers' process: python -m benchmarks.console PORT COUNT
    asyncio.run(_read_streams(int(sys.argv[1]), int(sys.argv[2])))
