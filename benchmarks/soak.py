"""(f) Soak: the journal and the webhook outbox stay bounded under sustained load.

`mockpost serve` runs as a subprocess on loopback with a small `--journal-size` and Ekopost's timeline
set to zero (`ekopost.print_after=0s`, `post_after=0s`, `electronic_after=0s`), so that every closed
campaign completes at once and sends its `campaign.completed` webhook, addressed to mockpost's own
inbox (`/_mockpost/inbox/soak`): each flow adds journal entries, one outbox delivery and one inbox item.

Load, for `seconds` (then it stops by itself): `connections` workers, each on one keep-alive
connection with its own API key, repeat cycles of: set the account's webhook, `FLOWS_PER_CYCLE` full
Ekopost flows (create campaign, envelope, content, close envelope, close campaign, get campaign), then
reset that tenant (`POST /_mockpost/reset?provider=ekopost&tenant=...`), so that the stored campaigns
(which are meant to grow) stay small and what is left to grow is what must not: journal, outbox,
inbox, scheduler. A tenant reset keeps the journal and the outbox.

Sampled about once a second (at most `MAX_SAMPLES` times): the server's RSS (/proc/PID/status) and
the journal's length (`POST /_mockpost/journal/verify {"count": 0}` answers the actual count, a few
bytes whatever the journal holds); about ten times in all: the outbox's length
(`GET /_mockpost/webhooks/outbox`) and the inbox's. Reported: start / peak / end RSS, RSS growth from
the soak's half time to its end (a flatness ratio: by then the journal, the outbox and the inbox are
full in a long soak), each length's peak versus its capacity.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import time
from typing import Any

from benchmarks.pdf import pdf_content
from benchmarks.procs import HOST, free_port, mockpost_cmd, serve

FLOWS_PER_CYCLE = 20
MAX_SAMPLES = 2_000
INBOX = "soak"
CAMPAIGN = {"name": "soak", "output_date": "2020-01-01T12:00:00", "cost_center": "soak"}
ENVELOPE = {
    "name": "soak",
    "address": {"$type": "email", "recipient": "soak@example.se", "subject": "soak"},
    "postage": "priority",
}


class Connection:
    """One keep-alive HTTP/1.1 connection to a loopback server (Content-Length answers only)."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None

    async def request(
        self, method: str, path: str, body: Any = None, headers: dict[str, str] | None = None
    ) -> tuple[int, bytes]:
        if self.writer is None:
            self.reader, self.writer = await asyncio.open_connection(HOST, self.port)
        assert self.reader is not None
        data = b"" if body is None else json.dumps(body).encode()
        lines = [f"{method} {path} HTTP/1.1", f"Host: {HOST}:{self.port}", f"Content-Length: {len(data)}"]
        if body is not None:
            lines.append("Content-Type: application/json")
        lines += [f"{name}: {value}" for name, value in (headers or {}).items()]
        try:
            self.writer.write(("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + data)
            head = await asyncio.wait_for(self.reader.readuntil(b"\r\n\r\n"), timeout=10.0)
            status = int(head[9:12])
            lower = head.lower()
            at = lower.find(b"\r\ncontent-length:")
            length = int(lower[at + 17 : lower.index(b"\r\n", at + 2)]) if at >= 0 else 0
            answer = await asyncio.wait_for(self.reader.readexactly(length), timeout=10.0)
        except BaseException:
            self.close()
            raise
        return status, answer

    def close(self) -> None:
        if self.writer is not None:
            self.writer.close()
        self.reader = self.writer = None


def rss_mb(pid: int) -> float | None:
    try:
        with open(f"/proc/{pid}/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        return None
    return None


def capacities() -> tuple[int | None, int | None]:
    """(outbox, inbox) capacities as mockpost defines them, when it says."""
    import inspect

    from mockpost.core import inbox, webhooks

    outbox = inspect.signature(webhooks.Outbox.__init__).parameters.get("capacity")
    default = outbox.default if outbox is not None else None
    return (default if isinstance(default, int) else None), getattr(inbox, "INBOX_CAPACITY", None)


async def drive(port: int, pid: int, seconds: float, connections: int, journal_size: int) -> dict[str, Any]:
    from mockpost.core.tenancy import tenant_id_for

    started = time.perf_counter()
    deadline = started + seconds
    counts = {"requests": 0, "flows": 0, "cycles": 0, "errors": 0}
    errors: list[str] = []
    inbox_url = f"http://{HOST}:{port}/_mockpost/inbox/{INBOX}"
    content = pdf_content()

    async def call(conn: Connection, method: str, path: str, body: Any, headers: dict[str, str]) -> Any:
        status, answer = await conn.request(method, path, body, headers)
        counts["requests"] += 1
        if not 200 <= status < 300:
            raise RuntimeError(f"{method} {path} -> {status}: {answer[:300]!r}")
        return json.loads(answer) if answer else None

    async def worker(n: int) -> None:
        conn = Connection(port)
        key = f"bench-soak-{n}"
        auth = {"Authorization": f"api-key {key}"}
        reset = f"/_mockpost/reset?provider=ekopost&tenant={tenant_id_for('ekopost', f'api-key:{key}')}"
        try:
            while time.perf_counter() < deadline:
                try:
                    await call(conn, "PUT", "/_mockpost/ekopost/webhook", {"url": inbox_url}, auth)
                    for _ in range(FLOWS_PER_CYCLE):
                        if time.perf_counter() >= deadline:
                            break
                        cid = (await call(conn, "POST", "/ekopost/campaigns", CAMPAIGN, auth))["id"]
                        base = f"/ekopost/campaigns/{cid}"
                        eid = (await call(conn, "POST", f"{base}/envelopes", ENVELOPE, auth))["id"]
                        await call(conn, "POST", f"{base}/envelopes/{eid}/content", content, auth)
                        await call(conn, "POST", f"{base}/envelopes/{eid}/close", None, auth)
                        await call(conn, "POST", f"{base}/close", None, auth)
                        await call(conn, "GET", base, None, auth)
                        counts["flows"] += 1
                    await call(conn, "POST", reset, None, {})
                    counts["cycles"] += 1
                except (OSError, RuntimeError, ValueError, asyncio.IncompleteReadError, TimeoutError) as exc:
                    counts["errors"] += 1
                    if len(errors) < 5:
                        errors.append(f"{type(exc).__name__}: {exc}")
                    if counts["errors"] > 100:
                        raise RuntimeError(f"soak: too many failed requests: {errors}") from exc
                    await asyncio.sleep(0.01)
        finally:
            conn.close()

    samples: list[dict[str, Any]] = []
    every = max(0.25, min(1.0, seconds / 20), seconds / (MAX_SAMPLES - 10))  # at most MAX_SAMPLES
    every_outbox = max(1, round(seconds / every / 10))

    async def sampler() -> None:
        conn = Connection(port)
        try:
            for n in range(MAX_SAMPLES):
                now = time.perf_counter()
                sample: dict[str, Any] = {"t": round(now - started, 2), "rss_mb": rss_mb(pid)}
                status, answer = await conn.request("POST", "/_mockpost/journal/verify", {"count": 0})
                sample["journal"] = json.loads(answer)["actual"] if status in (200, 409) else None
                last = now + every >= deadline
                if n % every_outbox == 0 or last:
                    _, answer = await conn.request("GET", "/_mockpost/webhooks/outbox?provider=ekopost")
                    sample["outbox"] = len(json.loads(answer)["items"])
                    _, answer = await conn.request("GET", f"/_mockpost/inbox/{INBOX}")
                    sample["inbox"] = len(json.loads(answer)["items"])
                samples.append(sample)
                if last:
                    break
                await asyncio.sleep(max(0.0, now + every - time.perf_counter()))
        finally:
            conn.close()

    await asyncio.gather(sampler(), *(worker(n) for n in range(connections)))
    elapsed = time.perf_counter() - started
    return {"elapsed_s": round(elapsed, 2), **counts, "error_samples": errors, "samples": samples}


def peak(samples: list[dict[str, Any]], key: str) -> Any:
    values = [s[key] for s in samples if s.get(key) is not None]
    return max(values) if values else None


def measure(seconds: float, journal_size: int = 500, connections: int = 8) -> dict[str, Any]:
    port = free_port()
    cmd = [
        *mockpost_cmd(port),
        "--journal-size",
        str(journal_size),
        "--option",
        "ekopost.print_after=0s",
        "--option",
        "ekopost.post_after=0s",
        "--option",
        "ekopost.electronic_after=0s",
    ]
    with serve(cmd, port, "/_mockpost/health") as server:
        result = asyncio.run(drive(port, server.process.pid, seconds, connections, journal_size))
        if server.process.poll() is not None:
            raise RuntimeError(f"the server exited during the soak ({server.process.returncode})")
    samples = result["samples"]
    rss = [s["rss_mb"] for s in samples if s["rss_mb"] is not None]
    fifth = next((s["rss_mb"] for s in samples if s["t"] >= seconds / 5 and s["rss_mb"]), None)
    half = next((s["rss_mb"] for s in samples if s["t"] >= seconds / 2 and s["rss_mb"]), None)
    outbox_capacity, inbox_capacity = capacities()
    journal_peak, outbox_peak = peak(samples, "journal"), peak(samples, "outbox")
    with contextlib.suppress(ZeroDivisionError, TypeError):
        result["rss_growth_after_first_fifth"] = rss[-1] / fifth
    with contextlib.suppress(ZeroDivisionError, TypeError):
        result["rss_growth_second_half"] = rss[-1] / half
    return {
        "seconds": seconds,
        "connections": connections,
        "flows_per_cycle": FLOWS_PER_CYCLE,
        "rps": result["requests"] / result["elapsed_s"] if result["elapsed_s"] else None,
        "rss_start_mb": rss[0] if rss else None,
        "rss_peak_mb": max(rss) if rss else None,
        "rss_end_mb": rss[-1] if rss else None,
        "rss_at_first_fifth_mb": fifth,
        "rss_at_half_mb": half,
        "journal_capacity": journal_size,
        "journal_peak": journal_peak,
        "journal_end": samples[-1].get("journal") if samples else None,
        "outbox_capacity": outbox_capacity,
        "outbox_peak": outbox_peak,
        "outbox_end": samples[-1].get("outbox") if samples else None,
        "inbox_capacity": inbox_capacity,
        "inbox_peak": peak(samples, "inbox"),
        **result,
    }
