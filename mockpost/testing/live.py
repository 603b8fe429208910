"""A real mockpost server on a free port, in a background thread, for code that makes its own
HTTP calls (a service under test, a subprocess, a browser). `server.handle` drives it with the
in-process handle's API (`mockpost.remote.RemoteMockpost`): `server.handle.clock.advance(...)`."""

from __future__ import annotations

import threading
import time
from typing import Any

import uvicorn

from mockpost.app import create_app
from mockpost.config import Settings
from mockpost.control.guard import control_headers
from mockpost.remote import RemoteMockpost
from mockpost.sandbox import Sandbox
from mockpost.server import Server


class LiveServer:
    def __init__(self, settings: Settings | None = None, **overrides: Any) -> None:
        overrides.setdefault("port", 0)
        overrides.setdefault("log_level", "warning")
        self.settings = settings or Settings(**overrides)
        self.app = create_app(self.settings)
        self.sandbox: Sandbox = self.app.state.sandbox
        self._server = Server(self.app, self.settings)
        self.port = self._server.port
        self.url = f"http://127.0.0.1:{self.port}"
        # what a call to /_mockpost sends when the server has a control token (else nothing)
        self.control_headers = control_headers(self.settings.control_token)
        self.handle = RemoteMockpost(self.url, control_token=self.settings.control_token)
        self._uvicorn = uvicorn.Server(self._server.config(uvicorn))
        self._thread = threading.Thread(target=self._run, name="mockpost-live", daemon=True)

    def _run(self) -> None:
        self._uvicorn.run(sockets=[self._server.sock])

    def start(self, timeout: float = 10.0) -> LiveServer:
        self._thread.start()
        deadline = time.monotonic() + timeout
        while not self._uvicorn.started:
            if not self._thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError("mockpost live server did not start")
            time.sleep(0.005)  # waiting for a real server socket, not for business time
        return self

    def stop(self) -> None:
        self.handle.close()
        self._uvicorn.should_exit = True
        self._thread.join(timeout=10)

    def __enter__(self) -> LiveServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
