"""(g) Peers: the same read and write workload against mockpost, moto_server and Prism, in one run.

  mockpost  read  GET  /ekopost/campaigns/{id}                  (one campaign created first)
            write POST /ekopost/campaigns/{id2}/envelopes         (an e-mail envelope, each call stores one,
                                                                   in another campaign than the one read)
  moto      read  GET  /bench/campaign.json                       (S3 GET object: the same JSON bytes
                                                                   mockpost answers the read with)
            write PUT  /bench/envelope.json                       (S3 PUT object: the envelope's JSON)
  Prism     read  GET  /campaigns/{id}   write POST /campaigns/{id}/envelopes
            (`prism mock` of mockpost's own exported Ekopost OpenAPI document, `-v error`)

moto has no Ekopost; S3 object GET/PUT is its nearest stateless-route equivalent of a stored read and
write. moto is sent a dummy SigV4 Authorization header (moto does not verify signatures; without one it
refuses anonymous GETs); it logs every request (werkzeug's default, no flag turns it off).

Same load generator, connections and time for each, servers loaded in turn for `rounds` rounds after a
discarded warm-up; the figure per workload is the median over the rounds, reported with mockpost's
requests/s divided by the peer's (> 1: mockpost is faster).

Optional: a peer that is not installed is skipped with a note (and the run still exits 0). Install
them with `--install-peers` (pip install 'moto[server]' into this interpreter's environment; npm
install @stoplight/prism-cli into BENCH_PEERS_DIR, default ~/.cache/mockpost-bench), or by hand.
Neither is a dependency of mockpost.
"""

from __future__ import annotations

import contextlib
import http.client
import importlib.util
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from benchmarks import loadgen
from benchmarks.procs import HOST, ROOT, clean_env, cpu_pinning, free_port, mockpost_cmd, serve, stop
from benchmarks.throughput import AUTH, ENVELOPE, combine, create_campaign

PEERS_DIR = Path(os.environ.get("BENCH_PEERS_DIR") or Path.home() / ".cache" / "mockpost-bench")
S3_AUTH = {
    "Authorization": "AWS4-HMAC-SHA256 Credential=bench/20250101/us-east-1/s3/aws4_request, "
    "SignedHeaders=host, Signature=0000"
}
JSON_TYPE = {"Content-Type": "application/json"}
# moto answers one of the first concurrent PUTs with a 500 (an exception inside moto): a peer's
# warm-up may fail, and each measured load this fraction of its requests (counted in its JSON as
# non_2xx); mockpost may fail none
PEER_NON_2XX = 0.01


def moto_cmd(port: int) -> list[str] | None:
    script = Path(sys.executable).with_name("moto_server")
    if script.exists():
        return [str(script), "-H", HOST, "-p", str(port)]
    if shutil.which("moto_server"):
        return ["moto_server", "-H", HOST, "-p", str(port)]
    if importlib.util.find_spec("moto") and importlib.util.find_spec("flask"):
        return [sys.executable, "-m", "moto.server", "-H", HOST, "-p", str(port)]
    return None


def prism_bin() -> str | None:
    local = PEERS_DIR / "prism" / "node_modules" / ".bin" / "prism"
    if local.exists():
        return str(local)
    return shutil.which("prism")


def install(timeout: float = 300.0) -> list[str]:
    """Try to install both peers; returns what happened, one line each. Never raises."""
    notes = []
    if moto_cmd(0) is None:
        try:
            done = subprocess.run(
                [sys.executable, "-m", "pip", "install", "--quiet", "moto[server]"],
                capture_output=True,
                text=True,
                timeout=timeout,
            )
            notes.append(f"pip install 'moto[server]': exit {done.returncode} {done.stderr[-300:].strip()}")
        except (OSError, subprocess.TimeoutExpired) as exc:
            notes.append(f"pip install 'moto[server]': {type(exc).__name__}: {exc}")
    if prism_bin() is None:
        npm = shutil.which("npm")
        if npm is None:
            notes.append("npm is not on PATH: Prism cannot be installed")
        else:
            target = PEERS_DIR / "prism"
            target.mkdir(parents=True, exist_ok=True)
            try:
                done = subprocess.run(
                    [
                        npm,
                        "install",
                        "--no-audit",
                        "--no-fund",
                        "--prefix",
                        str(target),
                        "@stoplight/prism-cli",
                    ],
                    capture_output=True,
                    text=True,
                    timeout=timeout,
                )
                notes.append(
                    f"npm install @stoplight/prism-cli: exit {done.returncode} {done.stderr[-300:].strip()}"
                )
            except (OSError, subprocess.TimeoutExpired) as exc:
                notes.append(f"npm install @stoplight/prism-cli: {type(exc).__name__}: {exc}")
    return notes


def request(
    port: int, method: str, path: str, body: bytes | None, headers: dict[str, str]
) -> tuple[int, bytes]:
    conn = http.client.HTTPConnection(HOST, port, timeout=5.0)
    try:
        conn.request(method, path, body=body, headers=headers)
        response = conn.getresponse()
        return response.status, response.read()
    finally:
        conn.close()


@contextlib.contextmanager
def peer_process(
    name: str, cmd: list[str], port: int, probe: tuple[str, str, bytes | None, dict[str, str]], timeout: float
) -> Iterator[subprocess.Popen[bytes]]:
    """Start `cmd` (logging to a temporary file), wait until `probe` answers 2xx, stop it at the end."""
    with tempfile.TemporaryFile() as log:
        process = subprocess.Popen(
            [*cpu_pinning()[0], *cmd],
            cwd=ROOT,
            env=clean_env(),
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        try:
            deadline = time.perf_counter() + timeout
            while True:
                if process.poll() is not None:
                    log.seek(0)
                    tail = log.read()[-1500:].decode(errors="replace")
                    raise RuntimeError(f"{name} exited with {process.returncode}: {tail}")
                with contextlib.suppress(OSError, http.client.HTTPException):
                    if 200 <= request(port, *probe)[0] < 300:
                        break
                if time.perf_counter() > deadline:
                    raise RuntimeError(f"{name} did not answer {probe[0]} {probe[1]} within {timeout:.0f}s")
                time.sleep(0.05)
            yield process
        finally:
            stop(process)


def prime(target: dict[str, Any]) -> None:
    """One request, waited for (Prism builds a route's validators on its first call: seconds on a busy
    machine, more than a 1 s warm-up lets a load generator wait)."""
    parts = urlsplit(target["url"])
    path = parts.path + (f"?{parts.query}" if parts.query else "")
    conn = http.client.HTTPConnection(HOST, parts.port or 80, timeout=30.0)
    try:
        conn.request(target["method"], path, body=target["body"], headers=target["headers"])
        response = conn.getresponse()
        response.read()
    finally:
        conn.close()
    if not 200 <= response.status < 300:
        raise RuntimeError(f"{target['method']} {target['url']} -> {response.status}")


def load(
    tool: str,
    target: dict[str, Any],
    seconds: float,
    concurrency: int,
    threads: int,
    warm_up: bool = False,
    tolerated: float = 0.0,
) -> dict[str, Any]:
    """One load; raises on socket errors, on more than `tolerated` (a fraction) non-2xx answers, and
    on no answer at all (except in a warm-up)."""
    method, body = target["method"], target["body"]
    result = loadgen.run(tool, target["url"], target["headers"], seconds, concurrency, threads, method, body)
    if (
        (result["requests"] == 0 and not warm_up)
        or result["errors"]
        or result["non_2xx"] > tolerated * result["requests"]
    ):
        raise RuntimeError(f"{target['method']} {target['url']} had failures: {result}")
    return result


def measure(
    duration: float, concurrency: int, loadgen_choice: str, threads: int, rounds: int, install_first: bool
) -> dict[str, Any]:
    notes = install() if install_first else []
    available = {"moto": moto_cmd(0) is not None, "prism": prism_bin() is not None}
    for name, hint in (
        ("moto", "pip install 'moto[server]'"),
        ("prism", f"npm install --prefix {PEERS_DIR / 'prism'} @stoplight/prism-cli"),
    ):
        if not available[name]:
            notes.append(f"{name}: not installed, skipped ({hint}, or run with --install-peers)")
    if not any(available.values()):
        return {"skipped": "no peer installed", "notes": notes}
    tool = loadgen.available(loadgen_choice)
    per_round = max(1.0, duration / rounds) if tool == "wrk" else duration / rounds
    envelope = json.dumps(ENVELOPE).encode()
    targets: dict[str, dict[str, dict[str, Any]]] = {}
    errors: dict[str, str] = {}
    with contextlib.ExitStack() as stack:
        port = free_port()
        server = stack.enter_context(serve(mockpost_cmd(port), port, "/_mockpost/health"))
        campaign_id, body = create_campaign(server.base_url)
        written_id, _ = create_campaign(server.base_url)  # writes go elsewhere: the read stays the same
        campaign_bytes = json.dumps(body).encode()
        base = f"{server.base_url}/ekopost/campaigns"
        targets["mockpost"] = {
            "read": {"method": "GET", "url": f"{base}/{campaign_id}", "headers": AUTH, "body": None},
            "write": {
                "method": "POST",
                "url": f"{base}/{written_id}/envelopes",
                "headers": {**AUTH, **JSON_TYPE},
                "body": envelope,
            },
        }
        if available["moto"]:
            port = free_port()
            cmd = moto_cmd(port)
            assert cmd is not None
            try:
                stack.enter_context(peer_process("moto_server", cmd, port, ("GET", "/", None, S3_AUTH), 60.0))
                for method, path, data in (
                    ("PUT", "/bench", None),
                    ("PUT", "/bench/campaign.json", campaign_bytes),
                ):
                    status, answer = request(port, method, path, data, S3_AUTH)
                    if not 200 <= status < 300:
                        raise RuntimeError(f"moto {method} {path} -> {status}: {answer[:200]!r}")
                url = f"http://{HOST}:{port}/bench"
                targets["moto"] = {
                    "read": {
                        "method": "GET",
                        "url": f"{url}/campaign.json",
                        "headers": S3_AUTH,
                        "body": None,
                    },
                    "write": {
                        "method": "PUT",
                        "url": f"{url}/envelope.json",
                        "headers": {**S3_AUTH, **JSON_TYPE},
                        "body": envelope,
                    },
                }
            except (OSError, RuntimeError) as exc:
                errors["moto"] = f"{type(exc).__name__}: {exc}"
        if available["prism"]:
            port = free_port()
            tmp = stack.enter_context(tempfile.TemporaryDirectory())
            spec = Path(tmp, "ekopost.openapi.json")
            exported = subprocess.run(
                [
                    sys.executable,
                    "-m",
                    "mockpost",
                    "openapi",
                    "ekopost",
                    "--base-url",
                    f"http://{HOST}:{port}",
                ],
                cwd=ROOT,
                env=clean_env(),
                capture_output=True,
                text=True,
                timeout=60,
                check=True,
            )
            spec.write_text(exported.stdout, encoding="utf-8")
            cmd = [str(prism_bin()), "mock", str(spec), "-h", HOST, "-p", str(port), "-v", "error"]
            probe = ("GET", f"/campaigns/{campaign_id}", None, AUTH)
            try:
                stack.enter_context(peer_process("prism", cmd, port, probe, 60.0))
                url = f"http://{HOST}:{port}/campaigns/{campaign_id}"
                targets["prism"] = {
                    "read": {"method": "GET", "url": url, "headers": AUTH, "body": None},
                    "write": {
                        "method": "POST",
                        "url": f"{url}/envelopes",
                        "headers": {**AUTH, **JSON_TYPE},
                        "body": envelope,
                    },
                }
            except (OSError, RuntimeError) as exc:
                errors["prism"] = f"{type(exc).__name__}: {exc}"
        samples: dict[str, dict[str, list[dict[str, Any]]]] = {
            name: {"read": [], "write": []} for name in targets
        }
        for n in range(rounds + 1):  # round 0: warm-up, discarded
            for name, workloads in list(targets.items()):
                for kind, target in workloads.items():
                    try:
                        if n == 0:
                            prime(target)
                        seconds = per_round if n else min(1.0, per_round)
                        tolerated = 0.0 if name == "mockpost" else 1.0 if n == 0 else PEER_NON_2XX
                        result = load(tool, target, seconds, concurrency, threads, n == 0, tolerated)
                    except (
                        RuntimeError,
                        OSError,
                        subprocess.SubprocessError,
                        http.client.HTTPException,
                    ) as exc:
                        if name == "mockpost":
                            raise
                        errors[name] = f"under load: {type(exc).__name__}: {str(exc)[:500]}"
                        del targets[name], samples[name]  # a failing peer leaves; mockpost's failure fails
                        break
                    if n:
                        samples[name][kind].append(result)
    results: dict[str, Any] = {name: {k: combine(v) for k, v in s.items()} for name, s in samples.items()}
    ratios = {
        name: {
            kind: results["mockpost"][kind]["rps"] / results[name][kind]["rps"]
            for kind in ("read", "write")
            if results[name][kind]["rps"]
        }
        for name in results
        if name != "mockpost"
    }
    return {
        "loadgen": tool,
        "concurrency": concurrency,
        "rounds": rounds,
        "seconds_per_round": per_round,
        "servers": results,
        "mockpost_rps_over_peer": ratios,
        "peer_errors": errors,
        "notes": notes,
    }
