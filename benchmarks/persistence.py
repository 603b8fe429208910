"""(h) Persistence and snapshots: what `--data-dir` costs, and how fast a saved world comes back.

throughput   the stateful read and write of the throughput part (GET a campaign; POST an envelope
             into another account, which grows) on `mockpost serve --data-dir DIR` versus the same
             server without one, both running side by side and loaded in turn, `--rounds` times;
             median over the rounds. Ratio = with / without (the issue's bars: read >= 0.85x,
             write >= 0.7x).
restore      in a fresh interpreter: one Ekopost account holding N objects (N/2 one-letter
             campaigns, each with its e-mail envelope holding a small PDF; every object with its
             history, half of the campaigns closed with their transfer timer pending), exported
             as a snapshot; then the time to restore that document into a fresh sandbox (read,
             check, build every object, plan every timer), and the time to start from a data
             directory holding the same world (open the store, check it, read it, restore it).
versus       in the same interpreter: 1,000 objects (500 campaigns and their envelopes) created
             through the API with the in-process client, versus restoring a snapshot of them;
             median of several runs each. Ratio = re-create / restore.
"""

from __future__ import annotations

import contextlib
import statistics
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from benchmarks import loadgen
from benchmarks.child import run_in_child
from benchmarks.procs import HEALTH, free_port, mockpost_cmd, serve
from benchmarks.throughput import WORKLOADS, WRITE_AUTH, combine, create_campaign, load

STARTED = datetime(2030, 3, 4, 9, 0, tzinfo=UTC)
KEY = "bench-persistence"
VERSUS_RUNS = 5


def measure(
    duration: float,
    concurrency: int,
    loadgen_choice: str,
    threads: int,
    rounds: int,
    objects: int,
    versus_objects: int,
) -> dict[str, Any]:
    result = {"throughput": throughput(duration, concurrency, loadgen_choice, threads, rounds)}
    result.update(
        run_in_child("persistence", {"objects": objects, "versus_objects": versus_objects}, timeout=1800)
    )
    return result


def throughput(
    duration: float, concurrency: int, loadgen_choice: str, threads: int, rounds: int
) -> dict[str, Any]:
    tool = loadgen.available(loadgen_choice)
    per_round = max(1.0, duration / rounds) if tool == "wrk" else duration / rounds
    workloads = [w for w in WORKLOADS if w.name in ("read", "write")]
    with contextlib.ExitStack() as stack:
        data_dir = stack.enter_context(tempfile.TemporaryDirectory())
        urls: dict[str, dict[str, str]] = {}
        for name, extra in (("memory", []), ("data_dir", ["--data-dir", data_dir])):
            port = free_port()
            server = stack.enter_context(serve([*mockpost_cmd(port), *extra], port, HEALTH))
            campaign_id, _ = create_campaign(server.base_url, 25)
            write_campaign_id, _ = create_campaign(server.base_url, auth=WRITE_AUTH)
            ids = {"campaign_id": campaign_id, "write_campaign_id": write_campaign_id}
            urls[name] = {w.name: server.base_url + w.path.format(**ids) for w in workloads}
        for name in urls:  # warm-up, discarded
            for workload in workloads:
                load(
                    tool,
                    urls[name][workload.name],
                    min(1.0, per_round),
                    concurrency,
                    threads,
                    workload=workload,
                )
        samples: dict[tuple[str, str], list[dict[str, Any]]] = {
            (name, w.name): [] for name in urls for w in workloads
        }
        for _ in range(rounds):
            for workload in workloads:
                for name in urls:
                    samples[(name, workload.name)].append(
                        load(
                            tool,
                            urls[name][workload.name],
                            per_round,
                            concurrency,
                            threads,
                            workload=workload,
                        )
                    )
    combined = {key: combine(value) for key, value in samples.items()}
    return {
        "loadgen": tool,
        "concurrency": concurrency,
        "rounds": rounds,
        "seconds_per_round": per_round,
        "workloads": {
            w.name: {
                "route": f"{w.method} {w.path}",
                "memory": combined[("memory", w.name)],
                "data_dir": combined[("data_dir", w.name)],
                "rps_ratio": combined[("data_dir", w.name)]["rps"] / combined[("memory", w.name)]["rps"],
            }
            for w in workloads
        },
    }


# -- in the child interpreter ------------------------------------------------------------------
def run(objects: int, versus_objects: int) -> dict[str, Any]:
    return {"restore": restore_world(objects), "versus": restore_versus_recreate(versus_objects)}


def fill(mock: Any, campaigns: int) -> None:
    """One Ekopost account holding `campaigns` one-letter campaigns, built as the backend stores
    them (building 10^5 objects through HTTP would measure HTTP)."""
    from mockpost.core.pdf import make_pdf
    from mockpost.core.resources import Change
    from mockpost.core.tenancy import tenant_id_for
    from mockpost.providers.ekopost.state import Campaign, Content, Envelope, pack_address

    mock.clock.freeze(STARTED)
    provider = mock.sandbox.providers["ekopost"]
    tenant = mock.sandbox.tenancy.resolve("ekopost", f"api-key:{KEY}") or tenant_id_for("ekopost", KEY)
    account = provider.tenant_state(tenant)
    address = pack_address({"$type": "email", "recipient": "bench@example.se", "subject": "Invoice"})
    pdf = make_pdf([["Invoice"]])
    ids = provider.ctx.ids
    for n in range(campaigns):
        at = STARTED + timedelta(seconds=n)
        closed = n % 2 == 0
        state = "closed" if closed else "opened"
        history = [Change(None, "opened", at, "request")]
        if closed:
            history.append(Change("opened", "closed", at, "request"))
        campaign = Campaign(
            id=ids.uuid4(),
            name=f"campaign {n}",
            output_date=at + timedelta(days=1),
            cost_center="bench",
            state=state,
            created_at=at,
            updated_at=at,
            history=list(history),
        )
        envelope = Envelope(
            id=ids.uuid4(),
            campaign_id=campaign.id,
            name=f"letter {n}",
            packed_address=address,
            channel="electronic",
            postage="priority",
            plex="simplex",
            color=False,
            state=state,
            created_at=at,
            updated_at=at,
            history=list(history),
            contents=(Content(ids.uuid4(), "document", "application/pdf", len(pdf), pdf, at),),
        )
        campaign.envelopes[envelope.id] = envelope
        account.add_campaign(campaign)
        account.envelope_index[envelope.id] = campaign.id
        if closed:
            provider.ctx.schedule(tenant, "campaign", campaign.id, campaign.output_date, "transfer")


def restore_world(objects: int) -> dict[str, Any]:
    import gc

    from mockpost.config import Settings
    from mockpost.persist.start import open_persistence
    from mockpost.testing import Mockpost

    campaigns = objects // 2
    with tempfile.TemporaryDirectory() as data_dir:
        with Mockpost(data_dir=data_dir) as built:
            fill(built, campaigns)
            started = time.perf_counter()
            document = built.sandbox.snapshots.export()
            export_s = time.perf_counter() - started
            timers = len(built.timers())
        gc.collect()
        with Mockpost() as fresh:
            started, cpu = time.perf_counter(), time.process_time()
            fresh.sandbox.snapshots.restore(document)
            restore_s, restore_cpu_s = time.perf_counter() - started, time.process_time() - cpu
            restored = fresh.accounts()[0]["objects"]
            assert restored == {"campaign": campaigns, "envelope": campaigns}, restored
            assert len(fresh.timers()) == timers
        gc.collect()
        with Mockpost() as empty:
            started, cpu = time.perf_counter(), time.process_time()
            opened = open_persistence(empty.sandbox, Settings(data_dir=Path(data_dir)))
            store_s, store_cpu_s = time.perf_counter() - started, time.process_time() - cpu
            assert opened is not None and empty.accounts()[0]["objects"]["campaign"] == campaigns
            opened.store.close()
        with tempfile.TemporaryDirectory() as nothing, Mockpost() as empty:
            started = time.perf_counter()
            opened = open_persistence(empty.sandbox, Settings(data_dir=Path(nothing)))
            empty_store_s = time.perf_counter() - started
            assert opened is not None
            opened.store.close()
    return {
        "objects": campaigns * 2,
        "timers": timers,
        "snapshot_bytes": len(document),
        "export_ms": export_s * 1000,
        "restore_ms": restore_s * 1000,
        "restore_cpu_ms": restore_cpu_s * 1000,
        "start_from_data_dir_ms": store_s * 1000,
        "start_from_data_dir_cpu_ms": store_cpu_s * 1000,
        "start_from_empty_data_dir_ms": empty_store_s * 1000,
    }


def restore_versus_recreate(objects: int) -> dict[str, Any]:
    from benchmarks.throughput import CAMPAIGN, ENVELOPE
    from mockpost.testing import Mockpost

    auth = {"Authorization": f"api-key {KEY}"}
    recreate: list[float] = []
    restore: list[float] = []
    with Mockpost() as mock:
        client = mock.client("ekopost", headers=auth)
        for _ in range(VERSUS_RUNS):
            mock.reset()
            started = time.perf_counter()
            for _ in range(objects // 2):
                campaign = client.post("/campaigns", json=CAMPAIGN).json()["id"]
                client.post(f"/campaigns/{campaign}/envelopes", json=ENVELOPE).raise_for_status()
            recreate.append(time.perf_counter() - started)
        world = mock.snapshot()
        for _ in range(VERSUS_RUNS):
            mock.reset()
            started = time.perf_counter()
            mock.restore(world)
            restore.append(time.perf_counter() - started)
        assert mock.accounts()[0]["objects"] == {"campaign": objects // 2, "envelope": objects // 2}
    recreate_ms = statistics.median(recreate) * 1000
    restore_ms = statistics.median(restore) * 1000
    return {
        "objects": objects,
        "runs": VERSUS_RUNS,
        "recreate_ms": recreate_ms,
        "restore_ms": restore_ms,
        "ratio": recreate_ms / restore_ms,
    }
