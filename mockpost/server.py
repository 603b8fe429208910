"""Running the app under uvicorn: fast loop and parser when installed, no access log by default."""

from __future__ import annotations

import importlib.util
import logging
import socket
from typing import Any

from starlette.applications import Starlette

from mockpost.config import Settings
from mockpost.core.heap import settle_heap
from mockpost.core.middleware import ConnectionDropped
from mockpost.guarded_http import guarded_protocol, hard_header_bytes

SHUTDOWN_GRACE = 5  # seconds requests still running at SIGTERM get before they are cancelled


def fastest_loop() -> tuple[str, str]:
    loop = "uvloop" if importlib.util.find_spec("uvloop") else "asyncio"
    http = "httptools" if importlib.util.find_spec("httptools") else "h11"
    return loop, http


def bind_socket(host: str, port: int) -> socket.socket:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((host, port))
    sock.listen(2048)
    sock.set_inheritable(True)
    return sock


class DroppedQuietly(logging.Filter):
    """A `drop` fault cuts its connection by raising ConnectionDropped through uvicorn, which logs
    any exception from the app with a traceback. This one is on purpose: one line, at info level."""

    def filter(self, record: logging.LogRecord) -> bool:
        exc = record.exc_info[1] if record.exc_info else None
        if isinstance(exc, ConnectionDropped):
            record.msg, record.args = "%s", (str(exc),)
            record.exc_info, record.exc_text = None, None
            record.levelno, record.levelname = logging.INFO, "INFO"
            return logging.getLogger(record.name).isEnabledFor(logging.INFO)
        return True


class Server:
    """Binds first (so port 0 resolves), registers its own origin for self-addressed webhooks."""

    def __init__(self, app: Starlette, settings: Settings) -> None:
        self.app = app
        self.settings = settings
        self.sock = bind_socket(settings.host, settings.port)
        self.port: int = self.sock.getsockname()[1]
        sandbox = app.state.sandbox
        for host in {settings.host, "127.0.0.1", "localhost"}:
            sandbox.self_origins.add((host, self.port))
        if settings.public_url:
            from urllib.parse import urlsplit

            parts = urlsplit(settings.public_url)
            if parts.hostname:
                sandbox.self_origins.add(
                    (parts.hostname, parts.port or (443 if parts.scheme == "https" else 80))
                )

    def banner(self) -> str:
        shown = "127.0.0.1" if self.settings.host in ("0.0.0.0", "::") else self.settings.host
        base = self.settings.public_url or f"http://{shown}:{self.port}"
        sandbox = self.app.state.sandbox
        lines = [f"mockpost listening on {base}"]
        for entry in sandbox.providers.entries():
            lines.append(f"  {entry.title:<34} {base}{entry.mount}")
        lines.append(f"  {'control plane':<34} {base}/_mockpost")
        mode = (
            "strict (accounts file)" if sandbox.tenancy.strict else "open (any credential is its own account)"
        )
        lines.append(f"  accounts: {mode}; seed: {self.settings.seed}")
        return "\n".join(lines)

    def config(self, uvicorn: Any) -> Any:
        loop, http = fastest_loop()
        errors = logging.getLogger("uvicorn.error")
        if not any(isinstance(f, DroppedQuietly) for f in errors.filters):
            errors.addFilter(DroppedQuietly())
        return uvicorn.Config(
            self.app,
            loop=loop,
            http=guarded_protocol(http, self.settings),  # read timeout, bound on header bytes
            h11_max_incomplete_event_size=hard_header_bytes(self.settings),
            log_level=self.settings.log_level,
            access_log=self.settings.access_log,
            lifespan="on",
            server_header=False,
            timeout_graceful_shutdown=SHUTDOWN_GRACE,
        )

    def run_forever(self, uvicorn: Any) -> None:
        print(self.banner(), flush=True)
        settle_heap()
        server = uvicorn.Server(self.config(uvicorn))
        server.run(sockets=[self.sock])
