"""The printed table and the JSON file."""

from __future__ import annotations

import json
import os
import platform
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from benchmarks.procs import ROOT


def meta(args: dict[str, Any]) -> dict[str, Any]:
    try:
        from mockpost import __version__ as version
    except ImportError:
        version = None
    try:
        commit = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True
        )
        revision = commit.stdout.strip() or None
    except OSError:
        revision = None
    return {
        "when": datetime.now(UTC).isoformat(timespec="seconds"),
        "mockpost_version": version,
        "git_commit": revision,
        "python": sys.version.split()[0],
        "platform": platform.platform(),
        "cpus": os.cpu_count(),
        "ci": bool(os.environ.get("CI")),
        "args": args,
    }


def fmt(value: Any, digits: int = 2) -> str:
    if value is None:
        return "-"
    if isinstance(value, float):
        return f"{value:,.{digits}f}" if abs(value) < 1000 else f"{value:,.0f}"
    return str(value)


def rows(results: dict[str, Any]) -> list[tuple[str, str, str, str, str]]:
    """(figure, mockpost, baseline, ratio, baseline name)."""
    out: list[tuple[str, str, str, str, str]] = []
    t = results.get("throughput")
    if t and "error" not in t:
        m, b = t["mockpost"], t["bare"]
        tag = f"({t['loadgen']}, c={t['concurrency']}, median of {t['rounds']})"
        out += [
            (
                f"GET campaign req/s {tag}",
                fmt(m["rps"], 0),
                fmt(b["rps"], 0),
                f"{t['rps_ratio']:.2f}x",
                "bare Starlette",
            ),
            (
                "GET campaign p50 ms",
                fmt(m["p50_ms"]),
                fmt(b["p50_ms"]),
                f"{t['p50_ratio']:.2f}x",
                "bare Starlette",
            ),
            (
                "GET campaign p99 ms",
                fmt(m["p99_ms"]),
                fmt(b["p99_ms"]),
                f"{t['p99_ratio']:.2f}x",
                "bare Starlette",
            ),
        ]
    s = results.get("startup")
    if s and "error" not in s:
        sv, im = s["serve_to_health"], s["import"]
        out += [
            (
                f"start to first health 200 ms (median of {s['runs']})",
                fmt(sv["mockpost"]["median_ms"], 0),
                fmt(sv["bare"]["median_ms"], 0),
                f"{sv['ratio']:.2f}x",
                "bare Starlette",
            ),
            (
                f"python -c 'import mockpost.app' ms (median of {s['runs']})",
                fmt(im["mockpost"]["median_ms"], 0),
                fmt(im["bare"]["median_ms"], 0),
                f"+{im['added_ms']:.0f} ms",
                "python -c pass",
            ),
        ]
    f = results.get("inprocess")
    if f and "error" not in f:
        out += [
            (
                f"Ekopost flow ms, 6 calls (median of {f['flow']['n']})",
                fmt(f["flow"]["median_ms"]),
                fmt(f["bare_6_calls"]["median_ms"]),
                f"{f['flow_ratio']:.2f}x",
                "6 bare calls",
            ),
            (
                f"reset ms, {f['reset_campaigns']} campaigns (median of {f['reset']['n']})",
                fmt(f["reset"]["median_ms"], 3),
                fmt(f["reset_empty"]["median_ms"], 3),
                f"{f['reset_ratio']:.2f}x",
                "reset of an empty sandbox",
            ),
        ]
    return out


def table(results: dict[str, Any]) -> str:
    header = ("figure", "mockpost", "baseline", "ratio", "baseline is")
    body = rows(results)
    widths = [max(len(row[i]) for row in [header, *body]) for i in range(len(header))]
    lines = []
    for n, row in enumerate([header, *body]):
        cells = [row[0].ljust(widths[0])] + [row[i].rjust(widths[i]) for i in (1, 2, 3)] + [row[4]]
        lines.append("  ".join(cells).rstrip())
        if n == 0:
            lines.append("  ".join("-" * w for w in widths))
    for name, result in results.items():
        if isinstance(result, dict) and "error" in result:
            lines.append(f"{name}: FAILED: {result['error']}")
    return "\n".join(lines)


def write_json(path: Path, document: dict[str, Any]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(document, indent=2) + "\n", encoding="utf-8")
