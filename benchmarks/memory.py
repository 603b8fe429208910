"""(e) Memory per stored envelope: what an Ekopost envelope costs beyond its payload.

In a fresh interpreter, one tenant gets N envelopes (default 100,000) through Ekopost's own backend
(`provider.backend.create_envelope`, the code the HTTP route calls, with the body the route would
parse), spread over N / 100 campaigns that are created first and not counted. Measured, per envelope:
  traced   bytes still allocated after the envelopes are created (tracemalloc), divided by N
  rss      the growth of the resident set over the same step (no tracemalloc), divided by N
Payload: the size of the envelope's create body as JSON on the wire (distinct names and addresses,
so nothing is shared between envelopes). Overhead = traced - payload; target <= 1 KiB.
Baseline: the same bodies kept as parsed JSON (`json.loads`) in a plain dict by id, measured the same
way: the least any store holding these envelopes as Python objects could use.
"""

from __future__ import annotations

import gc
import json
import tracemalloc
from collections.abc import Callable
from typing import Any

from benchmarks.child import current_rss_mb, run_in_child

PER_CAMPAIGN = 100


def envelope_body(n: int) -> dict[str, Any]:
    """A postal envelope, as a client would send it; every string distinct."""
    return {
        "name": f"Invoice {n:07d}",
        "address": {
            "$type": "postal",
            "name": [f"Recipient {n:07d}"],
            "street": [f"Storgatan {n % 200 + 1}"],
            "postal_code": f"{11000 + n % 80000:05d}",
            "city": "Stockholm",
            "country": "SE",
        },
        "postage": "economy",
        "plex": "simplex",
        "color": False,
        "unique_id": f"bench-{n:07d}",
    }


def traced_bytes(step: Callable[[], Any]) -> tuple[int, Any]:
    """Bytes allocated by `step` that are still alive afterwards (tracemalloc), and its result."""
    gc.collect()
    tracemalloc.start()
    before = tracemalloc.get_traced_memory()[0]
    kept = step()
    gc.collect()
    after = tracemalloc.get_traced_memory()[0]
    tracemalloc.stop()
    return after - before, kept


def rss_bytes(step: Callable[[], Any]) -> tuple[float | None, Any]:
    """Growth of the resident set over `step` (Linux), and its result."""
    gc.collect()
    before = current_rss_mb()
    kept = step()
    gc.collect()
    after = current_rss_mb()
    grown = (after - before) * 1024 * 1024 if before is not None and after is not None else None
    return grown, kept


def run(count: int = 100_000) -> dict[str, Any]:
    from mockpost.app import create_app
    from mockpost.config import Settings
    from mockpost.core.tenancy import tenant_id_for

    bodies = [json.dumps(envelope_body(n), separators=(",", ":")).encode() for n in range(count)]
    payload = sum(map(len, bodies)) / count

    provider = create_app(Settings()).state.sandbox.providers["ekopost"]
    backend = provider.backend

    def fill(key: str) -> Callable[[], Any]:
        account = provider.tenant_state(tenant_id_for("ekopost", f"api-key:{key}"))
        campaigns = [
            backend.create_campaign(account, {"name": f"c{i}", "output_date": "2030-01-01T12:00:00"}).id
            for i in range(-(-count // PER_CAMPAIGN))
        ]
        probe = backend.create_envelope(account, campaigns[0], envelope_body(count))  # warm caches
        backend.cancel_envelope(account, campaigns[0], probe.id)

        def step() -> Any:
            for n, body in enumerate(bodies):
                backend.create_envelope(account, campaigns[n // PER_CAMPAIGN], json.loads(body))
            return account

        return step

    def keep_parsed() -> dict[int, Any]:
        return {n: json.loads(body) for n, body in enumerate(bodies)}

    grown, _ = rss_bytes(fill("bench-memory-rss"))  # first: before freed memory can be reused
    traced, _ = traced_bytes(fill("bench-memory-traced"))
    baseline, _ = traced_bytes(keep_parsed)
    per_envelope = traced / count
    return {
        "count": count,
        "per_campaign": PER_CAMPAIGN,
        "payload_bytes": payload,
        "traced_bytes": per_envelope,
        "rss_bytes": grown / count if grown is not None else None,
        "overhead_bytes": per_envelope - payload,
        "payload_share": payload / per_envelope if per_envelope else None,
        "baseline_parsed_dict_bytes": baseline / count,
        "ratio_to_parsed_dict": per_envelope / (baseline / count) if baseline else None,
    }


def measure(count: int, isolated: bool = True, timeout: float = 600.0) -> dict[str, Any]:
    """`run` in a fresh interpreter (a clean heap: the RSS growth means something), or, with
    `isolated=False` (--quick), in this one, where freed memory is reused and RSS growth reads low."""
    if not isolated:  # RSS growth in a used heap reads low: not reported
        return {**run(count), "rss_bytes": None, "isolated": False}
    return {**run_in_child("memory", {"count": count}, timeout), "isolated": True}
