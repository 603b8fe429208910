"""(d) Scale: the per-request cost of reads as one Ekopost tenant grows from 10^2 to 10^6 objects.

In process (no sockets): the requests go through the whole ASGI app (`mockpost.core.asgi.call_asgi`:
routing, authentication, tenancy, middleware, journal, rendering), one at a time. The tenant is filled
directly with Ekopost's state dataclasses (`mockpost/providers/ekopost/state.py`), as the backend
would store them, because creating a million campaigns through HTTP would take minutes.

The big tenant holds N campaigns, each with one envelope (plus the crowded campaign below). The
baseline is a second tenant of the same app that keeps 10^2 campaigns throughout; both are timed in
alternating blocks at every size, so that drift in the machine's load hits both alike, and each figure
is reported as big / small.

Requests:
  get campaign   GET /ekopost/campaigns/{id}                        ids sampled across the tenant
  get envelope   GET /ekopost/campaigns/{id}/envelopes/{eid}         ids sampled across the tenant
  list window    GET /ekopost/campaigns?start=D&stop=D              100 campaigns created on day D
  list by name   GET /ekopost/campaigns?start=2000-01-01&stop=2100-01-01&name=campaign%20K
                 a window holding the whole tenant, a name that one campaign of it has (K sampled)
  get crowded    GET /ekopost/campaigns/{id} of one more campaign that holds all N envelopes (the
                 same Envelope objects, referenced a second time: a campaign that grows with the tenant)
Ekopost's list has no paging: it answers every campaign of the account created in the window; the
window is found by bisection in the account's creation-time index, and a name by its name index, so
the cost is what the answer holds (the window always holds the same 100 campaigns, a name one). A
campaign's rendering includes `signing`, which looks at every envelope of the campaign: `get crowded`
shows what that costs.

EasyPost Connect's keyset-paged job list (GET /easypost-connect/jobs?maxItems=100&after=<id>) is
measured by `connect_jobs_hook` when that provider is registered in the app, and reported as
skipped otherwise.
"""

from __future__ import annotations

import asyncio
import gc
import random
import statistics
import time
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from typing import Any

from benchmarks.child import current_rss_mb, peak_rss_mb, run_in_child

SIZES_FULL = (100, 1_000, 10_000, 100_000, 1_000_000)
SIZES_QUICK = (100, 10_000)
SMALL = 100  # the baseline tenant's size
WINDOW = 100  # campaigns inside the listed window, at every size
WINDOW_DAY = datetime(2030, 6, 1, 8, 0, tzinfo=UTC)
FILLER_START = datetime(2020, 1, 1, tzinfo=UTC)  # every other campaign: before the window's day
SAMPLE_IDS = 64  # distinct ids requested per size (spread over the tenant)
BLOCKS = 5
ADDRESS = {
    "$type": "email",
    "recipient": "bench@example.se",
    "subject": "Benchmark",
}

KINDS = ("get campaign", "get envelope", "list window", "list by name", "get crowded")
Call = Callable[[], Awaitable[int]]


def fake_uuid(prefix: int, n: int) -> str:
    """A uuid4-shaped id, cheap and unique per (prefix, n)."""
    return f"{prefix:08x}-{n >> 48 & 0xFFFF:04x}-4{n >> 36 & 0xFFF:03x}-8{n >> 24 & 0xFFF:03x}-{n:012x}"


class EkopostTenant:
    """One Ekopost account of the app, grown by adding campaigns (each with one envelope, which the
    account's extra `crowded` campaign holds too)."""

    def __init__(self, app: Any, key: str, prefix: int) -> None:
        from mockpost.core.tenancy import tenant_id_for
        from mockpost.providers.ekopost.state import Campaign, Envelope, pack_address

        self.app = app
        self.provider = app.state.sandbox.providers["ekopost"]
        self.tenant = tenant_id_for("ekopost", f"api-key:{key}")
        self.account = self.provider.tenant_state(self.tenant)
        self.headers = [(b"authorization", f"api-key {key}".encode())]
        self.prefix = prefix
        self.campaign_cls, self.envelope_cls = Campaign, Envelope
        self.pack_address = pack_address
        self.ids: list[tuple[str, str]] = []  # (campaign id, envelope id)
        crowded_at = FILLER_START - timedelta(days=1)  # outside the listed window
        self.crowded = Campaign(
            id=fake_uuid(prefix, 1 << 47),
            name="crowded",
            output_date=crowded_at,
            cost_center="bench",
            created_at=crowded_at,
            state="opened",
            updated_at=crowded_at,
        )
        self.account.add_campaign(self.crowded)

    def __len__(self) -> int:
        return len(self.ids)

    def grow(self, size: int) -> None:
        add_campaign = self.account.add_campaign
        index = self.account.envelope_index
        crowded = self.crowded.envelopes
        Campaign, Envelope = self.campaign_cls, self.envelope_cls
        for n in range(len(self.ids), size):
            created = (WINDOW_DAY if n < WINDOW else FILLER_START) + timedelta(seconds=n)
            campaign_id, envelope_id = fake_uuid(self.prefix, 2 * n), fake_uuid(self.prefix, 2 * n + 1)
            campaign = Campaign(
                id=campaign_id,
                name=f"campaign {n}",
                output_date=created,
                cost_center="bench",
                created_at=created,
                state="opened",
                updated_at=created,
            )
            campaign.envelopes[envelope_id] = crowded[envelope_id] = Envelope(
                id=envelope_id,
                campaign_id=campaign_id,
                name=f"envelope {n}",
                packed_address=self.pack_address(ADDRESS),
                channel="electronic",
                postage="economy",
                plex="simplex",
                color=False,
                created_at=created,
                state="opened",
                updated_at=created,
            )
            add_campaign(campaign)
            index[envelope_id] = campaign_id
            self.ids.append((campaign_id, envelope_id))

    def calls(self, rng: random.Random) -> dict[str, Call]:
        from mockpost.core.asgi import call_asgi

        picks = sorted(rng.sample(range(len(self.ids)), min(SAMPLE_IDS, len(self.ids))))
        sample = [self.ids[i] for i in picks]
        campaign_paths = [f"/ekopost/campaigns/{c}".encode() for c, _ in sample]
        envelope_paths = [f"/ekopost/campaigns/{c}/envelopes/{e}".encode() for c, e in sample]
        day = WINDOW_DAY.date().isoformat()
        window = f"start={day}&stop={day}".encode()
        app, headers = self.app, self.headers
        turn = {"get campaign": 0, "get envelope": 0, "list by name": 0}
        hits = min(WINDOW, len(self.ids))

        def rotating(kind: str, paths: list[bytes]) -> Call:
            async def call() -> int:
                turn[kind] = (turn[kind] + 1) % len(paths)
                answer = await call_asgi(app, "GET", paths[turn[kind]], b"", headers, b"")
                return answer.status

            return call

        async def list_window() -> int:
            answer = await call_asgi(app, "GET", b"/ekopost/campaigns", window, headers, b"")
            if answer.status == 200 and answer.body.count(b'"id"') != hits:
                return 599  # the window holds the same WINDOW campaigns at every size
            return answer.status

        named = [f"start=2000-01-01&stop=2100-01-01&name=campaign%20{i}".encode() for i in picks]

        async def list_by_name() -> int:
            turn["list by name"] = (turn["list by name"] + 1) % len(named)
            answer = await call_asgi(
                app, "GET", b"/ekopost/campaigns", named[turn["list by name"]], headers, b""
            )
            if answer.status == 200 and answer.body.count(b'"id"') != 1:
                return 599  # each name belongs to one campaign
            return answer.status

        crowded_path = f"/ekopost/campaigns/{self.crowded.id}".encode()

        async def get_crowded() -> int:
            answer = await call_asgi(app, "GET", crowded_path, b"", headers, b"")
            return answer.status

        return {
            "get campaign": rotating("get campaign", campaign_paths),
            "get envelope": rotating("get envelope", envelope_paths),
            "list window": list_window,
            "list by name": list_by_name,
            "get crowded": get_crowded,
        }


async def time_calls(call: Call, count: int) -> list[float]:
    """Microseconds per call; raises on any answer but 200."""
    samples = []
    for _ in range(count):
        t0 = time.perf_counter()
        status = await call()
        samples.append((time.perf_counter() - t0) * 1e6)
        if status != 200:
            raise RuntimeError(f"scale: a request answered {status}")
    return samples


def summary(samples: list[float]) -> dict[str, Any]:
    ordered = sorted(samples)
    return {
        "n": len(ordered),
        "median_us": statistics.median(ordered),
        "p90_us": ordered[min(len(ordered) - 1, int(0.9 * len(ordered)))],
        "min_us": ordered[0],
    }


async def compare(big: Call, small: Call, budget_s: float, max_per_block: int) -> dict[str, Any]:
    """`big` and `small` in alternating blocks, within about `budget_s` seconds in all."""
    await time_calls(big, 2)  # warm-up, discarded
    await time_calls(small, 2)
    probe = statistics.median(await time_calls(big, 3)) + statistics.median(await time_calls(small, 3))
    per_block = max(1, min(max_per_block, int(budget_s * 1e6 / BLOCKS / max(probe, 1.0))))
    big_samples: list[float] = []
    small_samples: list[float] = []
    for _ in range(BLOCKS):
        big_samples += await time_calls(big, per_block)
        small_samples += await time_calls(small, per_block)
    b, s = summary(big_samples), summary(small_samples)
    return {"big": b, "small": s, "ratio": b["median_us"] / s["median_us"]}


def connect_jobs_hook(app: Any, sizes: list[int], budget_s: float, max_per_block: int) -> dict[str, Any]:
    """HOOK for EasyPost Connect's keyset-paged job list: GET /easypost-connect/jobs?maxItems=100&after=<id>.

    Skipped (with the reason) when the provider `easypost-connect` is not registered in the app. Then: the
    tenant is found by one real request (its id read back from the journal), its root company is filled
    with jobs directly (dict + KeysetIndex, as the backend stores them), and a page taken from the
    middle of the index is timed against the same page of a 10^2-job tenant. A failure here is
    reported in the result and does not fail the run (the provider is being built)."""
    providers = app.state.sandbox.providers
    provider = providers.get("easypost-connect") or providers.get("easypost_connect")
    if provider is None:
        return {"skipped": "provider easypost-connect is not registered in mockpost.app"}
    try:
        return asyncio.run(_connect_jobs(app, provider, sizes, budget_s, max_per_block))
    except Exception as exc:  # the provider is in flight: report, do not fail the whole run
        return {"error": f"{type(exc).__name__}: {exc}"}


async def _connect_jobs(
    app: Any, provider: Any, sizes: list[int], budget_s: float, max_per_block: int
) -> dict[str, Any]:
    from mockpost.core.asgi import call_asgi
    from mockpost.providers.easypost_connect.lifecycle import JOB
    from mockpost.providers.easypost_connect.state import Job

    mount = getattr(provider, "mount", "/easypost-connect").encode()

    async def tenant_of(key: str) -> tuple[str, list[tuple[bytes, bytes]]]:
        for headers in ([(b"x-api-key", key.encode())], [(b"authorization", f"Bearer {key}".encode())]):
            answer = await call_asgi(app, "GET", mount + b"/jobs", b"maxItems=1", headers, b"")
            if answer.status == 200:
                entry = app.state.sandbox.journal.query(limit=1)
                if entry and entry[-1].tenant:
                    return entry[-1].tenant, headers
        raise RuntimeError("no credential form was accepted by GET /easypost-connect/jobs")

    def filler(company: Any, prefix: int, size: int) -> list[str]:
        index = company.job_index
        ids: list[str] = list(index)
        for n in range(len(ids), size):
            created = FILLER_START + timedelta(seconds=n)
            job = Job(
                id=fake_uuid(prefix, n),
                name=f"job {n}",
                workflow_id="bench",
                company_id=company.id,
                input_source="API",
                filename=None,
                state=JOB.initial,
                created_at=created,
                updated_at=created,
            )
            company.jobs[job.id] = job
            index.add(job.id, created)
            ids.append(job.id)
        return ids

    tenants = []
    for key, prefix in (("bench-connect-big", 0xC0), ("bench-connect-small", 0xC1)):
        tenant, headers = await tenant_of(key)
        account = provider.tenant_state(tenant)
        tenants.append((account.root, headers, prefix))
    (big_company, big_headers, big_prefix), (small_company, small_headers, small_prefix) = tenants
    small_ids = filler(small_company, small_prefix, SMALL)

    def page_call(headers: list[tuple[bytes, bytes]], after: str) -> Call:
        query = f"maxItems=100&after={after}".encode()

        async def call() -> int:
            answer = await call_asgi(app, "GET", mount + b"/jobs", query, headers, b"")
            return answer.status

        return call

    small_call = page_call(small_headers, small_ids[0])  # the first page after the oldest: a full page
    rows = []
    for size in sizes:
        big_ids = filler(big_company, big_prefix, size)
        after = big_ids[max(0, len(big_ids) // 2 - 1)]  # a page from the middle of the index
        if len(big_ids) - len(big_ids) // 2 < 100:
            after = big_ids[0]
        rows.append(
            {
                "size": size,
                **await compare(page_call(big_headers, after), small_call, budget_s, max_per_block),
            }
        )
    return {"endpoint": "GET /easypost-connect/jobs?maxItems=100&after=<id>", "rows": rows}


def run(sizes: list[int], budget_s: float = 1.0, max_per_block: int = 200, seed: int = 7) -> dict[str, Any]:
    """Grow one tenant through `sizes` and time each request there and on the 10^2 tenant."""
    from mockpost.app import create_app
    from mockpost.config import Settings

    app = create_app(Settings())
    rng = random.Random(seed)
    rss_before = current_rss_mb()
    small = EkopostTenant(app, "bench-scale-small", 0x5)
    small.grow(SMALL)
    big = EkopostTenant(app, "bench-scale-big", 0xB)
    rows = []
    for size in sorted(sizes):
        t0 = time.perf_counter()
        gc.disable()  # filling allocates millions of objects: no collections while it does
        try:
            big.grow(size)
        finally:
            gc.enable()
        fill_s = time.perf_counter() - t0
        gc.collect()  # then one full collection, so none falls inside the timed requests
        big_calls, small_calls = big.calls(rng), small.calls(rng)
        row: dict[str, Any] = {
            "size": size,
            "objects": 2 * size,
            "fill_s": round(fill_s, 2),
            "rss_mb": current_rss_mb(),
        }
        for kind in big_calls:
            row[kind] = asyncio.run(compare(big_calls[kind], small_calls[kind], budget_s, max_per_block))
        rows.append(row)
    connect = connect_jobs_hook(app, sorted(sizes), budget_s, max_per_block)
    first, last = rows[0], rows[-1]
    return {
        "what": "one tenant of N campaigns (each with one envelope, and one campaign holding all N) vs a "
        "tenant of 10^2, alternating blocks",
        "sizes": sorted(sizes),
        "rss_before_fill_mb": rss_before,
        "rows": rows,
        "flatness": {
            kind: {
                "at": last["size"],
                "vs": first["size"],
                "ratio": last[kind]["big"]["median_us"] / first[kind]["big"]["median_us"],
                "ratio_vs_small_tenant": last[kind]["ratio"],
            }
            for kind in KINDS
        },
        "easypost_connect_jobs": connect,
    }


def measure(
    sizes: list[int], budget_s: float, isolated: bool = True, timeout: float = 900.0
) -> dict[str, Any]:
    """`run` in a fresh interpreter (its peak RSS is its own, its memory freed afterwards), or, with
    `isolated=False` (--quick: saves the interpreter's start), in this one."""
    if not isolated:
        return {**run(list(sizes), budget_s), "isolated": False, "child_peak_rss_mb": peak_rss_mb()}
    return {**run_in_child("scale", {"sizes": list(sizes), "budget_s": budget_s}, timeout), "isolated": True}


__all__ = ["SIZES_FULL", "SIZES_QUICK", "measure", "run"]
