"""python -m benchmarks [--quick] [--duration S] [--concurrency N] [--json PATH] [--only NAME ...]

Runs each measurement next to its baseline, prints a table, writes JSON (benchmarks/results/latest.json).
Reports figures only: it never fails on a speed target, only when a measurement cannot be made.
"""

from __future__ import annotations

import argparse
import sys
import time
import traceback
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from benchmarks import (
    console,
    inprocess,
    loadgen,
    memory,
    pdf,
    peers,
    persistence,
    report,
    scale,
    soak,
    startup,
    throughput,
    webhooks,
)
from benchmarks.procs import ROOT, cpu_pinning

# seconds of load per server and workload, in rounds of 3 s: on a shared virtual machine, rounds of
# 2 s moved a ratio by 15 % from one run to the next; five rounds of 3 s keep it within a few
DURATION, ROUNDS = 15.0, 5

MEASUREMENTS = (
    "throughput",
    "console",
    "startup",
    "inprocess",
    "scale",
    "memory",
    "pdf",
    "webhooks",
    "persistence",
    "peers",
    "soak",
)


def parse(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__.split("\n\n")[1])
    parser.add_argument("--quick", action="store_true", help="CI smoke: ~1 s of load, few iterations")
    parser.add_argument(
        "--duration",
        type=float,
        help="seconds of load per server, split into --rounds (default 15, --quick 1)",
    )
    parser.add_argument("--concurrency", type=int, default=50, help="open connections (default 50)")
    parser.add_argument(
        "--threads", type=int, default=1, help="wrk threads (default 1: the server gets a core)"
    )
    parser.add_argument(
        "--loadgen",
        choices=("auto", "wrk", "asyncio", "httpx"),
        default="auto",
        help="auto = wrk when on PATH, else asyncio (pure Python); httpx only for comparison",
    )
    parser.add_argument(
        "--rounds", type=int, help="load rounds per server, --duration split (default 5, --quick 1)"
    )
    parser.add_argument("--runs", type=int, help="start-up runs, median taken (default 5, --quick 2)")
    parser.add_argument("--flows", type=int, help="in-process Ekopost flows (default 300, --quick 20)")
    parser.add_argument(
        "--sizes",
        type=int,
        nargs="+",
        help="scale: tenant sizes in campaigns (default 100 1000 10000 100000 1000000, --quick 100 10000)",
    )
    parser.add_argument(
        "--scale-budget",
        type=float,
        help="scale: seconds of timed requests per request kind and size (default 1, --quick 0.15)",
    )
    parser.add_argument(
        "--envelopes", type=int, help="memory: envelopes stored (default 100000, --quick 1000)"
    )
    parser.add_argument(
        "--restore-objects",
        type=int,
        help="persistence: objects in the world restored (default 100000, --quick 10000)",
    )
    parser.add_argument(
        "--versus-objects",
        type=int,
        default=1_000,
        help="persistence: objects re-created through the API vs restored (default 1000)",
    )
    parser.add_argument("--soak-seconds", type=float, help="soak: seconds of load (default 600, --quick 3)")
    parser.add_argument(
        "--journal-size", type=int, default=500, help="soak: the server's --journal-size (default 500)"
    )
    parser.add_argument(
        "--soak-connections", type=int, default=8, help="soak: connections driving flows (default 8)"
    )
    parser.add_argument(
        "--install-peers",
        action="store_true",
        help="peers: try pip install 'moto[server]' and npm install @stoplight/prism-cli first",
    )
    parser.add_argument("--only", nargs="+", choices=MEASUREMENTS, help="run only these measurements")
    parser.add_argument(
        "--json",
        type=Path,
        default=ROOT / "benchmarks" / "results" / "latest.json",
        help="where to write the results (default benchmarks/results/latest.json)",
    )
    args = parser.parse_args(argv)
    args.duration = args.duration or (1.0 if args.quick else DURATION)
    args.runs = args.runs or (2 if args.quick else 5)
    args.rounds = args.rounds or (1 if args.quick else ROUNDS)
    args.flows = args.flows or (20 if args.quick else 300)
    args.sizes = sorted(set(args.sizes or (scale.SIZES_QUICK if args.quick else scale.SIZES_FULL)))
    args.scale_budget = args.scale_budget or (0.15 if args.quick else 1.0)
    args.envelopes = args.envelopes or (1_000 if args.quick else 100_000)
    args.soak_seconds = args.soak_seconds or (3.0 if args.quick else 600.0)
    args.restore_objects = args.restore_objects or (10_000 if args.quick else 100_000)
    if (
        args.duration <= 0
        or args.concurrency < 1
        or args.runs < 1
        or args.flows < 1
        or args.threads < 1
        or args.rounds < 1
    ):
        parser.error("--duration, --concurrency, --rounds, --runs, --flows and --threads must be positive")
    if (
        min(args.sizes) < 1
        or max(args.sizes) > 10_000_000
        or args.scale_budget <= 0
        or not 1 <= args.envelopes <= 10_000_000
        or not 0 < args.soak_seconds <= 24 * 3600
        or args.journal_size < 1
        or not 1 <= args.soak_connections <= 1_000
        or not 2 <= args.restore_objects <= 10_000_000
        or not 2 <= args.versus_objects <= 1_000_000
    ):
        parser.error(
            "--sizes (1..10^7), --scale-budget, --envelopes (1..10^7), --soak-seconds (up to a day), "
            "--journal-size, --soak-connections (1..1000), --restore-objects and --versus-objects (2 or "
            "more) must be positive"
        )
    return args


def main(argv: Sequence[str] | None = None) -> int:
    args = parse(argv)
    jobs: dict[str, Callable[[], dict[str, Any]]] = {
        "throughput": lambda: throughput.measure(
            args.duration, args.concurrency, args.loadgen, args.threads, args.rounds
        ),
        "console": lambda: console.measure(
            args.duration, args.concurrency, args.loadgen, args.threads, args.rounds
        ),
        "startup": lambda: startup.measure(args.runs),
        "inprocess": lambda: inprocess.measure(args.flows, resets=3 if args.quick else 5),
        "scale": lambda: scale.measure(args.sizes, args.scale_budget, isolated=not args.quick),
        "memory": lambda: memory.measure(args.envelopes, isolated=not args.quick),
        "pdf": lambda: pdf.measure(
            *((pdf.SIZE_QUICK, pdf.PAGES_QUICK) if args.quick else (pdf.SIZE, pdf.PAGES))
        ),
        "webhooks": lambda: webhooks.measure(),
        "persistence": lambda: persistence.measure(
            args.duration,
            args.concurrency,
            args.loadgen,
            args.threads,
            args.rounds,
            args.restore_objects,
            args.versus_objects,
        ),
        "peers": lambda: peers.measure(
            args.duration, args.concurrency, args.loadgen, args.threads, args.rounds, args.install_peers
        ),
        "soak": lambda: soak.measure(args.soak_seconds, args.journal_size, args.soak_connections),
    }
    if args.quick and not args.only and not args.install_peers:  # starting Prism alone takes ~10 s

        def skip_peers() -> dict[str, Any]:
            return {"skipped": "not run in --quick unless asked for (--only ... peers, or --install-peers)"}

        jobs["peers"] = skip_peers
    chosen = args.only or list(MEASUREMENTS)
    server_cpus, loadgen_cpus = cpu_pinning()
    pinning = "no CPU pinning"
    if server_cpus:
        pinning = f"servers on CPU {server_cpus[-1]}, wrk on CPU {loadgen_cpus[-1]}"
    print(
        f"benchmarks: {', '.join(chosen)}; load {args.duration:g}s x {args.concurrency} connections via "
        f"{loadgen.available(args.loadgen)}; {pinning}; 127.0.0.1 only",
        flush=True,
    )
    results: dict[str, Any] = {}
    meta = report.meta({k: str(v) if isinstance(v, Path) else v for k, v in vars(args).items()})
    meta["cpu_pinning"] = pinning
    failed = False
    for name in chosen:
        t0 = time.perf_counter()
        print(f"  {name} ...", end="", flush=True)
        try:
            results[name] = jobs[name]()
            print(f" {time.perf_counter() - t0:.1f}s", flush=True)
        except Exception as exc:  # report and go on with the others; the run then exits 1
            failed = True
            results[name] = {"error": f"{type(exc).__name__}: {exc}"}
            print(" FAILED", flush=True)
            traceback.print_exc()
        report.write_json(args.json, {"meta": meta, **results})  # after each part: a long run keeps it
    print()
    print(report.table(results))
    print(f"\nwritten {args.json}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
