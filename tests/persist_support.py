"""Helpers for the persistence and snapshot tests: an Ekopost letter flow, and a real server process
that can be stopped gracefully, killed, and started again on the same data directory."""

from __future__ import annotations

import base64
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import httpx

from mockpost.core.pdf import make_pdf

START = "2030-03-04T09:00:00Z"
EKO_KEY = "persist-key-123456"
EKO = {"Authorization": f"api-key {EKO_KEY}"}
EMAIL = {"$type": "email", "recipient": "anna@example.se", "subject": "Invoice"}


def letter(
    eko: httpx.Client, name: str = "March", output_date: str = "2030-03-05T12:00:00"
) -> tuple[str, str]:
    """An Ekopost campaign holding one closed e-mail envelope with its document, closed for output."""
    campaign = eko.post("/campaigns", json={"name": name, "output_date": output_date, "cost_center": "F"})
    assert campaign.status_code == 200, campaign.text
    campaign_id = campaign.json()["id"]
    envelope = eko.post(f"/campaigns/{campaign_id}/envelopes", json={"name": f"{name} 1", "address": EMAIL})
    envelope_id = envelope.json()["id"]
    pdf = make_pdf([["Hello"]])
    content = eko.post(
        f"/campaigns/{campaign_id}/envelopes/{envelope_id}/content",
        json={
            "type": "document",
            "mime": "application/pdf",
            "data": base64.b64encode(pdf).decode(),
            "length": len(pdf),
        },
    )
    assert content.status_code == 200, content.text
    assert eko.post(f"/campaigns/{campaign_id}/envelopes/{envelope_id}/close").status_code == 200
    assert eko.post(f"/campaigns/{campaign_id}/close").status_code == 200
    return campaign_id, envelope_id


def listings(mockpost: Any) -> dict[str, object]:
    """Everything the resource model shows of the sandbox."""
    found: dict[str, object] = {"accounts": mockpost.accounts(), "timers": mockpost.timers()}
    for account in mockpost.accounts():
        provider, tenant = account["provider"], account["account"]
        objects = mockpost.objects(provider, tenant)
        found[f"{provider}/{tenant}"] = objects
        for obj in objects:
            found[f"{provider}/{tenant}/{obj['kind']}/{obj['id']}"] = mockpost.object(
                provider, tenant, obj["kind"], obj["id"]
            )
    return found


def without_timing(attempts: list[dict[str, object]]) -> list[dict[str, object]]:
    """Delivery attempts without the real time each took."""
    return [{k: v for k, v in attempt.items() if k != "duration_ms"} for attempt in attempts]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


class ServerProcess:
    """`mockpost serve` in a child process on a fixed port, so a restart keeps its address (and the
    webhooks aimed at its own inbox keep reaching it)."""

    def __init__(
        self, data_dir: Path, *args: str, port: int | None = None, env: dict[str, str] | None = None
    ):
        self.data_dir = data_dir
        self.args = args
        self.port = port or free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.env = {**os.environ, "MOCKPOST_LOG_LEVEL": "warning", **(env or {})}
        self.process: subprocess.Popen[str] | None = None

    def command(self) -> list[str]:
        return [
            sys.executable,
            "-m",
            "mockpost",
            "serve",
            "--port",
            str(self.port),
            "--data-dir",
            str(self.data_dir),
            *self.args,
        ]

    def start(self, timeout: float = 30.0) -> ServerProcess:
        self.process = subprocess.Popen(
            self.command(), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=self.env
        )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise AssertionError(f"the server exited: {self.process.communicate()[1]}")
            try:
                if httpx.get(f"{self.url}/_mockpost/health", timeout=1, trust_env=False).status_code == 200:
                    return self
            except httpx.HTTPError:
                pass
            time.sleep(0.02)  # waiting for a real process to listen, not for business time
        raise AssertionError("the server did not start")

    def client(self, path: str = "", headers: dict[str, str] | None = None) -> httpx.Client:
        return httpx.Client(base_url=self.url + path, headers=headers, timeout=30, trust_env=False)

    def saved(self, timeout: float = 10.0) -> dict[str, Any]:
        """Wait until the server says every change is written (the flusher runs once a second)."""
        deadline = time.monotonic() + timeout
        with self.client() as control:
            while time.monotonic() < deadline:
                status: dict[str, Any] = control.get("/_mockpost/persistence").json()
                if not status["unsaved"]:
                    return status
                time.sleep(0.05)  # polling a real process's background writer
        raise AssertionError(f"changes still unsaved after {timeout} s: {status}")

    def stop(self) -> str:
        """A graceful stop (SIGTERM, as `docker stop` sends); returns what it wrote to stderr."""
        assert self.process is not None
        self.process.send_signal(signal.SIGTERM)
        _, err = self.process.communicate(timeout=30)
        return err

    def kill(self) -> None:
        assert self.process is not None
        self.process.kill()  # SIGKILL: no shutdown code runs
        self.process.communicate(timeout=30)

    def __enter__(self) -> ServerProcess:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.communicate(timeout=30)


def serve_refused(*args: str) -> subprocess.CompletedProcess[str]:
    """`mockpost serve ARGS` expected to refuse to start."""
    return subprocess.run(
        [sys.executable, "-m", "mockpost", "serve", "--port", "0", *args],
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, "MOCKPOST_LOG_LEVEL": "warning"},
    )
