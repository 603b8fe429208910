"""Running the app under uvicorn: fast loop and parser when installed, no access log by default."""

from __future__ import annotations

import errno
import importlib.util
import ipaddress
import logging
import socket
from typing import Any

from starlette.applications import Starlette

from mockpost.config import Settings
from mockpost.core.heap import settle_heap
from mockpost.core.middleware import ConnectionDropped
from mockpost.guarded_http import guarded_protocol, hard_header_bytes
from mockpost.logs import log_config

logger = logging.getLogger("mockpost")
SHUTDOWN_GRACE = 5  # seconds requests still running at SIGTERM get before they are cancelled


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


class ListenError(OSError):
    """The server cannot listen where its settings say; `setting` is the field to change."""

    def __init__(self, setting: str, message: str) -> None:
        super().__init__(message)
        self.setting = setting

    def __str__(self) -> str:
        return str(self.args[0])


def bind_socket(host: str, port: int) -> socket.socket:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((host, port))
        sock.listen(2048)
    except (OSError, UnicodeError) as exc:
        sock.close()
        raise _listen_error(host, port, exc) from None
    sock.set_inheritable(True)
    return sock


def _listen_error(host: str, port: int, exc: OSError | UnicodeError) -> ListenError:
    if isinstance(exc, UnicodeError | socket.gaierror):
        reason = exc.strerror if isinstance(exc, socket.gaierror) else str(exc)
        return ListenError("host", f"no such host or address ({reason})")
    if exc.errno == errno.EADDRINUSE:
        return ListenError("port", f"already in use on {host}; choose another port, or 0 for any free one")
    if exc.errno == errno.EACCES:
        return ListenError(
            "port", f"no permission to listen on port {port} (ports below 1024 need privileges)"
        )
    if exc.errno == errno.EADDRNOTAVAIL:
        return ListenError("host", "not an address of this machine")
    return ListenError("host", f"cannot listen on {host}:{port}: {exc.strerror or exc}")


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

    @property
    def base_url(self) -> str:
        """Where clients reach the server: the public URL, else the host (loopback for a wildcard)."""
        if self.settings.public_url:
            return self.settings.public_url
        host = self.settings.host
        shown = "127.0.0.1" if host in ("0.0.0.0", "::", "") else f"[{host}]" if ":" in host else host
        return f"http://{shown}:{self.port}"

    def urls(self) -> dict[str, str]:
        """Title -> URL of everything the banner lists: the console, each provider, the control plane."""
        base = self.base_url
        urls = {"console": f"{base}/"}
        for entry in self.app.state.sandbox.providers.entries():
            urls[entry.title] = f"{base}{entry.mount}"
        urls["control plane"] = f"{base}/_mockpost"
        return urls

    def banner(self) -> str:
        sandbox = self.app.state.sandbox
        lines = [f"mockpost listening on {self.base_url}"]
        lines += [f"  {title:<34} {url}" for title, url in self.urls().items()]
        strict = sandbox.tenancy.strict_providers()
        mode = (
            f"strict for {', '.join(strict)} (accounts file), open for the others"
            if strict
            else "open (any credential is its own account)"
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
        errors = logging.getLogger("uvicorn.error")
        if not any(isinstance(f, DroppedQuietly) for f in errors.filters):
            errors.addFilter(DroppedQuietly())
        return uvicorn.Config(
            self.app,
            loop=loop,
            http=guarded_protocol(http, self.settings),  # read timeout, bound on header bytes
            h11_max_incomplete_event_size=hard_header_bytes(self.settings),
            log_config=log_config(self.settings),
            log_level=self.settings.log_level,
            access_log=self.settings.access_log,
            lifespan="on",
            server_header=False,
            timeout_graceful_shutdown=SHUTDOWN_GRACE,
        )

    def announce(self) -> None:
        """The banner: printed as text, or one JSON log record carrying the same URLs."""
        if self.settings.log_format == "json":
            sandbox = self.app.state.sandbox
            logger.info(
                "mockpost listening on %s",
                self.base_url,
                extra={
                    "urls": self.urls(),
                    "accounts": "strict" if sandbox.tenancy.strict else "open",
                    "seed": self.settings.seed,
                },
            )
        else:
            print(self.banner(), flush=True)

    def run_forever(self, uvicorn: Any) -> None:
        self.announce()
        settle_heap()
        server = uvicorn.Server(self.config(uvicorn))
        server.run(sockets=[self.sock])
