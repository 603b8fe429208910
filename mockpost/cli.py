"""`mockpost serve | openapi | version` (and later `run`)."""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Sequence
from typing import Any

from pydantic import ValidationError

from mockpost import __version__


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="mockpost", description="A local sandbox of postal and logistics APIs."
    )
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    serve = commands.add_parser(
        "serve", help="run the HTTP server", description="Every flag is also MOCKPOST_<FLAG>."
    )
    serve.add_argument("--host", help="interface (MOCKPOST_HOST, default 127.0.0.1)")
    serve.add_argument("--port", type=int, help="port (MOCKPOST_PORT, default 8000; 0 = any free port)")
    serve.add_argument("--seed", type=int, help="seed for ids, fake data, random faults (MOCKPOST_SEED)")
    serve.add_argument(
        "--fixtures", nargs="+", metavar="FILE", help="seed-data YAML files (MOCKPOST_FIXTURES)"
    )
    serve.add_argument("--accounts", metavar="FILE", help="accounts YAML; strict mode (MOCKPOST_ACCOUNTS)")
    serve.add_argument("--log-level", choices=["critical", "error", "warning", "info", "debug"])
    serve.add_argument("--access-log", action="store_true", default=None, help="uvicorn access log (slower)")
    serve.add_argument(
        "--journal-size", type=int, help="requests kept in the journal (MOCKPOST_JOURNAL_SIZE)"
    )
    serve.add_argument(
        "--journal-max-mb", type=float, help="bytes the journal may hold, in MB (MOCKPOST_JOURNAL_MAX_MB, 64)"
    )
    serve.add_argument(
        "--max-header-kb", type=int, help="largest header block, KiB; 431 beyond (MOCKPOST_MAX_HEADER_KB, 64)"
    )
    serve.add_argument(
        "--read-timeout", type=float, help="seconds to send a request; 408 after (MOCKPOST_READ_TIMEOUT, 30)"
    )
    serve.add_argument(
        "--inbox-max-mb", type=float, help="bytes all inboxes may hold, in MB (MOCKPOST_INBOX_MAX_MB, 64)"
    )
    serve.add_argument("--max-inboxes", type=int, help="inboxes kept, least recently used dropped (1000)")
    serve.add_argument("--max-tenants", type=int, help="open mode: accounts kept per provider (1000)")
    serve.add_argument("--public-url", help="base URL clients use to reach the mock (MOCKPOST_PUBLIC_URL)")
    serve.add_argument("--freeze-at", metavar="ISO", help="start with the clock frozen at this instant")
    serve.add_argument(
        "--option",
        action="append",
        metavar="PROVIDER.KEY=VALUE",
        help="provider option, e.g. ekopost.print_after=2d",
    )
    serve.add_argument(
        "--scenario",
        nargs="+",
        metavar="FILE",
        help="load scenarios' clock, accounts, seed, rules and faults at start (MOCKPOST_SCENARIO)",
    )

    from mockpost.scenarios.command import add_arguments as add_run_arguments

    run = commands.add_parser(
        "run",
        help="run YAML scenarios (in-process, or --target a server or a real sandbox)",
        description="Exit code: 0 all passed, 1 a scenario failed, 2 an invalid scenario file.",
    )
    add_run_arguments(run)

    openapi = commands.add_parser("openapi", help="print a provider's (or the control plane's) OpenAPI JSON")
    openapi.add_argument("name", help="provider name, or 'control'")
    openapi.add_argument("--base-url", default="http://127.0.0.1:8000")

    commands.add_parser("version", help="print the version")
    return parser


def settings_from(args: argparse.Namespace) -> Any:
    from mockpost.config import Settings, parse_option

    overrides: dict[str, Any] = {}
    for field in (
        "host",
        "port",
        "seed",
        "fixtures",
        "accounts",
        "log_level",
        "access_log",
        "journal_size",
        "journal_max_mb",
        "max_header_kb",
        "read_timeout",
        "inbox_max_mb",
        "max_inboxes",
        "max_tenants",
        "public_url",
        "freeze_at",
        "scenario",
    ):
        value = getattr(args, field, None)
        if value is not None:
            overrides[field] = value
    if getattr(args, "option", None):
        options: dict[str, dict[str, Any]] = {}
        env_options = os.environ.get("MOCKPOST_OPTIONS")
        if env_options:
            options = json.loads(env_options)
        for text in args.option:
            provider, key, value = parse_option(text)
            options.setdefault(provider, {})[key] = value
        overrides["options"] = options
    return Settings(**overrides)


def serve(args: argparse.Namespace) -> int:
    import uvicorn

    from mockpost.app import create_app
    from mockpost.sandbox import ConfigError
    from mockpost.server import Server

    try:
        settings = settings_from(args)
        app = create_app(settings)
    except (ValidationError, ConfigError, ValueError) as exc:
        print(f"mockpost: {exc}", file=sys.stderr)
        return 2
    server = Server(app, settings)
    if settings.scenario:
        from mockpost.scenarios.setup import SetupError, load_into_server
        from mockpost.scenarios.yamlsource import ScenarioError

        shown = "127.0.0.1" if settings.host in ("0.0.0.0", "::") else settings.host
        base_url = settings.public_url or f"http://{shown}:{server.port}"
        try:
            load_into_server(app.state.sandbox, settings.scenario, base_url)
        except (ScenarioError, SetupError) as exc:
            print(f"mockpost: {exc}", file=sys.stderr)
            return 2
    server.run_forever(uvicorn)
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command == "serve":
        return serve(args)
    if args.command == "run":
        from mockpost.scenarios.command import run_command

        return run_command(args)
    if args.command == "version":
        print(__version__)
        return 0
    if args.command == "openapi":
        from mockpost.app import create_app

        app = create_app()
        sandbox = app.state.sandbox
        if args.name == "control":
            from mockpost.control.routes import ControlPlane

            print(json.dumps(ControlPlane(sandbox).openapi_document(args.base_url), indent=2))
            return 0
        provider = sandbox.providers.get(args.name)
        if provider is None:
            print(
                f"mockpost: unknown provider {args.name!r}; known: {sorted(sandbox.providers)}",
                file=sys.stderr,
            )
            return 2
        print(json.dumps(provider.openapi(args.base_url), indent=2))
        return 0
    parser.print_help()
    return 2
