"""(a) mockpost's routes on a real `mockpost serve` versus a bare Starlette app serving the same JSON
bytes as the stateful read (the ceiling): both uvicorn subprocesses with the same loop and HTTP
parser, loaded in turn by one generator. Workloads on mockpost:
  read    GET /ekopost/campaigns/{id}                   (a stateful read)
  write   POST /ekopost/campaigns/{id}/envelopes        (a stateful write: one envelope per request,
                                                         in another account, so the read stays as is)
  list    GET /ekopost/campaigns                        (the default window, today: 25 campaigns;
                                                         Ekopost lists by time window, not by page)
  afosto  GET /afosto/cnt/batches                       (a route served from the compiled catalog)

Two kinds of load, each at the same number of connections:
  saturated  every connection sends its next request as soon as the answer arrives: requests/s is
             the server's capacity, and latency is mostly the queue (Little's law: the mean is
             connections / throughput, about 10 ms at 50 connections and 5,000 req/s);
  paced      every connection waits before each request, so that together they offer half of
             mockpost's measured read capacity to both servers (stateful read only): latency is
             then the server's own cost, not the queue in front of it.
"""

from __future__ import annotations

import contextlib
import json
import statistics
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx

from benchmarks import loadgen
from benchmarks.procs import bare_cmd, clean_env, fastest_loop, free_port, mockpost_cmd, serve

AUTH = {"Authorization": "api-key bench-throughput"}
WRITE_AUTH = {"Authorization": "api-key bench-throughput-writes"}  # writes grow another account
AFOSTO_AUTH = {"Authorization": "Bearer bench-throughput"}
CAMPAIGN = {"name": "bench", "output_date": "2030-01-01T12:00:00", "cost_center": "bench"}
ENVELOPE = {
    "name": "bench",
    "address": {"$type": "email", "recipient": "bench@example.se", "subject": "bench"},
    "postage": "priority",
    "plex": "simplex",
    "color": False,
}
LIST_ACCOUNT_CAMPAIGNS = 25
PACED_SHARE = 0.5  # of mockpost's saturated read requests/s, offered to both servers when paced


@dataclass(frozen=True)
class Workload:
    name: str
    method: str
    path: str  # {campaign_id} (the read one) or {write_campaign_id} is filled in
    headers: dict[str, str]
    body: bytes | None = None


WORKLOADS = (
    Workload("read", "GET", "/ekopost/campaigns/{campaign_id}", AUTH),
    Workload(
        "write",
        "POST",
        "/ekopost/campaigns/{write_campaign_id}/envelopes",
        {**WRITE_AUTH, "Content-Type": "application/json"},
        json.dumps(ENVELOPE).encode(),
    ),
    Workload("list", "GET", "/ekopost/campaigns", AUTH),
    Workload("afosto", "GET", "/afosto/cnt/batches", AFOSTO_AUTH),
)


def create_campaign(base_url: str, count: int = 1, auth: dict[str, str] = AUTH) -> tuple[str, Any]:
    """Create `count` campaigns; return the first one's id and how it reads back."""
    with httpx.Client(base_url=base_url, headers=auth, timeout=10.0, trust_env=False) as client:
        ids = []
        for _ in range(count):
            created = client.post("/ekopost/campaigns", json=CAMPAIGN)
            created.raise_for_status()
            ids.append(created.json()["id"])
        read = client.get(f"/ekopost/campaigns/{ids[0]}")
        read.raise_for_status()
        return str(ids[0]), read.json()


def load(
    tool: str,
    url: str,
    duration: float,
    concurrency: int,
    threads: int,
    pace_ms: float = 0.0,
    workload: Workload = WORKLOADS[0],
) -> dict[str, Any]:
    result = loadgen.run(
        tool,
        url,
        workload.headers,
        duration,
        concurrency,
        threads,
        method=workload.method,
        body=workload.body,
        pace_ms=pace_ms,
    )
    if result["requests"] == 0 or result["non_2xx"] or result["errors"]:
        raise RuntimeError(f"load against {workload.method} {url} had failures: {result}")
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


def ratios(mockpost: dict[str, Any], bare: dict[str, Any]) -> dict[str, float | None]:
    return {
        f"{figure.removesuffix('_ms')}_ratio": mockpost[figure] / bare[figure] if bare[figure] else None
        for figure in ("rps", "p50_ms", "p99_ms")
    }


def measure(
    duration: float, concurrency: int, loadgen_choice: str, threads: int, rounds: int
) -> dict[str, Any]:
    """Both servers run side by side (an idle one costs nothing) and are loaded in turn, `rounds` times,
    `duration / rounds` seconds per workload each, so drift in the machine's load hits all alike."""
    tool = loadgen.available(loadgen_choice)
    loop, http = fastest_loop()
    per_round = max(1.0, duration / rounds) if tool == "wrk" else duration / rounds
    with contextlib.ExitStack() as stack:
        port = free_port()
        server = stack.enter_context(serve(mockpost_cmd(port), port, "/_mockpost/health"))
        campaign_id, body = create_campaign(server.base_url, LIST_ACCOUNT_CAMPAIGNS)
        write_campaign_id, _ = create_campaign(server.base_url, auth=WRITE_AUTH)  # the read stays as it is
        ids = {"campaign_id": campaign_id, "write_campaign_id": write_campaign_id}
        urls = {w.name: server.base_url + w.path.format(**ids) for w in WORKLOADS}
        tmp = stack.enter_context(tempfile.TemporaryDirectory())
        body_file = Path(tmp, "body.json")
        body_file.write_text(json.dumps(body), encoding="utf-8")
        port = free_port()
        env = clean_env(BENCH_BARE_BODY=str(body_file))
        bare_server = stack.enter_context(serve(bare_cmd(port), port, "/_mockpost/health", env=env))
        bare_url = f"{bare_server.base_url}/campaigns/{campaign_id}"
        read = WORKLOADS[0]
        for workload in WORKLOADS:  # warm-up, discarded
            load(tool, urls[workload.name], min(1.0, per_round), concurrency, threads, workload=workload)
        load(tool, bare_url, min(1.0, per_round), concurrency, threads)
        samples: dict[str, list[dict[str, Any]]] = {w.name: [] for w in WORKLOADS} | {"bare": []}
        for _ in range(rounds):
            for workload in WORKLOADS:
                samples[workload.name].append(
                    load(tool, urls[workload.name], per_round, concurrency, threads, workload=workload)
                )
            samples["bare"].append(load(tool, bare_url, per_round, concurrency, threads))
        combined = {name: combine(rounds_of) for name, rounds_of in samples.items()}
        offered = PACED_SHARE * combined["read"]["rps"]
        pace_ms = concurrency / offered * 1000.0 if offered else 0.0
        paced_mockpost = load(tool, urls["read"], per_round, concurrency, threads, pace_ms, read)
        paced_bare = load(tool, bare_url, per_round, concurrency, threads, pace_ms)
    bare = combined["bare"]
    return {
        "endpoint": "GET /ekopost/campaigns/{id}",
        "loadgen": tool,
        "loop": loop,
        "http": http,
        "concurrency": concurrency,
        "rounds": rounds,
        "seconds_per_round": per_round,
        "response_bytes": len(json.dumps(body)),
        "mockpost": combined["read"],
        "bare": bare,
        **ratios(combined["read"], bare),
        "workloads": {
            w.name: {"route": f"{w.method} {w.path}", **combined[w.name], **ratios(combined[w.name], bare)}
            for w in WORKLOADS
        },
        "paced": {
            "offered_rps": offered,
            "pace_ms": pace_ms,
            "mockpost": paced_mockpost,
            "bare": paced_bare,
            **ratios(paced_mockpost, paced_bare),
        },
    }
