"""Tiny runs of the benchmark runner's scale, memory, persistence, soak and peers parts, so they
cannot rot.

Checks shapes and sanity only: no timed assertion (the benchmark reports speed, it never judges it).
"""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from benchmarks import __main__ as runner
from benchmarks import loadgen, memory, pdf, peers, persistence, report, scale, soak, webhooks


@pytest.fixture(scope="module")
def scaled() -> dict[str, Any]:
    return scale.run([100, 300], budget_s=0.002, max_per_block=2)


@pytest.fixture(scope="module")
def measured() -> dict[str, Any]:
    return memory.run(60)


def test_scale_grows_one_tenant_and_compares_it_with_the_small_one(scaled: dict[str, Any]) -> None:
    result = scaled
    assert [row["size"] for row in result["rows"]] == [100, 300]
    for row in result["rows"]:
        for kind in scale.KINDS:
            assert row[kind]["big"]["n"] == row[kind]["small"]["n"] >= scale.BLOCKS
            assert row[kind]["ratio"] > 0
    assert set(result["flatness"]) == set(scale.KINDS)
    connect = result["easypost_connect_jobs"]
    assert "error" not in connect, connect  # the hook fills EasyPost Connect's state by hand: keep it in step
    assert "skipped" in connect or [row["size"] for row in connect["rows"]] == [100, 300]


def test_scale_fill_is_what_the_api_serves() -> None:
    from mockpost.app import create_app
    from mockpost.config import Settings

    tenant = scale.EkopostTenant(create_app(Settings()), "bench-smoke", 0x1)
    tenant.grow(150)
    campaign_id, envelope_id = tenant.ids[120]
    assert tenant.account.envelope_index[envelope_id] == campaign_id
    assert len({c for c, _ in tenant.ids} | {e for _, e in tenant.ids}) == 300


def test_memory_reports_payload_and_overhead(measured: dict[str, Any]) -> None:
    result = measured
    assert result["count"] == 60
    assert 0 < result["payload_bytes"] < result["traced_bytes"]
    assert result["overhead_bytes"] == pytest.approx(result["traced_bytes"] - result["payload_bytes"])
    assert result["baseline_parsed_dict_bytes"] > 0


def test_persistence_restores_what_it_filled_and_reports_it() -> None:
    result = persistence.run(objects=40, versus_objects=10)
    restore, versus = result["restore"], result["versus"]
    assert (restore["objects"], restore["timers"], versus["objects"]) == (40, 10, 10)
    assert restore["snapshot_bytes"] > 0 and versus["ratio"] > 0
    throughput = {
        "loadgen": "asyncio",
        "concurrency": 1,
        "workloads": {
            "read": {"route": "GET x", "memory": {"rps": 2.0}, "data_dir": {"rps": 1.0}, "rps_ratio": 0.5}
        },
    }
    text = report.table({"persistence": {**result, "throughput": throughput}})
    assert "persistence: restore a snapshot of 40 objects" in text and "0.50x" in text


def test_soak_stays_bounded_for_half_a_second() -> None:
    result = soak.measure(0.5, journal_size=20, connections=2)
    assert result["errors"] == 0 and result["flows"] > 0
    assert result["journal_peak"] <= result["journal_capacity"] == 20
    assert result["samples"]
    assert result["rss_peak_mb"] is None or result["rss_peak_mb"] > 0


def test_pdf_reads_while_each_document_is_uploaded() -> None:
    result = pdf.measure(size=16 * 1024, nirva_pages=5)
    assert result["baseline"]["reads"] == pdf.BASELINE_READS
    statuses = {d["document"].split(",")[0]: d["upload_status"] for d in result["documents"]}
    assert statuses == {"Ekopost content": 400, "EasyPost Connect upload": 200, "Nirva job": 200}
    assert all(d["bytes"] > 0 and d["upload_ms"] > 0 for d in result["documents"])
    assert "pdf: slowest other read ms" in report.table({"pdf": result})


def test_peers_are_skipped_when_not_installed(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(peers, "moto_cmd", lambda port: None)
    monkeypatch.setattr(peers, "prism_bin", lambda: None)
    result = peers.measure(1.0, 2, "asyncio", 1, 1, install_first=False)
    assert result["skipped"] and len(result["notes"]) == 2


def test_wrk_script_needs_no_escaping() -> None:
    script = loadgen.wrk_script("POST", b'{"a": "]]", "b": "]=]"}')
    assert 'wrk.method = "POST"' in script and "[==[" in script and script.rstrip().endswith("]==]")


def test_quick_defaults_and_table(scaled: dict[str, Any], measured: dict[str, Any]) -> None:
    args = runner.parse(["--quick"])
    assert args.sizes == list(scale.SIZES_QUICK) and args.soak_seconds == 3.0 and args.envelopes == 1_000
    results: dict[str, Any] = {
        "scale": scaled,
        "memory": {**measured, "rss_bytes": None},
        "peers": {"skipped": "not installed", "notes": []},
    }
    text = report.table(results)
    assert "scale: GET campaign" in text and "memory: bytes per envelope" in text
    assert "peers: skipped" in text


def test_asyncio_generator_reads_answers_of_closing_http10_servers() -> None:
    async def read(data: bytes) -> tuple[int, bool]:
        reader = asyncio.StreamReader()
        reader.feed_data(data)
        reader.feed_eof()
        return await loadgen.read_response(reader)

    assert asyncio.run(read(b"HTTP/1.0 200 OK\r\nContent-Type: text/plain\r\n\r\nbody")) == (200, False)
    assert asyncio.run(read(b"HTTP/1.1 404 Not Found\r\nContent-Length: 2\r\n\r\nno")) == (404, True)


def test_the_console_cost_is_measured_with_0_1_and_10_open_streams() -> None:
    from benchmarks import console

    result = console.measure(0.2, concurrency=2, loadgen_choice="asyncio", threads=1, rounds=1)
    assert set(result["rps"]) == {"0", "1", "10"} and all(rps > 0 for rps in result["rps"].values())
    assert set(result["cost"]) == {"1", "10"}
    assert any("console" in row[0] for row in report.rows({"console": result}))


def test_webhooks_advance_with_a_receiver_that_never_answers() -> None:
    result = webhooks.measure(timeout=0.3)
    assert result["healthy_state"] == "delivered" and result["attempts"] == 3 * 6 + 1
    assert "webhooks: 1-day advance s" in report.table({"webhooks": result})
