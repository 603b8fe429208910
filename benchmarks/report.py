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
        b = t["bare"]
        tag = f"({t['loadgen']}, c={t['concurrency']}, median of {t['rounds']})"
        out += [
            (
                f"{w['route']} req/s {tag if name == 'read' else ''}".rstrip(),
                fmt(w["rps"], 0),
                fmt(b["rps"], 0),
                f"{w['rps_ratio']:.2f}x",
                "bare Starlette",
            )
            for name, w in t["workloads"].items()
        ]
        m = t["mockpost"]
        out += [
            (
                "GET campaign p50 ms, saturated",
                fmt(m["p50_ms"]),
                fmt(b["p50_ms"]),
                f"{t['p50_ratio']:.2f}x",
                "bare",
            ),
            (
                "GET campaign p99 ms, saturated",
                fmt(m["p99_ms"]),
                fmt(b["p99_ms"]),
                f"{t['p99_ratio']:.2f}x",
                "bare",
            ),
        ]
        p = t["paced"]
        paced = f"paced at {p['offered_rps']:,.0f} req/s"
        out += [
            (
                f"GET campaign {figure} ms, {paced}",
                fmt(p["mockpost"][f"{figure}_ms"]),
                fmt(p["bare"][f"{figure}_ms"]),
                f"{p[f'{figure}_ratio']:.2f}x",
                "bare, same pace",
            )
            for figure in ("p50", "p99")
        ]
    c = results.get("console")
    if c and "error" not in c:
        none = c["rps"]["0"]
        out += [
            (
                f"GET campaign req/s, {n} console{'s' if n != '1' else ''} open (cost {c['cost'][n]:.1%})",
                fmt(c["rps"][n], 0),
                fmt(none, 0),
                f"{c['rps'][n] / none:.2f}x" if none else "-",
                "no console open",
            )
            for n in c["cost"]
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
                "start to all 5 providers answering ms",
                fmt(s["serve_to_every_provider"]["median_ms"], 0),
                fmt(sv["bare"]["median_ms"], 0),
                f"{s['serve_to_every_provider']['median_ms'] / sv['bare']['median_ms']:.2f}x",
                "bare Starlette health",
            ),
            *[
                (
                    f"python -c 'import {module}' ms (median of {s['runs']})",
                    fmt(im[module]["median_ms"], 0),
                    fmt(im["bare"]["median_ms"], 0),
                    f"+{im[module]['added_ms']:.0f} ms",
                    "python -c pass",
                )
                for module in ("mockpost", "mockpost.app")
            ],
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
    out += scale_rows(results.get("scale"))
    out += memory_rows(results.get("memory"))
    out += pdf_rows(results.get("pdf"))
    out += webhook_rows(results.get("webhooks"))
    out += persistence_rows(results.get("persistence"))
    out += peers_rows(results.get("peers"))
    out += soak_rows(results.get("soak"))
    return out


def ok(result: Any) -> bool:
    return bool(result) and "error" not in result and "skipped" not in result


def power(n: int) -> str:
    """10^k for exact powers of ten, else the number with separators."""
    text = str(n)
    if n >= 100 and text.strip("0") == "1":
        return f"10^{len(text) - 1}"
    return f"{n:,}"


def scale_rows(s: Any) -> list[tuple[str, str, str, str, str]]:
    if not ok(s):
        return []
    last = s["rows"][-1]
    size = power(last["size"])
    out = []
    for kind, label in (
        ("get campaign", "GET campaign"),
        ("get envelope", "GET envelope"),
        ("list window", "GET campaigns?start&stop (100 hits)"),
        ("list by name", "GET campaigns?name= over the whole tenant (1 hit)"),
        ("get crowded", "GET campaign holding all N envelopes"),
    ):
        if kind not in last:
            continue
        r = last[kind]
        by_size = " ".join(f"{row[kind]['ratio']:.2f}" for row in s["rows"])
        out.append(
            (
                f"scale: {label} us, tenant of {size} campaigns",
                fmt(r["big"]["median_us"], 0),
                fmt(r["small"]["median_us"], 0),
                f"{r['ratio']:.2f}x",
                f"10^2 tenant, same run (ratio by size {by_size})",
            )
        )
    connect = s.get("easypost_connect_jobs") or {}
    if connect.get("rows"):
        r = connect["rows"][-1]
        out.append(
            (
                f"scale: GET connect jobs page us, {power(r['size'])} jobs",
                fmt(r["big"]["median_us"], 0),
                fmt(r["small"]["median_us"], 0),
                f"{r['ratio']:.2f}x",
                "10^2 tenant, same run",
            )
        )
    out.append(
        (
            f"scale: peak RSS MB, {size} campaigns + envelopes"
            + ("" if s.get("isolated", True) else " (whole runner)"),
            fmt(s.get("child_peak_rss_mb"), 0),
            fmt(s.get("rss_before_fill_mb"), 0),
            "-",
            "RSS before filling",
        )
    )
    return out


def memory_rows(m: Any) -> list[tuple[str, str, str, str, str]]:
    if not ok(m):
        return []
    n = f"{m['count']:,}"
    return [
        (
            f"memory: bytes per envelope, {n} (tracemalloc)",
            fmt(m["traced_bytes"], 0),
            fmt(m["payload_bytes"], 0),
            f"+{m['overhead_bytes']:.0f} B",
            f"its JSON payload (payload share {m['payload_share']:.0%})",
        ),
        (
            f"memory: bytes per envelope, {n} (RSS growth)",
            fmt(m["rss_bytes"], 0),
            fmt(m["payload_bytes"], 0),
            f"+{m['rss_bytes'] - m['payload_bytes']:.0f} B" if m["rss_bytes"] is not None else "-",
            "its JSON payload",
        ),
        (
            "memory: bytes per envelope vs the body as a dict",
            fmt(m["traced_bytes"], 0),
            fmt(m["baseline_parsed_dict_bytes"], 0),
            f"{m['ratio_to_parsed_dict']:.2f}x",
            "json.loads(body) kept in a dict",
        ),
    ]


def pdf_rows(p: Any) -> list[tuple[str, str, str, str, str]]:
    if not ok(p):
        return []
    base = p["baseline"]
    return [
        (
            f"pdf: slowest other read ms while reading {d['document']} ({d['bytes'] / 1024:,.0f} KiB, "
            f"{d['upload_ms']:,.0f} ms)",
            fmt(d["read_max_ms"]),
            fmt(base["read_max_ms"]),
            f"{d['read_max_ms'] / base['read_max_ms']:.2f}x" if d["read_max_ms"] else "-",
            "slowest of the same reads, nothing uploaded",
        )
        for d in p["documents"]
    ]


def webhook_rows(w: Any) -> list[tuple[str, str, str, str, str]]:
    if not ok(w):
        return []
    return [
        (
            f"webhooks: 1-day advance s, 3 deliveries to a receiver that never answers ({w['attempts']} "
            "attempts)",
            fmt(w["advance_s"], 2),
            fmt(w["bar_s"], 2),
            f"{w['advance_s'] / w['bar_s']:.2f}x",
            f"the webhook timeout ({w['timeout_s']:g} s) plus 1 s",
        ),
        (
            "webhooks: s until another receiver's delivery, same advance",
            fmt(w["healthy_delivered_s"], 2) if w["healthy_delivered_s"] is not None else "-",
            fmt(w["timeout_s"], 2),
            "-",
            "the webhook timeout",
        ),
    ]


def persistence_rows(p: Any) -> list[tuple[str, str, str, str, str]]:
    if not ok(p):
        return []
    t = p["throughput"]
    out = [
        (
            f"persistence: {w['route']} req/s with --data-dir ({t['loadgen']}, c={t['concurrency']})",
            fmt(w["data_dir"]["rps"], 0),
            fmt(w["memory"]["rps"], 0),
            f"{w['rps_ratio']:.2f}x",
            "the same server without --data-dir",
        )
        for w in t["workloads"].values()
    ]
    r, v = p["restore"], p["versus"]
    size = power(r["objects"])
    out += [
        (
            f"persistence: restore a snapshot of {size} objects ms ({r['snapshot_bytes'] / 1e6:,.0f} MB)",
            fmt(r["restore_ms"], 0),
            fmt(r["export_ms"], 0),
            f"{r['restore_ms'] / r['export_ms']:.2f}x" if r["export_ms"] else "-",
            "exporting it",
        ),
        (
            f"persistence: restore a snapshot of {size} objects, CPU ms",
            fmt(r["restore_cpu_ms"], 0),
            "-",
            "-",
            "(the process's own CPU time: what the machine's load does not inflate)",
        ),
        (
            f"persistence: start from a data dir holding {size} objects ms (CPU ms)",
            f"{fmt(r['start_from_data_dir_ms'], 0)} ({fmt(r['start_from_data_dir_cpu_ms'], 0)})",
            fmt(r["start_from_empty_data_dir_ms"], 1),
            "-",
            "an empty data dir",
        ),
        (
            f"persistence: restore {v['objects']:,} objects ms (median of {v['runs']})",
            fmt(v["restore_ms"], 1),
            fmt(v["recreate_ms"], 1),
            f"{v['ratio']:.1f}x faster",
            "re-creating them through the API (in process)",
        ),
    ]
    return out


def peers_rows(p: Any) -> list[tuple[str, str, str, str, str]]:
    if not ok(p):
        return []
    out = []
    mine = p["servers"]["mockpost"]
    for name, ratios in p["mockpost_rps_over_peer"].items():
        for kind in ("read", "write"):
            if kind in ratios:
                out.append(
                    (
                        f"peers: {kind} req/s ({p['loadgen']}, c={p['concurrency']})",
                        fmt(mine[kind]["rps"], 0),
                        fmt(p["servers"][name][kind]["rps"], 0),
                        f"{ratios[kind]:.2f}x",
                        {"moto": "moto_server (S3 object)", "prism": "Prism mock"}.get(name, name),
                    )
                )
    return out


def soak_rows(k: Any) -> list[tuple[str, str, str, str, str]]:
    if not ok(k):
        return []
    growth = k.get("rss_growth_second_half")
    return [
        (
            f"soak: RSS MB start/peak/end, {k['seconds']:g}s at {fmt(k['rps'], 0)} req/s",
            f"{fmt(k['rss_start_mb'], 0)}/{fmt(k['rss_peak_mb'], 0)}/{fmt(k['rss_end_mb'], 0)}",
            fmt(k.get("rss_at_half_mb"), 0),
            f"{growth:.2f}x" if growth else "-",
            "RSS at half time (growth over the 2nd half)",
        ),
        (
            "soak: journal length, peak",
            fmt(k["journal_peak"]),
            fmt(k["journal_capacity"]),
            ratio_text(k["journal_peak"], k["journal_capacity"]),
            "--journal-size",
        ),
        (
            f"soak: webhook outbox, peak ({k['flows']:,} deliveries made)",
            fmt(k["outbox_peak"]),
            fmt(k["outbox_capacity"]),
            ratio_text(k["outbox_peak"], k["outbox_capacity"]),
            "outbox capacity",
        ),
        (
            "soak: inbox items, peak",
            fmt(k["inbox_peak"]),
            fmt(k["inbox_capacity"]),
            ratio_text(k["inbox_peak"], k["inbox_capacity"]),
            "inbox capacity",
        ),
    ]


def ratio_text(value: Any, capacity: Any) -> str:
    return f"{value / capacity:.2f}x" if value is not None and capacity else "-"


def notes(results: dict[str, Any]) -> list[str]:
    """Skipped parts and their reasons, and sub-measurements that could not be made."""
    out = []
    for name, result in results.items():
        if isinstance(result, dict) and "skipped" in result:
            out.append(f"{name}: skipped: {result['skipped']}")
        if isinstance(result, dict):
            out += [f"{name}: {note}" for note in result.get("notes", [])]
            out += [
                f"{name}: {peer} failed: {error}" for peer, error in result.get("peer_errors", {}).items()
            ]
    soak = results.get("soak") or {}
    if soak.get("errors"):
        out.append(f"soak: {soak['errors']} failed requests (first: {soak.get('error_samples', [])[:2]})")
    connect = (results.get("scale") or {}).get("easypost_connect_jobs") or {}
    for key in ("skipped", "error"):
        if key in connect:
            out.append(f"scale: EasyPost Connect job pages {key}: {connect[key]}")
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
    lines += notes(results)
    return "\n".join(lines)


def write_json(path: Path, document: dict[str, Any]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(document, indent=2) + "\n", encoding="utf-8")
