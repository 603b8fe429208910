"""Running the app under uvicorn: fast loop and parser when installed, no access log by default."""

from __future__ import annotations

import importlib.util
import ipaddress
import socket
from typing import Any

from starlette.applications import Starlette

from mockpost.config import Settings
from mockpost.core.heap import settle_heap


def fastest_loop() -> tuple[str, str]:
    loop = "uvloop" if importlib.util.find_spec("uvloop") else "asyncio"
    http = "httptools" if importlib.util.find_spec("httptools") else "h11"
    return loop, http


def is_loopback(host: str) -> bool:
    """Whether only this machine can reach `host` (127.0.0.0/8, ::1, localhost)."""
    if host.lower() in ("localhost", "localhost."):
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False  # another host name: it may resolve to any interface


def bind_socket(host: str, port: int) -> socket.socket:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((host, port))
    sock.listen(2048)
    sock.set_inheritable(True)
    return sock


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
        if self.settings.control_token:
            lines.append("  control plane and console: the control token is required")
        elif not is_loopback(self.settings.host):
            lines.append(
                f"  WARNING: listening on {self.settings.host} without a control token: anyone who can "
                "reach this port can read the journal (every account's requests), reset accounts, add "
                "faults and load scenarios. Set --control-token TOKEN (MOCKPOST_CONTROL_TOKEN)."
            )
        return "\n".join(lines)

    def config(self, uvicorn: Any) -> Any:
        loop, http = fastest_loop()
        return uvicorn.Config(
            self.app,
            loop=loop,
            http=http,
            log_level=self.settings.log_level,
            access_log=self.settings.access_log,
            lifespan="on",
            server_header=False,
        )

    def run_forever(self, uvicorn: Any) -> None:
        print(self.banner(), flush=True)
        settle_heap()
        server = uvicorn.Server(self.config(uvicorn))
        server.run(sockets=[self.sock])
