"""PDFs for the benchmarks: a valid one-page PDF for envelope content, and the cost to everyone
else of reading a large or crafted document.

`measure()`: `mockpost serve` runs as a subprocess on loopback. For each document below (1 MiB by
default), one connection uploads it while a second one keeps reading a campaign (`GET
/ekopost/campaigns/{id}`) until the upload is answered; the figure is the slowest and the median of
those reads, next to the same reads with no upload under way (the baseline). A server that read the
document on its event loop would hold every read for the whole reading.

Documents: Ekopost content (base64 in JSON) crafted with `stream` keywords no `endstream` follows (what
made the old page check quadratic) and with thousands of tiny object streams (the slowest input of the
linear scan); an EasyPost Connect upload whose one content stream opens a string literal that never
closes; a Nirva job holding a valid PDF of PAGES pages (read by pypdf).
"""

from __future__ import annotations

import asyncio
import base64
import json
import statistics
import time
from functools import cache
from typing import Any

from mockpost.core.pdf import make_pdf

SIZE = 1024 * 1024
PAGES = 3_000  # about 1 MiB
SIZE_QUICK = 256 * 1024
PAGES_QUICK = 500
EKOPOST = {"Authorization": "api-key pdf-bench"}
CONNECT = {"x-api-key": "pdf-bench"}
BASELINE_READS = 200


@cache
def tiny_pdf() -> bytes:
    return make_pdf([["benchmark"]])


def pdf_content(data: bytes | None = None) -> dict[str, object]:
    """Ekopost's content body for a PDF (the tiny one by default): base64 data, decoded length,
    mime, type."""
    data = tiny_pdf() if data is None else data
    return {
        "data": base64.b64encode(data).decode("ascii"),
        "length": len(data),
        "mime": "application/pdf",
        "type": "document",
    }


def unterminated_streams(size: int) -> bytes:
    head = b"%PDF-1.5\n/ObjStm\n"  # no page object outside an object stream: the streams are searched
    return head + b"stream\n" * ((size - len(head)) // 7)


def object_streams(size: int) -> bytes:
    head = b"%PDF-1.5\n/ObjStm\n"
    unit = b"stream\nx\x9c\nendstream\n"
    return head + unit * ((size - len(head)) // len(unit))


def open_literal(size: int) -> bytes:
    head, tail = b"%PDF-1.4\n1 0 obj << >> stream\n", b" Tj\nendstream\n"
    return head + b"(" * (size - len(head) - len(tail)) + tail


def many_pages(pages: int) -> bytes:
    return make_pdf([[f"Jean Dupont {n}", "12 rue de la Paix", "75002 PARIS"] for n in range(pages)])


def multipart(parameters: dict[str, Any], part: str, data: bytes) -> tuple[bytes, str]:
    boundary = "mockpost-pdf-bench"
    body = (
        f'--{boundary}\r\nContent-Disposition: form-data; name="parameters"\r\n\r\n'.encode()
        + json.dumps(parameters).encode()
        + f'\r\n--{boundary}\r\nContent-Disposition: form-data; name="{part}"; filename="bench.pdf"\r\n'
        "Content-Type: application/pdf\r\n\r\n".encode()
        + data
        + f"\r\n--{boundary}--\r\n".encode()
    )
    return body, f"multipart/form-data; boundary={boundary}"


async def http(
    port: int, method: str, path: str, body: bytes = b"", headers: dict[str, str] | None = None
) -> tuple[int, bytes]:
    """One request on its own connection; (status, body)."""
    from benchmarks.procs import HOST

    reader, writer = await asyncio.open_connection(HOST, port)
    try:
        lines = [
            f"{method} {path} HTTP/1.1",
            f"Host: {HOST}",
            f"Content-Length: {len(body)}",
            "Connection: close",
        ]
        lines += [f"{name}: {value}" for name, value in (headers or {}).items()]
        writer.write(("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + body)
        raw = await asyncio.wait_for(reader.read(), timeout=600)
    finally:
        writer.close()
    head, _, answer = raw.partition(b"\r\n\r\n")
    return int(head[9:12]), answer


async def post_json(port: int, path: str, value: Any, headers: dict[str, str]) -> Any:
    status, answer = await http(
        port, "POST", path, json.dumps(value).encode(), {**headers, "Content-Type": "application/json"}
    )
    if status >= 300:
        raise RuntimeError(f"POST {path}: {status} {answer[:200]!r}")
    return json.loads(answer)


async def reads_while(port: int, path: str, upload: asyncio.Task[Any] | None, count: int) -> list[float]:
    """Milliseconds of each GET of `path`, one after the other on one connection: while `upload`
    is not answered, or `count` of them with no upload."""
    from benchmarks.soak import Connection

    connection = Connection(port)
    timings: list[float] = []
    try:
        while (upload is None and len(timings) < count) or (upload is not None and not upload.done()):
            started = time.perf_counter()
            status, _ = await connection.request("GET", path, headers=EKOPOST)
            timings.append((time.perf_counter() - started) * 1000)
            if status != 200:
                raise RuntimeError(f"GET {path}: {status}")
    finally:
        connection.close()
    return timings


async def drive(port: int, size: int, nirva_pages: int) -> dict[str, Any]:
    campaign = await post_json(
        port, "/ekopost/campaigns", {"name": "pdf", "output_date": "2030-03-05T12:00:00"}, EKOPOST
    )
    read_path = f"/ekopost/campaigns/{campaign['id']}"
    envelope_body = {
        "name": "pdf",
        "address": {"$type": "email", "recipient": "pdf@example.se", "subject": "pdf"},
        "postage": "priority",
    }
    await reads_while(port, read_path, None, 20)  # warm-up: every provider loaded, connections made
    workflows = json.loads((await http(port, "GET", "/easypost-connect/workflows", headers=CONNECT))[1])
    single_file = next(
        w for w in workflows if w["inputSource"] == "SINGLE_FILE" and w["enabled"] and w["validated"]
    )
    signed = await post_json(
        port, "/nirva/authentication/authenticate", {"login": "demo", "password": "demo"}, {}
    )

    async def ekopost_content(data: bytes) -> int:
        envelope = await post_json(port, f"{read_path}/envelopes", envelope_body, EKOPOST)
        body = json.dumps(pdf_content(data)).encode()
        path = f"{read_path}/envelopes/{envelope['id']}/content"
        return (await http(port, "POST", path, body, {**EKOPOST, "Content-Type": "application/json"}))[0]

    async def connect_upload(data: bytes) -> int:
        job = await post_json(
            port,
            "/easypost-connect/jobs/single-file",
            {"workflowId": single_file["id"], "jobName": "pdf", "filename": "bench.pdf"},
            CONNECT,
        )
        url = job["fileUploadUrl"]
        return (await http(port, "PUT", url[url.index("/easypost-connect") :], data))[0]

    async def nirva_job(data: bytes) -> int:
        body, content_type = multipart({"jobName": "pdf", "serviceId": "101"}, "file__file_LETTER_0", data)
        headers = {"X-Auth-Token": signed["token"], "Content-Type": content_type}
        return (await http(port, "POST", "/nirva/jobs", body, headers))[0]

    cases = [
        ("Ekopost content, unterminated streams", ekopost_content, unterminated_streams(size)),
        ("Ekopost content, tiny object streams", ekopost_content, object_streams(size)),
        ("EasyPost Connect upload, open string literal", connect_upload, open_literal(size)),
        (f"Nirva job, valid PDF of {nirva_pages:,} pages", nirva_job, many_pages(nirva_pages)),
    ]
    baseline = await reads_while(port, read_path, None, BASELINE_READS)
    results = []
    for name, send, data in cases:
        started = time.perf_counter()
        upload = asyncio.create_task(send(data))
        await asyncio.sleep(0)  # the upload's connection is opened first
        timings = await reads_while(port, read_path, upload, 0)
        status = await upload
        results.append(
            {
                "document": name,
                "bytes": len(data),
                "upload_status": status,
                "upload_ms": (time.perf_counter() - started) * 1000,
                "reads": len(timings),
                "read_max_ms": max(timings) if timings else None,
                "read_median_ms": statistics.median(timings) if timings else None,
            }
        )
    return {
        "baseline": {
            "reads": len(baseline),
            "read_max_ms": max(baseline),
            "read_median_ms": statistics.median(baseline),
        },
        "documents": results,
    }


def measure(size: int = SIZE, nirva_pages: int = PAGES) -> dict[str, Any]:
    from benchmarks.procs import free_port, mockpost_cmd, serve

    port = free_port()
    with serve(mockpost_cmd(port), port, "/_mockpost/health") as _server:
        result = asyncio.run(drive(port, size, nirva_pages))
    result["size"] = size
    return result


if __name__ == "__main__":
    print(json.dumps(measure(), indent=2))
