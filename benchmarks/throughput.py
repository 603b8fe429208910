"""(a) GET /ekopost/campaigns/{id} on a real `mockpost serve` versus a bare Starlette app serving the same
JSON bytes: both uvicorn subprocesses with the same loop and HTTP parser, loaded in turn by one generator."""

from __future__ import annotations

import contextlib
import json
import statistics
import tempfile
from pathlib import Path
from typing import Any

import httpx

from benchmarks import loadgen
from benchmarks.procs import bare_cmd, clean_env, fastest_loop, free_port, mockpost_cmd, serve

AUTH = {"Authorization": "api-key bench-throughput"}
CAMPAIGN = {"name": "bench", "output_date": "2030-01-01T12:00:00", "cost_center": "bench"}


def create_campaign(base_url: str) -> tuple[str, Any]:
    with httpx.Client(base_url=base_url, headers=AUTH, timeout=10.0, trust_env=False) as client:
        created = client.post("/ekopost/campaigns", json=CAMPAIGN)
        created.raise_for_status()
        campaign_id = created.json()["id"]
        read = client.get(f"/ekopost/campaigns/{campaign_id}")
        read.raise_for_status()
        return str(campaign_id), read.json()


def load(tool: str, url: str, duration: float, concurrency: int, threads: int) -> dict[str, Any]:
    result = loadgen.run(tool, url, AUTH, duration, concurrency, threads)
    if result["requests"] == 0 or result["non_2xx"] or result["errors"]:
        raise RuntimeError(f"load against {url} had failures: {result}")
    return result


def combine(rounds: list[dict[str, Any]]) -> dict[str, Any]:
    """Median of each figure over the rounds (robust to a noisy neighbour on the machine)."""
    return {
        "rps": statistics.median(r["rps"] for r in rounds),
        "p50_ms": statistics.median(r["p50_ms"] for r in rounds),
        "p99_ms": statistics.median(r["p99_ms"] for r in rounds),
        "requests": sum(r["requests"] for r in rounds),
        "non_2xx": sum(r.get("non_2xx", 0) for r in rounds),
        "rounds": rounds,
    }


def measure(
    duration: float, concurrency: int, loadgen_choice: str, threads: int, rounds: int
) -> dict[str, Any]:
    """Both servers run side by side (an idle one costs nothing) and are loaded in turn, `rounds` times,
    `duration / rounds` seconds each, so drift in the machine's load hits both alike."""
    tool = loadgen.available(loadgen_choice)
    loop, http = fastest_loop()
    per_round = max(1.0, duration / rounds) if tool == "wrk" else duration / rounds
    with contextlib.ExitStack() as stack:
        port = free_port()
        server = stack.enter_context(serve(mockpost_cmd(port), port, "/_mockpost/health"))
        campaign_id, body = create_campaign(server.base_url)
        mockpost_url = f"{server.base_url}/ekopost/campaigns/{campaign_id}"
        tmp = stack.enter_context(tempfile.TemporaryDirectory())
        body_file = Path(tmp, "body.json")
        body_file.write_text(json.dumps(body), encoding="utf-8")
        port = free_port()
        env = clean_env(BENCH_BARE_BODY=str(body_file))
        bare_server = stack.enter_context(serve(bare_cmd(port), port, "/_mockpost/health", env=env))
        bare_url = f"{bare_server.base_url}/campaigns/{campaign_id}"
        for url in (mockpost_url, bare_url):  # warm-up, discarded
            load(tool, url, min(1.0, per_round), concurrency, threads)
        samples: dict[str, list[dict[str, Any]]] = {"mockpost": [], "bare": []}
        for _ in range(rounds):
            samples["mockpost"].append(load(tool, mockpost_url, per_round, concurrency, threads))
            samples["bare"].append(load(tool, bare_url, per_round, concurrency, threads))
    mockpost, bare = combine(samples["mockpost"]), combine(samples["bare"])
    return {
        "endpoint": "GET /ekopost/campaigns/{id}",
        "loadgen": tool,
        "loop": loop,
        "http": http,
        "concurrency": concurrency,
        "rounds": rounds,
        "seconds_per_round": per_round,
        "response_bytes": len(json.dumps(body)),
        "mockpost": mockpost,
        "bare": bare,
        "rps_ratio": mockpost["rps"] / bare["rps"] if bare["rps"] else None,
        "p50_ratio": mockpost["p50_ms"] / bare["p50_ms"] if bare["p50_ms"] else None,
        "p99_ratio": mockpost["p99_ms"] / bare["p99_ms"] if bare["p99_ms"] else None,
    }
