"""`mockpost serve | run | snapshot | openapi | schema | version`.

A user's mistake (a flag, a variable, a file, a port in use, a closed pipe) ends in one or two lines
on stderr that say what to fix, and exit code 2; never a traceback.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Sequence
from typing import Any, NoReturn

from mockpost import __version__
from mockpost.flags import SettingsError, add_setting_arguments, given_fields, named, settings_from

EXIT_USAGE = 2

__all__ = ["build_parser", "main", "settings_from"]


class Parser(argparse.ArgumentParser):
    """argparse, with its mistakes said in two lines instead of the whole usage."""

    def error(self, message: str) -> NoReturn:
        self.exit(EXIT_USAGE, f"{self.prog}: {message}\nSee '{self.prog} --help'.\n")


def build_parser() -> argparse.ArgumentParser:
    parser = Parser(prog="mockpost", description="A local sandbox of postal and logistics APIs.")
    parser.add_argument("--version", action="version", version=f"mockpost {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    serve = commands.add_parser(
        "serve",
        help="run the HTTP server",
        description="Run the sandbox over HTTP. Every flag is also a MOCKPOST_* environment variable "
        "(shown in brackets); flags win.",
    )
    add_setting_arguments(serve)

    from mockpost.scenarios.command import add_arguments as add_run_arguments

    run = commands.add_parser(
        "run",
        help="run YAML scenarios (in-process, or --target a server or a real sandbox)",
        description="Exit code: 0 all passed, 1 a scenario failed, 2 an invalid scenario file.",
    )
    add_run_arguments(run)

    from mockpost.persist.command import add_arguments as add_snapshot_arguments

    snapshot = commands.add_parser(
        "snapshot",
        help="save a running server's state to a file, or load one into it",
        description="Exit code: 0 done, 1 the server refused it, 2 a wrong command line, file or URL.",
    )
    add_snapshot_arguments(snapshot)

    openapi = commands.add_parser("openapi", help="print a provider's (or the control plane's) OpenAPI JSON")
    openapi.add_argument("name", help="provider name, or 'control'")
    openapi.add_argument("--base-url", default="http://127.0.0.1:8000")

    schema = commands.add_parser(
        "schema",
        help="print the JSON Schema of a fixtures, accounts or scenario file (for editors)",
        description="The JSON Schema (draft 2020-12) of a file kind: unknown keys are refused, as "
        "mockpost itself refuses them. Point an editor's YAML support at it for completion and checks.",
    )
    schema.add_argument("kind", choices=["fixtures", "accounts", "scenario"])

    commands.add_parser("version", help="print the version")
    return parser


def fail(message: str) -> int:
    print(f"mockpost: {message}", file=sys.stderr)
    return EXIT_USAGE


def serve(args: argparse.Namespace) -> int:
    import uvicorn

    from mockpost.app import create_app
    from mockpost.configfiles import ConfigError
    from mockpost.logs import configure_logging
    from mockpost.persist.errors import StoreRefused
    from mockpost.server import ListenError, Server

    given = given_fields(args)
    try:
        settings = settings_from(args)
        app = create_app(settings)
    except SettingsError as exc:
        return fail(str(exc))
    except ConfigError as exc:
        return fail(f"{named(exc.setting, given)}: {exc}" if exc.setting else str(exc))
    except StoreRefused as exc:
        return fail(str(exc))
    configure_logging(settings)
    try:
        server = Server(app, settings)
    except ListenError as exc:
        return fail(f"{named(exc.setting, given, getattr(settings, exc.setting))}: {exc}")
    if settings.scenario:
        from mockpost.scenarios.setup import SetupError, load_into_server
        from mockpost.scenarios.yamlsource import ScenarioError

        try:
            load_into_server(app.state.sandbox, settings.scenario, server.base_url)
        except (ScenarioError, SetupError) as exc:
            return fail(f"{named('scenario', given)}: {exc}")
    server.run_forever(uvicorn)
    return 0


def openapi(args: argparse.Namespace) -> int:
    from mockpost.app import create_app

    sandbox = create_app().state.sandbox
    document: dict[str, Any]
    if args.name == "control":
        from mockpost.control.routes import ControlPlane

        document = ControlPlane(sandbox).openapi_document(args.base_url)
    elif args.name in sandbox.providers:
        document = sandbox.providers[args.name].openapi(args.base_url)
    else:
        return fail(f"unknown provider {args.name!r}; known: {', '.join(sorted(sandbox.providers))}, control")
    print(json.dumps(document, indent=2))
    return 0


def schema(args: argparse.Namespace) -> int:
    from mockpost.fileschemas import json_schema
    from mockpost.providers import PROVIDERS

    print(json.dumps(json_schema(args.kind, PROVIDERS), indent=2))
    return 0


def dispatch(parser: argparse.ArgumentParser, args: argparse.Namespace) -> int:
    if args.command == "serve":
        return serve(args)
    if args.command == "run":
        from mockpost.scenarios.command import run_command

        return run_command(args)
    if args.command == "snapshot":
        from mockpost.persist.command import snapshot_command

        return snapshot_command(args)
    if args.command == "version":
        print(__version__)
        return 0
    if args.command == "openapi":
        return openapi(args)
    if args.command == "schema":
        return schema(args)
    parser.print_help()
    return EXIT_USAGE


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        code = dispatch(parser, args)
        sys.stdout.flush()  # a closed pipe shows here rather than at exit
    except BrokenPipeError:
        # `mockpost openapi afosto | head`: the reader left. Point stdout at /dev/null so that the
        # interpreter's own flush at exit does not fail again, and say so in one line.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return fail("the output was closed before everything was written (broken pipe)")
    except KeyboardInterrupt:
        return 130
    return code
